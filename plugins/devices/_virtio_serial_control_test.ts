import assert from "node:assert/strict";
import { ControlEvent, decodeControl, encodeControl } from "./_virtio_serial_control.ts";

Deno.test("struct virtio_console_control is le32 id, le16 event, le16 value (§5.3.6.2)", () => {
  const bytes = encodeControl(
    { id: 0x01020304, event: ControlEvent.PORT_NAME, value: 1 },
    Uint8Array.of(0x61, 0),
  );
  assert.deepEqual([...bytes], [4, 3, 2, 1, 7, 0, 1, 0, 0x61, 0]);
  assert.deepEqual(decodeControl(bytes), { id: 0x01020304, event: 7, value: 1 });
  // QEMU ignores a message shorter than the header.
  assert.equal(decodeControl(bytes.subarray(0, 7)), undefined);
});

Deno.test("ControlEvent numbers the events as §5.3.6.2 and Linux's virtio_console.h", () => {
  assert.deepEqual(Object.values(ControlEvent), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(ControlEvent.PORT_OPEN, 6);
});

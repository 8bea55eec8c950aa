import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { RecordingControl } from "../machine_control.ts";
import { debugExitStatus, IsaDebugExit } from "./isa_debug_exit.ts";

function rig(options: { iobase?: number; iosize?: number } = {}) {
  const io = new RangeBus("io", 0x10000);
  const control = new RecordingControl();
  new IsaDebugExit({ control, ...options }).register(io);
  return { io, control, statuses: () => control.exits.map((e) => e.status) };
}

Deno.test("isa-debug-exit status is (value << 1) | 1 for bytes, words and dwords", () => {
  const { io, statuses } = rig({ iobase: 0xf4, iosize: 4 });
  io.write(0xf4, 1, 0x00);
  io.write(0xf4, 1, 0x10);
  io.write(0xf4, 1, 0xff);
  io.write(0xf4, 2, 0x1234);
  io.write(0xf4, 4, 0x00000031);
  io.write(0xf4, 4, 0x7fffffff);
  io.write(0xf4, 4, 0xffffffff);
  assert.deepEqual(statuses(), [
    0x01,
    0x21,
    0x1ff,
    0x2469,
    0x63,
    0xffffffff,
    0xffffffff,
  ]);
  // What the host shell sees is the low byte: 0x10 → 33, 0x31 → 99 (0x63).
  assert.equal(debugExitStatus(0x10) & 0xff, 33);
});

Deno.test("isa-debug-exit defaults to ports 0x501-0x502 and every port in range exits", () => {
  const { io, statuses } = rig();
  io.write(0x500, 1, 1);
  io.write(0x501, 1, 1);
  io.write(0x502, 1, 2);
  io.write(0x503, 1, 3);
  assert.deepEqual(statuses(), [3, 5]);
});

Deno.test("isa-debug-exit reads as an unassigned port: all-ones of the access width", () => {
  const { io, control } = rig({ iobase: 0xf4, iosize: 4 });
  assert.equal(io.read(0xf4, 1), 0xff);
  assert.equal(io.read(0xf4, 2), 0xffff);
  assert.equal(io.read(0xf4, 4), 0xffffffff);
  assert.equal(control.exits.length, 0, "reads never exit");
});

Deno.test("isa-debug-exit refuses a port range outside the I/O space", () => {
  const control = new RecordingControl();
  assert.throws(() => new IsaDebugExit({ control, iobase: 0x10000 }), /iobase must be/);
  assert.throws(() => new IsaDebugExit({ control, iobase: 0xffff, iosize: 2 }), /iosize must be/);
  assert.throws(() => new IsaDebugExit({ control, iosize: 0 }), /iosize must be/);
});

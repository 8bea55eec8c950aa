import assert from "node:assert/strict";
import { MULTIBOOT_HEADER_SIZE, MULTIBOOT_MAGIC, multibootImage } from "./multiboot_image.ts";

Deno.test("the Multiboot header sums to zero and enters right after itself (§3.1.2, §3.1.3)", () => {
  const code = new Uint8Array([0xf4]);
  const image = multibootImage(code, { loadAddress: 0x200000 });
  const view = new DataView(image.buffer);
  const field = (i: number) => view.getUint32(4 * i, true);
  assert.equal(field(0), MULTIBOOT_MAGIC);
  assert.equal((field(0) + field(1) + field(2)) >>> 0, 0);
  assert.equal(field(1) & 0x10000, 0x10000, "a.out kludge: address fields valid");
  assert.deepEqual([field(3), field(4), field(5), field(6)], [0x200000, 0x200000, 0, 0]);
  assert.equal(field(7), 0x200000 + MULTIBOOT_HEADER_SIZE);
  assert.deepEqual([...image.subarray(MULTIBOOT_HEADER_SIZE)], [0xf4]);
});

Deno.test("multibootImage refuses load addresses below 1 MiB or unaligned", () => {
  assert.throws(() => multibootImage(new Uint8Array(1), { loadAddress: 0x1000 }), RangeError);
  assert.throws(() => multibootImage(new Uint8Array(1), { loadAddress: 0x100002 }), RangeError);
});

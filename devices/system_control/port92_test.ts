import assert from "node:assert/strict";
import { board } from "./_test_rig.ts";

Deno.test("port 0x92 bit 1 gates A20 and reads back the A20 line", () => {
  const { inb, outb, a20 } = board();
  assert.equal(inb(0x92), 0x02, "A20 starts enabled");
  outb(0x92, 0x00);
  assert.equal(a20.enabled, false);
  assert.equal(a20.addressMask, 0xffefffff);
  assert.equal(inb(0x92), 0x00);
  outb(0x64, 0xdf); // the i8042 turns it back on: port 0x92 shows the line
  assert.equal(inb(0x92), 0x02);
});

Deno.test("port 0x92 resets on a 0→1 transition of bit 0 only, until reset() clears it", () => {
  const { inb, outb, control, port92 } = board();
  outb(0x92, 0x03);
  assert.deepEqual(control.resets, ["port 0x92 fast reset"]);
  outb(0x92, 0x03);
  assert.equal(control.resets.length, 1, "bit 0 still set: no new edge");
  assert.equal(inb(0x92), 0x03);
  port92.reset();
  assert.equal(inb(0x92), 0x02);
  outb(0x92, inb(0x92) | 1);
  assert.equal(control.resets.length, 2);
});

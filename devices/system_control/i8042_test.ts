import assert from "node:assert/strict";
import { board } from "./_test_rig.ts";

Deno.test("i8042 self-test 0xAA answers 0x55 and sets the system flag; 0xAB answers 0x00", () => {
  const { inb, query } = board();
  assert.equal(inb(0x64) & 0x04, 0);
  assert.equal(query(0xaa), 0x55);
  assert.equal(inb(0x64) & 0x04, 0x04);
  assert.equal(query(0xab), 0x00);
  assert.equal(query(0xa9), 0x00);
});

Deno.test("i8042 status: OBF follows the output buffer and CMD the last port written", () => {
  const { inb, outb } = board();
  assert.equal(inb(0x64), 0x18, "power-on: CMD | UNLOCKED");
  outb(0x64, 0x20);
  assert.equal(inb(0x64), 0x19);
  inb(0x60);
  assert.equal(inb(0x64) & 0x01, 0);
  outb(0x60, 0xf4);
  assert.equal(inb(0x64) & 0x08, 0, "a data write clears CMD");
});

Deno.test("i8042 command byte round-trips through 0x60 / 0x20 and drives the SYS flag", () => {
  const { inb, outb, query, kbc } = board();
  assert.equal(query(0x20), 0x03);
  outb(0x64, 0x60);
  outb(0x60, 0x65);
  assert.equal(query(0x20), 0x65);
  assert.equal(kbc.commandByte, 0x65);
  assert.equal(inb(0x64) & 0x04, 0x04);
  assert.equal(kbc.keyboard.translated, true);
});

Deno.test("i8042 0xAD/0xAE and 0xA7/0xA8 toggle the interface-disable bits", () => {
  const { outb, query } = board();
  outb(0x64, 0xad);
  outb(0x64, 0xa7);
  assert.equal(query(0x20), 0x33);
  outb(0x64, 0xae);
  outb(0x64, 0xa8);
  assert.equal(query(0x20), 0x03);
});

Deno.test("i8042 output port: 0xD0 reads A20, 0xD1 writes it, 0xDD/0xDF turn it off and on", () => {
  const { outb, query, a20, a20Changes } = board();
  assert.equal(query(0xd0) & 0x03, 0x03);
  outb(0x64, 0xd1);
  outb(0x60, 0xcd); // bit 1 clear: A20 off, bit 0 set: no reset
  assert.equal(a20.enabled, false);
  assert.equal(query(0xd0) & 0x03, 0x01);
  outb(0x64, 0xdf);
  assert.equal(a20.enabled, true);
  outb(0x64, 0xdd);
  assert.equal(a20.enabled, false);
  assert.deepEqual(a20Changes, [false, true, false]);
});

Deno.test("i8042 0xFE and an output port write with bit 0 clear request a reset; 0xFF does not", () => {
  const { outb, control } = board();
  outb(0x64, 0xff);
  assert.equal(control.resets.length, 0);
  outb(0x64, 0xfe);
  assert.equal(control.resets.length, 1);
  outb(0x64, 0xf0); // pulses bits 3-0, bit 0 included
  assert.equal(control.resets.length, 2);
  outb(0x64, 0xd1);
  outb(0x60, 0x02);
  assert.equal(control.resets.length, 3);
});

Deno.test("keyboard reset 0xFF answers ACK then BAT 0xAA, one IRQ1 edge per byte", () => {
  const { inb, outb, levels } = board();
  outb(0x60, 0xff);
  assert.equal(levels.get(1), true);
  assert.equal(inb(0x60), 0xfa);
  assert.equal(levels.get(1), true, "the next byte is loaded at once");
  assert.equal(inb(0x60), 0xaa);
  assert.equal(levels.get(1), false);
  assert.equal(inb(0x64) & 0x01, 0);
  assert.equal(inb(0x60), 0xaa, "an empty buffer still reads the last byte");
});

Deno.test("keyboard identify 0xF2 reports an MF2 keyboard, 0x41 when translating", () => {
  const { inb, outb } = board();
  outb(0x60, 0xf2);
  assert.deepEqual([inb(0x60), inb(0x60), inb(0x60)], [0xfa, 0xab, 0x83]);
  outb(0x64, 0x60);
  outb(0x60, 0x43);
  outb(0x60, 0xf2);
  assert.deepEqual([inb(0x60), inb(0x60), inb(0x60)], [0xfa, 0xab, 0x41]);
});

Deno.test("keyboard 0xED takes the LED byte as argument; 0xF4/0xF5 toggle scanning", () => {
  const { inb, outb, kbc } = board();
  outb(0x60, 0xed);
  assert.equal(inb(0x60), 0xfa);
  outb(0x60, 0x05);
  assert.equal(inb(0x60), 0xfa);
  assert.equal(kbc.keyboard.leds, 0x05);
  outb(0x60, 0xf5);
  assert.equal(inb(0x60), 0xfa);
  assert.equal(kbc.keyboard.scanning, false);
  outb(0x60, 0xf4);
  assert.equal(inb(0x60), 0xfa);
  assert.equal(kbc.keyboard.scanning, true);
});

Deno.test("keyboard answers an unknown command with RESEND 0xFE", () => {
  const { inb, outb } = board();
  outb(0x60, 0x42);
  assert.equal(inb(0x60), 0xfe);
});

Deno.test("i8042 raises IRQ1 only when the command byte enables it", () => {
  const { inb, outb, levels } = board();
  outb(0x64, 0x60);
  outb(0x60, 0x00); // interrupts off
  outb(0x60, 0xee);
  assert.equal(levels.get(1), false);
  assert.equal(inb(0x64) & 0x01, 0x01);
  outb(0x64, 0x60);
  outb(0x60, 0x01);
  assert.equal(levels.get(1), true, "enabling IRQ1 with a byte waiting raises it");
  assert.equal(inb(0x60), 0xee);
  assert.equal(levels.get(1), false);
});

Deno.test("i8042 holds keyboard bytes while the keyboard interface is disabled (0xAD)", () => {
  const { inb, outb, levels, kbc } = board();
  outb(0x64, 0xad);
  kbc.keyboard.write(0xee); // the keyboard has a byte to send; its clock line is held
  assert.equal(inb(0x64) & 0x01, 0);
  assert.equal(levels.get(1), false);
  outb(0x64, 0xae);
  assert.equal(inb(0x64) & 0x01, 0x01);
  assert.equal(levels.get(1), true);
  assert.equal(inb(0x60), 0xee);
});

Deno.test("i8042 data write to the keyboard re-enables a disabled keyboard interface", () => {
  const { inb, outb, query } = board();
  outb(0x64, 0xad);
  outb(0x60, 0xee);
  assert.equal(inb(0x60), 0xee);
  assert.equal(query(0x20) & 0x10, 0);
});

Deno.test("i8042 0xD3 echoes a byte as aux data with IRQ12; 0xD4 to the absent mouse times out", () => {
  const { inb, outb, levels } = board();
  outb(0x64, 0xd3);
  outb(0x60, 0x5a);
  assert.equal(inb(0x64) & 0x21, 0x21);
  assert.equal(levels.get(12), true);
  assert.equal(levels.get(1), false);
  assert.equal(inb(0x60), 0x5a);
  assert.equal(levels.get(12), false);
  outb(0x64, 0xd4);
  outb(0x60, 0xff);
  assert.equal(inb(0x64) & 0x61, 0x61, "aux data with the time-out bit");
  assert.equal(inb(0x60), 0xfe);
  assert.equal(inb(0x64) & 0x40, 0);
});

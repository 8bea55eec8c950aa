import assert from "node:assert/strict";
import { PhysicalMemory } from "../memory/mod.ts";
import { BASE_MEMORY_KIB, EBDA_BASE, writeBiosDataArea } from "./bios_data_area.ts";
import { e820Map } from "./boot_state.ts";

const fresh = () => new PhysicalMemory({ ramSize: 2 << 20 });

Deno.test("writeBiosDataArea lists COM1-COM4 bases at 0x400 and counts them in equipment word bits 11:9", () => {
  const mem = fresh();
  writeBiosDataArea(mem, { serialPorts: [0x3f8, 0x2f8] });
  assert.deepEqual([0, 1, 2, 3].map((i) => mem.read16(0x400 + 2 * i)), [0x3f8, 0x2f8, 0, 0]);
  const equipment = mem.read16(0x410);
  assert.equal((equipment >> 9) & 7, 2);
  assert.equal(equipment & 2, 2, "x87 present");
  assert.equal(equipment & 1, 0, "no floppy drive");

  writeBiosDataArea(mem, { serialPorts: [0x3f8, 0x2f8, 0x3e8, 0x2e8] });
  assert.deepEqual([0, 1, 2, 3].map((i) => mem.read16(0x400 + 2 * i)), [
    0x3f8,
    0x2f8,
    0x3e8,
    0x2e8,
  ]);
  assert.equal((mem.read16(0x410) >> 9) & 7, 4);
});

Deno.test("base memory is 639 KiB and the EBDA segment 0x9FC0 names a 1 KiB EBDA that says so", () => {
  const mem = fresh();
  writeBiosDataArea(mem, { serialPorts: [] });
  assert.equal(mem.read16(0x413), 639);
  assert.equal(mem.read16(0x40e), 0x9fc0);
  // Linux get_bios_ebda(): the segment at 0x40E shifted left by 4.
  const ebda = mem.read16(0x40e) << 4;
  assert.equal(ebda, EBDA_BASE);
  assert.equal(mem.read16(ebda), 1, "EBDA size in KiB");
  assert.equal(ebda + mem.read16(ebda) * 1024, 0xa0000, "the EBDA ends where base memory does");
  assert.equal(mem.read16(0x410) >> 9 & 7, 0, "no serial ports");
});

Deno.test("the BIOS data area agrees with the E820 map: base RAM ends and the reserved EBDA begins at 0x9FC00", () => {
  const [low, reserved] = e820Map(2 << 20);
  assert.equal(BASE_MEMORY_KIB * 1024, low.addr + low.size);
  assert.equal(reserved.addr, EBDA_BASE);
  assert.equal(reserved.size, 1024);
});

Deno.test("writeBiosDataArea clears stale BDA and EBDA bytes but leaves the boot GDT at 0x500 alone", () => {
  const mem = fresh();
  mem.writeBytes(0x400, new Uint8Array(0x100).fill(0xaa));
  mem.writeBytes(0x9fc00, new Uint8Array(0x400).fill(0xbb));
  mem.write32(0x500, 0x12345678);
  writeBiosDataArea(mem, { serialPorts: [0x3f8] });
  assert.equal(mem.read16(0x402), 0, "COM2 absent");
  assert.equal(mem.read8(0x46c), 0, "timer tick count");
  assert.equal(mem.read8(0x9fc02), 0);
  assert.equal(mem.read8(0x9ffff), 0);
  assert.equal(mem.read32(0x500), 0x12345678);
});

Deno.test("writeBiosDataArea refuses more than four serial ports or a bad port base", () => {
  const mem = fresh();
  assert.throws(
    () => writeBiosDataArea(mem, { serialPorts: [0x3f8, 0x2f8, 0x3e8, 0x2e8, 0x2f0] }),
    /at most 4/,
  );
  assert.throws(() => writeBiosDataArea(mem, { serialPorts: [0] }), /not an I\/O port/);
  assert.throws(() => writeBiosDataArea(mem, { serialPorts: [0x10000] }), /not an I\/O port/);
});

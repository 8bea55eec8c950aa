import assert from "node:assert/strict";
import { PhysicalMemory } from "./physical_memory.ts";

Deno.test("RAM is the shared memory at offset 0: guest-physical address == offset", () => {
  const m = new PhysicalMemory({ ramSize: 2 << 20 });
  m.write32(0x1234, 0xdeadbeef);
  assert.equal(m.view.getUint32(0x1234, true), 0xdeadbeef);
  assert.ok(m.memory.buffer instanceof SharedArrayBuffer);
});

Deno.test("the VGA window 640 KiB..768 KiB is not RAM: reads all-ones, writes go nowhere", () => {
  const m = new PhysicalMemory({ ramSize: 2 << 20 });
  m.write8(0xa0000, 0x12);
  assert.equal(m.read8(0xa0000), 0xff);
  assert.equal(m.read32(0xbfffc), 0xffffffff);
  assert.equal(m.read8(0x9ffff), 0);
  assert.equal(m.read8(0xc0000), 0);
});

Deno.test("addresses above RAM go to the MMIO bus", () => {
  const m = new PhysicalMemory({ ramSize: 2 << 20 });
  assert.equal(m.read32(0x300000), 0xffffffff);
  let seen = 0;
  m.mmio.register(0xfec00000, 0x20, {
    name: "dev",
    read: () => 0x11,
    write: (_o, _s, v) => void (seen = v),
  });
  m.write32(0xfec00010, 7);
  assert.equal(seen, 7);
  assert.equal(m.read32(0xfec00000), 0x11);
});

Deno.test("a ROM mapped at the top of 4 GiB is readable and ignores writes", () => {
  const m = new PhysicalMemory({ ramSize: 2 << 20, romSpace: 0x10000 });
  const rom = new Uint8Array(0x10000).map((_, i) => i & 0xff);
  m.mapRom(2 ** 32 - rom.length, rom);
  assert.equal(m.read8(0xfffffff0), 0xf0);
  m.write8(0xfffffff0, 0);
  assert.equal(m.read8(0xfffffff0), 0xf0);
});

Deno.test("accesses crossing a page boundary are split correctly", () => {
  const m = new PhysicalMemory({ ramSize: 2 << 20 });
  m.write32(0x1ffe, 0x44332211);
  assert.equal(m.read8(0x1ffe), 0x11);
  assert.equal(m.read8(0x2001), 0x44);
  assert.equal(m.read32(0x1ffe), 0x44332211);
});

Deno.test("bad RAM sizes are refused with a clear error", () => {
  assert.throws(() => new PhysicalMemory({ ramSize: 1000 }), /whole number of pages/);
  assert.throws(() => new PhysicalMemory({ ramSize: 4096 * 1024 * 1024 }), /exceeds/);
});

import assert from "node:assert/strict";
import { rtcRig } from "./_test_rig.ts";

Deno.test("port 0x70 selects the CMOS byte and its bit 7 masks NMI", () => {
  const r = rtcRig();
  assert.equal(r.rtc.nmiMasked, false);
  r.io.write(0x70, 1, 0x8f);
  assert.equal(r.rtc.nmiMasked, true);
  r.io.write(0x71, 1, 0x5a);
  r.io.write(0x70, 1, 0x0f);
  assert.equal(r.rtc.nmiMasked, false);
  assert.equal(r.io.read(0x71, 1), 0x5a, "index 0x0f written with NMI masked");
  assert.equal(r.io.read(0x70, 1), 0xff, "the index port is write-only");
});

Deno.test("all 128 CMOS bytes past the clock registers keep what is written", () => {
  const r = rtcRig();
  for (let i = 0x0e; i < 0x80; i++) if (i !== 0x32) r.write(i, (i * 7) & 0xff);
  for (let i = 0x0e; i < 0x80; i++) if (i !== 0x32) assert.equal(r.rtc.getByte(i), (i * 7) & 0xff);
  r.rtc.setByte(0x7f, 0xa5);
  assert.equal(r.read(0x7f), 0xa5);
});

Deno.test("registers C and D ignore writes; D always reads VRT", () => {
  const r = rtcRig();
  r.write(0x0d, 0x00);
  r.write(0x0c, 0xff);
  assert.equal(r.read(0x0d), 0x80);
  assert.equal(r.read(0x0c), 0x00);
  r.write(0x0a, 0xff);
  assert.equal(r.read(0x0a), 0x7f, "UIP is read-only");
});

Deno.test("setMemorySize writes the memory bytes as QEMU's pc board does", () => {
  const r = rtcRig();
  r.rtc.setMemorySize(128 << 20);
  const at = (...idx: number[]) => idx.map((i) => r.rtc.getByte(i));
  assert.deepEqual(at(0x15, 0x16), [0x80, 0x02], "640 KiB base memory");
  assert.deepEqual(at(0x17, 0x18, 0x30, 0x31), [0xff, 0xff, 0xff, 0xff], "capped at 65535 KiB");
  assert.deepEqual(at(0x34, 0x35), [0x00, 0x07], "112 MiB above 16 MiB = 0x700 × 64 KiB");
  assert.deepEqual(at(0x5b, 0x5c, 0x5d), [0, 0, 0]);
  r.rtc.setMemorySize(8 << 20);
  assert.deepEqual(at(0x17, 0x18, 0x34, 0x35), [0x00, 0x1c, 0, 0], "7168 KiB extended");
  r.rtc.setMemorySize(0x1_0000_0000 + (64 << 20)); // past the PCI hole: the rest goes above 4 GiB
  assert.deepEqual(at(0x34, 0x35), [0x00, 0xdf], "3.5 GiB - 16 MiB");
  assert.deepEqual(at(0x5b, 0x5c, 0x5d), [0x00, 0x24, 0x00], "576 MiB above 4 GiB");
});

Deno.test("the checksum at 0x2E-0x2F is the sum of bytes 0x10-0x2D, high byte first", () => {
  const r = rtcRig();
  r.rtc.setMemorySize(128 << 20);
  assert.deepEqual([r.read(0x2e), r.read(0x2f)], [0x02, 0x80], "0x80 + 0x02 + 0xff + 0xff");
  r.rtc.setByte(0x10, 0x40); // a floppy type, as firmware would add
  r.rtc.updateChecksum();
  assert.deepEqual([r.read(0x2e), r.read(0x2f)], [0x02, 0xc0]);
});

Deno.test("setByte and getByte refuse indices and values that are not CMOS bytes", () => {
  const r = rtcRig();
  assert.throws(() => r.rtc.setByte(0x80, 0), RangeError);
  assert.throws(() => r.rtc.setByte(0x20, 0x100), RangeError);
  assert.throws(() => r.rtc.getByte(-1), RangeError);
  assert.throws(() => r.rtc.setMemorySize(-1), RangeError);
});

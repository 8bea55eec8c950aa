import assert from "node:assert/strict";
import { FW_CFG_FILE_FIRST, FW_CFG_ID, FW_CFG_RAM_SIZE, FW_CFG_SIGNATURE } from "./keys.ts";
import { le64 } from "./encode.ts";
import { leValue, readItem, rig } from "./_test_rig.ts";

const SEL = 0x510, DATA = 0x511;

Deno.test("outw 0x510 then inb 0x511 reads the signature QEMU byte by byte", () => {
  const { io } = rig();
  assert.equal(new TextDecoder().decode(readItem(io, FW_CFG_SIGNATURE, 4)), "QEMU");
});

Deno.test("the ID item has bit 1 (DMA) only when the device has guest memory", () => {
  assert.equal(leValue(readItem(rig().io, FW_CFG_ID, 4)), 3);
  const { io } = rig({ dma: false });
  assert.equal(leValue(readItem(io, FW_CFG_ID, 4)), 1);
  assert.equal(io.read(0x514, 1), 0xff, "no DMA port without memory");
});

Deno.test("a 64-bit RAM size item reads back little-endian through the data port", () => {
  const { io, fwCfg } = rig();
  fwCfg.addItem(FW_CFG_RAM_SIZE, le64(0x1_2345_6000));
  assert.equal(leValue(readItem(io, FW_CFG_RAM_SIZE, 8)), 0x1_2345_6000);
});

Deno.test("reads past the end of an item return 0 and selecting again rewinds", () => {
  const { io } = rig();
  assert.deepEqual([...readItem(io, FW_CFG_SIGNATURE, 6)], [0x51, 0x45, 0x4d, 0x55, 0, 0]);
  assert.equal(io.read(DATA, 1), 0);
  io.write(SEL, 2, FW_CFG_SIGNATURE);
  assert.equal(io.read(DATA, 1), 0x51);
});

Deno.test("port access widths follow QEMU's combined selector/data region", () => {
  const { io, fwCfg } = rig();
  io.write(SEL, 2, FW_CFG_ID);
  assert.equal(io.read(SEL, 1), 3, "a byte read at 0x510 is a data read too");
  io.write(SEL, 2, FW_CFG_SIGNATURE);
  assert.equal(io.read(SEL, 2), 0, "16-bit reads are invalid and read 0");
  assert.equal(io.read(DATA, 1), 0x51, "and do not advance the offset");
  io.write(SEL, 1, FW_CFG_ID);
  io.write(DATA, 1, FW_CFG_ID);
  assert.equal(fwCfg.selected, FW_CFG_SIGNATURE, "byte writes are the removed data write");
  assert.equal(io.read(DATA, 1), 0x45, "and leave the offset alone");
  io.write(SEL, 4, FW_CFG_ID);
  assert.equal(fwCfg.selected, FW_CFG_SIGNATURE, "a dword at the 2-byte region does not select");
});

Deno.test("a selector past the last entry selects nothing and reads zeros", () => {
  const { io, fwCfg } = rig();
  for (const key of [FW_CFG_FILE_FIRST + 0x20, 0x3fff, 0xffff, 0x1234]) {
    assert.deepEqual([...readItem(io, key, 3)], [0, 0, 0], key.toString(16));
    assert.equal(fwCfg.selected, -1);
  }
  assert.deepEqual([...readItem(io, FW_CFG_SIGNATURE | 0x4000, 1)], [0x51], "write bit ignored");
  assert.deepEqual([...readItem(io, 0x18, 2)], [0, 0], "an empty known key reads zeros");
  assert.equal(fwCfg.selected, 0x18);
});

Deno.test("reset selects the signature again", () => {
  const { io, fwCfg } = rig();
  readItem(io, FW_CFG_ID, 2);
  fwCfg.reset();
  assert.equal(fwCfg.selected, FW_CFG_SIGNATURE);
  assert.equal(io.read(DATA, 1), 0x51);
});

Deno.test("arch-local items are kept apart from generic ones", () => {
  const { io, fwCfg } = rig();
  fwCfg.addItem(0x8002, new Uint8Array([7]));
  assert.deepEqual([...readItem(io, 0x8002, 1)], [7]);
  assert.deepEqual([...readItem(io, 0x0002, 1)], [0]);
});

Deno.test("bad items and files are configuration errors", () => {
  const { fwCfg } = rig();
  assert.throws(() => fwCfg.addItem(FW_CFG_SIGNATURE, new Uint8Array(1)), /already exists/);
  assert.throws(() => fwCfg.addItem(0x19, new Uint8Array(1)), /file directory/);
  assert.throws(() => fwCfg.addItem(0x20, new Uint8Array(1)), /file directory/);
  assert.throws(() => fwCfg.addItem(0x4003, new Uint8Array(1)), /not an item key/);
  assert.throws(() => fwCfg.addItem(0x10000, new Uint8Array(1)), /not an item key/);
  assert.throws(() => fwCfg.addItem(0x8040, new Uint8Array(1)), /past the last entry/);
  assert.throws(() => fwCfg.addFile("", new Uint8Array(1)), /1 to 55 bytes/);
  assert.throws(() => fwCfg.addFile("x".repeat(56), new Uint8Array(1)), /1 to 55 bytes/);
  fwCfg.addFile("x".repeat(55), new Uint8Array(1));
  assert.throws(() => fwCfg.addFile("x".repeat(55), new Uint8Array(1)), /duplicate/);
  for (let i = 1; i < 0x20; i++) fwCfg.addFile(`f${i}`, new Uint8Array(0));
  assert.throws(() => fwCfg.addFile("one-too-many", new Uint8Array(0)), /no free file slot/);
  assert.throws(() => rig({ fileSlots: 8 }), /file slots/);
});

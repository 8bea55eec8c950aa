import assert from "node:assert/strict";
import { E820_RAM, E820_RESERVED } from "../firmware/boot_state.ts";
import { encodeE820 } from "./encode.ts";
import { FW_CFG_FILE_DIR } from "./keys.ts";
import { readDirectory, readFile, readItem, rig } from "./_test_rig.ts";

Deno.test("the file directory lists files sorted by name with keys from 0x20", () => {
  const { io, fwCfg } = rig();
  fwCfg.addFile("etc/e820", new Uint8Array(40));
  fwCfg.addFile("bootorder", new Uint8Array(0));
  fwCfg.addFile("etc/boot-fail-wait", new Uint8Array(4));
  fwCfg.addFile("Zeta", new Uint8Array(3)); // uppercase sorts first, as strcmp does
  assert.deepEqual(readDirectory(io), [
    { size: 3, select: 0x20, reserved: 0, name: "Zeta" },
    { size: 0, select: 0x21, reserved: 0, name: "bootorder" },
    { size: 4, select: 0x22, reserved: 0, name: "etc/boot-fail-wait" },
    { size: 40, select: 0x23, reserved: 0, name: "etc/e820" },
  ]);
  assert.equal(fwCfg.items.fileKey("etc/e820"), 0x23);
  assert.equal(fwCfg.items.fileKey("missing"), undefined);
});

Deno.test("the directory has QEMU's fixed size: a count and one entry per slot", () => {
  const { io, fwCfg } = rig();
  assert.deepEqual([...readItem(io, FW_CFG_FILE_DIR, 4)], [0, 0, 0, 0], "absent until a file");
  fwCfg.addFile("a", new Uint8Array([1, 2]));
  const dir = readItem(io, FW_CFG_FILE_DIR, 4 + 64 * 0x20 + 1);
  assert.deepEqual([...dir.subarray(0, 4)], [0, 0, 0, 1], "big-endian count");
  assert.deepEqual([...dir.subarray(4, 13)], [0, 0, 0, 2, 0, 0x20, 0, 0, 0x61]);
  assert.ok(dir.subarray(13).every((b) => b === 0), "names NUL-padded, other slots zero");
});

Deno.test("a file added later shifts the keys of files that sort after it", () => {
  const { io, fwCfg } = rig();
  fwCfg.addFile("b", new Uint8Array([0xbb]));
  assert.deepEqual([...readItem(io, 0x20, 1)], [0xbb]);
  fwCfg.addFile("a", new Uint8Array([0xaa]));
  assert.deepEqual([...readItem(io, 0x20, 1)], [0xaa]);
  assert.deepEqual([...readItem(io, 0x21, 1)], [0xbb]);
  assert.deepEqual(readDirectory(io).map((e) => [e.name, e.select]), [["a", 0x20], ["b", 0x21]]);
});

Deno.test("etc/e820 holds packed little-endian address, length and type entries", () => {
  const { io, fwCfg } = rig();
  fwCfg.addFile(
    "etc/e820",
    encodeE820([
      { addr: 0, size: 0x9fc00, type: E820_RAM },
      { addr: 0xfffc0000, size: 0x40000, type: E820_RESERVED },
      { addr: 0x1_0000_0000, size: 0x2_0000_0000, type: E820_RAM },
    ]),
  );
  const bytes = readFile(io, "etc/e820")!;
  assert.equal(bytes.length, 60);
  const dv = new DataView(bytes.buffer);
  const entries = [0, 1, 2].map((i) => [
    Number(dv.getBigUint64(i * 20, true)),
    Number(dv.getBigUint64(i * 20 + 8, true)),
    dv.getUint32(i * 20 + 16, true),
  ]);
  assert.deepEqual(entries, [
    [0, 0x9fc00, 1],
    [0xfffc0000, 0x40000, 2],
    [0x1_0000_0000, 0x2_0000_0000, 1],
  ]);
});

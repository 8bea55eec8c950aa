import assert from "node:assert/strict";
import { buildElf32, elf32HeaderSize, PF_R, PF_W, PF_X } from "./elf32.ts";

/** `mov eax, 1; mov ebx, 42; int 0x80` — exit(42) through the i386 system call gate. */
const EXIT_42 = [0xb8, 1, 0, 0, 0, 0xbb, 42, 0, 0, 0, 0xcd, 0x80];

function exitImage(): Uint8Array {
  const hs = elf32HeaderSize(2);
  const text = new Uint8Array(hs + EXIT_42.length);
  text.set(EXIT_42, hs);
  return buildElf32([
    { vaddr: 0x08048000, data: text, flags: PF_R | PF_X },
    { vaddr: 0x20000000, data: new Uint8Array(0), memSize: 0x2000, flags: PF_R | PF_W },
  ], 0x08048000 + hs);
}

Deno.test("buildElf32 writes an ELF32 i386 ET_EXEC header with one PT_LOAD per segment", () => {
  const img = exitImage();
  const v = new DataView(img.buffer);
  assert.deepEqual([...img.subarray(0, 7)], [0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  assert.equal(v.getUint16(16, true), 2); // ET_EXEC
  assert.equal(v.getUint16(18, true), 3); // EM_386
  assert.equal(v.getUint32(24, true), 0x08048000 + elf32HeaderSize(2));
  assert.equal(v.getUint16(44, true), 2);
  const ph2 = 52 + 32;
  assert.equal(v.getUint32(ph2, true), 1); // PT_LOAD
  assert.equal(v.getUint32(ph2 + 8, true), 0x20000000);
  assert.equal(v.getUint32(ph2 + 16, true), 0); // p_filesz: pure .bss-like segment
  assert.equal(v.getUint32(ph2 + 20, true), 0x2000);
  assert.equal(v.getUint32(ph2 + 24, true), PF_R | PF_W);
});

Deno.test("buildElf32 refuses unaligned segments and a first segment without header room", () => {
  assert.throws(
    () => buildElf32([{ vaddr: 0x1001, data: new Uint8Array(200), flags: PF_R }], 0),
    /page-aligned/,
  );
  assert.throws(
    () => buildElf32([{ vaddr: 0x1000, data: new Uint8Array(10), flags: PF_R }], 0),
    /headers/,
  );
});

Deno.test("a built exit(42) executable runs natively on this host and exits with 42", async () => {
  const path = await Deno.makeTempFile({ prefix: "elf32-test-" });
  try {
    await Deno.writeFile(path, exitImage(), { mode: 0o755 });
    await Deno.chmod(path, 0o755);
    const out = await new Deno.Command(path, { stdout: "null", stderr: "null" }).output();
    assert.equal(out.signal, null);
    assert.equal(out.code, 42);
  } finally {
    await Deno.remove(path);
  }
});

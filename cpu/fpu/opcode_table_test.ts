import assert from "node:assert/strict";
import { lookup } from "./opcode_table.ts";

Deno.test("the opcode map decodes every defined x87 form and leaves reserved ones undefined", () => {
  let memory = 0;
  let register = 0;
  for (let opcode = 0xd8; opcode <= 0xdf; opcode++) {
    for (let reg = 0; reg < 8; reg++) if (lookup(opcode, reg << 3)) memory++;
    for (let modrm = 0xc0; modrm <= 0xff; modrm++) if (lookup(opcode, modrm)) register++;
  }
  // 64 memory forms minus D9 /1, DB /4 /6, DD /5 (DB, DD, DF /1 are SSE3's FISTTP).
  assert.equal(memory, 60);
  // D8 64, D9 8+8+1+8+27, DA 32+1, DB 32+5+16, DC 64, DD 48, DE 56+1, DF 32+1+16.
  assert.equal(register, 64 + 52 + 33 + 53 + 64 + 48 + 57 + 49);
  assert.equal(lookup(0xd7, 0xc0), undefined);
});

Deno.test("the map names forms by encoding, undocumented aliases included", () => {
  const name = (opcode: number, modrm: number) => lookup(opcode, modrm)?.mnemonic;
  assert.equal(name(0xdc, 0xe9), "fsub st(1)"); // DC E8+i: ST(i) ← ST(i) − ST(0)
  assert.equal(name(0xdc, 0xe1), "fsubr st(1)");
  assert.equal(name(0xde, 0xd9), "fcompp");
  assert.equal(name(0xd9, 0xda), "fstp1 st(2)");
  assert.equal(name(0xdf, 0xc3), "ffreep st(3)");
  assert.equal(name(0xdd, 0xcc), "fxch4 st(4)");
  assert.equal(name(0xdf, 0xe0), "fnstsw ax");
  assert.equal(name(0xd9, 0xe5), "fxam");
});

Deno.test("only the FN* forms skip the pending-exception check, and control forms keep pointers", () => {
  const noWait: string[] = [];
  const control: string[] = [];
  for (let opcode = 0xd8; opcode <= 0xdf; opcode++) {
    for (let modrm = 0; modrm <= 0xff; modrm++) {
      const op = lookup(opcode, modrm);
      if (!op || (modrm < 0xc0 && (modrm & 0xc7) !== 0)) continue;
      if (op.noWait) noWait.push(op.mnemonic);
      if (op.control) control.push(op.mnemonic);
    }
  }
  assert.deepEqual(noWait.sort(), [
    "fnclex",
    "fndisi",
    "fneni",
    "fninit",
    "fnsave",
    "fnsetpm",
    "fnstcw",
    "fnstenv",
    "fnstsw ax",
    "fnstsw m16",
  ]);
  assert.deepEqual(control.sort(), [...noWait, "fldcw", "fldenv", "frstor"].sort());
});

/**
 * x87 instructions of cpu/fpu/x87_semantics.ts inside compiled blocks: compiled code runs them
 * inline, reading and storing memory operands through the TLB, and falls back to the
 * interpreter's handler where they decline (zeros, denormals, infinities, NaNs, overflow, tiny
 * results) in the middle of the same block. Random operands under random rounding
 * and precision control; registers, memory and the FNSAVE image (tags, status word, TOP, FIP, FDP,
 * FOP) must be as the interpreter leaves them, and the inline code must have done most of the work.
 */
import assert from "node:assert/strict";
import { Asm, CC } from "./_asm.ts";
import { CODE, DATA, runBothTiers } from "./_machine.ts";
import { ECX, EDI, ESI } from "../../cpu/state_layout.ts";

/** xorshift32, seeded. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const CASES = 300, CASE_BYTES = 40, OUT_BYTES = 32;
const OUT = DATA + 0x8000, SAVE = DATA + 0xc000;

const SPECIAL_DOUBLES = [0, -0, 5e-324, -2.2e-308, Infinity, -Infinity, NaN, 1.7e308, -1e-300];
const SPECIAL_SINGLES = [0, -0, 1e-45, Infinity, NaN, 3e38, -1e-38];

/** Mostly ordinary values of nearby magnitude, sometimes a special one. */
function value(next: () => number, specials: number[]): number {
  if (next() % 8 === 0) return specials[next() % specials.length];
  const sign = next() & 1 ? -1 : 1;
  return sign * (1 + next() / 2 ** 32) * 2 ** ((next() % 40) - 20);
}

function caseBytes(next: () => number): number[] {
  const view = new DataView(new ArrayBuffer(CASE_BYTES));
  const pc = [0, 2, 3][next() % 3], rc = next() & 3;
  view.setUint16(0, 0x037f & ~0x0f00 | (pc << 8) | (rc << 10), true);
  view.setFloat64(8, value(next, SPECIAL_DOUBLES), true);
  view.setFloat64(16, value(next, SPECIAL_DOUBLES), true);
  view.setFloat64(24, value(next, SPECIAL_DOUBLES), true);
  view.setFloat32(32, value(next, SPECIAL_SINGLES), true);
  view.setFloat32(36, value(next, SPECIAL_SINGLES), true);
  return [...new Uint8Array(view.buffer)];
}

Deno.test("x87 instructions inline in compiled blocks: registers, memory and x87 state as the interpreter leaves them", () => {
  const a = new Asm(CODE);
  a.bytes("fninit", 0xdb, 0xe3).movImm(ESI, DATA).movImm(EDI, OUT).movImm(ECX, CASES);
  a.label("top").bytes("fldcw [esi]", 0xd9, 0x6e, 0x00);
  a.bytes("fld qword [esi+8]", 0xdd, 0x46, 0x08).bytes("fld qword [esi+16]", 0xdd, 0x46, 0x10);
  a.bytes("fmul st0, st1", 0xd8, 0xc9).bytes("fadd qword [esi+24]", 0xdc, 0x46, 0x18);
  a.bytes("fld dword [esi+32]", 0xd9, 0x46, 0x20).bytes("fsubr st0, st2", 0xd8, 0xea);
  a.bytes("fxch st1", 0xd9, 0xc9).bytes("fsub st0, st1", 0xd8, 0xe1);
  a.bytes("fst qword [edi]", 0xdd, 0x57, 0x00).bytes("faddp st2, st0", 0xde, 0xc2);
  a.bytes("fmul dword [esi+36]", 0xd8, 0x4e, 0x24).bytes("fchs", 0xd9, 0xe0);
  a.bytes("fstp dword [edi+8]", 0xd9, 0x5f, 0x08).bytes("fld1", 0xd9, 0xe8);
  a.bytes("fsubp st1, st0", 0xde, 0xe9).bytes("fld st0", 0xd9, 0xc0);
  a.bytes("fmulp st1, st0", 0xde, 0xc9).bytes("fabs", 0xd9, 0xe1);
  a.bytes("fldz", 0xd9, 0xee).bytes("fxch st1", 0xd9, 0xc9).bytes("fstp st1", 0xdd, 0xd9);
  a.bytes("fstp qword [edi+16]", 0xdd, 0x5f, 0x10);
  a.bytes("fnstsw ax", 0xdf, 0xe0).bytes("mov [edi+24], eax", 0x89, 0x47, 0x18);
  a.bytes("add esi, 40", 0x83, 0xc6, CASE_BYTES).bytes("add edi, 32", 0x83, 0xc7, OUT_BYTES);
  a.dec(ECX).jcc(CC.NZ, "top");
  a.movImm(EDI, SAVE).bytes("fnsave [edi]", 0xdd, 0x37).hlt();
  const next = rng(0x87);
  const data = new Asm(DATA);
  for (let i = 0; i < CASES; i++) data.bytes(`case ${i}`, ...caseBytes(next));
  const { interp, jit } = runBothTiers([a, data], CODE);
  assert.deepEqual(jit.state, interp.state);
  assert.equal(jit.instructions, interp.instructions);
  const words = (m: typeof jit.machine, at: number, n: number) =>
    Array.from({ length: n }, (_, i) => m.phys.read32(at + 4 * i) >>> 0);
  assert.deepEqual(words(jit.machine, OUT, CASES * 8), words(interp.machine, OUT, CASES * 8));
  assert.deepEqual(words(jit.machine, SAVE, 27), words(interp.machine, SAVE, 27));
  // The comparison means something: results vary, and most x87 instructions ran inline
  // (23 a round; FLDCW and FNSTSW are interpreter calls, and so are the declined ones).
  const results = new Set(words(jit.machine, OUT, CASES * 8).filter((_, i) => i % 8 === 4));
  assert.ok(results.size > CASES / 2, `${results.size} distinct results`);
  const calls = jit.machine.jit!.stats.runtimeCalls;
  assert.ok(calls < CASES * 6, `${calls} interpreter calls for ${CASES} rounds`);
  assert.ok(calls > CASES * 2, `${calls}: the declined cases went to the interpreter`);
});

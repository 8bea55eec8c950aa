import { ARITH } from "../eflags.ts";
import type { SemanticsEntry } from "../semantics/table.ts";

/**
 * Instructions a compiled block runs by calling the interpreter's handler for them, in place:
 * x87 (D8–DF, FWAIT), MMX, SSE, SSE2 and SSE3. Their meaning lives once, in the interpreter
 * (cpu/fpu/, cpu/ops/mmx.ts, cpu/ops/sse*.ts); compiled code stores the registers it holds, calls
 * the interpreter for the one instruction and goes on with the next, instead of ending the block
 * there. None of them transfers control, so the block's straight line still holds; the call
 * checks that EIP came out where the compiler decoded the next instruction, and the block leaves
 * if not (or if the instruction stored into translated code).
 *
 * Decoding here only has to find the instruction's length; which encodings are defined, whether
 * the CPU model has them and their faults are the interpreter's business when it runs them.
 *
 * @module
 */

/** What the block compiler and its flag analysis know of an interpreted instruction. */
export const INTERPRETED: SemanticsEntry = {
  name: "interpreted",
  modrm: true,
  imm: 0,
  // FCMOVcc reads flags and FCOMI, COMISS and friends write them: the lazy flags must be in
  // the state block before the call, and nothing is known of them after it.
  reads: ARITH,
  writes: 0,
  faults: () => true,
  run: () => {
    throw new Error("an interpreted instruction has no compiled semantics");
  },
};

/**
 * An instruction of the SIMD table (cpu/semantics/simd.ts) compiled inline: it neither reads nor
 * writes a flag, but may fault (the flags before it must then be in the state block).
 */
export const SIMD_INLINE: SemanticsEntry = { ...INTERPRETED, name: "simd", reads: 0 };

/**
 * An x87 instruction of cpu/fpu/x87_semantics.ts compiled inline, the interpreter's handler as
 * its slow path: none of these forms reads or writes a flag, but they may fault.
 */
export const X87_INLINE: SemanticsEntry = { ...INTERPRETED, name: "x87", reads: 0 };

/** Two-byte (0F xx) opcodes of MMX/SSE/SSE2/SSE3 and what follows them. */
const SIMD_0F: ("modrm" | "modrm+ib" | "none" | undefined)[] = new Array(0x100).fill(undefined);
for (let b = 0x10; b <= 0x18; b++) SIMD_0F[b] = "modrm"; // MOVUPS…MOVHPD, PREFETCHh
for (let b = 0x28; b <= 0x2f; b++) SIMD_0F[b] = "modrm"; // MOVAPS…COMISD
for (let b = 0x50; b <= 0x7f; b++) SIMD_0F[b] = "modrm"; // arithmetic, unpacks, MOVD/MOVQ
for (let b = 0x70; b <= 0x73; b++) SIMD_0F[b] = "modrm+ib"; // PSHUF*, shift-by-immediate groups
SIMD_0F[0x77] = "none"; // EMMS
SIMD_0F[0xae] = "modrm"; // FXSAVE FXRSTOR LDMXCSR STMXCSR, fences
SIMD_0F[0xc2] = "modrm+ib"; // CMPPS/PD/SS/SD
SIMD_0F[0xc3] = "modrm"; // MOVNTI
for (let b = 0xc4; b <= 0xc6; b++) SIMD_0F[b] = "modrm+ib"; // PINSRW PEXTRW SHUFPS/PD
for (let b = 0xd0; b <= 0xfe; b++) SIMD_0F[b] = "modrm"; // integer SIMD, ADDSUBPD, LDDQU…

/**
 * How the instruction with opcode `op` (0x0F xx as 0x100 + xx) continues when it is one the
 * compiled code hands to the interpreter: a ModRM operand, a ModRM operand and an immediate byte,
 * or nothing; undefined for any other opcode.
 */
export function interpretedForm(op: number): "modrm" | "modrm+ib" | "none" | undefined {
  if (op >= 0xd8 && op <= 0xdf) return "modrm"; // x87 escapes
  if (op === 0x9b) return "none"; // FWAIT
  if (op >= 0x100) return SIMD_0F[op & 0xff];
  return undefined;
}

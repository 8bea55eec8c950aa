/**
 * The operands of the two-operand XMM forms `op xmm, xmm/m` (Intel SDM vol. 2 §3.1.1.3, the
 * "V"/"W" operands): the source, a register or memory, goes to SRC and XMMreg to DST. Used by
 * the SSE, SSE2 and SSE3 handlers after their prefix and feature checks.
 */
import type { Cpu } from "../cpu.ts";
import type { Fpu } from "../fpu/mod.ts";
import { DST, getXmm, readXmmRm, setXmm, SRC, type Xmm } from "./sse_common.ts";

/**
 * Reads the source operand of `size` bytes into SRC (a memory operand of 16 bytes must be
 * aligned) and XMMreg into DST; ModRM is already decoded.
 */
export function readOperands(cpu: Cpu, fpu: Fpu, size: 4 | 8 | 16): void {
  readXmmRm(cpu, fpu, SRC, size, true);
  getXmm(fpu, cpu.reg, DST);
}

/** `op xmm, xmm/m128` (aligned) on the raw bits, without MXCSR: XMMreg ← op(DST, SRC). */
export function packedBits(cpu: Cpu, fpu: Fpu, op: (d: Xmm, s: Xmm) => void): void {
  readOperands(cpu, fpu, 16);
  op(DST, SRC);
  setXmm(fpu, cpu.reg, DST);
}

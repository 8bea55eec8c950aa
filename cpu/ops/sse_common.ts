/**
 * What every SSE instruction shares (Intel SDM vol. 1 ch. 10–11, vol. 2 "SIMD Floating-Point
 * Exceptions" and "Protected Mode Exceptions" of each instruction): the checks before it runs,
 * XMM and memory operands, and the delivery of SIMD floating-point exceptions.
 */
import { type Cpu, REP_NONE, REP_Z } from "../cpu.ts";
import { FEAT_SSE } from "../cpu_model.ts";
import { CpuFault, GP, NM, UD, XM } from "../fault.ts";
import type { Fpu } from "../fpu/mod.ts";
import { requireFeature } from "./feature_gate.ts";
import { fpuOf } from "./fpu_ops.ts";
import { SseEnv } from "./sse_float.ts";

const CR0_EM = 0x4, CR0_TS = 0x8;
/** CR4.OSFXSR: the OS saves XMM state with FXSAVE; SSE instructions are #UD without it. */
export const CR4_OSFXSR = 1 << 9;
/** CR4.OSXMMEXCPT: the OS handles #XM; without it an unmasked SIMD exception is #UD. */
export const CR4_OSXMMEXCPT = 1 << 10;

/** One 128-bit operand as four doublewords, lane 0 lowest. */
export type Xmm = Uint32Array;

/** Scratch operands (no instruction nests another). */
export const SRC: Xmm = new Uint32Array(4), DST: Xmm = new Uint32Array(4);

/** The shared exception state of the running instruction. */
export const ENV = new SseEnv();

/**
 * The prefix of an SSE opcode: "ps" without one, "ss" with F3. A 66 or F2 prefix selects an
 * SSE2 instruction, laid over this handler by cpu/ops/sse2_dispatch.ts; one that reaches it
 * (an SSE3 form, or a combination no instruction has) is #UD.
 */
export function form(cpu: Cpu, scalar: boolean): "ps" | "ss" {
  if (cpu.rep === REP_Z && scalar) return "ss";
  if (cpu.rep !== REP_NONE || cpu.o32 !== cpu.code32) throw new CpuFault(UD);
  return "ps";
}

/** #UD for any 66, F2 or F3 prefix. */
export function noPrefix(cpu: Cpu): void {
  if (cpu.rep !== REP_NONE || cpu.o32 !== cpu.code32) throw new CpuFault(UD);
}

/**
 * The checks before an SSE instruction that uses XMM state: #UD for a model without SSE, CR0.EM
 * or CR4.OSFXSR clear; #NM for CR0.TS.
 */
export function sseCheck(cpu: Cpu): Fpu {
  requireFeature(cpu, FEAT_SSE);
  const cr0 = cpu.mmu.cr0;
  if ((cr0 & CR0_EM) || !(cpu.mmu.cr4 & CR4_OSFXSR)) throw new CpuFault(UD);
  if (cr0 & CR0_TS) throw new CpuFault(NM);
  return fpuOf(cpu);
}

/** Reads XMMn into `out`. */
export function getXmm(fpu: Fpu, n: number, out: Xmm): void {
  const x = fpu.xmm, b = 4 * n;
  out[0] = x[b];
  out[1] = x[b + 1];
  out[2] = x[b + 2];
  out[3] = x[b + 3];
}

/** Writes `v` to XMMn. */
export function setXmm(fpu: Fpu, n: number, v: Xmm): void {
  const x = fpu.xmm, b = 4 * n;
  x[b] = v[0];
  x[b + 1] = v[1];
  x[b + 2] = v[2];
  x[b + 3] = v[3];
}

/**
 * Linear address of the memory operand of `size` bytes; #GP(0) when `aligned` and it is not
 * 16-byte aligned (checked on the effective address before any access, SDM MOVAPS).
 */
export function operandAddress(cpu: Cpu, size: number, write: boolean, aligned: boolean): number {
  if (aligned && ((cpu.segBase(cpu.eaSeg) + cpu.eaOff) & 15)) throw new CpuFault(GP, 0);
  return cpu.linear(cpu.eaSeg, cpu.eaOff, size, write);
}

/**
 * Loads the r/m operand into `out`: XMMrm, or `size` bytes of memory in the low lanes (the
 * others zero). 16-byte memory operands of the packed forms must be aligned.
 */
export function readXmmRm(cpu: Cpu, fpu: Fpu, out: Xmm, size: 4 | 8 | 16, aligned: boolean): void {
  if (cpu.mod === 3) return getXmm(fpu, cpu.rm, out);
  const lin = operandAddress(cpu, size, false, aligned && size === 16);
  out.fill(0);
  for (let i = 0; i < size / 4; i++) out[i] = cpu.readLin32((lin + 4 * i) | 0);
}

/** Stores the low `size` bytes of `v` at the memory operand (both pages checked first). */
export function writeMem(cpu: Cpu, v: Xmm, size: 4 | 8 | 16, aligned: boolean): void {
  const lin = operandAddress(cpu, size, true, aligned);
  if (size > 4) cpu.probeWrite(lin, size);
  for (let i = 0; i < size / 4; i++) cpu.writeLin32((lin + 4 * i) | 0, v[i]);
}

/**
 * Ends an arithmetic instruction (SDM vol. 1 §11.5.1–11.5.2): with an unmasked pre-computation
 * exception only those flags are set; otherwise all flags are. Any unmasked exception raises
 * #XM (#UD when CR4.OSXMMEXCPT is clear) and the destination is left alone: returns false
 * then, true when the result may be written.
 */
export function finish(cpu: Cpu, fpu: Fpu): boolean {
  const masks = (ENV.mxcsr >> 7) & 0x3f;
  const flags = (ENV.pre & ~masks) ? ENV.pre : ENV.pre | ENV.post;
  fpu.mxcsr = ENV.mxcsr | flags;
  if (flags & ~masks) throw new CpuFault(cpu.mmu.cr4 & CR4_OSXMMEXCPT ? XM : UD);
  return true;
}

/**
 * What the SIMD generators share: the case around a list of instructions (gen_mmx.ts,
 * gen_sse.ts, gen_sse2.ts), and for the SSE ones (gen_sse.ts, gen_sse2.ts) the data layout,
 * the memory operands and the random MXCSR values.
 */
import { EBX, type Insn, mem32, type Rm } from "./encode.ts";
import type { GeneratedCase } from "./generator.ts";
import { DEFAULT_CODE_ADDRESS, DEFAULT_DATA_ADDRESS } from "./layout.ts";
import type { Rng } from "./rng.ts";

const D = DEFAULT_DATA_ADDRESS;

/** SSE data layout: initial XMM0–7, initial MXCSR and spare MXCSR values, initial MM0–7. */
export const INIT_XMM = 0x000, INIT_MXCSR = 0x080, INIT_MM = 0x0c0;
/** SSE memory operands (EBX and EDI point here), 16-byte aligned at the start. */
export const OPERANDS = 0x100, OPERANDS_SIZE = 0x100;
/** SSE results: XMM0–7, MXCSR, MM0–7; the size of the data area. */
export const FINAL_XMM = 0x200, FINAL_MXCSR = 0x280, FINAL_MM = 0x2c0, DATA_SIZE = 0x300;

/** Bytes in hex, separated by spaces (the listing's notation). */
export function hexBytes(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** The state a SIMD case starts from, and its name if it is a directed one. */
export interface SimdStart {
  data: Uint8Array;
  regs: Uint32Array;
  eflags: number;
  name?: string;
}

/** A case that runs `code` at the default code address, its data at the default data address. */
export function simdCase(code: readonly Insn[], start: SimdStart): GeneratedCase {
  return {
    ...(start.name !== undefined ? { name: start.name } : {}),
    code: Uint8Array.from(code.flatMap((i) => i.bytes)),
    codeAddress: DEFAULT_CODE_ADDRESS,
    regs: start.regs,
    eflags: start.eflags,
    dataAddress: D,
    data: start.data,
    undefinedFlags: 0,
    listing: code.map((i) => `${hexBytes(i.bytes).padEnd(36)} ${i.text}`),
  };
}

/** The general registers of a directed SSE case: EBX and EDI at the operands, ESP in the data. */
export function directedRegs(): Uint32Array {
  return Uint32Array.from([0, 0, 0, D + OPERANDS, D + 0x800, 0, 0, D + OPERANDS]);
}

/** The SSE data-area location `off`, addressed absolutely. */
export function absolute(off: number): Rm {
  return mem32({ disp: D + off });
}

/**
 * A memory operand of `size` bytes in the SSE operand area, through EBX or absolute; `aligned`
 * ones sit on 16 bytes.
 */
export function sseOperand(rng: Rng, size: number, aligned: boolean): Rm {
  const off = aligned ? 16 * rng.below(OPERANDS_SIZE / 16) : rng.below(OPERANDS_SIZE - size + 1);
  return rng.chance(0.6)
    ? mem32({ base: EBX, disp: off, dispSize: off < 128 ? 1 : 4 })
    : mem32({ disp: D + OPERANDS + off });
}

/** A random MXCSR with every exception masked: sticky flags, DAZ, RC and FZ at random. */
export function randomMxcsr(rng: Rng): number {
  let m = 0x1f80 | (rng.chance(0.3) ? rng.below(64) : 0) | (rng.below(4) << 13);
  if (rng.chance(0.3)) m |= 0x40;
  if (rng.chance(0.3)) m |= 0x8000;
  return m;
}

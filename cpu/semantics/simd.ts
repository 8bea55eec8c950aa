import type binaryen from "binaryen";
import { FEAT_SSE, FEAT_SSE2 } from "../cpu_model.ts";

type Ref = binaryen.ExpressionRef;

/**
 * SSE/SSE2 instructions whose meaning is exactly a WebAssembly SIMD operation on 128-bit values,
 * written once here as a binaryen expression of the destination and source operands. Both tiers
 * run this one definition: the interpreter calls a small wasm kernel built from it
 * (cpu/semantics/simd_kernels.ts), compiled code inlines it (cpu/jit/wasm_emitter.ts `simd`).
 *
 * Only integer and bitwise operations are here: none of them has a flag, MXCSR or NaN rule that
 * WebAssembly could get differently from the SDM (wasm's float SIMD neither reports inexact nor
 * keeps NaN payloads, and knows no FTZ/DAZ or directed rounding). Every packed or scalar float
 * operation stays with its interpreter handler, which compiled code calls in place.
 *
 * @module
 */

/** Which mandatory prefix selects the instruction (the last F2/F3 wins over 66). */
export type SimdPrefix = "none" | "p66" | "f2" | "f3";

/** One instruction of the table. */
export interface SimdOp {
  name: string;
  prefix: SimdPrefix;
  /** The byte after 0F. */
  second: number;
  /**
   * "binary": `xmm = op(xmm, xmm/m128)`; "load": `xmm = xmm/m128`; "store": `xmm/m128 = xmm`
   * (the ModRM r/m operand is the destination).
   */
  kind: "binary" | "load" | "store";
  /** A memory operand must be 16-byte aligned (#GP(0) otherwise). */
  aligned: boolean;
  /** The CPUID leaf 1 EDX bit announcing it. */
  feature: number;
  /**
   * For "binary": the result from the destination `d` and the source `s`, each a function that
   * returns a fresh expression for the operand's v128 value (an operand may be used twice).
   */
  v128?: SimdBuilder;
}

/** A fresh expression reading one v128 operand. */
export type Operand = () => Ref;
/** The meaning of a "binary" instruction. */
export type SimdBuilder = (m: binaryen.Module, d: Operand, s: Operand) => Ref;

/** Byte selectors interleaving the low (or high) halves of `d` and `s`, lanes of `size` bytes. */
function interleave(size: number, high: boolean): number[] {
  const out: number[] = [];
  const base = high ? 8 : 0;
  for (let lane = 0; lane < 8 / size; lane++) {
    for (const from of [0, 16]) {
      for (let b = 0; b < size; b++) out.push(from + base + lane * size + b);
    }
  }
  return out;
}

/** The high 16 bits of each 32-bit lane of `lo` (lanes 0–3) then of `hi` (lanes 4–7). */
const HIGH_WORDS = [2, 3, 6, 7, 10, 11, 14, 15, 18, 19, 22, 23, 26, 27, 30, 31];

/** PMULHW/PMULHUW: the high halves of the 32-bit products of the words. */
function mulHigh(m: binaryen.Module, d: Operand, s: Operand, signed: boolean): Ref {
  const lo = signed ? m.i32x4.extmul_low_i16x8_s(d(), s()) : m.i32x4.extmul_low_i16x8_u(d(), s());
  const hi = signed ? m.i32x4.extmul_high_i16x8_s(d(), s()) : m.i32x4.extmul_high_i16x8_u(d(), s());
  return m.i8x16.shuffle(lo, hi, HIGH_WORDS);
}

/** The low 32 bits of each 64-bit lane. */
const LOW_DWORDS = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0];

const SSE2 = FEAT_SSE2;
const binary = (second: number, name: string, v128: SimdBuilder): SimdOp => ({
  name,
  prefix: "p66",
  second,
  kind: "binary",
  aligned: true,
  feature: SSE2,
  v128,
});

/** ANDPD ANDNPD ORPD XORPD, whose meaning ANDPS… share. */
const SIMD_PD_LOGIC: Record<number, SimdOp> = {
  0x54: binary(0x54, "andpd", (m, d, s) => m.v128.and(d(), s())),
  0x55: binary(0x55, "andnpd", (m, d, s) => m.v128.andnot(s(), d())),
  0x56: binary(0x56, "orpd", (m, d, s) => m.v128.or(d(), s())),
  0x57: binary(0x57, "xorpd", (m, d, s) => m.v128.xor(d(), s())),
};

/** The table. */
export const SIMD_OPS: readonly SimdOp[] = [
  binary(0x60, "punpcklbw", (m, d, s) => m.i8x16.shuffle(d(), s(), interleave(1, false))),
  binary(0x61, "punpcklwd", (m, d, s) => m.i8x16.shuffle(d(), s(), interleave(2, false))),
  binary(0x62, "punpckldq", (m, d, s) => m.i8x16.shuffle(d(), s(), interleave(4, false))),
  binary(0x63, "packsswb", (m, d, s) => m.i8x16.narrow_i16x8_s(d(), s())),
  binary(0x64, "pcmpgtb", (m, d, s) => m.i8x16.gt_s(d(), s())),
  binary(0x65, "pcmpgtw", (m, d, s) => m.i16x8.gt_s(d(), s())),
  binary(0x66, "pcmpgtd", (m, d, s) => m.i32x4.gt_s(d(), s())),
  binary(0x67, "packuswb", (m, d, s) => m.i8x16.narrow_i16x8_u(d(), s())),
  binary(0x68, "punpckhbw", (m, d, s) => m.i8x16.shuffle(d(), s(), interleave(1, true))),
  binary(0x69, "punpckhwd", (m, d, s) => m.i8x16.shuffle(d(), s(), interleave(2, true))),
  binary(0x6a, "punpckhdq", (m, d, s) => m.i8x16.shuffle(d(), s(), interleave(4, true))),
  binary(0x6b, "packssdw", (m, d, s) => m.i16x8.narrow_i32x4_s(d(), s())),
  binary(0x6c, "punpcklqdq", (m, d, s) => m.i8x16.shuffle(d(), s(), interleave(8, false))),
  binary(0x6d, "punpckhqdq", (m, d, s) => m.i8x16.shuffle(d(), s(), interleave(8, true))),
  binary(0x74, "pcmpeqb", (m, d, s) => m.i8x16.eq(d(), s())),
  binary(0x75, "pcmpeqw", (m, d, s) => m.i16x8.eq(d(), s())),
  binary(0x76, "pcmpeqd", (m, d, s) => m.i32x4.eq(d(), s())),
  binary(0xd4, "paddq", (m, d, s) => m.i64x2.add(d(), s())),
  binary(0xd5, "pmullw", (m, d, s) => m.i16x8.mul(d(), s())),
  binary(0xd8, "psubusb", (m, d, s) => m.i8x16.sub_saturate_u(d(), s())),
  binary(0xd9, "psubusw", (m, d, s) => m.i16x8.sub_saturate_u(d(), s())),
  binary(0xda, "pminub", (m, d, s) => m.i8x16.min_u(d(), s())),
  binary(0xdb, "pand", (m, d, s) => m.v128.and(d(), s())),
  binary(0xdc, "paddusb", (m, d, s) => m.i8x16.add_saturate_u(d(), s())),
  binary(0xdd, "paddusw", (m, d, s) => m.i16x8.add_saturate_u(d(), s())),
  binary(0xde, "pmaxub", (m, d, s) => m.i8x16.max_u(d(), s())),
  // PANDN: NOT destination AND source; wasm's andnot(a, b) is a AND NOT b.
  binary(0xdf, "pandn", (m, d, s) => m.v128.andnot(s(), d())),
  binary(0xe0, "pavgb", (m, d, s) => m.i8x16.avgr_u(d(), s())),
  binary(0xe3, "pavgw", (m, d, s) => m.i16x8.avgr_u(d(), s())),
  binary(0xe4, "pmulhuw", (m, d, s) => mulHigh(m, d, s, false)),
  binary(0xe5, "pmulhw", (m, d, s) => mulHigh(m, d, s, true)),
  binary(0xe8, "psubsb", (m, d, s) => m.i8x16.sub_saturate_s(d(), s())),
  binary(0xe9, "psubsw", (m, d, s) => m.i16x8.sub_saturate_s(d(), s())),
  binary(0xea, "pminsw", (m, d, s) => m.i16x8.min_s(d(), s())),
  binary(0xeb, "por", (m, d, s) => m.v128.or(d(), s())),
  binary(0xec, "paddsb", (m, d, s) => m.i8x16.add_saturate_s(d(), s())),
  binary(0xed, "paddsw", (m, d, s) => m.i16x8.add_saturate_s(d(), s())),
  binary(0xee, "pmaxsw", (m, d, s) => m.i16x8.max_s(d(), s())),
  binary(0xef, "pxor", (m, d, s) => m.v128.xor(d(), s())),
  // PMULUDQ: the 64-bit products of the low doublewords of each quadword.
  binary(0xf4, "pmuludq", (m, d, s) => {
    const mask = () => m.v128.const(LOW_DWORDS);
    return m.i64x2.mul(m.v128.and(d(), mask()), m.v128.and(s(), mask()));
  }),
  // PMADDWD: wasm's dot product wraps 0x8000·0x8000·2 to 0x80000000 as the SDM says.
  binary(0xf5, "pmaddwd", (m, d, s) => m.i32x4.dot_i16x8_s(d(), s())),
  binary(0xf8, "psubb", (m, d, s) => m.i8x16.sub(d(), s())),
  binary(0xf9, "psubw", (m, d, s) => m.i16x8.sub(d(), s())),
  binary(0xfa, "psubd", (m, d, s) => m.i32x4.sub(d(), s())),
  binary(0xfb, "psubq", (m, d, s) => m.i64x2.sub(d(), s())),
  binary(0xfc, "paddb", (m, d, s) => m.i8x16.add(d(), s())),
  binary(0xfd, "paddw", (m, d, s) => m.i16x8.add(d(), s())),
  binary(0xfe, "paddd", (m, d, s) => m.i32x4.add(d(), s())),
  // Bitwise logic of the packed-double forms: no float rule applies to them.
  ...Object.values(SIMD_PD_LOGIC),
  ...([[0x54, "andps"], [0x55, "andnps"], [0x56, "orps"], [0x57, "xorps"]] as const).map((
    [second, name],
  ): SimdOp => ({
    ...SIMD_PD_LOGIC[second],
    name,
    prefix: "none",
    feature: FEAT_SSE,
  })),
  // Whole-register moves: the interpreter's move handlers copy the same 16 bytes.
  { name: "movdqa", prefix: "p66", second: 0x6f, kind: "load", aligned: true, feature: SSE2 },
  { name: "movdqu", prefix: "f3", second: 0x6f, kind: "load", aligned: false, feature: SSE2 },
  { name: "movdqa", prefix: "p66", second: 0x7f, kind: "store", aligned: true, feature: SSE2 },
  { name: "movdqu", prefix: "f3", second: 0x7f, kind: "store", aligned: false, feature: SSE2 },
  { name: "movaps", prefix: "none", second: 0x28, kind: "load", aligned: true, feature: FEAT_SSE },
  { name: "movaps", prefix: "none", second: 0x29, kind: "store", aligned: true, feature: FEAT_SSE },
  { name: "movups", prefix: "none", second: 0x10, kind: "load", aligned: false, feature: FEAT_SSE },
  {
    name: "movups",
    prefix: "none",
    second: 0x11,
    kind: "store",
    aligned: false,
    feature: FEAT_SSE,
  },
  { name: "movapd", prefix: "p66", second: 0x28, kind: "load", aligned: true, feature: SSE2 },
  { name: "movapd", prefix: "p66", second: 0x29, kind: "store", aligned: true, feature: SSE2 },
  { name: "movupd", prefix: "p66", second: 0x10, kind: "load", aligned: false, feature: SSE2 },
  { name: "movupd", prefix: "p66", second: 0x11, kind: "store", aligned: false, feature: SSE2 },
];

const BY_KEY = new Map<string, SimdOp>(SIMD_OPS.map((op) => [`${op.prefix}:${op.second}`, op]));

/** The table's instruction for 0F `second` under mandatory prefix `prefix`, if any. */
export function simdOp(prefix: SimdPrefix, second: number): SimdOp | undefined {
  return BY_KEY.get(`${prefix}:${second}`);
}

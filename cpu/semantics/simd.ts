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
   * (the ModRM r/m operand is the destination); "shift": `xmm(r/m) = op(xmm(r/m), imm8)`, a
   * member (`reg`) of a group whose r/m operand must be a register.
   */
  kind: "binary" | "load" | "store" | "shift" | "float";
  /** The ModRM.reg of a group member. */
  reg?: number;
  /** An immediate byte follows (the builder's `imm`). */
  imm?: boolean;
  /**
   * For "float": the operation on two binary64 (or, `single`, binary32) values, on 1 lane
   * (scalar) or all of them (packed).
   */
  arith?: (m: binaryen.Module, a: Ref, b: Ref) => Ref;
  single?: boolean;
  lanes?: 1 | 2 | 4;
  /** Bytes of a memory operand: 4 or 8 for the scalar forms, MOVSS and MOVSD. @default 16 */
  size?: 4 | 8 | 16;
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

/** A fresh expression reading one operand: a v128, or for `imm` the i32 immediate byte. */
export type Operand = () => Ref;
/** The meaning of a "binary" or "shift" instruction. */
export type SimdBuilder = (m: binaryen.Module, d: Operand, s: Operand, imm: Operand) => Ref;

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

/** A v128 constant from lanes of `size` bytes (little-endian). */
function lanes(m: binaryen.Module, size: 2 | 4, values: number[]): Ref {
  const bytes: number[] = [];
  for (const v of values) for (let b = 0; b < size; b++) bytes.push((v >>> (8 * b)) & 0xff);
  return m.v128.const(bytes);
}

/**
 * PSHUFD (`lanes` 4, `first` 0), PSHUFLW (8, 0) and PSHUFHW (8, 4): lanes first…first+3 of the
 * result are the lanes of `s` that the 2-bit fields of imm select (within those four), the other
 * lanes are copied. The byte indices are computed from imm so the same code serves any imm:
 * field i is (imm·2^(6−2i) >> 6) & 3, then scaled to bytes and fed to a swizzle.
 */
function shuffleBy(m: binaryen.Module, s: Operand, imm: Operand, words: boolean, first: number) {
  const n = words ? 8 : 4, size = words ? 2 : 4;
  const scale: number[] = [], base: number[] = [];
  for (let i = 0; i < n; i++) {
    const field = i - first;
    const selected = field >= 0 && field < 4;
    scale.push(selected ? 1 << (6 - 2 * field) : 0);
    // Byte pairs (words) or quads (dwords) of the lane itself; selected lanes start at `first`.
    let lane = 0;
    for (let b = size - 1; b >= 0; b--) {
      lane = lane * 256 + (selected ? first * size : i * size) + b;
    }
    base.push(lane);
  }
  const vec = words ? m.i16x8 : m.i32x4;
  const fields = m.v128.and(
    vec.shr_u(vec.mul(vec.splat(imm()), lanes(m, size, scale)), m.i32.const(6)),
    vec.splat(m.i32.const(3)),
  );
  // Each selected field f becomes bytes size·f … size·f + size − 1 of its lane.
  const spread = words ? 0x0202 : 0x04040404;
  const idx = vec.add(vec.mul(fields, vec.splat(m.i32.const(spread))), lanes(m, size, base));
  return m.i8x16.swizzle(s(), idx);
}

/** A logical shift by imm: the result is 0 once the count exceeds the lane's last bit. */
function logical(m: binaryen.Module, imm: Operand, bits: number, shifted: Ref): Ref {
  const zero = m.v128.const(new Array(16).fill(0));
  return m.select(m.i32.gt_u(imm(), m.i32.const(bits - 1)), zero, shifted);
}

/** An arithmetic shift right by imm, saturated at the lane's last bit (sign fill). */
function saturated(m: binaryen.Module, imm: Operand, bits: number): Ref {
  const last = m.i32.const(bits - 1);
  return m.select(m.i32.gt_u(imm(), m.i32.const(bits - 1)), last, imm());
}

/** PSRLDQ/PSLLDQ: bytes moved by min(imm, 16) places, zeros shifted in (swizzle's out of range). */
function byteShift(m: binaryen.Module, d: Operand, imm: Operand, left: boolean): Ref {
  const n = m.select(m.i32.gt_u(imm(), m.i32.const(16)), m.i32.const(16), imm());
  const identity = m.v128.const([...Array(16).keys()]);
  const idx = left
    ? m.i8x16.sub(identity, m.i8x16.splat(n))
    : m.i8x16.add(identity, m.i8x16.splat(n));
  return m.i8x16.swizzle(d(), idx);
}

const shift = (second: number, reg: number, name: string, v128: SimdBuilder): SimdOp => ({
  name,
  prefix: "p66",
  second,
  reg,
  kind: "shift",
  imm: true,
  aligned: true,
  feature: SSE2,
  v128,
});

/**
 * ADD/SUB/MUL/DIV PS, SS, PD and SD where WebAssembly's binary32 and binary64 arithmetic is
 * exactly the SDM's: MXCSR has every exception masked, round to nearest, FTZ and DAZ off and PE
 * already set (so an inexact result changes nothing), every operand lane is normal and every
 * result lane normal and not tiny (no NaN rule, no DE, ZE, OE or UE, and tininess means the same
 * before and after rounding). Then `done` receives the result; otherwise `fallback` runs (the
 * interpreter's exact path). `locals.next(single)` gives a fresh binary32 or binary64 local of
 * the function being built, `locals.type(single)` its type (this module does not load binaryen
 * itself: see cpu/ops/simd_kernel_ops.ts).
 */
export function guardedFloat(
  m: binaryen.Module,
  op: SimdOp,
  d: Operand,
  s: Operand,
  mxcsr: Operand,
  locals: { type(single: boolean): binaryen.Type; next(single: boolean): number },
  done: (result: Ref) => Ref,
  fallback: Ref,
): Ref {
  const single = op.single === true;
  const type = locals.type(single);
  const vec = single ? m.f32x4 : m.f64x2;
  const top = single ? 0xff : 0x7ff; // the exponent field of infinities and NaNs
  const exponent = (l: number) =>
    single
      ? m.i32.and(
        m.i32.shr_u(m.i32.reinterpret(m.local.get(l, type)), m.i32.const(23)),
        m.i32.const(top),
      )
      : m.i32.and(
        m.i32.wrap(m.i64.shr_u(m.i64.reinterpret(m.local.get(l, type)), m.i64.const(52n))),
        m.i32.const(top),
      );
  // Exponent field in [lo, top − 1]: unsigned (e − lo) < top − lo.
  const within = (l: number, lo: number) =>
    m.i32.lt_u(m.i32.sub(exponent(l), m.i32.const(lo)), m.i32.const(top - lo));
  const sets: Ref[] = [];
  let ok = m.i32.and(
    m.i32.eq(m.i32.and(mxcsr(), m.i32.const(0xffc0)), m.i32.const(0x1f80)),
    m.i32.ne(m.i32.and(mxcsr(), m.i32.const(0x20)), m.i32.const(0)),
  );
  const results: number[] = [];
  for (let lane = 0; lane < op.lanes!; lane++) {
    const a = locals.next(single), b = locals.next(single), r = locals.next(single);
    sets.push(m.local.set(a, vec.extract_lane(d(), lane)));
    sets.push(m.local.set(b, vec.extract_lane(s(), lane)));
    sets.push(m.local.set(r, op.arith!(m, m.local.get(a, type), m.local.get(b, type))));
    ok = m.i32.and(ok, m.i32.and(m.i32.and(within(a, 1), within(b, 1)), within(r, 2)));
    results.push(r);
  }
  // A scalar form keeps the destination's other lanes; a packed one replaces them all.
  let value = op.lanes === 1 ? d() : vec.splat(m.local.get(results[0], type));
  results.forEach((r, lane) => {
    if (op.lanes !== 1 && lane === 0) return;
    value = vec.replace_lane(value, lane, m.local.get(r, type));
  });
  return m.block(null, [...sets, m.if(ok, done(value), fallback)]);
}

/**
 * The new value of a "load" or "store" move's destination from the destination `d` and the
 * source `s`: a register-to-register MOVSS or MOVSD replaces the low doubleword or quadword and
 * keeps the rest; every other form is the source itself (a load from memory arrives zero-extended
 * to 16 bytes, a store to memory writes the low `size` bytes of it).
 */
export function moveValue(
  m: binaryen.Module,
  op: SimdOp,
  d: Operand,
  s: Operand,
  registers: boolean,
): Ref {
  if (registers && (op.size === 4 || op.size === 8)) {
    const lanes = op.size === 4 ? m.i32x4 : m.i64x2;
    return lanes.replace_lane(d(), 0, lanes.extract_lane(s(), 0));
  }
  return s();
}

/** ADD/SUB/MUL/DIV in their packed and scalar forms of one precision. */
const float = (
  second: number,
  name: string,
  single: boolean,
  arith: (m: binaryen.Module, a: Ref, b: Ref) => Ref,
): SimdOp[] => {
  const packed: SimdOp = single
    ? { name: `${name}ps`, prefix: "none", second, kind: "float", aligned: true, feature: FEAT_SSE }
    : { name: `${name}pd`, prefix: "p66", second, kind: "float", aligned: true, feature: SSE2 };
  return [
    { ...packed, arith, single, lanes: single ? 4 : 2 },
    {
      ...packed,
      name: `${name}${single ? "ss" : "sd"}`,
      prefix: single ? "f3" : "f2",
      aligned: false,
      arith,
      single,
      lanes: 1,
      size: single ? 4 : 8,
    },
  ];
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
  // Shuffles by imm8.
  { ...binary(0x70, "pshufd", (m, _d, s, imm) => shuffleBy(m, s, imm, false, 0)), imm: true },
  {
    ...binary(0x70, "pshuflw", (m, _d, s, imm) => shuffleBy(m, s, imm, true, 0)),
    prefix: "f2",
    imm: true,
  },
  {
    ...binary(0x70, "pshufhw", (m, _d, s, imm) => shuffleBy(m, s, imm, true, 4)),
    prefix: "f3",
    imm: true,
  },
  // Shifts by imm8 (groups 12–14); wasm shifts take the count modulo the lane width.
  shift(0x71, 2, "psrlw", (m, d, _s, imm) => logical(m, imm, 16, m.i16x8.shr_u(d(), imm()))),
  shift(0x71, 4, "psraw", (m, d, _s, imm) => m.i16x8.shr_s(d(), saturated(m, imm, 16))),
  shift(0x71, 6, "psllw", (m, d, _s, imm) => logical(m, imm, 16, m.i16x8.shl(d(), imm()))),
  shift(0x72, 2, "psrld", (m, d, _s, imm) => logical(m, imm, 32, m.i32x4.shr_u(d(), imm()))),
  shift(0x72, 4, "psrad", (m, d, _s, imm) => m.i32x4.shr_s(d(), saturated(m, imm, 32))),
  shift(0x72, 6, "pslld", (m, d, _s, imm) => logical(m, imm, 32, m.i32x4.shl(d(), imm()))),
  shift(0x73, 2, "psrlq", (m, d, _s, imm) => logical(m, imm, 64, m.i64x2.shr_u(d(), imm()))),
  shift(0x73, 3, "psrldq", (m, d, _s, imm) => byteShift(m, d, imm, false)),
  shift(0x73, 6, "psllq", (m, d, _s, imm) => logical(m, imm, 64, m.i64x2.shl(d(), imm()))),
  shift(0x73, 7, "pslldq", (m, d, _s, imm) => byteShift(m, d, imm, true)),
  // Single- and double-precision arithmetic, guarded (see guardedFloat).
  ...float(0x58, "add", false, (m, a, b) => m.f64.add(a, b)),
  ...float(0x59, "mul", false, (m, a, b) => m.f64.mul(a, b)),
  ...float(0x5c, "sub", false, (m, a, b) => m.f64.sub(a, b)),
  ...float(0x5e, "div", false, (m, a, b) => m.f64.div(a, b)),
  ...float(0x58, "add", true, (m, a, b) => m.f32.add(a, b)),
  ...float(0x59, "mul", true, (m, a, b) => m.f32.mul(a, b)),
  ...float(0x5c, "sub", true, (m, a, b) => m.f32.sub(a, b)),
  ...float(0x5e, "div", true, (m, a, b) => m.f32.div(a, b)),
  // MOVSS/MOVSD: a memory load zeroes the rest of the register, a register move keeps it.
  {
    name: "movss",
    prefix: "f3",
    second: 0x10,
    kind: "load",
    aligned: false,
    feature: FEAT_SSE,
    size: 4,
  },
  {
    name: "movss",
    prefix: "f3",
    second: 0x11,
    kind: "store",
    aligned: false,
    feature: FEAT_SSE,
    size: 4,
  },
  {
    name: "movsd",
    prefix: "f2",
    second: 0x10,
    kind: "load",
    aligned: false,
    feature: SSE2,
    size: 8,
  },
  {
    name: "movsd",
    prefix: "f2",
    second: 0x11,
    kind: "store",
    aligned: false,
    feature: SSE2,
    size: 8,
  },
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

const key = (prefix: SimdPrefix, second: number, reg?: number) =>
  reg === undefined ? `${prefix}:${second}` : `${prefix}:${second}/${reg}`;
const BY_KEY = new Map<string, SimdOp>(
  SIMD_OPS.map((op) => [key(op.prefix, op.second, op.reg), op]),
);

/**
 * The table's instruction for 0F `second` under mandatory prefix `prefix` (and, for a group,
 * ModRM.reg `reg`), if any.
 */
export function simdOp(prefix: SimdPrefix, second: number, reg?: number): SimdOp | undefined {
  return (reg === undefined ? undefined : BY_KEY.get(key(prefix, second, reg))) ??
    BY_KEY.get(key(prefix, second));
}

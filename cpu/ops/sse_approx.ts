/**
 * RCPPS/RCPSS and RSQRTPS/RSQRTSS lanes: approximations whose relative error is at most
 * 1.5 × 2^−12 (SDM vol. 2 RCPPS, RSQRTPS). They raise no exceptions and ignore MXCSR: denormal
 * inputs count as zeros, results too small for a normal are flushed to zero. Processors differ
 * in the low bits; this one rounds the exact value to 13 significant bits (error ≤ 2^−13).
 */
import { bits, DEFAULT_NAN, isNan, num } from "./sse_float.ts";

/** The binary32 pattern of positive `x` rounded to 13 significant bits, or 0 below 2^−126. */
function twelveBits(x: number): number {
  if (x < 2 ** -126) return 0;
  const b = bits(Math.fround(x));
  return ((b + 0x400) & ~0x7ff) >>> 0;
}

/** Approximate 1/x of a binary32 pattern. */
export function approxRcp(b: number): number {
  if (isNan(b)) return (b | 0x400000) >>> 0;
  const sign = b & 0x80000000;
  const mag = b & 0x7fffffff;
  if (mag < 0x00800000) return (sign | 0x7f800000) >>> 0;
  if (mag === 0x7f800000) return sign >>> 0;
  return (sign | twelveBits(1 / num(mag))) >>> 0;
}

/** Approximate 1/√x of a binary32 pattern: the default NaN for negative non-zero x. */
export function approxRsqrt(b: number): number {
  if (isNan(b)) return (b | 0x400000) >>> 0;
  const sign = b & 0x80000000;
  const mag = b & 0x7fffffff;
  if (mag < 0x00800000) return (sign | 0x7f800000) >>> 0;
  if (sign) return DEFAULT_NAN;
  if (mag === 0x7f800000) return 0;
  return twelveBits(1 / Math.sqrt(num(mag)));
}

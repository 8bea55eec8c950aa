/**
 * The x87's integer conversions and ordering without bigints: FILD of 16 and 32 bits, FIST/FISTP/
 * FISTTP to 16 and 32 bits of a normal value, and the ordering of two normal values. Anything
 * else returns undefined and takes the exact bigint path (convert.ts, compare.ts), which stays
 * the reference: fast_path_test.ts holds the two equal on random and edge operands under every
 * RC. The arithmetic and the real loads and stores have their common case in the x87 kernel
 * (x87_kernels.ts) instead.
 *
 * @module
 */
import { BIAS, type F80, f80 } from "./f80.ts";
import { PE, RC_DOWN, RC_NEAREST, RC_UP } from "./status.ts";

/** True when `v` is normal: J set, biased exponent 1..0x7ffe. */
function normal(v: F80): boolean {
  const e = v.se & 0x7fff;
  return e !== 0 && e !== 0x7fff && (v.hi & 0x80000000) !== 0;
}

/** FILD m16/m32: the integer `n` (−2^31 ≤ n < 2^31) exactly. */
export function fastFromInt(n: number): F80 {
  if (n === 0) return f80(0, 0, 0);
  const sign = n < 0 ? 1 : 0;
  const mag = sign ? -n : n; // at most 2^31, exact
  const lead = Math.clz32(mag);
  // mag < 2^32: normalised, its top bit is bit 31 - lead.
  const hi = mag === 0x80000000 ? 0x80000000 : (mag << lead) >>> 0;
  return f80((sign << 15) | (31 - lead + BIAS), hi, 0);
}

/** A FIST result of 16 or 32 bits. */
export interface FastInt {
  /** The integer, as a signed number. */
  value: number;
  flags: number;
  up: boolean;
}

/**
 * FIST/FISTP m16/m32 of a normal value under `rc`: undefined when the result does not fit in
 * `width` bits (the bigint path then gives the indefinite with IE).
 */
export function fastToInt(v: F80, width: 16 | 32, rc: number): FastInt | undefined {
  if (!normal(v)) return undefined;
  const sign = v.se >>> 15;
  const e = (v.se & 0x7fff) - BIAS; // exponent of bit 63
  if (e > 30) return undefined;
  // The integer part n, and the fraction compared with one half.
  let n: number, fracHi: number, halfHi: number;
  if (e >= 0) {
    const s = 63 - e - 32; // 33…63 places below bit 63, of which s − 32… are in hi: 1…31
    n = v.hi >>> s;
    fracHi = v.hi & ((1 << s) - 1);
    halfHi = 1 << (s - 1);
  } else if (e === -1) {
    n = 0;
    fracHi = v.hi;
    halfHi = 0x80000000;
  } else {
    n = 0;
    fracHi = 0; // below one half whatever it is: compared as "less"
    halfHi = 1;
  }
  const lo = e >= -1 ? v.lo : 1;
  const inexact = fracHi !== 0 || lo !== 0;
  let inc = false;
  if (inexact) {
    if (rc === RC_NEAREST) {
      inc = fracHi > halfHi || (fracHi === halfHi && (lo !== 0 || (n & 1) === 1));
    } else if (rc === RC_DOWN) inc = sign === 1;
    else if (rc === RC_UP) inc = sign === 0;
  }
  if (inc) n += 1;
  const limit = width === 32 ? 0x80000000 : 0x8000;
  if (sign ? n > limit : n >= limit) return undefined;
  return { value: sign ? -n : n, flags: inexact ? PE : 0, up: inc };
}

/**
 * The order of the magnitudes of two normal values (−1, 0, 1), or undefined unless both are
 * normal (their exponent and significand then order them directly).
 */
export function fastMagnitudeOrder(a: F80, b: F80): number | undefined {
  if (!normal(a) || !normal(b)) return undefined;
  const ea = a.se & 0x7fff, eb = b.se & 0x7fff;
  if (ea !== eb) return ea > eb ? 1 : -1;
  if (a.hi !== b.hi) return a.hi > b.hi ? 1 : -1;
  return a.lo === b.lo ? 0 : a.lo > b.lo ? 1 : -1;
}

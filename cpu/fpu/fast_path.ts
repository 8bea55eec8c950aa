/**
 * The common case of the x87's arithmetic without bigints: FADD/FSUB/FMUL of two normal operands
 * whose result stays in the normal range, loads and stores of normal singles and doubles, integer
 * loads and stores of 16 and 32 bits, and the ordering of two normal values. Significands
 * are kept in 32-bit words (16-bit limbs for the product), rounded once under RC and PC exactly
 * as `round` in rounding.ts does. Anything else — zeros, denormals, infinities, NaNs, unsupported
 * encodings, a result that would overflow or be tiny — returns undefined and takes the exact
 * bigint path (arith.ts, convert.ts), which stays the reference: fast_path_test.ts holds the two
 * equal on random and edge operands under every RC and PC.
 *
 * @module
 */
import { BIAS, type F80, f80 } from "./f80.ts";
import type { RoundEnv } from "./rounding.ts";
import { PE, RC_DOWN, RC_NEAREST, RC_UP } from "./status.ts";

const TWO32 = 0x100000000;

/** A result of the fast path (the shape of arith.ts's OpResult). */
export interface FastResult {
  value: F80;
  flags: number;
  up: boolean;
}

/** True when `v` is normal: J set, biased exponent 1..0x7ffe. */
function normal(v: F80): boolean {
  const e = v.se & 0x7fff;
  return e !== 0 && e !== 0x7fff && (v.hi & 0x80000000) !== 0;
}

// The rounded significand of `roundInto`.
let rHi = 0, rLo = 0, rCarry = 0, rUp = false, rInexact = false;

/**
 * Rounds the normalised significand hi:lo:ext (bit 31 of `hi` set; `sticky` for non-zero bits
 * below `ext`) to `p` bits (24, 53 or 64) under `rc` for sign `sign`. Leaves the kept bits in
 * rHi:rLo, rCarry = 1 when rounding up carried out of bit 63 (the result is then 2^64, i.e.
 * 0x80000000:0 one exponent higher), and the inexact and magnitude-increased flags.
 */
function roundInto(
  sign: number,
  hi: number,
  lo: number,
  ext: number,
  sticky: boolean,
  p: number,
  rc: number,
): void {
  const d = 64 - p;
  let disc: number, half: number, below: boolean, odd: number;
  if (d === 0) {
    disc = ext;
    half = 0x80000000;
    below = sticky;
    odd = lo & 1;
  } else if (d < 32) {
    disc = lo & ((1 << d) - 1);
    half = 1 << (d - 1);
    below = ext !== 0 || sticky;
    odd = (lo >>> d) & 1;
    lo = (lo - disc) >>> 0;
  } else {
    const m = d - 32; // 8 for single precision
    const top = hi & ((1 << m) - 1);
    disc = top * TWO32 + lo;
    half = 2 ** (d - 1);
    below = ext !== 0 || sticky;
    odd = (hi >>> m) & 1;
    hi = (hi - top) >>> 0;
    lo = 0;
  }
  const inexact = disc !== 0 || below;
  let inc = false;
  if (inexact) {
    if (rc === RC_NEAREST) {
      inc = disc > half || (disc === half && (below || odd === 1));
    } else if (rc === RC_DOWN) inc = sign === 1;
    else if (rc === RC_UP) inc = sign === 0;
  }
  rCarry = 0;
  if (inc) {
    if (d < 32) {
      lo += 2 ** d;
      if (lo >= TWO32) {
        lo -= TWO32;
        hi += 1;
      }
    } else hi += 2 ** (d - 32);
    if (hi >= TWO32) {
      hi = 0x80000000;
      lo = 0;
      rCarry = 1;
    }
  }
  rHi = hi >>> 0;
  rLo = lo >>> 0;
  rUp = inc;
  rInexact = inexact;
}

/**
 * Packs the rounded significand, `exp` being the unbiased exponent of bit 63 before rounding:
 * undefined when the exact result was tiny (tininess is detected before rounding, as `round`
 * does) or the rounded one overflows.
 */
function pack(sign: number, exp: number): FastResult | undefined {
  const biased = exp + BIAS;
  if (biased < 1 || biased + rCarry > 0x7ffe) return undefined;
  return {
    value: f80((sign << 15) | (biased + rCarry), rHi, rLo),
    flags: rInexact ? PE : 0,
    up: rUp,
  };
}

/** a + b (or a − b): undefined unless both are normal and the result is normal. */
export function fastAdd(a: F80, b: F80, env: RoundEnv, subtract: boolean): FastResult | undefined {
  if (!normal(a) || !normal(b)) return undefined;
  const sa = a.se >>> 15, sb = (b.se >>> 15) ^ (subtract ? 1 : 0);
  const ea = a.se & 0x7fff, eb = b.se & 0x7fff;
  // X is the operand of larger magnitude.
  const aBigger = ea > eb || (ea === eb && (a.hi > b.hi || (a.hi === b.hi && a.lo >= b.lo)));
  const x = aBigger ? a : b, y = aBigger ? b : a;
  const sx = aBigger ? sa : sb;
  const ex = aBigger ? ea : eb;
  const d = Math.abs(ea - eb);
  // Y shifted right by d into yh:yl:ye, with `sticky` for what falls below ye.
  let yh = y.hi, yl = y.lo, ye = 0, sticky = false;
  if (d >= 96) {
    yh = yl = ye = 0;
    sticky = true;
  } else if (d >= 64) {
    const s = d - 64;
    sticky = (s === 0 ? 0 : yh << (32 - s)) !== 0 || yl !== 0;
    ye = s === 0 ? yh : yh >>> s;
    yh = yl = 0;
  } else if (d >= 32) {
    const s = d - 32;
    sticky = (s === 0 ? 0 : yl << (32 - s)) !== 0;
    ye = s === 0 ? yl : ((yl >>> s) | (yh << (32 - s))) >>> 0;
    yl = s === 0 ? yh : yh >>> s;
    yh = 0;
  } else if (d > 0) {
    ye = (yl << (32 - d)) >>> 0;
    yl = ((yl >>> d) | (yh << (32 - d))) >>> 0;
    yh = yh >>> d;
  }
  let hi: number, lo: number, ext: number;
  let exp = ex - BIAS;
  if (sa === sb) {
    ext = ye;
    lo = x.lo + yl;
    hi = x.hi + yh;
    if (lo >= TWO32) {
      lo -= TWO32;
      hi += 1;
    }
    if (hi >= TWO32) {
      // Carry out of bit 63: one place right, the bit shifted out joins the sticky bits.
      sticky ||= (ext & 1) !== 0;
      ext = ((ext >>> 1) | ((lo & 1) << 31)) >>> 0;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = ((hi - TWO32) >>> 1) | 0x80000000;
      exp += 1;
    }
  } else {
    // X − Y, where Y has a non-zero tail below ye when `sticky`: subtract one more unit of ye
    // and keep the sticky bit (the remainder 1 − tail is strictly between 0 and 1).
    ext = -ye - (sticky ? 1 : 0);
    let borrow = 0;
    if (ext < 0) {
      ext += TWO32;
      borrow = 1;
    }
    lo = x.lo - yl - borrow;
    borrow = 0;
    if (lo < 0) {
      lo += TWO32;
      borrow = 1;
    }
    hi = x.hi - yh - borrow;
    if (hi === 0 && lo === 0 && ext === 0 && !sticky) return undefined; // exact zero
    // Normalise: with d ≥ 2 at most one place is lost; with d ≤ 1 nothing is sticky.
    while (hi < 0x80000000) {
      if (hi === 0 && lo === 0 && ext === 0) return undefined;
      hi = ((hi << 1) | (lo >>> 31)) >>> 0;
      lo = ((lo << 1) | (ext >>> 31)) >>> 0;
      ext = (ext << 1) >>> 0;
      exp -= 1;
    }
  }
  roundInto(sx, hi >>> 0, lo >>> 0, ext >>> 0, sticky, Math.min(env.precision, 64), env.rc);
  return pack(sx, exp);
}

/** High 32 bits of the 64-bit product of two unsigned 32-bit words (rMulLo: the low ones). */
let rMulLo = 0;
function mul32(a: number, b: number): number {
  const lo = Math.imul(a, b) >>> 0;
  rMulLo = lo;
  // a·b in floating point is within 2^11 of the exact product: the quotient rounds to it.
  return Math.round((a * b - lo) / TWO32);
}

/** a × b: undefined unless both are normal and the product is normal. */
export function fastMul(a: F80, b: F80, env: RoundEnv): FastResult | undefined {
  if (!normal(a) || !normal(b)) return undefined;
  const sign = (a.se ^ b.se) >>> 15;
  // (ah·2^32 + al)(bh·2^32 + bl) in words w3 (top) … w0.
  const llH = mul32(a.lo, b.lo), llL = rMulLo;
  const lhH = mul32(a.lo, b.hi), lhL = rMulLo;
  const hlH = mul32(a.hi, b.lo), hlL = rMulLo;
  const hhH = mul32(a.hi, b.hi), hhL = rMulLo;
  const w0 = llL;
  let t = llH + lhL + hlL;
  let w1 = t % TWO32;
  t = (t - w1) / TWO32 + lhH + hlH + hhL;
  let w2 = t % TWO32;
  let w3 = (t - w2) / TWO32 + hhH;
  // Operands in [2^63, 2^64): the product is in [2^126, 2^128).
  let exp = (a.se & 0x7fff) + (b.se & 0x7fff) - 2 * BIAS + 1;
  let sticky = w0 !== 0;
  if (w3 < 0x80000000) {
    w3 = ((w3 << 1) | (w2 >>> 31)) >>> 0;
    w2 = ((w2 << 1) | (w1 >>> 31)) >>> 0;
    w1 = ((w1 << 1) | (w0 >>> 31)) >>> 0;
    sticky = ((w0 << 1) >>> 0) !== 0;
    exp -= 1;
  }
  roundInto(sign, w3, w2, w1, sticky, Math.min(env.precision, 64), env.rc);
  return pack(sign, exp);
}

/** FLD m64 of a normal double (dwords `lo`, `hi`): exact; undefined for anything else. */
export function fastFromDouble(lo: number, hi: number): F80 | undefined {
  const e = (hi >>> 20) & 0x7ff;
  if (e === 0 || e === 0x7ff) return undefined;
  const sigHi = (0x80000000 | ((hi & 0xfffff) << 11) | (lo >>> 21)) >>> 0;
  return f80((hi >>> 31 << 15) | (e - 1023 + BIAS), sigHi, (lo << 11) >>> 0);
}

/** An m64 encoding from FST/FSTP, as dwords. */
export interface FastDouble {
  lo: number;
  hi: number;
  flags: number;
  up: boolean;
}

/** FST m64 of a normal value whose rounded result is a normal double; undefined otherwise. */
export function fastToDouble(v: F80, env: RoundEnv): FastDouble | undefined {
  if (!normal(v)) return undefined;
  const sign = v.se >>> 15;
  // Precision control does not apply to stores: the format's 53 bits do.
  roundInto(sign, v.hi, v.lo, 0, false, 53, env.rc);
  const pre = (v.se & 0x7fff) - BIAS;
  if (pre < -1022 || pre + rCarry > 1023) return undefined;
  const e = pre + rCarry;
  const hi = ((sign << 31) | ((e + 1023) << 20) | ((rHi >>> 11) & 0xfffff)) >>> 0;
  const lo = ((rHi << 21) | (rLo >>> 11)) >>> 0;
  return { lo, hi, flags: rInexact ? PE : 0, up: rUp };
}

/** FLD m32 of a normal single: exact; undefined for anything else. */
export function fastFromSingle(bits: number): F80 | undefined {
  const e = (bits >>> 23) & 0xff;
  if (e === 0 || e === 0xff) return undefined;
  const sig = (0x80000000 | ((bits & 0x7fffff) << 8)) >>> 0;
  return f80((bits >>> 31 << 15) | (e - 127 + BIAS), sig, 0);
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

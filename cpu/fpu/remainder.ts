/**
 * FPREM and FPREM1 (Intel SDM vol. 2): exact partial remainders with the quotient's low bits.
 */
import { bitLength, classify, type F80, NEG_ZERO, POS_ZERO, signOf, unpack } from "./f80.ts";
import { denormalFlag, finish, invalid, propagateNaN } from "./arith.ts";
import type { RoundEnv } from "./rounding.ts";

/** A remainder step: the new ST(0), its exceptions and what the condition codes report. */
export interface RemainderResult {
  /** The partial remainder. */
  value: F80;
  /** IE, DE, UE as raised. */
  flags: number;
  /** True when the reduction is incomplete (C2 = 1). */
  partial: boolean;
  /** Low three bits of the quotient magnitude (C0 = bit 2, C3 = bit 1, C1 = bit 0). */
  quotient: number;
}

/**
 * Computes ST(0) rem ST(1). `nearest` selects FPREM1 (quotient rounded to nearest even) over
 * FPREM (quotient truncated). When the exponents differ by 64 or more, only a partial reduction
 * is made: by 2^(D − N) with N = 32 + (D mod 32), the amount measured on hardware; the quotient
 * bits then read 0. The result is always exact, so only underflow of a tiny remainder can be
 * reported besides invalid and denormal operands.
 */
export function remainder(a: F80, b: F80, nearest: boolean, env: RoundEnv): RemainderResult {
  const nan = propagateNaN(a, b);
  if (nan) return { ...nan, partial: false, quotient: 0 };
  const ca = classify(a);
  const cb = classify(b);
  if (ca === "infinity" || cb === "zero") return { ...invalid(), partial: false, quotient: 0 };
  const flags = denormalFlag(a, b);
  // The dividend comes back unchanged in value, normalised like any result (pseudo-denormals
  // leave with exponent 1; a denormal with UE unmasked is scaled by 2^24576, as measured).
  const same = () => {
    const u = unpack(a);
    const r = finish(u.sign, u.sig, u.exp, env);
    return { value: r.value, flags: flags | r.flags, partial: false, quotient: 0 };
  };
  if (ca === "zero") return { value: a, flags, partial: false, quotient: 0 };
  if (cb === "infinity") return same();
  const ua = unpack(a);
  const ub = unpack(b);
  const msbA = ua.exp + bitLength(ua.sig) - 1;
  const msbB = ub.exp + bitLength(ub.sig) - 1;
  const d = msbA - msbB;
  // |a/b| < 1/2: the quotient is 0 in both modes and the remainder is a itself.
  if (d < -1) return same();
  let bExp = ub.exp;
  const partial = d >= 64;
  if (partial) bExp += d - (32 + (d % 32));
  const e = Math.min(ua.exp, bExp);
  const num = ua.sig << BigInt(ua.exp - e);
  const den = ub.sig << BigInt(bExp - e);
  let q = num / den;
  let r = num - q * den;
  if (nearest && !partial && (2n * r > den || (2n * r === den && (q & 1n) === 1n))) {
    q += 1n;
    r -= den;
  }
  const sign = signOf(a) ^ (r < 0n ? 1 : 0);
  const mag = r < 0n ? -r : r;
  const res = mag === 0n
    ? { value: signOf(a) ? NEG_ZERO : POS_ZERO, flags: 0, up: false }
    : finish(sign, mag, e, env);
  return {
    value: res.value,
    flags: flags | res.flags,
    partial,
    quotient: partial ? 0 : Number(q & 7n),
  };
}

/**
 * Exponent and integer-part operations, all exact apart from final rounding: FRNDINT, FSCALE
 * and FXTRACT (Intel SDM vol. 2). None of them is affected by precision control (SDM §8.1.5.2).
 */
import {
  BIAS,
  bitLength,
  classify,
  type F80,
  fromSignificand,
  NEG_INFINITY,
  NEG_ZERO,
  POS_INFINITY,
  POS_ZERO,
  signOf,
  unpack,
  withSign,
} from "./f80.ts";
import { denormalFlag, finish, invalid, type OpResult, propagateNaN } from "./arith.ts";
import { fromInteger } from "./convert.ts";
import { roundAt, type RoundEnv } from "./rounding.ts";
import { PE, RC_CHOP, ZE } from "./status.ts";

/** FRNDINT: rounds ST(0) to an integer under RC; PE when inexact, C1 when rounded away from 0. */
export function roundToIntegral(a: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(a);
  if (nan) return nan;
  const cls = classify(a);
  if (cls === "zero" || cls === "infinity") return { value: a, flags: 0, up: false };
  const flags = denormalFlag(a);
  const u = unpack(a);
  if (u.exp >= 0) return { value: a, flags, up: false };
  const r = roundAt(u.sign, u.sig, u.exp, 0, env.rc);
  const res = r.sig === 0n
    ? { value: u.sign ? NEG_ZERO : POS_ZERO, flags: 0, up: false }
    : finish(u.sign, r.sig, 0, env);
  return { value: res.value, flags: flags | res.flags | (r.inexact ? PE : 0), up: r.up };
}

/** Largest scale factor worth applying: beyond it every finite value over- or underflows. */
const SCALE_LIMIT = 1 << 17;

/**
 * FSCALE: ST(0) × 2^trunc(ST(1)). Special cases follow SDM's FSCALE table: 0 × 2^+∞ and
 * ∞ × 2^−∞ are invalid; finite × 2^±∞ gives ±∞ or ±0 with ST(0)'s sign.
 */
export function scale(a: F80, b: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(a, b);
  if (nan) return nan;
  const ca = classify(a);
  const cb = classify(b);
  const flags = denormalFlag(a, b);
  if (cb === "infinity") {
    const upward = signOf(b) === 0;
    if (ca === (upward ? "zero" : "infinity")) return invalid();
    if (ca === "zero" || ca === "infinity") return { value: a, flags, up: false };
    const v = upward ? withSign(POS_INFINITY, signOf(a)) : withSign(POS_ZERO, signOf(a));
    return { value: v, flags, up: false };
  }
  if (ca === "zero" || ca === "infinity") return { value: a, flags, up: false };
  let n = 0;
  if (cb !== "zero") {
    const ub = unpack(b);
    const msb = ub.exp + bitLength(ub.sig) - 1;
    const mag = msb >= 20 ? SCALE_LIMIT : Number(roundAt(0, ub.sig, ub.exp, 0, RC_CHOP).sig);
    n = Math.min(mag, SCALE_LIMIT) * (ub.sign ? -1 : 1);
  }
  const ua = unpack(a);
  const r = finish(ua.sign, ua.sig, ua.exp + n, env);
  return { value: r.value, flags: flags | r.flags, up: r.up };
}

/** FXTRACT's two results: ST(1) receives `exponent`, ST(0) `significand`. */
export interface Extracted {
  /** The unbiased exponent as a value. */
  exponent: F80;
  /** The significand with exponent 0 (value in [1, 2)), sign kept. */
  significand: F80;
  /** IE, DE, ZE as raised. */
  flags: number;
}

/**
 * FXTRACT: splits ST(0) into exponent and significand. A zero raises ZE and yields −∞ for the
 * exponent; ∞ yields +∞ for it; denormals are normalised first (SDM FXTRACT).
 */
export function extract(a: F80): Extracted {
  const nan = propagateNaN(a);
  if (nan) return { exponent: nan.value, significand: nan.value, flags: nan.flags };
  const cls = classify(a);
  if (cls === "zero") return { exponent: NEG_INFINITY, significand: a, flags: ZE };
  if (cls === "infinity") return { exponent: POS_INFINITY, significand: a, flags: 0 };
  const u = unpack(a);
  const n = bitLength(u.sig);
  return {
    exponent: fromInteger(BigInt(u.exp + n - 1)),
    significand: fromSignificand(u.sign, BIAS, u.sig << BigInt(64 - n)),
    flags: denormalFlag(a),
  };
}

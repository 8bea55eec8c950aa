/**
 * F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS and FPTAN.
 *
 * Finite results are computed in wide binary floating point (wide.ts, wide_math.ts: 128-bit
 * significands, relative error near 2^−125) and rounded once to the 64-bit significand under RC,
 * with C1 reporting a round-up. Precision control does not apply (SDM vol. 1 §8.1.5.2: PC
 * affects only the basic arithmetic and FSQRT). Arguments of FSIN/FCOS/FSINCOS/FPTAN are
 * reduced exactly against the hardware's 66-bit π (SDM §8.3.10), so arguments near multiples of
 * π/2 give the hardware's (mathematically inexact) results. Irrational results carry a sticky
 * bit below the approximation, so PE and UE are raised as for any inexact result; exact results
 * are rounded without it but raise PE all the same, as the hardware does.
 *
 * The hardware is not correctly rounded, so neither is this: measured against the host CPU,
 * results agree bit for bit in 96–100% of cases, depending on the instruction, and otherwise
 * differ by one unit in the last place (transcendental_vectors_test.ts). FYL2X, FYL2XP1 and
 * FPATAN follow the hardware further by rounding their intermediate values to 68 bits, as it
 * does (INTERNAL_BITS).
 *
 * Special operands (zeros, infinities, NaNs, unsupported encodings, out-of-range arguments) and
 * the exponent range are handled as the SDM tables and measurements say.
 */
import {
  bitLength,
  classify,
  type F80,
  ONE,
  POS_INFINITY,
  POS_ZERO,
  signOf,
  unpack,
  withSign,
} from "./f80.ts";
import { denormalFlag, finish, invalid, type OpResult, propagateNaN } from "./arith.ts";
import { EXTENDED, type RoundEnv } from "./rounding.ts";
import { PE, UE, ZE } from "./status.ts";
import * as W from "./wide.ts";
import { atan, expm1, ln2, log2, log2p1, pi, sinCos } from "./wide_math.ts";

/**
 * Significant bits the hardware keeps of the intermediate values of FYL2X, FYL2XP1 and FPATAN.
 * Rounding log2 x, y/x and arctan(y/x) to nearest at 68 bits, and the last step once under RC,
 * reproduces its results and C1 far more often than exact values do (measured on an AMD EPYC):
 * FYL2X of x a few ulps from a large power of two, whose fraction falls below the 68th bit of
 * log2 x, then matches in every case instead of two in five; FPATAN misses half as often or less.
 */
const INTERNAL_BITS = 68;

/** Rounds an approximation of an irrational value, marking it inexact with a sticky bit. */
function roundInexact(w: W.Wide, env: RoundEnv, flags: number): OpResult {
  const sign = w.m < 0n ? 1 : 0;
  const mag = sign ? -w.m : w.m;
  return finish(sign, (mag << 1n) | 1n, w.e - 1, env, flags | PE);
}

function signed(v: F80, sign: number): OpResult {
  return { value: withSign(v, sign), flags: 0, up: false };
}

/** Leading-bit exponent of a finite non-zero value. */
function msbOf(v: F80): number {
  const u = unpack(v);
  return u.exp + bitLength(u.sig) - 1;
}

/**
 * F2XM1: 2^x − 1 (SDM: defined for −1 ≤ x ≤ +1; −∞ gives −1, +∞ gives +∞; other operands
 * outside the domain come back unchanged, as measured).
 */
export function f2xm1(a: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(a);
  if (nan) return nan;
  const cls = classify(a);
  if (cls === "zero") return signed(a, signOf(a));
  if (cls === "infinity") return signOf(a) ? signed(ONE, 1) : signed(POS_INFINITY, 0);
  const flags = denormalFlag(a);
  const msb = msbOf(a);
  if (msb > 0 || (msb === 0 && unpack(a).sig !== 1n << 63n)) {
    // Outside −1 ≤ x ≤ +1 the SDM leaves the result undefined; hardware returns x (measured).
    return { value: a, flags: flags | PE, up: false };
  }
  if (msb === 0) {
    // 2^−1 − 1 = −1/2 comes out exact (with PE); 2^1 − 1 comes out as a value just below 1,
    // which rounds to 1 with C1 or to 1 − 2^−64 as RC directs (measured).
    if (signOf(a)) return finish(1, 1n, -1, env, flags | PE);
    return finish(0, (1n << 66n) - 1n, -66, env, flags | PE);
  }
  return roundInexact(expm1(W.mul(W.fromF80(a), ln2())), env, flags);
}

/** y × l with l first rounded to INTERNAL_BITS bits; PE is raised even for an exact product. */
function timesLog(y: F80, l: W.Wide, env: RoundEnv, flags: number): OpResult {
  const sign = (l.m < 0n ? 1 : 0) ^ signOf(y);
  const mag = l.m < 0n ? -l.m : l.m;
  const r = W.roundTo({ m: mag, e: l.e }, INTERNAL_BITS);
  const u = unpack(y);
  const sig = u.sig * r.m;
  const exp = u.exp + r.e;
  const result = finish(sign, sig, exp, env, flags | PE);
  // The hardware counts even an exact product as inexact, so a tiny one underflows (measured).
  const tiny = exp + bitLength(sig) - 1 < EXTENDED.emin;
  return tiny ? { ...result, flags: result.flags | UE } : result;
}

/** FYL2X: y × log2 x, ST(0) = x, ST(1) = y (SDM FYL2X table). */
export function fyl2x(x: F80, y: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(x, y);
  if (nan) return nan;
  const cx = classify(x);
  const cy = classify(y);
  const sy = signOf(y);
  if (signOf(x) && cx !== "zero") return invalid();
  const flags = denormalFlag(x, y);
  if (cx === "zero") {
    if (cy === "zero") return invalid();
    // log2 0 = −∞: finite y raises ZE (SDM), ∞ × −∞ does not. A denormal y raises no DE
    // here: ZE takes its place, as in FDIV (measured).
    const v = withSign(POS_INFINITY, sy ^ 1);
    return { value: v, flags: cy === "infinity" ? 0 : ZE, up: false };
  }
  if (cx === "infinity") {
    if (cy === "zero") return invalid();
    return { value: withSign(POS_INFINITY, sy), flags, up: false };
  }
  // Exact when x is a power of two (log2 x = k), so x = 1 gives an exact zero.
  const l = log2(W.fromF80(x));
  if (l.m === 0n) {
    if (cy === "infinity") return invalid();
    return { value: withSign(POS_ZERO, sy), flags, up: false };
  }
  const sl = l.m < 0n ? 1 : 0;
  if (cy === "infinity") return { value: withSign(POS_INFINITY, sy ^ sl), flags, up: false };
  if (cy === "zero") return { value: withSign(POS_ZERO, sy ^ sl), flags, up: false };
  return timesLog(y, l, env, flags);
}

/**
 * FYL2XP1: y × log2(x + 1), ST(0) = x, ST(1) = y. The SDM defines |x| < 1 − √2/2; larger x are
 * computed anyway, x ≤ −1 yields x itself (measured).
 */
export function fyl2xp1(x: F80, y: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(x, y);
  if (nan) return nan;
  const cx = classify(x);
  const cy = classify(y);
  const sx = signOf(x);
  const sy = signOf(y);
  const flags = denormalFlag(x, y);
  if (cx === "zero") {
    if (cy === "infinity") return invalid();
    return { value: withSign(POS_ZERO, sx ^ sy), flags, up: false };
  }
  if (cx === "infinity") {
    if (sx || cy === "zero") return invalid();
    return { value: withSign(POS_INFINITY, sy), flags, up: false };
  }
  if (cy === "infinity") return { value: withSign(POS_INFINITY, sx ^ sy), flags, up: false };
  if (cy === "zero") return { value: withSign(POS_ZERO, sx ^ sy), flags, up: false };
  if (sx && msbOf(x) >= 0) {
    // x ≤ −1 lies outside the SDM's domain (undefined result); hardware returns x (measured).
    return { value: x, flags: flags | PE, up: false };
  }
  // Exact when 1 + x is a power of two: 1 + x is formed exactly for |x| < 2^64, the only
  // range where that can happen.
  return timesLog(y, log2p1(W.fromF80(x)), env, flags);
}

/**
 * The angle of an operand pair with a zero or infinity in it, as a multiple of π/4 (0 to 4) to
 * be given the sign of y: the signs decide, as for atan2 (SDM FPATAN table).
 */
function quadrantAngle(x: F80, y: F80): number {
  const cx = classify(x);
  const cy = classify(y);
  if (cy === "zero") return signOf(x) ? 4 : 0;
  if (cy === "infinity") return cx === "infinity" ? (signOf(x) ? 3 : 1) : 2;
  if (cx === "zero") return 2;
  return signOf(x) ? 4 : 0; // x = ±∞
}

/** FPATAN: arctan(y / x) with the quadrant from both signs, ST(0) = x, ST(1) = y. */
export function fpatan(x: F80, y: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(x, y);
  if (nan) return nan;
  const flags = denormalFlag(x, y);
  const cx = classify(x);
  const cy = classify(y);
  const sy = signOf(y);
  if (cx === "zero" || cx === "infinity" || cy === "zero" || cy === "infinity") {
    // A multiple of π/4, rounded under RC with C1 like any other result (measured).
    const n = quadrantAngle(x, y);
    if (n === 0) return { value: withSign(POS_ZERO, sy), flags, up: false };
    return roundInexact(W.mul(W.int(sy ? -n : n), W.scaleBy(pi(), -2)), env, flags);
  }
  const ax = W.fromF80(withSign(x, 0));
  const ay = W.fromF80(withSign(y, 0));
  // arctan of the ratio no greater than 1; past the diagonal π/2 − it, for x < 0 π − that.
  const steep = W.sub(ay, ax).m > 0n;
  const q = W.roundTo(steep ? W.div(ax, ay) : W.div(ay, ax), INTERNAL_BITS);
  if (!steep && !signOf(x)) {
    // arctan q = q − q³/3 + …: below 2^−60 the correction is too small for the series to
    // resolve, but it still puts the result just below q.
    if (W.msb(q) < -60) return finish(sy, (q.m << 1n) - 1n, q.e - 1, env, flags | PE);
    return roundInexact(sy ? W.neg(atan(q)) : atan(q), env, flags);
  }
  // The hardware forms the other quadrants from 68-bit values exactly (measured).
  let angle = W.roundTo(atan(q), INTERNAL_BITS);
  const halfPi = W.roundTo(W.scaleBy(pi(), -1), INTERNAL_BITS);
  if (steep) angle = W.sub(halfPi, angle);
  if (signOf(x)) angle = W.sub(W.scaleBy(halfPi, 1), angle);
  return finish(sy, angle.m, angle.e, env, flags | PE);
}

/** True when FSIN/FCOS/FSINCOS/FPTAN leave the operand alone and set C2: |x| ≥ 2^63. */
export function trigOutOfRange(a: F80): boolean {
  const cls = classify(a);
  return (cls === "normal" || cls === "denormal") && msbOf(a) >= 63;
}

/** Which of the trigonometric functions to compute. */
export type TrigFunction = "sin" | "cos" | "tan";

/**
 * sin, cos or tan of an in-range operand; ∞ is invalid. Tiny arguments are rounded exactly
 * (x or 1 plus or minus a sticky bit), so RC, PE, UE and C1 match hardware there for sin and
 * cos. For tan the hardware's own value falls on either side of x, apparently at random
 * (measured), so below 2^−34 about half the directed roundings differ from it by 1 ulp.
 */
export function trig(fn: TrigFunction, a: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(a);
  if (nan) return nan;
  const cls = classify(a);
  if (cls === "infinity") return invalid();
  if (cls === "zero") return fn === "cos" ? signed(ONE, 0) : signed(a, signOf(a));
  const flags = denormalFlag(a);
  if (msbOf(a) < -40) {
    // sin x = x − x³/6, tan x = x + x³/3, cos x = 1 − x²/2: the correction lies far below the
    // last place, so a sticky bit on the right side of the exact value rounds as hardware does.
    const u = unpack(a);
    if (fn === "cos") return finish(0, (1n << 66n) - 1n, -66, env, flags);
    const shift = 66 - bitLength(u.sig);
    const sticky = fn === "sin" ? -1n : 1n;
    return finish(u.sign, (u.sig << BigInt(shift)) + sticky, u.exp - shift, env, flags);
  }
  const { k, sin, cos } = sinCosOf(a);
  let d: W.Wide;
  switch (fn) {
    case "sin":
      d = [sin, cos, W.neg(sin), W.neg(cos)][k];
      break;
    case "cos":
      d = [cos, W.neg(sin), W.neg(cos), sin][k];
      break;
    default:
      d = k & 1 ? W.neg(W.div(cos, sin)) : W.div(sin, cos);
  }
  return roundInexact(d, env, flags);
}

/** The last operand's quadrant, sine and cosine: FSINCOS asks for both of one operand. */
let lastSinCos: { a: F80; k: number; sin: W.Wide; cos: W.Wide } | undefined;

/** sin and cos of the reduced argument, with the quadrant k (x = k·π66/2 + r). */
function sinCosOf(a: F80): { k: number; sin: W.Wide; cos: W.Wide } {
  const last = lastSinCos;
  if (last && last.a.se === a.se && last.a.hi === a.hi && last.a.lo === a.lo) return last;
  const { k, r } = reduce(a);
  lastSinCos = { a, k, ...sinCos(r) };
  return lastSinCos;
}

/** The 66-bit π of the hardware's argument reduction: PI66 × 2^−64 (SDM §8.3.10). */
const PI66 = (0xc90fdaa22168c234n << 2n) | 3n;

/**
 * Reduces x by the nearest multiple k of π66/2, exactly: x = k·π66/2 + r. Returns k mod 4 and
 * r (|r| ≤ π66/4), which is exact.
 */
function reduce(a: F80): { k: number; r: W.Wide } {
  const u = unpack(a);
  const m = Math.min(u.exp, -65);
  const xs = u.sig << BigInt(u.exp - m); // x = xs × 2^m
  const half = PI66 << BigInt(-65 - m); // π66/2 = half × 2^m
  let k = (xs + half / 2n) / half;
  let rem = xs - k * half;
  if (u.sign) {
    k = -k;
    rem = -rem;
  }
  return { k: Number(BigInt.asUintN(2, k)), r: W.wide(rem, m) };
}

/**
 * F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS and FPTAN.
 *
 * FLOAT64 PATH: these compute through JS float64 (Math.*), so results carry about 53 correct
 * bits instead of the hardware's 64 and C1 (round-up) is reported as 0. Arguments of FSIN/FCOS/
 * FSINCOS/FPTAN are reduced exactly against the hardware's 66-bit π (SDM §8.3.10), so large
 * arguments give the hardware's (mathematically inexact) results to float64 accuracy. Special
 * operands (zeros, infinities, NaNs, unsupported encodings, out-of-range arguments) and the
 * exponent range (values beyond float64 are carried as significand × 2^exponent) are handled
 * exactly. An exact 80-bit implementation can replace each function without touching callers.
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
import {
  add,
  denormalFlag,
  div,
  finish,
  invalid,
  mul,
  type OpResult,
  propagateNaN,
} from "./arith.ts";
import { fromNumber, toNumber } from "./convert.ts";
import { LN2_NEAREST, PI_NEAREST } from "./constants.ts";
import type { RoundEnv } from "./rounding.ts";
import { PE, RC_NEAREST, UE, ZE } from "./status.ts";

/** A finite non-zero value as m × 2^e with m a float64 in [1, 2]. */
interface Scaled {
  m: number;
  e: number;
}

function scaled(v: F80): Scaled {
  const u = unpack(v);
  const n = bitLength(u.sig);
  const m = Number(u.sig) / Math.pow(2, n - 1);
  return { m: u.sign ? -m : m, e: u.exp + n - 1 };
}

/** Leading-bit exponent of a finite non-zero value. */
function msbOf(v: F80): number {
  const u = unpack(v);
  return u.exp + bitLength(u.sig) - 1;
}

/** Rounds the float64 d × 2^e into a register result, marking it inexact. */
function fromScaled(d: number, e: number, env: RoundEnv, flags: number): OpResult {
  if (d === 0 || !Number.isFinite(d)) return { value: fromNumber(d), flags: flags | PE, up: false };
  const u = unpack(fromNumber(d));
  const r = finish(u.sign, u.sig, u.exp + e, env, flags | PE);
  // The float64 value is itself inexact, so a tiny result always underflows (SDM §4.9.1.5).
  const cls = classify(r.value);
  const tiny = (cls === "denormal" || cls === "zero") && env.masks & UE;
  return { ...r, flags: r.flags | (tiny ? UE : 0), up: false };
}

function signed(v: F80, sign: number): OpResult {
  return { value: withSign(v, sign), flags: 0, up: false };
}

/** log2 of a positive finite non-zero value, accurate near 1 (where x − 1 is formed exactly). */
function log2Of(v: F80): number {
  const u = unpack(v);
  const n = bitLength(u.sig);
  const msb = u.exp + n - 1;
  if (msb === 0 || msb === -1) {
    const diff = u.sig - (1n << BigInt(-u.exp));
    return Math.log1p(Number(diff) * Math.pow(2, u.exp)) / Math.LN2;
  }
  return msb + Math.log2(Number(u.sig) / Math.pow(2, n - 1));
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
  if (msb < -60) {
    // 2^x − 1 = x·ln 2 to far beyond 64 bits here; the product keeps the full exponent range.
    const r = mul(a, LN2_NEAREST, env);
    return { ...r, flags: r.flags | flags | PE };
  }
  const x = toNumber(a);
  return fromScaled(Math.expm1(x * Math.LN2), 0, env, flags);
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
    // log2 0 = −∞: finite y raises ZE (SDM), ∞ × −∞ does not.
    const v = withSign(POS_INFINITY, sy ^ 1);
    return { value: v, flags: flags | (cy === "infinity" ? 0 : ZE), up: false };
  }
  if (cx === "infinity") {
    if (cy === "zero") return invalid();
    return { value: withSign(POS_INFINITY, sy), flags, up: false };
  }
  const l = log2Of(x);
  if (l === 0) {
    if (cy === "infinity") return invalid();
    return { value: withSign(POS_ZERO, sy), flags, up: false };
  }
  const sl = l < 0 ? 1 : 0;
  if (cy === "infinity") return { value: withSign(POS_INFINITY, sy ^ sl), flags, up: false };
  if (cy === "zero") return { value: withSign(POS_ZERO, sy ^ sl), flags, up: false };
  const s = scaled(y);
  return fromScaled(s.m * l, s.e, env, flags);
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
  const s = scaled(y);
  if (msbOf(x) > 64) return fromScaled(s.m * log2Of(x), s.e, env, flags);
  if (sx && msbOf(x) === -1) {
    // −1 < x ≤ −1/2: 1 + x is exact (Sterbenz) and keeps the bits float64 would lose.
    const onePlusX = add(x, ONE, { rc: RC_NEAREST, precision: 64, masks: 0x3f }).value;
    return fromScaled(s.m * log2Of(onePlusX), s.e, env, flags);
  }
  const xd = toNumber(x);
  if (msbOf(x) < -60) {
    const xs = scaled(x);
    return fromScaled(s.m * xs.m * Math.LOG2E, s.e + xs.e, env, flags);
  }
  return fromScaled(s.m * (Math.log1p(xd) / Math.LN2), s.e, env, flags);
}

/** Float64 angles that stand for exact multiples of π, mapped to their 80-bit roundings. */
function exactAngle(d: number): F80 | undefined {
  const mag = Math.abs(d);
  const sign = d < 0 ? 1 : 0;
  const pi = PI_NEAREST;
  if (mag === Math.PI) return withSign(pi, sign);
  if (mag === Math.PI / 2) return withSign({ ...pi, se: pi.se - 1 }, sign);
  if (mag === Math.PI / 4) return withSign({ ...pi, se: pi.se - 2 }, sign);
  if (mag === (3 * Math.PI) / 4) {
    return withSign({ se: 0x4000, hi: 0x96cbe3f9, lo: 0x990e91a8 }, sign);
  }
  return undefined;
}

/** FPATAN: arctan(y / x) with the quadrant from both signs, ST(0) = x, ST(1) = y. */
export function fpatan(x: F80, y: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(x, y);
  if (nan) return nan;
  const flags = denormalFlag(x, y);
  const cx = classify(x);
  const cy = classify(y);
  let d: number;
  if (cx === "zero" || cx === "infinity" || cy === "zero" || cy === "infinity") {
    // Only the signs of finite operands matter here; ±1 stands in for them so that values
    // beyond float64's range keep their sign.
    const proxy = (v: F80, c: string) =>
      c === "zero" || c === "infinity" ? toNumber(v) : signOf(v) ? -1 : 1;
    d = Math.atan2(proxy(y, cy), proxy(x, cx));
    if (d === 0) return { value: withSign(POS_ZERO, signOf(y)), flags, up: false };
  } else {
    const sx = scaled(x);
    const sy = scaled(y);
    if (sy.e - sx.e < -60 && sx.m > 0) {
      // arctan(y/x) = y/x to far beyond 64 bits; the quotient keeps the full exponent range.
      const q = div(y, x, env);
      return { ...q, flags: q.flags | flags | PE };
    }
    const k = Math.max(sx.e, sy.e);
    d = Math.atan2(sy.m * Math.pow(2, sy.e - k), sx.m * Math.pow(2, sx.e - k));
  }
  const exact = exactAngle(d);
  if (exact) return { value: exact, flags: flags | PE, up: false };
  return fromScaled(d, 0, env, flags);
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
 * (x or 1 plus or minus a sticky bit), so RC, PE, UE and C1 match hardware there.
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
  const { k, r } = reduce(a);
  let d: number;
  switch (fn) {
    case "sin":
      d = [Math.sin(r), Math.cos(r), -Math.sin(r), -Math.cos(r)][k];
      break;
    case "cos":
      d = [Math.cos(r), -Math.sin(r), -Math.cos(r), Math.sin(r)][k];
      break;
    default:
      d = k & 1 ? -1 / Math.tan(r) : Math.tan(r);
  }
  return fromScaled(d, 0, env, flags);
}

/** The 66-bit π of the hardware's argument reduction: PI66 × 2^−64 (SDM §8.3.10). */
const PI66 = (0xc90fdaa22168c234n << 2n) | 3n;

/**
 * Reduces x by the nearest multiple k of π66/2, exactly: x = k·π66/2 + r. Returns k mod 4 and
 * r as a float64 (|r| ≤ π/4 up to rounding).
 */
function reduce(a: F80): { k: number; r: number } {
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
  return { k: Number(BigInt.asUintN(2, k)), r: Number(rem) * Math.pow(2, m) };
}

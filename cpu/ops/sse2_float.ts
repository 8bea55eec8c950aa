/**
 * Double-precision arithmetic as SSE2 performs it under MXCSR (Intel SDM vol. 1 §4.8.3, §4.9,
 * §11.5): the binary64 counterpart of cpu/ops/sse_float.ts, sharing its `SseEnv`.
 *
 * A lane is a pair of 32-bit words (low, high) so that NaN payloads survive. JS arithmetic on
 * float64 is already round-to-nearest-even; the directed modes, PE, tininess and the denormal
 * grid need the exact error, so each operation produces its result as `(h + l)·2^s` with `h`
 * the nearest binary64 of the exact value scaled into the normal range and only the sign of
 * `l` known exactly: TwoSum for + and −, Dekker's TwoProduct for ×, and the residuals a − q·b
 * and a − q² for ÷ and √. `roundScaled` then rounds once, as the SDM describes for masked and
 * unmasked OE/UE, FTZ, and tininess detected after rounding.
 */
import {
  DAZ,
  DE,
  FZ,
  IE,
  OE,
  PE,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  roundToInt32,
  type SseEnv,
  UE,
  ZE,
} from "./sse_float.ts";

const F64 = new Float64Array(1);
const W = new Uint32Array(F64.buffer);

/** The number a binary64 pattern (low, high words) holds. */
export function num64(lo: number, hi: number): number {
  W[0] = lo;
  W[1] = hi;
  return F64[0];
}

/** The binary64 pattern of `x` as [low, high]. */
export function bits64(x: number): [number, number] {
  F64[0] = x;
  return [W[0], W[1]];
}

/** True for a NaN pattern. */
export function isNan64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0;
}

/** True for a signaling NaN. */
export function isSnan64(lo: number, hi: number): boolean {
  return isNan64(lo, hi) && (hi & 0x80000) === 0;
}

/** True for a denormal. */
export function isDenormal64(lo: number, hi: number): boolean {
  return (hi & 0x7ff00000) === 0 && ((hi & 0xfffff) | lo) !== 0;
}

/** The high word of the default NaN (the low word is 0). */
export const DEFAULT_NAN_HI = 0xfff80000;

/** A binary64 result: the low and high words. */
export type Pair = [number, number];

/** A lane operand after DAZ (a denormal kept as it is raises DE), as a number. */
export function input64(env: SseEnv, lo: number, hi: number): number {
  if (!isDenormal64(lo, hi)) return num64(lo, hi);
  if (env.mxcsr & DAZ) return hi & 0x80000000 ? -0 : 0;
  env.pre |= DE;
  return num64(lo, hi);
}

/** The NaN result of two operands of which one is a NaN: the first NaN, quieted; IE for SNaN. */
export function propagateNan64(env: SseEnv, a: Pair, b: Pair): Pair {
  if (isSnan64(a[0], a[1]) || isSnan64(b[0], b[1])) env.pre |= IE;
  const n = isNan64(a[0], a[1]) ? a : b;
  return [n[0], (n[1] | 0x80000) >>> 0];
}

function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** floor(log2 |x|) for finite non-zero x. */
export function exponentOf(x: number): number {
  const a = Math.abs(x);
  if (a < 2 ** -1022) return exponentOf(a * 2 ** 128) - 128;
  F64[0] = a;
  return ((W[1] >>> 20) & 0x7ff) - 1023;
}

/** x·2^n, exact whenever the result is representable (two steps avoid an infinite 2^n). */
export function scale(x: number, n: number): number {
  if (n === 0) return x;
  const h = n >> 1;
  return x * 2 ** h * 2 ** (n - h);
}

/** The next binary64 away from zero of positive finite `a`. */
function nextAway(a: number): number {
  F64[0] = a;
  if (W[0] === 0xffffffff) {
    W[0] = 0;
    W[1]++;
  } else W[0]++;
  return F64[0];
}

/** The next binary64 toward zero of positive non-zero `a`. */
function nextZero(a: number): number {
  F64[0] = a;
  if (W[0] === 0) {
    W[0] = 0xffffffff;
    W[1]--;
  } else W[0]--;
  return F64[0];
}

/** Whether a magnitude rounds away from zero: the direction of RC for a value of sign `neg`. */
function awayMode(rc: number, neg: boolean): boolean {
  return (rc === RC_UP && !neg) || (rc === RC_DOWN && neg);
}

/** Magnitude `a` (the nearest binary64) adjusted by the sign `sl` of the exact remainder. */
function roundMagnitude(a: number, sl: number, rc: number, neg: boolean): number {
  if (sl === 0 || rc === RC_NEAREST) return a;
  if (awayMode(rc, neg)) return sl > 0 ? nextAway(a) : a;
  return sl < 0 ? nextZero(a) : a;
}

const MAX = Number.MAX_VALUE;

/**
 * Rounds the exact value (h + l)·2^s (h ≠ 0 the nearest binary64 of h + l, sl the sign of l)
 * to binary64 under MXCSR, with OE, UE, PE and FTZ. Returns the result as a number.
 */
export function roundScaled(env: SseEnv, h: number, sl: number, s: number): number {
  const rc = env.rc;
  const neg = h < 0;
  const a = Math.abs(h);
  const m = neg ? -sl : sl;
  const inexactHere = m !== 0;
  const r = roundMagnitude(a, m, rc, neg);
  const e = exponentOf(r) + s;
  if (e > 1023) {
    env.post |= OE | PE;
    const big = awayMode(rc, neg) || rc === RC_NEAREST ? Infinity : MAX;
    return neg ? -big : big;
  }
  if (e >= -1022) {
    if (inexactHere) env.post |= PE;
    const v = scale(r, s);
    return neg ? -v : v;
  }
  // Tiny after rounding with an unbounded exponent.
  if (!env.masked(UE)) {
    env.post |= UE | (inexactHere ? PE : 0);
    const v = scale(r, s);
    return neg ? -v : v;
  }
  if (env.mxcsr & FZ) {
    env.post |= UE | PE;
    return neg ? -0 : 0;
  }
  // The denormal grid, 2^−1074, is 2^(−1074−s) in the scale of `a`.
  const q = scale(a, 1074 + s);
  let n = Math.floor(q);
  const frac = q - n;
  const inexact = frac !== 0 || m !== 0;
  if (inexact) {
    if (frac === 0) {
      // On a grid point: only a directed mode moves, by the sign of the remainder.
      if (rc !== RC_NEAREST && m > 0 && awayMode(rc, neg)) n += 1;
      else if (rc !== RC_NEAREST && m < 0 && !awayMode(rc, neg)) n -= 1;
    } else if (rc === RC_NEAREST) {
      if (frac > 0.5 || (frac === 0.5 && (m > 0 || (m === 0 && n % 2 === 1)))) n += 1;
    } else if (awayMode(rc, neg)) n += 1;
    env.post |= UE | PE;
  }
  const v = scale(n, -1074);
  return neg ? -v : v;
}

// Veltkamp splitting constant for binary64.
const SPLIT = 134217729; // 2^27 + 1

/** The exact error of a·b (|a|, |b| in a range where nothing overflows or underflows). */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/**
 * |x| in [2^-400, 2^400]: products and quotients of two such numbers, and the partial products
 * of their rounding errors, neither overflow nor leave the normal range, so no scaling is needed.
 */
function moderate(x: number): boolean {
  const a = Math.abs(x);
  return a >= 2 ** -400 && a <= 2 ** 400;
}

/** [m, e] with x = m·2^e and 1 ≤ |m| < 2 (x finite, non-zero). */
function frexp(x: number): [number, number] {
  const e = exponentOf(x);
  return [scale(x, -e), e];
}

/** Sum of finite numbers, rounded under MXCSR. */
export function addNumbers(env: SseEnv, x: number, y: number): number {
  let r = x + y;
  if (r === 0) {
    if (Object.is(x, -0) && Object.is(y, -0)) return -0;
    if (x === 0 && y === 0 && Object.is(x, y)) return 0;
    if (x === -y) return env.rc === RC_DOWN ? -0 : 0;
  }
  let s = 0;
  let a = x, b = y;
  if (!Number.isFinite(r)) {
    // Both operands are then at least 2^970: halving them is exact.

    a = x / 2;
    b = y / 2;
    r = a + b;
    s = 1;
  }
  const bv = r - a, av = r - bv;
  const err = (a - av) + (b - bv);
  return roundScaled(env, r, sign(err), s);
}

/** Product of finite non-zero numbers, rounded under MXCSR. */
export function mulNumbers(env: SseEnv, x: number, y: number): number {
  if (moderate(x) && moderate(y)) {
    // No scaling needed: the product and every partial product of its error are normal.
    const p = x * y;
    return roundScaled(env, p, sign(productError(x, y, p)), 0);
  }
  const [mx, ex] = frexp(x), [my, ey] = frexp(y);
  const p = mx * my;
  return roundScaled(env, p, sign(productError(mx, my, p)), ex + ey);
}

/** Quotient of finite non-zero numbers, rounded under MXCSR. */
export function divNumbers(env: SseEnv, x: number, y: number): number {
  if (moderate(x) && moderate(y)) {
    const q = x / y;
    const p = q * y;
    return roundScaled(env, q, sign((x - p) - productError(q, y, p)) * sign(y), 0);
  }
  const [mx, ex] = frexp(x), [my, ey] = frexp(y);
  const q = mx / my;
  const p = q * my;
  const rem = (mx - p) - productError(q, my, p);
  return roundScaled(env, q, sign(rem) * sign(my), ex - ey);
}

/** Square root of a finite positive number, rounded under MXCSR. */
export function sqrtNumber(env: SseEnv, x: number): number {
  let [m, e] = frexp(x);
  if (e & 1) {
    m *= 2;
    e -= 1;
  }
  const q = Math.sqrt(m);
  const p = q * q;
  return roundScaled(env, q, sign((m - p) - productError(q, q, p)), e / 2);
}

/** Invalid operation: IE and the default NaN. */
function invalid(env: SseEnv): Pair {
  env.pre |= IE;
  return [0, DEFAULT_NAN_HI];
}

function isZero64(env: SseEnv, p: Pair): boolean {
  return ((p[1] & 0x7fffffff) | p[0]) === 0 ||
    (isDenormal64(p[0], p[1]) && (env.mxcsr & DAZ) !== 0);
}

function isInf64(p: Pair): boolean {
  return (p[1] & 0x7fffffff) === 0x7ff00000 && p[0] === 0;
}

/** A binary operation on patterns: NaNs and DAZ/DE first, then `compute` on numbers. */
function binary(
  env: SseEnv,
  a: Pair,
  b: Pair,
  compute: (x: number, y: number) => number | Pair,
): Pair {
  if (isNan64(a[0], a[1]) || isNan64(b[0], b[1])) return propagateNan64(env, a, b);
  const r = compute(input64(env, a[0], a[1]), input64(env, b[0], b[1]));
  return typeof r === "number" ? bits64(r) : r;
}

/** a + b. */
export function add64(env: SseEnv, a: Pair, b: Pair): Pair {
  return binary(env, a, b, (x, y) => {
    const r = x + y;
    if (Number.isNaN(r)) return invalid(env);
    if (!Number.isFinite(x) || !Number.isFinite(y)) return r;
    return addNumbers(env, x, y);
  });
}

/** a − b. */
export function sub64(env: SseEnv, a: Pair, b: Pair): Pair {
  if (isNan64(a[0], a[1]) || isNan64(b[0], b[1])) return propagateNan64(env, a, b);
  return add64(env, a, [b[0], (b[1] ^ 0x80000000) >>> 0]);
}

/** a × b. */
export function mul64(env: SseEnv, a: Pair, b: Pair): Pair {
  return binary(env, a, b, (x, y) => {
    const r = x * y;
    if (Number.isNaN(r)) return invalid(env);
    if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0 || y === 0) return r;
    return mulNumbers(env, x, y);
  });
}

/** a ÷ b. */
export function div64(env: SseEnv, a: Pair, b: Pair): Pair {
  if (
    !isNan64(a[0], a[1]) && !isNan64(b[0], b[1]) && isZero64(env, b) && !isZero64(env, a) &&
    !isInf64(a)
  ) {
    // Division by zero outranks a denormal operand: ZE alone (SDM vol. 1 §4.9.2).
    env.pre |= ZE;
    return [0, (((a[1] ^ b[1]) & 0x80000000) | 0x7ff00000) >>> 0];
  }
  return binary(env, a, b, (x, y) => {
    const r = x / y;
    if (Number.isNaN(r)) return invalid(env);
    if (!Number.isFinite(x) || !Number.isFinite(y) || x === 0) return r;
    return divNumbers(env, x, y);
  });
}

/** √a. */
export function sqrt64(env: SseEnv, a: Pair): Pair {
  if (isNan64(a[0], a[1])) return propagateNan64(env, a, a);
  // Invalid outranks denormal: IE alone for a negative denormal.
  if ((a[1] & 0x80000000) && !isZero64(env, a)) return invalid(env);
  const x = input64(env, a[0], a[1]);
  if (x === 0 || x === Infinity) return bits64(x);
  return bits64(sqrtNumber(env, x));
}

/** MINPD/MAXPD lane: the second operand for a NaN (IE) or two zeros (SDM MINPD). */
export function minMax64(env: SseEnv, a: Pair, b: Pair, max: boolean): Pair {
  if (isNan64(a[0], a[1]) || isNan64(b[0], b[1])) {
    env.pre |= IE;
    return isDenormal64(b[0], b[1]) && (env.mxcsr & DAZ) ? [0, (b[1] & 0x80000000) >>> 0] : b;
  }
  const x = input64(env, a[0], a[1]), y = input64(env, b[0], b[1]);
  const pick = (max ? x > y : x < y) ? a : b;
  const v = pick === a ? x : y;
  return v === 0 ? [0, (pick[1] & 0x80000000) >>> 0] : pick;
}

/**
 * binary64 → int32 by MXCSR.RC or by truncation: IE and the integer indefinite for a NaN or
 * out of range, PE when inexact.
 */
export function toInt64(env: SseEnv, a: Pair, truncate: boolean): number {
  if (isNan64(a[0], a[1])) {
    env.pre |= IE;
    return 0x80000000;
  }
  const x = isDenormal64(a[0], a[1]) && (env.mxcsr & DAZ) ? 0 : num64(a[0], a[1]);
  return roundToInt32(env, x, truncate);
}

/**
 * Single-precision arithmetic as SSE performs it under MXCSR (Intel SDM vol. 1 §4.8.3, §4.9,
 * §10.2.3, §11.5): rounding control, flush-to-zero, denormals-are-zeros, the six exception
 * flags, NaN propagation and the default NaN.
 *
 * Values travel as raw binary32 bit patterns, because converting a NaN to a JS number may lose
 * its payload. Non-NaN operands are exact float64 numbers; a result is the float64 computation
 * rounded once to binary32, which is exact for round-to-nearest (binary64 has more than 2·24+2
 * bits, so the double rounding is innocuous for + − × ÷ √). For the directed modes and the
 * precision flag the rounding asks a comparator on which side of a binary32 candidate the exact
 * result lies; for each operation that comparison is computed exactly in float64.
 */

/** MXCSR flag bits (SDM vol. 1 figure 10-3). */
export const IE = 0x01, DE = 0x02, ZE = 0x04, OE = 0x08, UE = 0x10, PE = 0x20;
/** MXCSR control bits. */
export const DAZ = 0x40, FZ = 0x8000;
/** MXCSR.RC values (bits 13–14). */
export const RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;
/** The default NaN, "QNaN floating-point indefinite" (SDM vol. 1 table 4-3). */
export const DEFAULT_NAN = 0xffc00000;
/** The integer indefinite of a failed conversion to int32. */
export const INT_INDEFINITE = 0x80000000;

const F = new Float32Array(1);
const U = new Uint32Array(F.buffer);

/** The number a binary32 pattern (not a NaN) holds. */
export function num(bits: number): number {
  U[0] = bits;
  return F[0];
}

/** The binary32 pattern of `x`, which must already be a binary32 value (or ±∞). */
export function bits(x: number): number {
  F[0] = x;
  return U[0];
}

/** True for a NaN pattern. */
export function isNan(b: number): boolean {
  return (b & 0x7f800000) === 0x7f800000 && (b & 0x7fffff) !== 0;
}

/** True for a signaling NaN (quiet bit clear). */
export function isSnan(b: number): boolean {
  return isNan(b) && (b & 0x400000) === 0;
}

/** True for a denormal (non-zero, exponent field 0). */
export function isDenormal(b: number): boolean {
  return (b & 0x7f800000) === 0 && (b & 0x7fffff) !== 0;
}

/**
 * The exception and control state of one SSE instruction: MXCSR as it was, and the flags its
 * lanes raised, split into pre-computation (IE, DE, ZE) and post-computation (OE, UE, PE) ones
 * because an unmasked pre-computation exception suppresses the computation (SDM §11.5.2).
 */
export class SseEnv {
  mxcsr = 0x1f80;
  pre = 0;
  post = 0;

  /** Starts an instruction under `mxcsr`. */
  begin(mxcsr: number): this {
    this.mxcsr = mxcsr;
    this.pre = 0;
    this.post = 0;
    return this;
  }

  /** MXCSR.RC. */
  get rc(): number {
    return (this.mxcsr >> 13) & 3;
  }

  /** True when `flag` (an exception bit) is masked. */
  masked(flag: number): boolean {
    return ((this.mxcsr >> 7) & flag) !== 0;
  }

  /** An input operand after DAZ; a denormal kept as it is raises DE. */
  input(b: number): number {
    if (!isDenormal(b)) return b;
    if (this.mxcsr & DAZ) return b & 0x80000000;
    this.pre |= DE;
    return b;
  }
}

/** The NaN result of two operands of which at least one is a NaN; IE for an SNaN. */
export function propagateNan(env: SseEnv, a: number, b: number): number {
  if (isSnan(a) || isSnan(b)) env.pre |= IE;
  return ((isNan(a) ? a : b) | 0x400000) >>> 0;
}

/** The next binary32 pattern toward +∞ (for a finite value). */
function nextUp(b: number): number {
  if ((b & 0x7fffffff) === 0) return 1;
  return (b & 0x80000000) ? b - 1 : b + 1;
}

/** The next binary32 pattern toward −∞ (for a finite value). */
function nextDown(b: number): number {
  if ((b & 0x7fffffff) === 0) return 0x80000001;
  return (b & 0x80000000) ? b + 1 : b - 1;
}

/** Sign of (exact result − candidate): −1, 0 or 1. */
export type Side = (candidate: number) => number;

/**
 * Rounds the exact result (approximated by `r`, located exactly by `side`) to binary32 in
 * mode `rc`, with an unbounded exponent range when `r` is finite. Returns the pattern (±∞ when
 * it overflows) and whether it is inexact.
 */
function roundCore(r: number, side: Side, rc: number): [number, boolean] {
  let b = bits(Math.fround(r));
  if (!Number.isFinite(num(b))) {
    // Past the largest finite value by at least half an ulp.
    const neg = r < 0;
    if (rc === RC_ZERO || (rc === RC_DOWN && !neg) || (rc === RC_UP && neg)) {
      return [neg ? 0xff7fffff : 0x7f7fffff, true];
    }
    return [neg ? 0xff800000 : 0x7f800000, true];
  }
  const s = side(num(b));
  if (s === 0) return [b, false];
  if (rc === RC_UP && s > 0) b = nextUp(b);
  else if (rc === RC_DOWN && s < 0) b = nextDown(b);
  else if (rc === RC_ZERO) {
    if (s < 0 && !(b & 0x80000000) && (b & 0x7fffffff) !== 0) b = nextDown(b);
    else if (s > 0 && (b & 0x80000000)) b = nextUp(b);
  }
  return [b >>> 0, true];
}

const SCALE = 2 ** 100;
const MIN_NORMAL = 2 ** -126;
const MAX_FINITE = 3.4028234663852886e38;

/**
 * The binary32 result of an operation whose exact value `r` approximates and `side` locates,
 * with OE, UE and PE, and FTZ, as the SDM describes for masked and unmasked exceptions. An
 * exact zero is passed as `r` = ±0 with the right sign. Tininess is detected after rounding
 * (with an unbounded exponent), as x86 processors do.
 */
export function round32(env: SseEnv, r: number, side: Side): number {
  if (r === 0) return bits(r);
  const rc = env.rc;
  const [b, inexact] = roundCore(r, side, rc);
  const mag = b & 0x7fffffff;
  // Overflow: the rounded result with an unbounded exponent exceeds the largest finite value.
  if (inexact && mag >= 0x7f7fffff && overflowsUnbounded(r, side, rc)) {
    env.post |= OE | PE;
    return b;
  }
  if (mag <= 0x00800000) {
    const tiny = mag < 0x00800000 || isTinyUnbounded(r, side, rc);
    if (tiny) {
      if (!env.masked(UE)) {
        env.post |= UE | (inexact ? PE : 0);
        return b;
      }
      if (env.mxcsr & FZ) {
        env.post |= UE | PE;
        return r < 0 ? 0x80000000 : 0;
      }
      if (inexact) env.post |= UE | PE;
      return b;
    }
  }
  if (inexact) env.post |= PE;
  return b;
}

/** True when the unbounded-exponent rounding of a result near 2^128 exceeds the largest value. */
function overflowsUnbounded(r: number, side: Side, rc: number): boolean {
  const [b] = roundCore(r / SCALE, (c) => side(c * SCALE), rc);
  return Math.abs(num(b)) > MAX_FINITE / SCALE;
}

/** True when the unbounded-exponent rounding of the exact result is below 2^−126. */
function isTinyUnbounded(r: number, side: Side, rc: number): boolean {
  const [b] = roundCore(r * SCALE, (c) => side(c / SCALE), rc);
  return Math.abs(num(b)) < MIN_NORMAL * SCALE;
}

function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : 0;
}

/** Binary operation on patterns: NaNs, DAZ and DE first, then `compute` on the numbers. */
function binary(
  env: SseEnv,
  a: number,
  b: number,
  compute: (x: number, y: number) => number,
): number {
  if (isNan(a) || isNan(b)) return propagateNan(env, a, b);
  return compute(num(env.input(a)), num(env.input(b)));
}

/** Invalid operation: IE and the default NaN. */
function invalid(env: SseEnv): number {
  env.pre |= IE;
  return DEFAULT_NAN;
}

/** a + b. */
export function add(env: SseEnv, a: number, b: number): number {
  return binary(env, a, b, (x, y) => {
    const r = x + y;
    if (Number.isNaN(r)) return invalid(env);
    if (!Number.isFinite(r)) return bits(r);
    if (r === 0) {
      // An exact zero sum of operands of different signs is −0 only when rounding down.
      if (Object.is(x, -0) && Object.is(y, -0)) return 0x80000000;
      if (x === 0 && y === 0 && Object.is(x, y)) return 0;
      return env.rc === RC_DOWN ? 0x80000000 : 0;
    }
    // TwoSum: err is exactly (x + y) − r.
    const yv = r - x, xv = r - yv;
    const err = (x - xv) + (y - yv);
    return round32(env, r, (c) => sign((r - c) + err));
  });
}

/** a − b. */
export function sub(env: SseEnv, a: number, b: number): number {
  if (isNan(a) || isNan(b)) return propagateNan(env, a, b);
  return add(env, a, (b ^ 0x80000000) >>> 0);
}

/** a × b (the float64 product of two binary32 values is exact). */
export function mul(env: SseEnv, a: number, b: number): number {
  return binary(env, a, b, (x, y) => {
    const r = x * y;
    if (Number.isNaN(r)) return invalid(env);
    if (!Number.isFinite(r) || r === 0) return bits(r);
    return round32(env, r, (c) => sign(r - c));
  });
}

/** a ÷ b; the side of a candidate c is the sign of (a − c·b)·sign(b), c·b being exact. */
export function div(env: SseEnv, a: number, b: number): number {
  if (
    !isNan(a) && !isNan(b) && isZero(env, b) && !isZero(env, a) && (a & 0x7fffffff) !== 0x7f800000
  ) {
    // Division by zero outranks a denormal operand: ZE alone (SDM vol. 1 §4.9.2 priorities).
    env.pre |= ZE;
    return (((a ^ b) & 0x80000000) | 0x7f800000) >>> 0;
  }
  return binary(env, a, b, (x, y) => {
    const r = x / y;
    if (Number.isNaN(r)) return invalid(env);
    if (!Number.isFinite(r) || r === 0) return bits(r);
    return round32(env, r, (c) => sign(x - c * y) * sign(y));
  });
}

/** True for ±0, and for a denormal under DAZ. */
function isZero(env: SseEnv, b: number): boolean {
  return (b & 0x7fffffff) === 0 || (isDenormal(b) && (env.mxcsr & DAZ) !== 0);
}

/** √a; the side of a candidate c is the sign of a − c², c² being exact. */
export function sqrt(env: SseEnv, a: number): number {
  if (isNan(a)) return propagateNan(env, a, a);
  // Invalid outranks denormal: IE alone for a negative denormal (SDM vol. 1 §4.9.2).
  if ((a & 0x80000000) && (a & 0x7fffffff) && !(isDenormal(a) && (env.mxcsr & DAZ))) {
    return invalid(env);
  }
  const x = num(env.input(a));
  if (x === 0) return bits(x);
  if (x < 0) return invalid(env);
  const r = Math.sqrt(x);
  if (!Number.isFinite(r)) return bits(r);
  return round32(env, r, (c) => sign(x - c * c));
}

/**
 * MINPS/MAXPS lane: the second operand when either is a NaN (IE for any NaN) or both are zeros
 * (SDM MINPS: not an IEEE minimum).
 */
export function minMax(env: SseEnv, a: number, b: number, max: boolean): number {
  if (isNan(a) || isNan(b)) {
    env.pre |= IE;
    // A denormal second operand is returned as zero under DAZ (as measured on the host).
    return isDenormal(b) && (env.mxcsr & DAZ) ? (b & 0x80000000) >>> 0 : b;
  }
  const ia = env.input(a), ib = env.input(b);
  const x = num(ia), y = num(ib);
  return (max ? x > y : x < y) ? ia : ib;
}

/** The int32 → binary32 conversion under MXCSR.RC (PE when inexact). */
export function fromInt(env: SseEnv, n: number): number {
  const x = n | 0;
  if (x === 0) return 0;
  return round32(env, x, (c) => sign(x - c));
}

/**
 * binary32 → int32 by MXCSR.RC, or by truncation: IE and the integer indefinite for a NaN or a
 * value out of range, PE when inexact.
 */
export function toInt(env: SseEnv, a: number, truncate: boolean): number {
  if (isNan(a)) {
    env.pre |= IE;
    return INT_INDEFINITE;
  }
  return roundToInt32(env, num(isDenormal(a) && (env.mxcsr & DAZ) ? a & 0x80000000 : a), truncate);
}

/**
 * A number that is not NaN → int32 by MXCSR.RC, or by truncation: IE and the integer indefinite
 * when out of range, PE when inexact (the common tail of the binary32 and binary64 conversions).
 */
export function roundToInt32(env: SseEnv, x: number, truncate: boolean): number {
  const rc = truncate ? RC_ZERO : env.rc;
  let n: number;
  if (rc === RC_ZERO) n = Math.trunc(x);
  else if (rc === RC_DOWN) n = Math.floor(x);
  else if (rc === RC_UP) n = Math.ceil(x);
  else {
    n = Math.floor(x);
    const d = x - n;
    if (d > 0.5 || (d === 0.5 && n % 2 !== 0)) n += 1;
  }
  if (!(n >= -2147483648 && n < 2147483648)) {
    env.pre |= IE;
    return INT_INDEFINITE;
  }
  if (n !== x) env.post |= PE;
  return n >>> 0;
}

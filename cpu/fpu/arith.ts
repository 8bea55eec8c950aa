/**
 * Exact double-extended arithmetic for FADD/FSUB/FMUL/FDIV/FSQRT and their variants: every
 * result is computed exactly with bigint significands and rounded once by `round` under the
 * control word's RC and PC fields (Intel SDM vol. 1 §8.1.5), so results match hardware bit for
 * bit, including C1 and the OE/UE/PE flags.
 */
import {
  bitLength,
  classify,
  type F80,
  INDEFINITE,
  isSignalingNaN,
  NEG_ZERO,
  POS_INFINITY,
  POS_ZERO,
  quiet,
  significand,
  signOf,
  unpack,
  withSign,
} from "./f80.ts";
import { EXTENDED, packExtended, round, type RoundEnv } from "./rounding.ts";
import { DE, IE, RC_DOWN, ZE } from "./status.ts";

/** A computed register result with the exceptions it raised. */
export interface OpResult {
  /** The value to deliver (meaningful only when no unmasked IE/DE/ZE is among `flags`). */
  value: F80;
  /** Exception flags (IE DE ZE OE UE PE) raised. */
  flags: number;
  /** True when rounding increased the magnitude (C1). */
  up: boolean;
}

/** The masked response to an invalid operation. */
export function invalid(): OpResult {
  return { value: INDEFINITE, flags: IE, up: false };
}

/** DE when any operand is a denormal or pseudo-denormal (SDM §4.9.1.2). */
export function denormalFlag(...vs: F80[]): number {
  return vs.some((v) => classify(v) === "denormal") ? DE : 0;
}

/**
 * Unsupported encodings and NaN operands (SDM §8.2.2, Table 4-7): unsupported → indefinite with
 * IE; one NaN → it, quieted; two NaNs → a QNaN beats an SNaN, otherwise the larger significand
 * (after quieting) wins and on a tie the positive one (as measured). An SNaN anywhere raises IE.
 * Returns undefined when no operand is a NaN or unsupported.
 */
export function propagateNaN(a: F80, b?: F80): OpResult | undefined {
  const ca = classify(a);
  const cb = b ? classify(b) : "zero";
  if (ca === "unsupported" || cb === "unsupported") return invalid();
  const aNaN = ca === "nan";
  const bNaN = cb === "nan";
  if (!aNaN && !bNaN) return undefined;
  const aS = aNaN && isSignalingNaN(a);
  const bS = bNaN && b !== undefined && isSignalingNaN(b);
  const flags = aS || bS ? IE : 0;
  let pick: F80;
  if (!bNaN || b === undefined) pick = a;
  else if (!aNaN) pick = b;
  else if (aS !== bS) pick = aS ? b : a;
  else {
    const qa = quiet(a);
    const qb = quiet(b);
    const sa = significand(qa);
    const sb = significand(qb);
    pick = sa > sb ? qa : sb > sa ? qb : (qa.se <= qb.se ? qa : qb);
  }
  return { value: quiet(pick), flags, up: false };
}

/** Rounds an exact non-negative magnitude sig × 2^exp into a register result. */
export function finish(sign: number, sig: bigint, exp: number, env: RoundEnv, flags = 0): OpResult {
  if (sig === 0n) return { value: sign ? NEG_ZERO : POS_ZERO, flags, up: false };
  const r = round(sign, sig, exp, EXTENDED, env);
  return { value: packExtended(r), flags: flags | r.flags, up: r.up };
}

function infinity(sign: number): F80 {
  return withSign(POS_INFINITY, sign);
}

function zero(sign: number): F80 {
  return sign ? NEG_ZERO : POS_ZERO;
}

/** The signed zero an exact cancellation produces: +0, or −0 when rounding down (IEEE 754 §6.3). */
function cancellationZero(env: RoundEnv): F80 {
  return env.rc === RC_DOWN ? NEG_ZERO : POS_ZERO;
}

/**
 * How far (in bits) below the larger operand's leading bit a smaller one may sit before only
 * its sign matters: past this gap it is replaced by a single sticky bit, which rounds the same
 * way under every RC because it stays below a quarter of the result's last place.
 */
const STICKY_GAP = 140;

/**
 * a + b, or a − b when `subtract`, on bigints: FADD, FSUB, FSUBR and their forms, every case. The
 * common case runs as WebAssembly first (cpu/fpu/x87_semantics.ts); this is its reference.
 */
export function add(a: F80, b: F80, env: RoundEnv, subtract = false): OpResult {
  const nan = propagateNaN(a, b);
  if (nan) return nan;
  const flags = denormalFlag(a, b);
  const ca = classify(a);
  const cb = classify(b);
  const sa = signOf(a);
  const sb = signOf(b) ^ (subtract ? 1 : 0);
  if (ca === "infinity" || cb === "infinity") {
    if (ca === cb && sa !== sb) return invalid();
    return { value: infinity(ca === "infinity" ? sa : sb), flags, up: false };
  }
  if (ca === "zero" && cb === "zero") {
    return { value: sa === sb ? zero(sa) : cancellationZero(env), flags, up: false };
  }
  let { sig: ma, exp: ea } = unpack(a);
  let { sig: mb, exp: eb } = unpack(b);
  if (ma === 0n) return finish(sb, mb, eb, env, flags);
  if (mb === 0n) return finish(sa, ma, ea, env, flags);
  const msbA = ea + bitLength(ma) - 1;
  const msbB = eb + bitLength(mb) - 1;
  if (msbA - msbB > STICKY_GAP) {
    mb = 1n;
    eb = msbA - STICKY_GAP;
  } else if (msbB - msbA > STICKY_GAP) {
    ma = 1n;
    ea = msbB - STICKY_GAP;
  }
  const e = Math.min(ea, eb);
  const va = ma << BigInt(ea - e);
  const vb = mb << BigInt(eb - e);
  const sum = (sa ? -va : va) + (sb ? -vb : vb);
  if (sum === 0n) return { value: cancellationZero(env), flags, up: false };
  return sum < 0n ? finish(1, -sum, e, env, flags) : finish(0, sum, e, env, flags);
}

/**
 * a × b on bigints: FMUL and its forms, every case. The common case runs as WebAssembly first
 * (cpu/fpu/x87_semantics.ts); this is its reference.
 */
export function mul(a: F80, b: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(a, b);
  if (nan) return nan;
  const flags = denormalFlag(a, b);
  const ca = classify(a);
  const cb = classify(b);
  const sign = signOf(a) ^ signOf(b);
  if (ca === "infinity" || cb === "infinity") {
    if (ca === "zero" || cb === "zero") return invalid();
    return { value: infinity(sign), flags, up: false };
  }
  if (ca === "zero" || cb === "zero") return { value: zero(sign), flags, up: false };
  const ua = unpack(a);
  const ub = unpack(b);
  return finish(sign, ua.sig * ub.sig, ua.exp + ub.exp, env, flags);
}

/** Shifts a non-zero significand so that it has exactly 64 significant bits. */
function normalize(sig: bigint, exp: number): { sig: bigint; exp: number } {
  const shift = 64 - bitLength(sig);
  return { sig: sig << BigInt(shift), exp: exp - shift };
}

/** a ÷ b: FDIV, FDIVR and their forms. Finite ÷ 0 raises ZE (SDM §4.9.1.3). */
export function div(a: F80, b: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(a, b);
  if (nan) return nan;
  const ca = classify(a);
  const cb = classify(b);
  const sign = signOf(a) ^ signOf(b);
  if (ca === "infinity") {
    if (cb === "infinity") return invalid();
    return { value: infinity(sign), flags: denormalFlag(b), up: false };
  }
  if (cb === "infinity") return { value: zero(sign), flags: denormalFlag(a), up: false };
  if (cb === "zero") {
    if (ca === "zero") return invalid();
    // A denormal dividend raises no DE here: ZE takes its place (measured).
    return { value: infinity(sign), flags: ZE, up: false };
  }
  const flags = denormalFlag(a, b);
  if (ca === "zero") return { value: zero(sign), flags, up: false };
  const na = normalize(unpack(a).sig, unpack(a).exp);
  const nb = normalize(unpack(b).sig, unpack(b).exp);
  // A 128-bit head start leaves at least 65 quotient bits, so the sticky bit below them decides
  // ties and directed rounding correctly even at 64-bit precision.
  const num = na.sig << 128n;
  const q = num / nb.sig;
  const sticky = num - q * nb.sig === 0n ? 0n : 1n;
  return finish(sign, (q << 1n) | sticky, na.exp - 128 - nb.exp - 1, env, flags);
}

/** Integer square root: the largest r with r² ≤ n. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** √a: FSQRT. −0 gives −0; any other negative operand is invalid (SDM FSQRT). */
export function sqrt(a: F80, env: RoundEnv): OpResult {
  const nan = propagateNaN(a);
  if (nan) return nan;
  const ca = classify(a);
  if (ca === "zero") return { value: a, flags: 0, up: false };
  if (signOf(a)) return invalid();
  if (ca === "infinity") return { value: a, flags: 0, up: false };
  let { sig, exp } = normalize(unpack(a).sig, unpack(a).exp);
  if (exp & 1) {
    sig <<= 1n;
    exp -= 1;
  }
  const radicand = sig << 128n;
  const root = isqrt(radicand);
  const sticky = root * root === radicand ? 0n : 1n;
  return finish(0, (root << 1n) | sticky, (exp - 128) / 2 - 1, env, denormalFlag(a));
}

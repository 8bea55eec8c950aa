/**
 * The 80-bit double-extended format exactly as a register or memory holds it (Intel SDM vol. 1
 * §4.2.2, §8.2.2): a sign+exponent word and a 64-bit significand with an explicit integer bit J.
 */
export interface F80 {
  /** Bit 15 sign, bits 14–0 biased exponent (bias 16383). */
  readonly se: number;
  /** Significand bits 63–32; bit 63 is the integer bit J. */
  readonly hi: number;
  /** Significand bits 31–0. */
  readonly lo: number;
}

/** Exponent bias of the double-extended format. */
export const BIAS = 16383;
/** Biased exponent of infinities and NaNs. */
export const EXP_SPECIAL = 0x7fff;
/**
 * Exponent of the least significant significand bit of a value whose biased exponent is 1
 * (or 0: denormals share it): value = significand × 2^(max(e, 1) − 16446).
 */
export const LSB_BIAS = BIAS + 63;

/** Builds a value from its three fields (truncated to their widths). */
export function f80(se: number, hi: number, lo: number): F80 {
  return { se: se & 0xffff, hi: hi >>> 0, lo: lo >>> 0 };
}

/** +0. */
export const POS_ZERO: F80 = f80(0x0000, 0, 0);
/** −0. */
export const NEG_ZERO: F80 = f80(0x8000, 0, 0);
/** +1.0 (FLD1). */
export const ONE: F80 = f80(0x3fff, 0x80000000, 0);
/** +∞. */
export const POS_INFINITY: F80 = f80(0x7fff, 0x80000000, 0);
/** −∞. */
export const NEG_INFINITY: F80 = f80(0xffff, 0x80000000, 0);
/** The real indefinite: the QNaN every masked invalid operation returns (SDM §4.8.3.7). */
export const INDEFINITE: F80 = f80(0xffff, 0xc0000000, 0);

/** What FXAM and the tag word distinguish, plus the formats the 387 and later reject. */
export type F80Class =
  | "zero"
  | "denormal" // includes pseudo-denormals (exponent 0, J = 1), which are valid operands
  | "normal"
  | "infinity"
  | "nan"
  | "unsupported"; // unnormals, pseudo-NaNs and pseudo-infinities (SDM §8.2.2)

/** Classifies a value by its encoding. */
export function classify(v: F80): F80Class {
  const e = v.se & 0x7fff;
  const j = (v.hi & 0x80000000) !== 0;
  if (e === EXP_SPECIAL) {
    if (!j) return "unsupported";
    return (v.hi & 0x7fffffff) === 0 && v.lo === 0 ? "infinity" : "nan";
  }
  if (e === 0) return v.hi === 0 && v.lo === 0 ? "zero" : "denormal";
  return j ? "normal" : "unsupported";
}

/** Sign bit, 0 or 1. */
export function signOf(v: F80): number {
  return v.se >>> 15;
}

/** Biased exponent (0..0x7fff). */
export function exponentOf(v: F80): number {
  return v.se & 0x7fff;
}

/** True for a NaN whose quiet bit (significand bit 62) is clear. */
export function isSignalingNaN(v: F80): boolean {
  return classify(v) === "nan" && (v.hi & 0x40000000) === 0;
}

/** True for any NaN. */
export function isNaN80(v: F80): boolean {
  return classify(v) === "nan";
}

/** Sets the quiet bit of a NaN. */
export function quiet(v: F80): F80 {
  return f80(v.se, v.hi | 0x40000000, v.lo);
}

/** The same value with its sign bit replaced. */
export function withSign(v: F80, sign: number): F80 {
  return f80((v.se & 0x7fff) | (sign << 15), v.hi, v.lo);
}

/** Flips the sign bit (FCHS); NaNs included, no exception. */
export function negate(v: F80): F80 {
  return f80(v.se ^ 0x8000, v.hi, v.lo);
}

/** The 64-bit significand as a bigint. */
export function significand(v: F80): bigint {
  return (BigInt(v.hi) << 32n) | BigInt(v.lo);
}

/** Builds a value from sign, biased exponent and a 64-bit significand. */
export function fromSignificand(sign: number, biasedExp: number, sig: bigint): F80 {
  return f80(
    (sign << 15) | (biasedExp & 0x7fff),
    Number((sig >> 32n) & 0xffffffffn),
    Number(sig & 0xffffffffn),
  );
}

/** A finite value as sign × sig × 2^exp, with `exp` the weight of the significand's bit 0. */
export interface Unpacked {
  /** 0 or 1. */
  sign: number;
  /** The significand (not normalised: denormals have leading zeros). */
  sig: bigint;
  /** Exponent of the significand's least significant bit. */
  exp: number;
}

/** Splits a finite value (zero, denormal, normal; pseudo-denormals read as exponent 1). */
export function unpack(v: F80): Unpacked {
  return {
    sign: signOf(v),
    sig: significand(v),
    exp: Math.max(exponentOf(v), 1) - LSB_BIAS,
  };
}

/** Number of significant bits of a positive bigint (0 for 0). */
export function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** Hex rendering `ssee:hhhhhhhhllllllll`, for messages and tests. */
export function f80Hex(v: F80): string {
  const h = (n: number, w: number) => n.toString(16).padStart(w, "0");
  return `${h(v.se, 4)}:${h(v.hi, 8)}${h(v.lo, 8)}`;
}

/** Parses the rendering of `f80Hex` (colon optional). */
export function parseF80(hex: string): F80 {
  const s = hex.replace(":", "");
  if (!/^[0-9a-fA-F]{20}$/.test(s)) throw new Error(`not an 80-bit hex value: ${hex}`);
  return f80(parseInt(s.slice(0, 4), 16), parseInt(s.slice(4, 12), 16), parseInt(s.slice(12), 16));
}

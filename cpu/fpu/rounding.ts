/**
 * Rounding an exact binary value into a destination format, with the x87's rules for
 * overflow, underflow and precision (Intel SDM vol. 1 §4.8.4, §4.9.1.4–6, §8.1.5).
 * Every exact computation in this unit funnels through `round`, so its behaviour under each RC,
 * each precision-control setting and each exception mask lives in one place.
 */
import { BIAS, bitLength, type F80, fromSignificand, LSB_BIAS } from "./f80.ts";
import { OE, PE, RC_DOWN, RC_NEAREST, RC_UP, UE } from "./status.ts";

/** A binary floating-point format the unit rounds into. */
export interface Format {
  /** Significand bits, integer bit included. */
  readonly precision: number;
  /** Smallest unbiased exponent of a normal value. */
  readonly emin: number;
  /** Largest unbiased exponent of a finite value. */
  readonly emax: number;
  /** Exponent bias of the stored encoding. */
  readonly bias: number;
  /**
   * Exponent adjustment of an unmasked overflow/underflow result. Register destinations get the
   * result scaled by 2^∓24576 (SDM §4.9.1.4, §4.9.1.5); 0 means the result is not delivered
   * (memory destinations are left unchanged).
   */
  readonly wrap: number;
}

/** Double-extended precision (registers and m80). */
export const EXTENDED: Format = {
  precision: 64,
  emin: -16382,
  emax: 16383,
  bias: BIAS,
  wrap: 24576,
};
/** Double precision (m64). */
export const DOUBLE: Format = { precision: 53, emin: -1022, emax: 1023, bias: 1023, wrap: 0 };
/** Single precision (m32). */
export const SINGLE: Format = { precision: 24, emin: -126, emax: 127, bias: 127, wrap: 0 };

/** How to round: the RC field, the precision in bits and the exception masks (CW bits 5–0). */
export interface RoundEnv {
  /** Rounding control, RC_NEAREST..RC_CHOP. */
  rc: number;
  /** Significand bits to keep (24, 53 or 64); capped by the format's own precision. */
  precision: number;
  /** Exception masks as in the control word: a set bit masks that exception. */
  masks: number;
}

/** A rounded result before it is packed into an encoding. */
export interface Rounded {
  /** 0 or 1. */
  sign: number;
  /** Magnitude is sig × 2^exp; sig = 0 for a zero. */
  sig: bigint;
  /** Exponent of sig's bit 0. */
  exp: number;
  /** True when the result is an infinity (masked overflow). */
  infinite: boolean;
  /** OE, UE and PE as raised. */
  flags: number;
  /** True when rounding increased the magnitude (the x87 reports this in C1). */
  up: boolean;
}

/** Result of rounding an exact magnitude at a fixed bit position. */
export interface RoundedAt {
  /** Rounded magnitude in units of 2^lsb. */
  sig: bigint;
  /** True when bits were discarded. */
  inexact: boolean;
  /** True when the magnitude was increased. */
  up: boolean;
}

/**
 * Rounds sig × 2^exp (sign `sign`) to a multiple of 2^lsb under rounding control `rc`.
 * The magnitude is rounded; "down" and "up" act on the signed value, as RC defines them.
 */
export function roundAt(
  sign: number,
  sig: bigint,
  exp: number,
  lsb: number,
  rc: number,
): RoundedAt {
  if (lsb <= exp) return { sig: sig << BigInt(exp - lsb), inexact: false, up: false };
  const shift = BigInt(lsb - exp);
  const q = sig >> shift;
  const rem = sig - (q << shift);
  if (rem === 0n) return { sig: q, inexact: false, up: false };
  let inc: boolean;
  switch (rc) {
    case RC_NEAREST: {
      const half = 1n << (shift - 1n);
      inc = rem > half || (rem === half && (q & 1n) === 1n);
      break;
    }
    case RC_DOWN:
      inc = sign === 1;
      break;
    case RC_UP:
      inc = sign === 0;
      break;
    default:
      inc = false;
  }
  return { sig: inc ? q + 1n : q, inexact: true, up: inc };
}

/** True when a masked overflow under `rc` delivers ∞ rather than the largest finite value. */
export function overflowsToInfinity(sign: number, rc: number): boolean {
  return rc === RC_NEAREST || (rc === RC_UP && sign === 0) || (rc === RC_DOWN && sign === 1);
}

/**
 * Rounds a non-zero exact magnitude sig × 2^exp into `fmt` (SDM §4.8.4, §4.9.1.4–6).
 * Tininess is detected before rounding, as measured on hardware: a result that is tiny before
 * rounding raises UE (when inexact, or always when UE is unmasked) even if it rounds up to the
 * smallest normal. Denormal results are rounded at the format's denormal LSB, which with a
 * reduced precision control is the reduced LSB at the smallest exponent.
 */
export function round(sign: number, sig: bigint, exp: number, fmt: Format, env: RoundEnv): Rounded {
  const p = Math.min(env.precision, fmt.precision);
  const msb = exp + bitLength(sig) - 1;
  const tiny = msb < fmt.emin;
  const scaleUnderflow = tiny && (env.masks & UE) === 0;
  const lsb = (scaleUnderflow ? msb : Math.max(msb, fmt.emin)) - (p - 1);
  let flags = 0;
  let up = false;
  if (lsb > exp) {
    const r = roundAt(sign, sig, exp, lsb, env.rc);
    sig = r.sig;
    exp = lsb;
    up = r.up;
    if (r.inexact) flags |= PE;
  }
  if (sig === 0n) {
    return { sign, sig, exp: 0, infinite: false, flags: flags | (flags & PE ? UE : 0), up };
  }
  const msbRounded = exp + bitLength(sig) - 1;
  if (msbRounded > fmt.emax) {
    if ((env.masks & OE) === 0) {
      // Out of range even after scaling (only FSCALE gets here): ∞ with PE and C1 (measured).
      if (fmt.wrap && msbRounded - fmt.wrap > fmt.emax) {
        return { sign, sig: 0n, exp: 0, infinite: true, flags: flags | OE | PE, up: true };
      }
      return { sign, sig, exp: exp - fmt.wrap, infinite: false, flags: flags | OE, up };
    }
    flags |= OE | PE;
    if (overflowsToInfinity(sign, env.rc)) {
      return { sign, sig: 0n, exp: 0, infinite: true, flags, up: true };
    }
    const max = (1n << BigInt(p)) - 1n;
    return { sign, sig: max, exp: fmt.emax - p + 1, infinite: false, flags, up: false };
  }
  if (scaleUnderflow) {
    // Still tiny after scaling (only FSCALE gets here): a zero with PE (measured).
    if (fmt.wrap && msbRounded + fmt.wrap < fmt.emin) {
      return { sign, sig: 0n, exp: 0, infinite: false, flags: UE | PE, up: false };
    }
    flags |= UE;
    exp += fmt.wrap;
  } else if (tiny && flags & PE) {
    flags |= UE;
  }
  return { sign, sig, exp, infinite: false, flags, up };
}

/** Packs a rounded result into the double-extended encoding (J explicit, denormals at e = 0). */
export function packExtended(r: Rounded): F80 {
  if (r.infinite) return fromSignificand(r.sign, 0x7fff, 1n << 63n);
  if (r.sig === 0n) return fromSignificand(r.sign, 0, 0n);
  const n = bitLength(r.sig);
  const msb = r.exp + n - 1;
  if (msb + BIAS >= 0x7fff) return fromSignificand(r.sign, 0x7fff, 1n << 63n);
  if (msb + BIAS <= 0) {
    const shift = r.exp + LSB_BIAS - 1;
    const sig = shift >= 0 ? r.sig << BigInt(shift) : r.sig >> BigInt(-shift);
    return fromSignificand(r.sign, 0, sig);
  }
  const sig = n <= 64 ? r.sig << BigInt(64 - n) : r.sig >> BigInt(n - 64);
  return fromSignificand(r.sign, msb + BIAS, sig);
}

/** Packs a rounded result into an IEEE single or double encoding (hidden integer bit). */
export function packIeee(r: Rounded, fmt: Format): bigint {
  const fracBits = fmt.precision - 1;
  const expBits = Math.log2(fmt.bias + 1) + 1;
  const signBit = BigInt(r.sign) << BigInt(fracBits + expBits);
  const expField = (e: number) => BigInt(e) << BigInt(fracBits);
  if (r.infinite) return signBit | expField(2 * fmt.bias + 1);
  if (r.sig === 0n) return signBit;
  const n = bitLength(r.sig);
  const msb = r.exp + n - 1;
  if (msb < fmt.emin) {
    const shift = r.exp - (fmt.emin - fracBits);
    return signBit | (shift >= 0 ? r.sig << BigInt(shift) : r.sig >> BigInt(-shift));
  }
  const norm = n <= fmt.precision
    ? r.sig << BigInt(fmt.precision - n)
    : r.sig >> BigInt(n - fmt.precision);
  const frac = norm & ((1n << BigInt(fracBits)) - 1n);
  return signBit | expField(msb + fmt.bias) | frac;
}

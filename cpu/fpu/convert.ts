/**
 * Conversions between the register format and the memory formats FLD/FST/FILD/FIST/FBLD/FBSTP
 * use (Intel SDM vol. 1 §4.2, §4.7, §8.2), plus a JS-number bridge for the float64 paths.
 * Loads are exact; stores round under the control word (SDM §4.8.4) and report OE/UE/PE/IE.
 */
import {
  bitLength,
  classify,
  EXP_SPECIAL,
  type F80,
  fromSignificand,
  NEG_ZERO,
  POS_ZERO,
  significand,
  signOf,
  unpack,
} from "./f80.ts";
import {
  DOUBLE,
  EXTENDED,
  type Format,
  packExtended,
  packIeee,
  round,
  roundAt,
  type RoundEnv,
  SINGLE,
} from "./rounding.ts";
import { DE, IE, PE, RC_NEAREST } from "./status.ts";

/** A loaded operand and the exceptions the conversion itself detected. */
export interface Loaded {
  /** The exact double-extended value (SNaNs stay signaling; callers decide about IE). */
  value: F80;
  /** DE when the source was a denormal, else 0. */
  flags: number;
}

/** A stored encoding and what rounding it raised. */
export interface Stored {
  /** The encoding (IEEE bits, or a two's-complement integer), unsigned. */
  bits: bigint;
  /** IE, OE, UE, PE as raised. */
  flags: number;
  /** True when rounding increased the magnitude (C1). */
  up: boolean;
}

const EXACT: RoundEnv = { rc: RC_NEAREST, precision: 64, masks: 0x3f };

/** Widens an IEEE single or double encoding to double-extended, exactly. */
export function fromIeee(bits: bigint, fmt: Format): Loaded {
  const fracBits = fmt.precision - 1;
  const expBits = Math.log2(fmt.bias + 1) + 1;
  const sign = Number((bits >> BigInt(fracBits + expBits)) & 1n);
  const e = Number((bits >> BigInt(fracBits)) & ((1n << BigInt(expBits)) - 1n));
  const frac = bits & ((1n << BigInt(fracBits)) - 1n);
  if (e === 2 * fmt.bias + 1) {
    // Infinities and NaNs keep their payload left-aligned below J (SDM §4.8.3.4).
    return {
      value: fromSignificand(sign, EXP_SPECIAL, (1n << 63n) | (frac << BigInt(63 - fracBits))),
      flags: 0,
    };
  }
  if (e === 0) {
    if (frac === 0n) return { value: sign ? NEG_ZERO : POS_ZERO, flags: 0 };
    const r = round(sign, frac, fmt.emin - fracBits, EXTENDED, EXACT);
    return { value: packExtended(r), flags: DE };
  }
  const sig = (1n << BigInt(fracBits)) | frac;
  return {
    value: packExtended(round(sign, sig, e - fmt.bias - fracBits, EXTENDED, EXACT)),
    flags: 0,
  };
}

/** Widens an m32 real. */
export function fromSingle(bits: number): Loaded {
  return fromIeee(BigInt(bits >>> 0), SINGLE);
}

/** Widens an m64 real given as two dwords. */
export function fromDouble(lo: number, hi: number): Loaded {
  return fromIeee((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0), DOUBLE);
}

/** The default QNaN of a memory format (sign 1, quiet bit only). */
export function ieeeIndefinite(fmt: Format): bigint {
  const fracBits = fmt.precision - 1;
  const expBits = Math.log2(fmt.bias + 1) + 1;
  const ones = (1n << BigInt(expBits + 1)) - 1n;
  return (ones << BigInt(fracBits)) | (1n << BigInt(fracBits - 1));
}

/**
 * Narrows a register value to m32 or m64 (FST/FSTP). NaN payloads are truncated and SNaNs
 * quieted with IE; unsupported encodings give the indefinite with IE. No DE is raised: stores
 * do not check for denormal sources (measured on hardware, matching SDM's FST exception list).
 */
export function toIeee(v: F80, fmt: Format, env: RoundEnv): Stored {
  const cls = classify(v);
  const fracBits = fmt.precision - 1;
  const expBits = Math.log2(fmt.bias + 1) + 1;
  const sign = BigInt(signOf(v)) << BigInt(fracBits + expBits);
  const specialExp = BigInt(2 * fmt.bias + 1) << BigInt(fracBits);
  switch (cls) {
    case "unsupported":
      return { bits: ieeeIndefinite(fmt), flags: IE, up: false };
    case "nan": {
      const payload = (significand(v) >> BigInt(63 - fracBits)) & ((1n << BigInt(fracBits)) - 1n);
      const quietBit = 1n << BigInt(fracBits - 1);
      const flags = payload & quietBit ? 0 : IE;
      return { bits: sign | specialExp | payload | quietBit, flags, up: false };
    }
    case "infinity":
      return { bits: sign | specialExp, flags: 0, up: false };
    case "zero":
      return { bits: sign, flags: 0, up: false };
  }
  const u = unpack(v);
  const r = round(u.sign, u.sig, u.exp, fmt, env);
  return { bits: packIeee(r, fmt), flags: r.flags, up: r.up };
}

/** Converts an integer (FILD, and the integer operands of FIADD etc.) exactly. */
export function fromInteger(n: bigint): F80 {
  if (n === 0n) return POS_ZERO;
  const sign = n < 0n ? 1 : 0;
  return packExtended(round(sign, sign ? -n : n, 0, EXTENDED, EXACT));
}

/** The integer indefinite of a width: the most negative value (SDM §4.8.3.7). */
export function integerIndefinite(width: number): bigint {
  return 1n << BigInt(width - 1);
}

/**
 * Rounds a register value to a `width`-bit two's-complement integer under `rc` (FIST/FISTP).
 * NaN, ∞, unsupported encodings and out-of-range results give the integer indefinite with IE
 * (and no PE); otherwise PE reports an inexact conversion and `up` a magnitude increase.
 */
export function toInteger(v: F80, width: number, rc: number): Stored {
  const invalid: Stored = { bits: integerIndefinite(width), flags: IE, up: false };
  const cls = classify(v);
  if (cls === "zero") return { bits: 0n, flags: 0, up: false };
  if (cls !== "normal" && cls !== "denormal") return invalid;
  const u = unpack(v);
  const msb = u.exp + bitLength(u.sig) - 1;
  if (msb > width) return invalid;
  const r = roundAt(u.sign, u.sig, u.exp, 0, rc);
  const limit = 1n << BigInt(width - 1);
  if (u.sign ? r.sig > limit : r.sig >= limit) return invalid;
  const value = u.sign ? -r.sig : r.sig;
  return { bits: BigInt.asUintN(width, value), flags: r.inexact ? PE : 0, up: r.up };
}

/**
 * Loads an 18-digit packed BCD operand (FBLD, SDM §4.7). Digits above 9 are not checked: the
 * hardware multiplies each nibble by its power of ten as measured, so this does too.
 * Bits 6–0 of the sign byte are ignored.
 */
export function fromBcd(bytes: ArrayLike<number>): F80 {
  let n = 0n;
  for (let i = 8; i >= 0; i--) {
    n = n * 100n + BigInt((bytes[i] >> 4) & 0xf) * 10n + BigInt(bytes[i] & 0xf);
  }
  const sign = (bytes[9] & 0x80) !== 0;
  if (n === 0n) return sign ? NEG_ZERO : POS_ZERO;
  return fromInteger(sign ? -n : n);
}

/** The packed BCD indefinite FBSTP stores on an invalid operation (SDM §4.7, Table 4-4). */
export const BCD_INDEFINITE: readonly number[] = [0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff];

/** A packed BCD result of FBSTP. */
export interface BcdStored {
  /** Ten bytes, least significant digit pair first. */
  bytes: number[];
  /** IE or PE as raised. */
  flags: number;
  /** True when rounding increased the magnitude (C1). */
  up: boolean;
}

/** Rounds a register value to an integer under `rc` and packs it as 18-digit BCD (FBSTP). */
export function toBcd(v: F80, rc: number): BcdStored {
  const invalid: BcdStored = { bytes: [...BCD_INDEFINITE], flags: IE, up: false };
  const cls = classify(v);
  const sign = signOf(v);
  let mag = 0n;
  let flags = 0;
  let up = false;
  if (cls !== "zero") {
    if (cls !== "normal" && cls !== "denormal") return invalid;
    const u = unpack(v);
    if (u.exp + bitLength(u.sig) - 1 > 60) return invalid;
    const r = roundAt(u.sign, u.sig, u.exp, 0, rc);
    if (r.sig >= 10n ** 18n) return invalid;
    mag = r.sig;
    flags = r.inexact ? PE : 0;
    up = r.up;
  }
  const bytes: number[] = [];
  for (let i = 0; i < 9; i++) {
    const pair = Number(mag % 100n);
    mag /= 100n;
    bytes.push(((pair / 10) << 4) | (pair % 10));
  }
  bytes.push(sign << 7);
  return { bytes, flags, up };
}

/**
 * The nearest float64 to a register value (round to nearest, no exceptions), for debugging
 * accessors such as `st(i)` and for tests.
 */
export function toNumber(v: F80): number {
  const cls = classify(v);
  const s = signOf(v) ? -1 : 1;
  switch (cls) {
    case "zero":
      return s * 0;
    case "infinity":
      return s * Infinity;
    case "nan":
    case "unsupported":
      return NaN;
  }
  const u = unpack(v);
  const r = round(u.sign, u.sig, u.exp, DOUBLE, EXACT);
  if (r.infinite) return s * Infinity;
  return s * Number(r.sig) * Math.pow(2, r.exp);
}

const scratch = new DataView(new ArrayBuffer(8));

/** Converts a float64 to double-extended, exactly. */
export function fromNumber(x: number): F80 {
  scratch.setFloat64(0, x, true);
  return fromDouble(scratch.getUint32(0, true), scratch.getUint32(4, true)).value;
}

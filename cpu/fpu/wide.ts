/**
 * Wide binary floating point for the x87 transcendentals: values m × 2^e with a signed bigint m
 * of up to WIDE_PRECISION bits and an unbounded exponent, so that every register value, and
 * any quotient or product of two, is held without overflow or underflow. Operations truncate
 * toward zero; each costs at most one unit in the 128th bit. Series arithmetic, where the
 * exponent does not move, uses the fixed-point form (FIXED_BITS fraction bits) instead.
 */
import { bitLength, type F80, unpack } from "./f80.ts";

/** Significand bits kept by every operation. */
export const WIDE_PRECISION = 128;
const P = WIDE_PRECISION;

/** Fraction bits of the fixed-point form used by the series. */
export const FIXED_BITS = 136;

/** The value m × 2^e; m is signed and may be 0. */
export interface Wide {
  readonly m: bigint;
  readonly e: number;
}

const abs = (m: bigint) => (m < 0n ? -m : m);

/** m × 2^e truncated toward zero to WIDE_PRECISION bits. */
export function wide(m: bigint, e = 0): Wide {
  const extra = bitLength(abs(m)) - P;
  if (extra <= 0) return { m, e };
  const b = BigInt(extra);
  return { m: m < 0n ? -(-m >> b) : m >> b, e: e + extra };
}

/** A finite register value, exactly. */
export function fromF80(v: F80): Wide {
  const u = unpack(v);
  return { m: u.sign ? -u.sig : u.sig, e: u.exp };
}

/** The integer n. */
export function int(n: number | bigint): Wide {
  return { m: BigInt(n), e: 0 };
}

/** Exponent of the leading bit (−Infinity for zero). */
export function msb(a: Wide): number {
  return a.m === 0n ? -Infinity : a.e + bitLength(abs(a.m)) - 1;
}

/** −a. */
export function neg(a: Wide): Wide {
  return { m: -a.m, e: a.e };
}

/** a × 2^k. */
export function scaleBy(a: Wide, k: number): Wide {
  return { m: a.m, e: a.e + k };
}

/** a + b. An operand more than WIDE_PRECISION + 8 bits below the other is dropped. */
export function add(a: Wide, b: Wide): Wide {
  if (a.m === 0n) return b;
  if (b.m === 0n) return a;
  const ma = msb(a);
  const mb = msb(b);
  if (mb < ma - P - 8) return a;
  if (ma < mb - P - 8) return b;
  const e = Math.min(a.e, b.e);
  return wide((a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e)), e);
}

/** a − b. */
export function sub(a: Wide, b: Wide): Wide {
  return add(a, neg(b));
}

/** a × b. */
export function mul(a: Wide, b: Wide): Wide {
  return wide(a.m * b.m, a.e + b.e);
}

/** a ÷ b for b ≠ 0, to WIDE_PRECISION bits. */
export function div(a: Wide, b: Wide): Wide {
  if (a.m === 0n) return a;
  const s = Math.max(P + 2 + bitLength(abs(b.m)) - bitLength(abs(a.m)), 0);
  return wide((a.m << BigInt(s)) / b.m, a.e - b.e - s);
}

/** a rounded to nearest (ties to even) at `bits` significant bits. */
export function roundTo(a: Wide, bits: number): Wide {
  if (a.m === 0n) return a;
  const lsb = msb(a) - (bits - 1);
  if (lsb <= a.e) return a;
  const mag = abs(a.m);
  const shift = BigInt(lsb - a.e);
  let q = mag >> shift;
  const rem = mag - (q << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
  return { m: a.m < 0n ? -q : q, e: lsb };
}

/** a in fixed point with FIXED_BITS fraction bits, rounded toward −∞; |a| must be moderate. */
export function toFixed(a: Wide): bigint {
  const s = a.e + FIXED_BITS;
  return s >= 0 ? a.m << BigInt(s) : a.m >> BigInt(-s);
}

/** A fixed-point value with FIXED_BITS fraction bits. */
export function fromFixed(f: bigint): Wide {
  return wide(f, -FIXED_BITS);
}

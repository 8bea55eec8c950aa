/**
 * The arithmetic of the MMX instructions on one 64-bit value seen as 8 bytes, 4 words or
 * 2 doublewords (Intel SDM vol. 1 §9.2, vol. 2 per instruction). Every operation works in
 * place, `d ← d op s`, as the instructions do; nothing here knows about registers or memory.
 */

/**
 * A 64-bit packed value with typed views of its lanes. Lane 0 is the least significant (the
 * views rely on a little-endian host, as every platform Deno runs on is).
 */
export class Lanes {
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;

  constructor(lo = 0, hi = 0) {
    const b = new ArrayBuffer(8);
    this.u8 = new Uint8Array(b);
    this.i8 = new Int8Array(b);
    this.u16 = new Uint16Array(b);
    this.i16 = new Int16Array(b);
    this.u32 = new Uint32Array(b);
    this.i32 = new Int32Array(b);
    this.set(lo, hi);
  }

  /** A value from a 64-bit integer (truncated). */
  static of(v: bigint): Lanes {
    const u = BigInt.asUintN(64, v);
    return new Lanes(Number(u & 0xffffffffn), Number(u >> 32n));
  }

  /** Bits 31–0, unsigned. */
  get lo(): number {
    return this.u32[0];
  }

  /** Bits 63–32, unsigned. */
  get hi(): number {
    return this.u32[1];
  }

  /** Replaces the value. */
  set(lo: number, hi: number): void {
    this.u32[0] = lo;
    this.u32[1] = hi;
  }

  /** The value as an unsigned 64-bit integer. */
  toBigInt(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }
}

/** An MMX operation between two packed values: `d ← d op s`. */
export type MmxOp = (d: Lanes, s: Lanes) => void;

function satS8(x: number): number {
  return x < -128 ? -128 : x > 127 ? 127 : x;
}
function satU8(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}
function satS16(x: number): number {
  return x < -32768 ? -32768 : x > 32767 ? 32767 : x;
}
function satU16(x: number): number {
  return x < 0 ? 0 : x > 65535 ? 65535 : x;
}

type View = "u8" | "i8" | "u16" | "i16" | "u32" | "i32";

/** Lane-by-lane `f` over view `v`; the typed array wraps the result to the lane width. */
function lanewise(v: View, f: (a: number, b: number) => number): MmxOp {
  return (d, s) => {
    const dv = d[v], sv = s[v];
    for (let i = 0; i < dv.length; i++) dv[i] = f(dv[i], sv[i]);
  };
}

const add = (a: number, b: number) => a + b;
const sub = (a: number, b: number) => a - b;

/** PADDB/W/D: wrap-around addition. */
export const paddb = lanewise("u8", add), paddw = lanewise("u16", add);
/** PADDD. */
export const paddd = lanewise("u32", add);
/** PADDSB/W: signed saturation; PADDUSB/W: unsigned saturation. */
export const paddsb = lanewise("i8", (a, b) => satS8(a + b));
/** PADDSW. */
export const paddsw = lanewise("i16", (a, b) => satS16(a + b));
/** PADDUSB. */
export const paddusb = lanewise("u8", (a, b) => satU8(a + b));
/** PADDUSW. */
export const paddusw = lanewise("u16", (a, b) => satU16(a + b));
/** PSUBB/W/D: wrap-around subtraction. */
export const psubb = lanewise("u8", sub), psubw = lanewise("u16", sub);
/** PSUBD. */
export const psubd = lanewise("u32", sub);
/** PSUBSB/W: signed saturation; PSUBUSB/W: unsigned saturation (floor at 0). */
export const psubsb = lanewise("i8", (a, b) => satS8(a - b));
/** PSUBSW. */
export const psubsw = lanewise("i16", (a, b) => satS16(a - b));
/** PSUBUSB. */
export const psubusb = lanewise("u8", (a, b) => satU8(a - b));
/** PSUBUSW. */
export const psubusw = lanewise("u16", (a, b) => satU16(a - b));

/** PMULLW: low 16 bits of each signed product (the same as of the unsigned one). */
export const pmullw = lanewise("u16", (a, b) => Math.imul(a, b));
/** PMULHW: high 16 bits of each signed 32-bit product. */
export const pmulhw = lanewise("i16", (a, b) => (a * b) >> 16);

/**
 * PMADDWD: each doubleword is the sum of two adjacent signed word products. Only
 * 0x8000 × 0x8000 twice overflows; it wraps to 0x80000000 as the SDM says.
 */
export const pmaddwd: MmxOp = (d, s) => {
  const a = d.i16, b = s.i16;
  const r0 = a[0] * b[0] + a[1] * b[1];
  const r1 = a[2] * b[2] + a[3] * b[3];
  d.i32[0] = r0;
  d.i32[1] = r1;
};

const eq = (a: number, b: number) => a === b ? -1 : 0;
const gt = (a: number, b: number) => a > b ? -1 : 0;
/** PCMPEQB/W/D: all ones where equal, zero elsewhere. */
export const pcmpeqb = lanewise("u8", eq), pcmpeqw = lanewise("u16", eq);
/** PCMPEQD. */
export const pcmpeqd = lanewise("u32", eq);
/** PCMPGTB/W/D: all ones where the destination lane is greater (signed). */
export const pcmpgtb = lanewise("i8", gt), pcmpgtw = lanewise("i16", gt);
/** PCMPGTD. */
export const pcmpgtd = lanewise("i32", gt);

/** PAND. */
export const pand = lanewise("u32", (a, b) => a & b);
/** PANDN: (NOT d) AND s. */
export const pandn = lanewise("u32", (a, b) => ~a & b);
/** POR. */
export const por = lanewise("u32", (a, b) => a | b);
/** PXOR. */
export const pxor = lanewise("u32", (a, b) => a ^ b);

/**
 * PACKSSWB/PACKSSDW/PACKUSWB: the destination's lanes then the source's, each narrowed to
 * half width with saturation (SDM vol. 2 PACKSSWB/PACKSSDW, PACKUSWB).
 */
export const packsswb: MmxOp = (d, s) => {
  const a = Array.from(d.i16), b = Array.from(s.i16);
  for (let i = 0; i < 4; i++) {
    d.i8[i] = satS8(a[i]);
    d.i8[i + 4] = satS8(b[i]);
  }
};
/** PACKSSDW. */
export const packssdw: MmxOp = (d, s) => {
  const a0 = d.i32[0], a1 = d.i32[1];
  d.i16[0] = satS16(a0);
  d.i16[1] = satS16(a1);
  d.i16[2] = satS16(s.i32[0]);
  d.i16[3] = satS16(s.i32[1]);
};
/** PACKUSWB: signed words to unsigned bytes. */
export const packuswb: MmxOp = (d, s) => {
  const a = Array.from(d.i16), b = Array.from(s.i16);
  for (let i = 0; i < 4; i++) {
    d.u8[i] = satU8(a[i]);
    d.u8[i + 4] = satU8(b[i]);
  }
};

/**
 * PUNPCKL*: interleave the low halves (destination lane first); PUNPCKH*: the high halves.
 * The low forms only read the low half of the source (an m32 operand).
 */
function unpack(v: "u8" | "u16" | "u32", high: boolean): MmxOp {
  return (d, s) => {
    const dv = d[v], sv = s[v];
    const half = dv.length / 2, from = high ? half : 0;
    const a = Array.from(dv.subarray(from, from + half));
    const b = Array.from(sv.subarray(from, from + half));
    for (let i = 0; i < half; i++) {
      dv[2 * i] = a[i];
      dv[2 * i + 1] = b[i];
    }
  };
}
/** PUNPCKLBW. */
export const punpcklbw = unpack("u8", false), punpcklwd = unpack("u16", false);
/** PUNPCKLDQ. */
export const punpckldq = unpack("u32", false);
/** PUNPCKHBW. */
export const punpckhbw = unpack("u8", true), punpckhwd = unpack("u16", true);
/** PUNPCKHDQ. */
export const punpckhdq = unpack("u32", true);

/** A shift of every lane of `d` by `count` (unsigned; any count past the lane width counts). */
export type MmxShift = (d: Lanes, count: number) => void;

/** PSLLW/D, PSRLW/D: a count of the lane width or more clears every lane. */
function logical(v: "u16" | "u32", left: boolean): MmxShift {
  const bits = v === "u16" ? 16 : 32;
  return (d, count) => {
    const dv = d[v];
    for (let i = 0; i < dv.length; i++) {
      dv[i] = count >= bits ? 0 : left ? dv[i] << count : dv[i] >>> count;
    }
  };
}
/** PSLLW. */
export const psllw = logical("u16", true), pslld = logical("u32", true);
/** PSRLW. */
export const psrlw = logical("u16", false), psrld = logical("u32", false);

/** PSRAW/D: a count past the lane width fills each lane with its sign bit. */
function arithmetic(v: "i16" | "i32"): MmxShift {
  const bits = v === "i16" ? 16 : 32;
  return (d, count) => {
    const dv = d[v];
    const n = Math.min(count, bits - 1);
    for (let i = 0; i < dv.length; i++) dv[i] = dv[i] >> n;
  };
}
/** PSRAW. */
export const psraw = arithmetic("i16"), psrad = arithmetic("i32");

/** PSLLQ: the whole 64 bits; a count of 64 or more clears them. */
export const psllq: MmxShift = (d, count) => {
  const lo = d.lo, hi = d.hi;
  if (count >= 64) d.set(0, 0);
  else if (count >= 32) d.set(0, lo << (count - 32));
  else if (count > 0) d.set(lo << count, (hi << count) | (lo >>> (32 - count)));
};
/** PSRLQ. */
export const psrlq: MmxShift = (d, count) => {
  const lo = d.lo, hi = d.hi;
  if (count >= 64) d.set(0, 0);
  else if (count >= 32) d.set(hi >>> (count - 32), 0);
  else if (count > 0) d.set((lo >>> count) | (hi << (32 - count)), hi >>> count);
};

/** The shift count a 64-bit register or memory operand gives: saturated to 2^32 − 1. */
export function shiftCount(s: Lanes): number {
  return s.hi !== 0 ? 0xffffffff : s.lo;
}

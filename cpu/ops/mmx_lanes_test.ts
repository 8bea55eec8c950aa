/**
 * The lane arithmetic of the MMX instructions: edge cases from the SDM's definitions
 * (saturation bounds, shift counts at and past the lane width, pack saturation, the signed
 * high multiply), and every operation against a per-lane model written from the SDM's
 * pseudo-code in BigInt arithmetic, on edge-biased random operands.
 */
import assert from "node:assert/strict";
import * as L from "./mmx_lanes.ts";

function apply(op: L.MmxOp, d: bigint, s: bigint): bigint {
  const a = L.Lanes.of(d);
  op(a, L.Lanes.of(s));
  return a.toBigInt();
}

function shift(op: L.MmxShift, d: bigint, count: number): bigint {
  const a = L.Lanes.of(d);
  op(a, count);
  return a.toBigInt();
}

/** Lanes of `bits` width, least significant first, signed or not. */
function split(v: bigint, bits: number, signed: boolean): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < 64 / bits; i++) {
    const lane = BigInt.asUintN(bits, v >> BigInt(i * bits));
    out.push(signed ? BigInt.asIntN(bits, lane) : lane);
  }
  return out;
}

function join(lanes: bigint[], bits: number): bigint {
  return lanes.reduce((acc, x, i) => acc | (BigInt.asUintN(bits, x) << BigInt(i * bits)), 0n);
}

function clamp(x: bigint, lo: bigint, hi: bigint): bigint {
  return x < lo ? lo : x > hi ? hi : x;
}

const sMin = (bits: number) => -(1n << BigInt(bits - 1));
const sMax = (bits: number) => (1n << BigInt(bits - 1)) - 1n;
const uMax = (bits: number) => (1n << BigInt(bits)) - 1n;

/** A per-lane model: `f` on the lanes of d and s at `bits`, results wrapped to `bits`. */
function model(bits: number, signed: boolean, f: (a: bigint, b: bigint) => bigint) {
  return (d: bigint, s: bigint) => {
    const a = split(d, bits, signed), b = split(s, bits, signed);
    return join(a.map((x, i) => f(x, b[i])), bits);
  };
}

const MODELS: [string, L.MmxOp, (d: bigint, s: bigint) => bigint][] = [
  ["paddb", L.paddb, model(8, false, (a, b) => a + b)],
  ["paddw", L.paddw, model(16, false, (a, b) => a + b)],
  ["paddd", L.paddd, model(32, false, (a, b) => a + b)],
  ["paddsb", L.paddsb, model(8, true, (a, b) => clamp(a + b, sMin(8), sMax(8)))],
  ["paddsw", L.paddsw, model(16, true, (a, b) => clamp(a + b, sMin(16), sMax(16)))],
  ["paddusb", L.paddusb, model(8, false, (a, b) => clamp(a + b, 0n, uMax(8)))],
  ["paddusw", L.paddusw, model(16, false, (a, b) => clamp(a + b, 0n, uMax(16)))],
  ["psubb", L.psubb, model(8, false, (a, b) => a - b)],
  ["psubw", L.psubw, model(16, false, (a, b) => a - b)],
  ["psubd", L.psubd, model(32, false, (a, b) => a - b)],
  ["psubsb", L.psubsb, model(8, true, (a, b) => clamp(a - b, sMin(8), sMax(8)))],
  ["psubsw", L.psubsw, model(16, true, (a, b) => clamp(a - b, sMin(16), sMax(16)))],
  ["psubusb", L.psubusb, model(8, false, (a, b) => clamp(a - b, 0n, uMax(8)))],
  ["psubusw", L.psubusw, model(16, false, (a, b) => clamp(a - b, 0n, uMax(16)))],
  ["pmullw", L.pmullw, model(16, true, (a, b) => a * b)],
  ["pmulhw", L.pmulhw, model(16, true, (a, b) => (a * b) >> 16n)],
  ["pcmpeqb", L.pcmpeqb, model(8, false, (a, b) => a === b ? -1n : 0n)],
  ["pcmpeqw", L.pcmpeqw, model(16, false, (a, b) => a === b ? -1n : 0n)],
  ["pcmpeqd", L.pcmpeqd, model(32, false, (a, b) => a === b ? -1n : 0n)],
  ["pcmpgtb", L.pcmpgtb, model(8, true, (a, b) => a > b ? -1n : 0n)],
  ["pcmpgtw", L.pcmpgtw, model(16, true, (a, b) => a > b ? -1n : 0n)],
  ["pcmpgtd", L.pcmpgtd, model(32, true, (a, b) => a > b ? -1n : 0n)],
  ["pand", L.pand, (d, s) => d & s],
  ["pandn", L.pandn, (d, s) => BigInt.asUintN(64, ~d) & s],
  ["por", L.por, (d, s) => d | s],
  ["pxor", L.pxor, (d, s) => d ^ s],
  ["pmaddwd", L.pmaddwd, (d, s) => {
    const a = split(d, 16, true), b = split(s, 16, true);
    return join([a[0] * b[0] + a[1] * b[1], a[2] * b[2] + a[3] * b[3]], 32);
  }],
];

/** A 64-bit operand whose lanes lean toward the edges (0, ±1, the extremes). */
function edgy(seed: () => number): bigint {
  const bits = [8, 16, 32][seed() % 3];
  const picks = [0n, 1n, uMax(bits), uMax(bits) - 1n, 1n << BigInt(bits - 1)];
  const lanes: bigint[] = [];
  for (let i = 0; i < 64 / bits; i++) {
    const r = seed();
    lanes.push(r % 2 ? picks[r % picks.length] : BigInt(r) & uMax(bits));
  }
  return join(lanes, bits);
}

function lcg(start: number): () => number {
  let x = start >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x >>> 8;
  };
}

Deno.test("every MMX arithmetic, compare and logic operation agrees with its per-lane model", () => {
  const next = lcg(7);
  for (const [name, op, ref] of MODELS) {
    for (let i = 0; i < 300; i++) {
      const d = edgy(next), s = edgy(next);
      assert.equal(apply(op, d, s), ref(d, s), `${name} ${d.toString(16)}, ${s.toString(16)}`);
    }
  }
});

Deno.test("paddsb/psubsb saturate at 0x7f and 0x80; paddusb/psubusb at 0xff and 0", () => {
  // Byte 0: 0x7f + 1, byte 1: 0x80 + 0xff (−128 + −1), byte 2: 0x10 + 0x10.
  assert.equal(apply(L.paddsb, 0x10807fn, 0x10ff01n), 0x20807fn);
  assert.equal(apply(L.psubsb, 0x807fn, 0x01ffn), 0x807fn); // −128 − 1, 127 − (−1)
  assert.equal(apply(L.paddusb, 0x01f0n, 0x0120n), 0x02ffn);
  assert.equal(apply(L.psubusb, 0x0510n, 0x0120n), 0x0400n);
  assert.equal(apply(L.paddsw, 0x7fffn, 0x0001n), 0x7fffn);
  assert.equal(apply(L.psubusw, 0x0001n, 0xffffn), 0n);
});

Deno.test("pmulhw is the signed high half; pmullw the low half; pmaddwd wraps only 0x8000²·2", () => {
  // −32768 × −32768 = 0x40000000: high 0x4000, low 0; −1 × 1 = −1: high 0xffff.
  assert.equal(apply(L.pmulhw, 0xffff_8000n, 0x0001_8000n), 0xffff_4000n);
  assert.equal(apply(L.pmullw, 0xffff_8000n, 0x0001_8000n), 0xffff_0000n);
  assert.equal(apply(L.pmaddwd, 0x8000_8000n, 0x8000_8000n), 0x8000_0000n);
  assert.equal(apply(L.pmaddwd, 0x0003_0002n, 0xffff_0005n), 0x0000_0007n); // 2·5 + 3·(−1)
});

Deno.test("packs saturate signed words/doublewords; packuswb clamps negatives to 0", () => {
  // Words of d: 0x0080 (128 → 127), 0xff7f (−129 → −128), 5, −1; s: 0x7fff, 0x8000, 0, 0x100.
  const d = 0xffff_0005_ff7f_0080n, s = 0x0100_0000_8000_7fffn;
  assert.equal(apply(L.packsswb, d, s), 0x7f_00_80_7f_ff_05_80_7fn);
  assert.equal(apply(L.packuswb, d, s), 0xff_00_00_ff_00_05_00_80n);
  assert.equal(apply(L.packssdw, 0xfff0_0000_0001_0000n, 0x0000_7fffn), 0x0000_7fff_8000_7fffn);
});

Deno.test("unpacks interleave destination then source, low or high halves", () => {
  const d = 0x8877_6655_4433_2211n, s = 0xffee_ddcc_bbaa_9988n;
  assert.equal(apply(L.punpcklbw, d, s), 0xbb44_aa33_9922_8811n);
  assert.equal(apply(L.punpckhbw, d, s), 0xff88_ee77_dd66_cc55n);
  assert.equal(apply(L.punpcklwd, d, s), 0xbbaa_4433_9988_2211n);
  assert.equal(apply(L.punpckhdq, d, s), 0xffee_ddcc_8877_6655n);
  assert.equal(apply(L.punpckldq, d, s), 0xbbaa_9988_4433_2211n);
});

Deno.test("shifts: a count of the lane width or more clears (logical) or fills with the sign", () => {
  const v = 0x8001_7fff_8000_0001n;
  assert.equal(shift(L.psllw, v, 15), 0x8000_8000_0000_8000n);
  assert.equal(shift(L.psllw, v, 16), 0n);
  assert.equal(shift(L.psrlw, v, 0xffffffff), 0n);
  assert.equal(shift(L.psraw, v, 16), 0xffff_0000_ffff_0000n);
  assert.equal(shift(L.psraw, v, 1), 0xc000_3fff_c000_0000n);
  assert.equal(shift(L.psrad, v, 31), 0xffff_ffff_ffff_ffffn);
  assert.equal(shift(L.psrad, v, 200), 0xffff_ffff_ffff_ffffn);
  assert.equal(shift(L.pslld, v, 32), 0n);
  assert.equal(shift(L.psrld, v, 4), 0x0800_17ff_0800_0000n);
  assert.equal(shift(L.psllq, v, 63), 0x8000_0000_0000_0000n);
  assert.equal(shift(L.psllq, v, 32), 0x8000_0001_0000_0000n);
  assert.equal(shift(L.psrlq, v, 36), 0x0000_0000_0800_17ffn);
  assert.equal(shift(L.psrlq, v, 64), 0n);
  assert.equal(shift(L.psllq, v, 0), v);
});

Deno.test("the count of a register or memory operand is all 64 bits", () => {
  assert.equal(L.shiftCount(new L.Lanes(3, 0)), 3);
  assert.equal(L.shiftCount(new L.Lanes(3, 1)), 0xffffffff);
  assert.equal(shift(L.psrlq, 0xffn, L.shiftCount(new L.Lanes(1, 0x80000000))), 0n);
});

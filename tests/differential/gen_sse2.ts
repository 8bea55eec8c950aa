/**
 * SSE2 cases for the host comparison (Intel SDM vol. 2), built like gen_sse.ts: MXCSR, XMM0–7
 * and MM0–7 loaded from the data area, a random SSE2 sequence on random binary64 and integer
 * patterns (NaNs, infinities, denormals, both zeros, the largest values, neighbours) under a
 * random MXCSR with every exception masked, then XMM0–7, MXCSR and MM0–7 stored back.
 */

import { FIXED_ONE, IF, STATUS } from "./flags.ts";
import { EBX, EDI, hex, type Insn, insn, isReg, le, modrm, type Rm } from "./encode.ts";
import type { GeneratedCase } from "./generator.ts";
import {
  absolute,
  DATA_SIZE,
  directedRegs,
  FINAL_MM,
  FINAL_MXCSR,
  FINAL_XMM,
  hexBytes,
  INIT_MM,
  INIT_MXCSR,
  INIT_XMM,
  OPERANDS,
  OPERANDS_SIZE,
  randomMxcsr,
  simdCase,
  sseOperand as operand,
} from "./gen_simd.ts";
import { DEFAULT_DATA_ADDRESS } from "./layout.ts";
import { Rng } from "./rng.ts";
import { MMX_SHIFT_IMM } from "./gen_mmx.ts";

const D = DEFAULT_DATA_ADDRESS;
const GP_DEST = [0, 1, 2, 5, 6];

function op(prefix: number[], second: number, reg: number, rm: Rm, extra: number[] = []): Insn {
  const bytes = [...prefix, 0x0f, second, ...modrm(reg, rm), ...extra];
  const where = isReg(rm) ? `r${rm.reg}` : `[${rm.expr}]`;
  return insn(bytes, `${hexBytes(bytes.slice(0, prefix.length + 2))} /r${reg} ${where}`);
}

const ldmxcsr = (off: number) => op([], 0xae, 2, absolute(off));
const stmxcsr = (off: number) => op([], 0xae, 3, absolute(off));

const F64 = new Float64Array(1);
const W = new Uint32Array(F64.buffer);

/** A binary64 pattern [low, high] biased toward special and boundary values. */
export function doublePattern(rng: Rng, near?: [number, number]): [number, number] {
  const sign = rng.chance(0.5) ? 0x80000000 : 0;
  const lo = rng.u32();
  if (near !== undefined && rng.chance(0.5)) {
    const delta = rng.pick([0, 1, -1, 2, rng.below(1 << 20)]);
    return [(near[0] + delta) >>> 0, rng.chance(0.7) ? near[1] : (near[1] ^ sign) >>> 0];
  }
  const field = (e: number, m: number) => (sign | (e << 20) | m) >>> 0;
  switch (rng.below(13)) {
    case 0:
      return [0, sign];
    case 1:
      return [lo, field(0, rng.below(1 << 20))]; // denormal
    case 2:
      return rng.pick([[0xffffffff, field(0x7fe, 0xfffff)], [1, field(0, 0)], [0, field(1, 0)]]);
    case 3:
      return [0, field(0x7ff, 0)];
    case 4:
      return [lo, field(0x7ff, 0x80000 | rng.below(1 << 19))]; // QNaN
    case 5:
      return [lo | 1, field(0x7ff, rng.below(1 << 19))]; // SNaN
    case 6: {
      F64[0] = rng.chance(0.5)
        ? rng.range(-300, 300) + rng.pick([0, 0.5, 0.25, 0.75])
        : rng.pick([2 ** 31, -(2 ** 31), 2 ** 31 - 0.5, 2 ** 32, -(2 ** 31) - 0.5, 1e-40, 3e38]);
      return [W[0], W[1]];
    }
    case 7:
      return [lo, field(rng.range(0x3f0, 0x410), rng.below(1 << 20))];
    case 8:
      return [lo, field(rng.range(1, 60), rng.below(1 << 20))];
    case 9:
      return [lo, field(rng.range(0x7c0, 0x7fe), rng.below(1 << 20))];
    case 10:
      return [lo, field(rng.range(0x360, 0x480), rng.below(1 << 20))]; // binary32 edges
    default:
      return [lo, field(rng.range(1, 0x7fe), rng.below(1 << 20))];
  }
}

const FP_ARITH = [0x51, 0x58, 0x59, 0x5c, 0x5d, 0x5e, 0x5f];
/** Packed integer `op xmm, xmm/m128` (66) opcodes, lane-wise, packs, unpacks and shifts. */
const INT_OPS = [
  0x60,
  0x61,
  0x62,
  0x63,
  0x64,
  0x65,
  0x66,
  0x67,
  0x68,
  0x69,
  0x6a,
  0x6b,
  0x6c,
  0x6d,
  0x74,
  0x75,
  0x76,
  0xd1,
  0xd2,
  0xd3,
  0xd4,
  0xd5,
  0xd8,
  0xd9,
  0xda,
  0xdb,
  0xdc,
  0xdd,
  0xde,
  0xdf,
  0xe0,
  0xe1,
  0xe2,
  0xe3,
  0xe4,
  0xe5,
  0xe8,
  0xe9,
  0xea,
  0xeb,
  0xec,
  0xed,
  0xee,
  0xef,
  0xf1,
  0xf2,
  0xf3,
  0xf4,
  0xf5,
  0xf6,
  0xf8,
  0xf9,
  0xfa,
  0xfb,
  0xfc,
  0xfd,
  0xfe,
];

/** One random SSE2 instruction. */
function randomSse2(rng: Rng): Insn[] {
  const d = rng.below(8), s = rng.below(8);
  const xm = (size: number, aligned: boolean): Rm =>
    rng.chance(0.6) ? { reg: s } : operand(rng, size, aligned);
  const k = rng.below(100);
  if (k < 25) {
    const scalar = rng.chance(0.4);
    return [op([scalar ? 0xf2 : 0x66], rng.pick(FP_ARITH), d, xm(scalar ? 8 : 16, true))];
  }
  if (k < 31) {
    const scalar = rng.chance(0.4);
    const imm = rng.below(8);
    return [op([scalar ? 0xf2 : 0x66], 0xc2, d, xm(scalar ? 8 : 16, true), [imm])];
  }
  if (k < 34) return [op([0x66], rng.pick([0x2e, 0x2f]), d, xm(8, false))];
  if (k < 50) {
    const forms: [number[], number, number, boolean, "x" | "g" | "m"][] = [
      [[], 0x5a, 8, false, "x"],
      [[0x66], 0x5a, 16, true, "x"],
      [[0xf3], 0x5a, 4, false, "x"],
      [[0xf2], 0x5a, 8, false, "x"],
      [[], 0x5b, 16, true, "x"],
      [[0x66], 0x5b, 16, true, "x"],
      [[0xf3], 0x5b, 16, true, "x"],
      [[0x66], 0xe6, 16, true, "x"],
      [[0xf2], 0xe6, 16, true, "x"],
      [[0xf3], 0xe6, 8, false, "x"],
      [[0x66], 0x2a, 8, false, "x"],
      [[0xf2], 0x2a, 4, false, "g"],
      [[0x66], 0x2c, 16, true, "m"],
      [[0x66], 0x2d, 16, true, "m"],
      [[0xf2], 0x2c, 8, false, "g"],
      [[0xf2], 0x2d, 8, false, "g"],
    ];
    const [prefix, second, size, aligned, dest] = rng.pick(forms);
    if (prefix[0] === 0xf2 && second === 0x2a) {
      const rm: Rm = rng.chance(0.5) ? { reg: rng.pick(GP_DEST) } : operand(rng, 4, false);
      return [op(prefix, second, d, rm)];
    }
    return [op(prefix, second, dest === "g" ? rng.pick(GP_DEST) : d, xm(size, aligned))];
  }
  if (k < 62) return move(rng, d, s);
  if (k < 68) {
    const second = rng.pick([0x54, 0x55, 0x56, 0x57, 0x14, 0x15, 0xc6, 0x70]);
    const imm = second === 0xc6 || second === 0x70 ? [rng.below(256)] : [];
    const prefix = second === 0x70 ? rng.pick([0x66, 0xf2, 0xf3]) : 0x66;
    return [op([prefix], second, d, xm(16, true), imm)];
  }
  if (k < 88) return [op([0x66], rng.pick(INT_OPS), d, xm(16, true))];
  if (k < 92) {
    const [second, reg] = rng.pick([
      [0x71, 2],
      [0x71, 4],
      [0x71, 6],
      [0x72, 2],
      [0x72, 4],
      [0x72, 6],
      [0x73, 2],
      [0x73, 3],
      [0x73, 6],
      [0x73, 7],
    ]);
    return [
      op([0x66], second, reg, { reg: d }, [rng.chance(0.8) ? rng.below(20) : rng.below(256)]),
    ];
  }
  if (k < 95) {
    const mm: Rm = rng.chance(0.6) ? { reg: s } : operand(rng, 8, false);
    return [op([], rng.pick([0xd4, 0xf4, 0xfb]), d, mm)];
  }
  switch (rng.below(5)) {
    case 0: {
      const rm: Rm = rng.chance(0.5) ? { reg: rng.below(8) } : operand(rng, 2, false);
      return [op([0x66], 0xc4, d, rm, [rng.below(256)])];
    }
    case 1:
      return [op([0x66], 0xc5, rng.pick(GP_DEST), { reg: s }, [rng.below(256)])];
    case 2:
      return [op([0x66], 0xd7, rng.pick(GP_DEST), { reg: s })];
    case 3:
      return [op([0x66], 0xf7, d, { reg: s })];
    default:
      return [ldmxcsr(INIT_MXCSR + 4 * rng.range(1, 7))];
  }
}

function move(rng: Rng, d: number, s: number): Insn[] {
  const reg = (): Rm => ({ reg: s });
  switch (rng.below(16)) {
    case 0:
      return [
        op([0x66], rng.pick([0x10, 0x11]), d, rng.chance(0.4) ? reg() : operand(rng, 16, false)),
      ];
    case 1:
      return [
        op([0xf2], rng.pick([0x10, 0x11]), d, rng.chance(0.5) ? reg() : operand(rng, 8, false)),
      ];
    case 2:
      return [
        op([0x66], rng.pick([0x28, 0x29]), d, rng.chance(0.4) ? reg() : operand(rng, 16, true)),
      ];
    case 3:
      return [op([0x66], rng.pick([0x2b, 0xe7]), d, operand(rng, 16, true))];
    case 4:
      return [op([0x66], rng.pick([0x12, 0x13, 0x16, 0x17]), d, operand(rng, 8, false))];
    case 5:
      return [op([0x66], 0x50, rng.pick(GP_DEST), reg())];
    case 6:
      return [
        op([0x66], rng.pick([0x6f, 0x7f]), d, rng.chance(0.4) ? reg() : operand(rng, 16, true)),
      ];
    case 7:
      return [
        op([0xf3], rng.pick([0x6f, 0x7f]), d, rng.chance(0.4) ? reg() : operand(rng, 16, false)),
      ];
    case 8: {
      const rm: Rm = rng.chance(0.5) ? { reg: rng.pick(GP_DEST) } : operand(rng, 4, false);
      return [op([0x66], rng.pick([0x6e, 0x7e]), d, rm)];
    }
    case 9:
      return [op([0xf3], 0x7e, d, rng.chance(0.5) ? reg() : operand(rng, 8, false))];
    case 10:
      return [op([0x66], 0xd6, d, rng.chance(0.5) ? reg() : operand(rng, 8, false))];
    case 11:
      return [op([rng.pick([0xf2, 0xf3])], 0xd6, d, reg())];
    case 12:
      return [op([], 0xc3, rng.below(8), operand(rng, 4, false))];
    case 13:
      return [insn([0x0f, 0xae, rng.pick([0xe8, 0xf0])], "lfence/mfence")];
    default:
      return [
        op([0x66], rng.pick([0x14, 0x15]), d, rng.chance(0.4) ? reg() : operand(rng, 16, true)),
      ];
  }
}

function randomData(rng: Rng): Uint8Array {
  const data = new Uint8Array(DATA_SIZE);
  let prev: [number, number] | undefined;
  const put = (off: number) => {
    const v = doublePattern(rng, prev);
    prev = v;
    if (rng.chance(0.15)) v[rng.below(2)] = rng.interesting(32);
    data.set([...le(v[0], 4), ...le(v[1], 4)], off);
  };
  for (let off = INIT_XMM; off < INIT_MXCSR; off += 8) put(off);
  for (let i = 0; i < 8; i++) data.set(le(randomMxcsr(rng), 4), INIT_MXCSR + 4 * i);
  for (let off = INIT_MM; off < INIT_MM + 64; off += 8) put(off);
  for (let off = OPERANDS; off < OPERANDS + OPERANDS_SIZE; off += 8) put(off);
  for (let off = FINAL_XMM; off < DATA_SIZE; off++) data[off] = rng.below(256);
  return data;
}

/** A case around `code`: MXCSR, XMM0–7 and MM0–7 loaded before it and stored after it. */
function wrap(
  code: Insn[],
  data: Uint8Array,
  regs: Uint32Array,
  eflags: number,
  name?: string,
): GeneratedCase {
  const all = [ldmxcsr(INIT_MXCSR)];
  for (let n = 0; n < 8; n++) all.push(op([], 0x10, n, absolute(INIT_XMM + 16 * n)));
  for (let n = 0; n < 8; n++) all.push(op([], 0x6f, n, absolute(INIT_MM + 8 * n)));
  all.push(...code);
  for (let n = 0; n < 8; n++) all.push(op([], 0x11, n, absolute(FINAL_XMM + 16 * n)));
  all.push(stmxcsr(FINAL_MXCSR));
  for (let n = 0; n < 8; n++) all.push(op([], 0x7f, n, absolute(FINAL_MM + 8 * n)));
  all.push(insn([0x0f, 0x77], "emms"));
  return simdCase(all, { data, regs, eflags, name });
}

/** Case `index` of the random SSE2 sequence seeded by `seed`. */
export function sse2CaseAt(seed: number, index: number): GeneratedCase {
  const rng = new Rng((Math.imul(seed, 0x2545f491) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const code: Insn[] = [];
  const count = rng.range(2, 10);
  for (let i = 0; i < count; i++) code.push(...randomSse2(rng));
  const data = randomData(rng);
  const regs = Uint32Array.from({ length: 8 }, () => rng.interesting(32));
  regs[EBX] = D + OPERANDS;
  regs[EDI] = D + OPERANDS + 16 * rng.below(OPERANDS_SIZE / 16 - 1);
  regs[4] = D + 0x800;
  return wrap(code, data, regs, (rng.u32() & STATUS) | IF | FIXED_ONE);
}

/** One random SSE3 instruction, or an x87 load, FISTTP and FNSTSW AX. */
function randomSse3(rng: Rng): Insn[] {
  const d = rng.below(8);
  const xm = (size: number, aligned: boolean): Rm =>
    rng.chance(0.6) ? { reg: rng.below(8) } : operand(rng, size, aligned);
  const k = rng.below(10);
  if (k < 6) {
    const [prefix, second] = rng.pick([[0xf2, 0xd0], [0x66, 0xd0], [0xf2, 0x7c], [0x66, 0x7c], [
      0xf2,
      0x7d,
    ], [0x66, 0x7d]]);
    return [op([prefix], second, d, xm(16, true))];
  }
  if (k === 6) return [op([0xf3], rng.pick([0x12, 0x16]), d, xm(16, true))];
  if (k === 7) return [op([0xf2], 0x12, d, xm(8, false))];
  if (k === 8) return [op([0xf2], 0xf0, d, operand(rng, 16, false))];
  const [esc, size] = rng.pick([[0xdf, 2], [0xdb, 4], [0xdd, 8]]);
  const src = operand(rng, 8, false), dst = operand(rng, size, false);
  const x87 = (opcode: number, reg: number, rm: Rm, text: string) =>
    insn([opcode, ...modrm(reg, rm)], text);
  return [
    // The host keeps its x87 state from one case to the next: start from FNINIT's.
    insn([0xdb, 0xe3], "fninit"),
    x87(0xdd, 0, src, "fld qword"),
    x87(esc, 1, dst, `fisttp m${8 * size}`),
    // C0, C2 and C3 are undefined after FISTTP (SDM vol. 2 FISTTP): cleared before comparing.
    insn([0xdf, 0xe0], "fnstsw ax"),
    insn([0x66, 0x25, 0xff, 0xba], "and ax, 0xbaff"),
  ];
}

/** Case `index` of the random SSE3 sequence seeded by `seed`. */
export function sse3CaseAt(seed: number, index: number): GeneratedCase {
  const rng = new Rng((Math.imul(seed, 0x68e31da4) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const code: Insn[] = [];
  const count = rng.range(2, 8);
  for (let i = 0; i < count; i++) code.push(...randomSse3(rng));
  const data = randomData(rng);
  const regs = Uint32Array.from({ length: 8 }, () => rng.interesting(32));
  regs[EBX] = D + OPERANDS;
  regs[4] = D + 0x800;
  return wrap(code, data, regs, (rng.u32() & STATUS) | IF | FIXED_ONE);
}

/** `count` random SSE3 cases seeded by `seed`. */
export function sse3Cases(seed: number, count: number): GeneratedCase[] {
  return Array.from({ length: count }, (_, i) => sse3CaseAt(seed, i));
}

/** `count` random SSE2 cases seeded by `seed`. */
export function sse2Cases(seed: number, count: number): GeneratedCase[] {
  return Array.from({ length: count }, (_, i) => sse2CaseAt(seed, i));
}

/** binary64 neighbours of `x` (within `k` ulps), as [low, high]. */
function around(x: number, k: number): [number, number][] {
  F64[0] = x;
  const base = (BigInt(W[1]) << 32n) | BigInt(W[0]);
  const out: [number, number][] = [];
  for (let d = -k; d <= k; d++) {
    const v = base + BigInt(d);
    out.push([Number(v & 0xffffffffn), Number(v >> 32n)]);
  }
  return out;
}

function pattern(x: number): [number, number] {
  F64[0] = x;
  return [W[0], W[1]];
}

/**
 * MULSD, DIVSD and ADDSD whose exact result lies next to 2^−1022 or the largest finite value,
 * CVTSD2SS next to the binary32 limits and CVT(T)SD2SI next to ties and ±2^31, under every
 * rounding mode with FTZ off and on.
 */
export function sse2EdgeCases(seed: number): GeneratedCase[] {
  const rng = new Rng(seed);
  const MIN = 2 ** -1022, MAX = Number.MAX_VALUE;
  const pairs: [number, [number, number], [number, number]][] = [];
  for (let i = 0; i < 4; i++) {
    const a = (1 + rng.below(1 << 30) / 2 ** 30) * 2 ** -500;
    for (const t of [MIN, MIN * (1 - 2 ** -53), MIN * (1 - 2 ** -52), MIN * 0.75]) {
      for (const b of around(t / a, 1)) pairs.push([0x59, pattern(a), b]);
      for (const b of around(a / t, 1)) pairs.push([0x5e, pattern(a), b]);
    }
    const big = (1 + rng.below(1 << 30) / 2 ** 30) * 2 ** 600;
    for (const b of around(MAX / big, 1)) pairs.push([0x59, pattern(big), b]);
  }
  for (const e of [969, 970, 971, 972]) {
    for (const b of around(2 ** e, 1)) pairs.push([0x58, pattern(MAX), b]);
  }
  // A denormal operand with a normal result: DE however ordinary the result looks.
  pairs.push([0x59, pattern(1e-310), pattern(2 ** 60)], [0x5e, pattern(3e-315), pattern(2 ** -70)]);
  pairs.push([0x58, pattern(1.5), pattern(4e-320)], [0x58, pattern(4e-320), pattern(-3.25)]);
  for (const x of [2 ** -126, 2 ** -149, 2 ** -150, 3.4028235677973366e38, 3.4028234663852886e38]) {
    for (const b of around(x, 2)) pairs.push([0x5a, b, b]);
  }
  const ints = [0.5, 1.5, 2.5, 3.5, 2 ** 31 - 0.5, 2 ** 31 - 1.5, 2 ** 31, 2 ** 31 + 0.5, 1e-310];
  for (const x of [...ints, ...ints.map((v) => -v), -(2 ** 31) - 1, -(2 ** 31) - 0.25]) {
    for (const b of around(x, 1)) pairs.push([rng.pick([0x2c, 0x2d]), b, b]);
    pairs.push([0x2d, pattern(x), pattern(x)]);
  }
  const out: GeneratedCase[] = [];
  for (const [second, a0, b] of pairs) {
    const a: [number, number] = rng.chance(0.3) ? [a0[0], (a0[1] | 0x80000000) >>> 0] : a0;
    // Every RC with FTZ off and on, and round to nearest with PE already set (where the guarded
    // WebAssembly kernels of cpu/semantics/simd.ts may take the operation).
    for (let mode = 0; mode < 9; mode++) {
      const mxcsr = mode === 8 ? 0x1fa0 : 0x1f80 | ((mode & 3) << 13) | (mode & 4 ? 0x8000 : 0);
      const data = new Uint8Array(DATA_SIZE);
      data.set(le(mxcsr, 4), INIT_MXCSR);
      data.set([...le(a[0], 4), ...le(a[1], 4)], INIT_XMM);
      data.set([...le(b[0], 4), ...le(b[1], 4)], INIT_XMM + 16);
      const src = second === 0x5a || second === 0x2c || second === 0x2d ? 0 : 1;
      const code = [op([0xf2], second, 0, { reg: src })];
      const regs = directedRegs();
      const name = `${hex(second)} ${hex(a[1])}:${hex(a[0])}, ${hex(b[1])}:${hex(b[0])} mxcsr ${
        hex(mxcsr)
      }`;
      out.push(wrap(code, data, regs, IF | FIXED_ONE, name));
    }
  }
  return out;
}

/** Encodings SSE2 leaves undefined, and misaligned m128 operands of the aligned forms. */
export function sse2FaultCases(): GeneratedCase[] {
  const cases: [number[], string][] = [
    [[0x66, 0x0f, 0x28, 0x43, 8], "movapd xmm0, [ebx+8] (misaligned)"],
    [[0x66, 0x0f, 0x29, 0x43, 4], "movapd [ebx+4], xmm0 (misaligned)"],
    [[0x66, 0x0f, 0x58, 0x43, 4], "addpd xmm0, [ebx+4] (misaligned)"],
    [[0x66, 0x0f, 0xc2, 0x43, 8, 1], "cmppd xmm0, [ebx+8], 1 (misaligned)"],
    [[0x66, 0x0f, 0x5a, 0x43, 8], "cvtpd2ps xmm0, [ebx+8] (misaligned)"],
    [[0x0f, 0x5b, 0x43, 8], "cvtdq2ps xmm0, [ebx+8] (misaligned)"],
    [[0x66, 0x0f, 0x6f, 0x43, 8], "movdqa xmm0, [ebx+8] (misaligned)"],
    [[0x66, 0x0f, 0x7f, 0x43, 1], "movdqa [ebx+1], xmm0 (misaligned)"],
    [[0x66, 0x0f, 0xe7, 0x43, 4], "movntdq [ebx+4], xmm0 (misaligned)"],
    [[0x66, 0x0f, 0x2b, 0x43, 4], "movntpd [ebx+4], xmm0 (misaligned)"],
    [[0x66, 0x0f, 0xfe, 0x43, 1], "paddd xmm0, [ebx+1] (misaligned)"],
    [[0x66, 0x0f, 0x70, 0x43, 8, 0], "pshufd xmm0, [ebx+8], 0 (misaligned)"],
    [[0x66, 0x0f, 0x2d, 0x43, 8], "cvtpd2pi mm0, [ebx+8] (misaligned)"],
    [[0xf3, 0x0f, 0x6f, 0x43, 1], "movdqu xmm0, [ebx+1] is fine unaligned"],
    [[0xf2, 0x0f, 0x58, 0x43, 1], "addsd xmm0, [ebx+1] is fine unaligned"],
    [[0x66, 0x0f, 0x2f, 0x43, 1], "comisd xmm0, [ebx+1] is fine unaligned"],
    [[0x0f, 0x5a, 0x43, 1], "cvtps2pd xmm0, [ebx+1] is fine unaligned"],
    [[0x66, 0x0f, 0x12, 0xc1], "movlpd xmm0, xmm1 (register form)"],
    [[0x66, 0x0f, 0x13, 0xc1], "movlpd xmm1, xmm0 (register form)"],
    [[0x66, 0x0f, 0x17, 0xc1], "movhpd xmm1, xmm0 (register form)"],
    [[0x66, 0x0f, 0x2b, 0xc1], "movntpd xmm1, xmm0 (register form)"],
    [[0x66, 0x0f, 0xe7, 0xc1], "movntdq xmm1, xmm0 (register form)"],
    [[0x0f, 0xc3, 0xc1], "movnti ecx, eax (register form)"],
    [[0x66, 0x0f, 0x50, 0x03], "movmskpd eax, [ebx] (memory form)"],
    [[0x66, 0x0f, 0xd7, 0x03], "pmovmskb eax, [ebx] (memory form)"],
    [[0x66, 0x0f, 0xc5, 0x03, 1], "pextrw eax, [ebx], 1 (memory form)"],
    [[0x66, 0x0f, 0xf7, 0x03], "maskmovdqu xmm0, [ebx] (memory form)"],
    [[0xf3, 0x0f, 0xd6, 0x03], "movq2dq xmm0, [ebx] (memory form)"],
    [[0xf2, 0x0f, 0xd6, 0x03], "movdq2q mm0, [ebx] (memory form)"],
    [[0x66, 0x0f, 0x73, 0x1b, 1], "psrldq [ebx], 1 (memory form)"],
    [[0x66, 0x0f, 0x73, 0xe0, 1], "66 0f 73 /4 (undefined)"],
    [[0x66, 0x0f, 0x72, 0xf8, 1], "66 0f 72 /7 (undefined)"],
    [[0xf2, 0x0f, 0x28, 0xc1], "f2 0f 28 (undefined)"],
    [[0xf2, 0x0f, 0x6f, 0xc1], "f2 0f 6f (undefined)"],
    [[0xf3, 0x0f, 0xfe, 0xc1], "f3 0f fe (undefined)"],
    [[0xf2, 0x0f, 0x54, 0xc1], "f2 0f 54 (undefined)"],
    [[0xf3, 0x0f, 0x16, 0x43, 8], "movshdup xmm0, [ebx+8] (misaligned)"],
    [[0xf2, 0x0f, 0x7c, 0x43, 8], "haddps xmm0, [ebx+8] (misaligned)"],
    [[0x66, 0x0f, 0xd0, 0x43, 8], "addsubpd xmm0, [ebx+8] (misaligned)"],
    [[0xf2, 0x0f, 0x12, 0x43, 4], "movddup xmm0, [ebx+4] is fine unaligned"],
    [[0xf2, 0x0f, 0xf0, 0x43, 1], "lddqu xmm0, [ebx+1] is fine unaligned"],
    [[0xf2, 0x0f, 0xf0, 0xc1], "lddqu xmm0, xmm1 (register form)"],
    [[0x0f, 0x7c, 0xc1], "0f 7c without a prefix (undefined)"],
    [[0xf3, 0x0f, 0xd0, 0xc1], "f3 0f d0 (undefined)"],
    [[0x0f, 0xae, 0xe8], "lfence"],
    [[0x0f, 0xae, 0xf0], "mfence"],
  ];
  return cases.map(([bytes, text]) =>
    simdCase([insn(bytes, text)], {
      data: new Uint8Array(DATA_SIZE),
      regs: directedRegs(),
      eflags: IF | FIXED_ONE,
      name: `fault: ${text}`,
    })
  );
}

/**
 * Every SSE2 shift by an immediate (66 0F 71/72/73) at the counts around each lane width and
 * past it (the count is not taken modulo anything: past the width a logical shift gives 0 and an
 * arithmetic one the sign), and PSHUFD/PSHUFLW/PSHUFHW over a spread of immediates; XMM0–7 hold
 * varied patterns with both signs in every lane width.
 */
export function sse2ImmediateCases(seed: number): GeneratedCase[] {
  const rng = new Rng((seed * 0x9e3779b1) >>> 0 || 1);
  const data = new Uint8Array(DATA_SIZE);
  for (let i = 0; i < 128; i++) data[INIT_XMM + i] = rng.u32() & 0xff;
  data.set(le(0x1f80, 4), INIT_MXCSR);
  const counts = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 200, 255];
  // The MMX shifts by an immediate, plus the two whole-register byte shifts of SSE2.
  const shifts: (readonly [number, number, string])[] = [
    ...MMX_SHIFT_IMM,
    [0x73, 3, "psrldq"],
    [0x73, 7, "pslldq"],
  ];
  const out: GeneratedCase[] = [];
  for (const [second, reg, name] of shifts) {
    // Eight counts a case, one per register, so that every result shows in the final state.
    for (let first = 0; first < counts.length; first += 8) {
      const some = counts.slice(first, first + 8);
      const code = some.map((n, i) =>
        insn([0x66, 0x0f, second, 0xc0 | (reg << 3) | i, n], `${name} xmm${i}, ${n}`)
      );
      out.push(wrap(code, data, directedRegs(), IF | FIXED_ONE, `${name} by ${some.join(", ")}`));
    }
  }
  for (const [prefix, name] of [[0x66, "pshufd"], [0xf2, "pshuflw"], [0xf3, "pshufhw"]] as const) {
    const code: Insn[] = [];
    for (let i = 0; i < 24; i++) {
      const imm = i < 4 ? [0, 0x1b, 0xe4, 0xff][i] : rng.u32() & 0xff;
      const dst = i & 7, src = (i * 3 + 1) & 7;
      code.push(
        insn(
          [prefix, 0x0f, 0x70, 0xc0 | (dst << 3) | src, imm],
          `${name} xmm${dst}, xmm${src}, ${hex(imm)}`,
        ),
      );
    }
    out.push(wrap(code, data, directedRegs(), IF | FIXED_ONE, `${name} over 24 immediates`));
  }
  return out;
}

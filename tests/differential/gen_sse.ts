/**
 * SSE cases for the host comparison (Intel SDM vol. 1 ch. 10–11, vol. 2).
 *
 * The harness compares general registers, flags and the data area, so a random case loads
 * MXCSR, XMM0–XMM7 and MM0–MM7 from the data area, runs a random SSE sequence on random bit
 * patterns (NaNs, infinities, denormals, zeros of both signs, the largest values, numbers
 * close to one another) under a random MXCSR (rounding, FTZ, DAZ, sticky flags; every
 * exception masked, since an unmasked one would kill the host process), then stores XMM0–XMM7
 * with MOVUPS, MXCSR with STMXCSR and MM0–MM7 with MOVQ back to the data area.
 *
 * RCPPS/RSQRTPS are left out: their low bits differ between processors by design.
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

const D = DEFAULT_DATA_ADDRESS;

/** Arithmetic `op xmm, xmm/m` (0F xx; F3 for the scalar form), RCP/RSQRT excluded. */
export const SSE_ARITH: readonly [number, string][] = [
  [0x51, "sqrt"],
  [0x58, "add"],
  [0x59, "mul"],
  [0x5c, "sub"],
  [0x5d, "min"],
  [0x5e, "div"],
  [0x5f, "max"],
];

/** Packed operations without MXCSR (all take an aligned m128). */
const SSE_PACKED: readonly [number, string][] = [
  [0x54, "andps"],
  [0x55, "andnps"],
  [0x56, "orps"],
  [0x57, "xorps"],
  [0x14, "unpcklps"],
  [0x15, "unpckhps"],
];

/** MMX operations added by SSE: `op mm, mm/m64`. */
const MMX_EXT: readonly [number, string][] = [
  [0xe0, "pavgb"],
  [0xe3, "pavgw"],
  [0xe4, "pmulhuw"],
  [0xea, "pminsw"],
  [0xee, "pmaxsw"],
  [0xda, "pminub"],
  [0xde, "pmaxub"],
  [0xf6, "psadbw"],
];

/** General registers an instruction may write: not EBX or EDI (operand bases) or ESP. */
const GP_DEST = [0, 1, 2, 5, 6];
const GP32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];

function op(
  prefix: number[],
  second: number,
  reg: number,
  rm: Rm,
  text: string,
  extra: number[] = [],
): Insn {
  return insn([...prefix, 0x0f, second, ...modrm(reg, rm), ...extra], text);
}

function rmText(rm: Rm, kind: "xmm" | "mm" | "r32", size: number): string {
  if (isReg(rm)) return kind === "r32" ? GP32[rm.reg] : `${kind}${rm.reg}`;
  const w = size === 4 ? "dword" : size === 8 ? "qword" : size === 2 ? "word" : "oword";
  return `${w} [${rm.expr}]`;
}

const ldmxcsr = (off: number) => op([], 0xae, 2, absolute(off), `ldmxcsr [${hex(D + off)}]`);
const stmxcsr = (off: number) => op([], 0xae, 3, absolute(off), `stmxcsr [${hex(D + off)}]`);

/** MXCSR and XMM0–7 loaded from their initial values in the data area. */
function loadXmmState(): Insn[] {
  const code = [ldmxcsr(INIT_MXCSR)];
  for (let n = 0; n < 8; n++) {
    const off = INIT_XMM + 16 * n;
    code.push(op([], 0x10, n, absolute(off), `movups xmm${n}, [${hex(D + off)}]`));
  }
  return code;
}

/** XMM0–7 and MXCSR stored to their final places in the data area. */
function storeXmmState(): Insn[] {
  const code: Insn[] = [];
  for (let n = 0; n < 8; n++) {
    const off = FINAL_XMM + 16 * n;
    code.push(op([], 0x11, n, absolute(off), `movups [${hex(D + off)}], xmm${n}`));
  }
  code.push(stmxcsr(FINAL_MXCSR));
  return code;
}

/** A binary32 pattern biased toward the special and boundary values. */
export function floatPattern(rng: Rng, near?: number): number {
  const sign = rng.chance(0.5) ? 0x80000000 : 0;
  if (near !== undefined && rng.chance(0.5)) {
    // Close to another operand: cancellation, ties, equal values.
    const delta = rng.pick([0, 1, -1, 2, rng.below(1 << 12), rng.below(1 << 24)]);
    return (((near & 0x7fffffff) + delta) & 0x7fffffff |
      (rng.chance(0.7) ? near & 0x80000000 : sign)) >>> 0;
  }
  switch (rng.below(14)) {
    case 0:
      return sign;
    case 1:
      return (sign | (1 + rng.below(0x7fffff))) >>> 0; // denormal
    case 2:
      return (sign | rng.pick([1, 0x7fffff, 0x800000, 0x7f7fffff, 0x7f7ffffe, 0x00800001])) >>> 0;
    case 3:
      return (sign | 0x7f800000) >>> 0;
    case 4:
      return (sign | 0x7fc00000 | rng.below(0x400000)) >>> 0; // QNaN
    case 5:
      return (sign | 0x7f800000 | (1 + rng.below(0x3fffff))) >>> 0; // SNaN
    case 6: {
      // Small integers and values near 2^31, for the conversions.
      const v = rng.chance(0.5)
        ? rng.range(-300, 300) + rng.pick([0, 0.5, 0.25, 0.75])
        : rng.pick([2 ** 31, -(2 ** 31), 2 ** 31 - 128, 2 ** 32, 2 ** 30 + 0.5]);
      return bitsOf(v);
    }
    case 7:
      return (sign | (rng.range(0x3f0, 0x410) << 20) | rng.below(1 << 20)) >>> 0; // around 1
    case 8:
      return (sign | (rng.range(1, 24) << 23) | rng.below(1 << 23)) >>> 0; // near the denormals
    case 9:
      return (sign | (rng.range(0xe8, 0xfe) << 23) | rng.below(1 << 23)) >>> 0; // near overflow
    default:
      return (sign | (rng.range(1, 0xfe) << 23) | rng.below(1 << 23)) >>> 0;
  }
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
function bitsOf(x: number): number {
  F32[0] = x;
  return U32[0];
}

/** One random SSE instruction (sometimes with a setup instruction before it). */
function randomSse(rng: Rng): Insn[] {
  const d = rng.below(8);
  const xmmOrMem = (
    size: number,
    aligned: boolean,
  ): Rm => (rng.chance(0.6) ? { reg: rng.below(8) } : operand(rng, size, aligned));
  const kind = rng.below(100);
  if (kind < 40) {
    const [second, name] = rng.pick(SSE_ARITH);
    const scalar = rng.chance(0.4);
    const rm = xmmOrMem(scalar ? 4 : 16, true);
    return [
      op(
        scalar ? [0xf3] : [],
        second,
        d,
        rm,
        `${name}${scalar ? "ss" : "ps"} xmm${d}, ${rmText(rm, "xmm", scalar ? 4 : 16)}`,
      ),
    ];
  }
  if (kind < 50) {
    const scalar = rng.chance(0.4);
    const rm = xmmOrMem(scalar ? 4 : 16, true);
    const imm = rng.chance(0.9) ? rng.below(8) : rng.below(256);
    return [
      op(
        scalar ? [0xf3] : [],
        0xc2,
        d,
        rm,
        `cmp${scalar ? "ss" : "ps"} xmm${d}, ${rmText(rm, "xmm", scalar ? 4 : 16)}, ${imm}`,
        [imm],
      ),
    ];
  }
  if (kind < 56) {
    const rm = xmmOrMem(4, false);
    const u = rng.chance(0.5);
    return [
      op([], u ? 0x2e : 0x2f, d, rm, `${u ? "u" : ""}comiss xmm${d}, ${rmText(rm, "xmm", 4)}`),
    ];
  }
  if (kind < 66) return convert(rng, d);
  if (kind < 80) return move(rng, d);
  if (kind < 86) {
    const [second, name] = rng.pick(SSE_PACKED);
    const rm = xmmOrMem(16, true);
    return [op([], second, d, rm, `${name} xmm${d}, ${rmText(rm, "xmm", 16)}`)];
  }
  if (kind < 89) {
    const rm = xmmOrMem(16, true);
    const imm = rng.below(256);
    return [op([], 0xc6, d, rm, `shufps xmm${d}, ${rmText(rm, "xmm", 16)}, ${imm}`, [imm])];
  }
  if (kind < 98) return mmxExt(rng, d);
  const slot = INIT_MXCSR + 4 * rng.range(1, 7);
  return [ldmxcsr(slot)];
}

function convert(rng: Rng, d: number): Insn[] {
  const which = rng.below(5);
  const t = rng.chance(0.5);
  if (which === 0) {
    const rm: Rm = rng.chance(0.5) ? { reg: rng.pick(GP_DEST) } : operand(rng, 4, false);
    return [op([0xf3], 0x2a, d, rm, `cvtsi2ss xmm${d}, ${rmText(rm, "r32", 4)}`)];
  }
  if (which === 1) {
    const rm: Rm = rng.chance(0.5) ? { reg: rng.below(8) } : operand(rng, 8, false);
    return [op([], 0x2a, d, rm, `cvtpi2ps xmm${d}, ${rmText(rm, "mm", 8)}`)];
  }
  if (which === 2 || which === 3) {
    const r = rng.pick(GP_DEST);
    const rm: Rm = rng.chance(0.6) ? { reg: rng.below(8) } : operand(rng, 4, false);
    return [
      op(
        [0xf3],
        t ? 0x2c : 0x2d,
        r,
        rm,
        `cvt${t ? "t" : ""}ss2si ${GP32[r]}, ${rmText(rm, "xmm", 4)}`,
      ),
    ];
  }
  const rm: Rm = rng.chance(0.6) ? { reg: rng.below(8) } : operand(rng, 8, false);
  return [
    op([], t ? 0x2c : 0x2d, d, rm, `cvt${t ? "t" : ""}ps2pi mm${d}, ${rmText(rm, "xmm", 8)}`),
  ];
}

function move(rng: Rng, d: number): Insn[] {
  const s = rng.below(8);
  switch (rng.below(12)) {
    case 0: {
      const rm: Rm = rng.chance(0.4) ? { reg: s } : operand(rng, 16, false);
      return [op([], 0x10, d, rm, `movups xmm${d}, ${rmText(rm, "xmm", 16)}`)];
    }
    case 1: {
      const rm: Rm = rng.chance(0.4) ? { reg: s } : operand(rng, 16, false);
      return [op([], 0x11, d, rm, `movups ${rmText(rm, "xmm", 16)}, xmm${d}`)];
    }
    case 2: {
      const rm: Rm = rng.chance(0.5) ? { reg: s } : operand(rng, 4, false);
      return [op([0xf3], 0x10, d, rm, `movss xmm${d}, ${rmText(rm, "xmm", 4)}`)];
    }
    case 3: {
      const rm: Rm = rng.chance(0.5) ? { reg: s } : operand(rng, 4, false);
      return [op([0xf3], 0x11, d, rm, `movss ${rmText(rm, "xmm", 4)}, xmm${d}`)];
    }
    case 4: {
      const rm: Rm = rng.chance(0.4) ? { reg: s } : operand(rng, 16, true);
      const store = rng.chance(0.5);
      return [
        op(
          [],
          store ? 0x29 : 0x28,
          d,
          rm,
          store
            ? `movaps ${rmText(rm, "xmm", 16)}, xmm${d}`
            : `movaps xmm${d}, ${rmText(rm, "xmm", 16)}`,
        ),
      ];
    }
    case 5:
    case 6: {
      const hi = rng.chance(0.5);
      const rm: Rm = rng.chance(0.4) ? { reg: s } : operand(rng, 8, false);
      const name = isReg(rm) ? (hi ? "movlhps" : "movhlps") : hi ? "movhps" : "movlps";
      return [op([], hi ? 0x16 : 0x12, d, rm, `${name} xmm${d}, ${rmText(rm, "xmm", 8)}`)];
    }
    case 7: {
      const hi = rng.chance(0.5);
      const rm = operand(rng, 8, false);
      return [
        op([], hi ? 0x17 : 0x13, d, rm, `mov${hi ? "h" : "l"}ps ${rmText(rm, "xmm", 8)}, xmm${d}`),
      ];
    }
    case 8: {
      const r = rng.pick(GP_DEST);
      return [op([], 0x50, r, { reg: s }, `movmskps ${GP32[r]}, xmm${s}`)];
    }
    case 9: {
      const rm = operand(rng, 16, true);
      return [op([], 0x2b, d, rm, `movntps ${rmText(rm, "xmm", 16)}, xmm${d}`)];
    }
    case 10:
      return [insn([0x0f, 0xae, 0xf8], "sfence")];
    default: {
      const rm = operand(rng, 1, false);
      const hint = rng.below(4);
      return [
        op(
          [],
          0x18,
          hint,
          rm,
          `prefetch${["nta", "t0", "t1", "t2"][hint]} ${rmText(rm, "xmm", 1)}`,
        ),
      ];
    }
  }
}

function mmxExt(rng: Rng, d: number): Insn[] {
  const s = rng.below(8);
  const mmOrMem = (): Rm => (rng.chance(0.6) ? { reg: s } : operand(rng, 8, false));
  switch (rng.below(9)) {
    case 0:
    case 1:
    case 2: {
      const [second, name] = rng.pick(MMX_EXT);
      const rm = mmOrMem();
      return [op([], second, d, rm, `${name} mm${d}, ${rmText(rm, "mm", 8)}`)];
    }
    case 3: {
      const rm = mmOrMem();
      const imm = rng.below(256);
      return [op([], 0x70, d, rm, `pshufw mm${d}, ${rmText(rm, "mm", 8)}, ${imm}`, [imm])];
    }
    case 4: {
      const rm: Rm = rng.chance(0.5) ? { reg: rng.below(8) } : operand(rng, 2, false);
      const imm = rng.below(256);
      return [op([], 0xc4, d, rm, `pinsrw mm${d}, ${rmText(rm, "r32", 2)}, ${imm}`, [imm])];
    }
    case 5: {
      const r = rng.pick(GP_DEST);
      const imm = rng.below(256);
      return [op([], 0xc5, r, { reg: s }, `pextrw ${GP32[r]}, mm${s}, ${imm}`, [imm])];
    }
    case 6: {
      const r = rng.pick(GP_DEST);
      return [op([], 0xd7, r, { reg: s }, `pmovmskb ${GP32[r]}, mm${s}`)];
    }
    case 7: {
      const rm = operand(rng, 8, false);
      return [op([], 0xe7, d, rm, `movntq ${rmText(rm, "mm", 8)}, mm${d}`)];
    }
    default:
      return [op([], 0xf7, d, { reg: s }, `maskmovq mm${d}, mm${s}`)];
  }
}

/** A data area with random operands, XMM/MMX values and MXCSR values. */
function randomData(rng: Rng): Uint8Array {
  const data = new Uint8Array(DATA_SIZE);
  let prev: number | undefined;
  const put = (off: number) => {
    const v = floatPattern(rng, prev);
    prev = v;
    data.set(le(v, 4), off);
  };
  for (let off = INIT_XMM; off < INIT_MXCSR; off += 4) put(off);
  for (let i = 0; i < 8; i++) data.set(le(randomMxcsr(rng), 4), INIT_MXCSR + 4 * i);
  for (let off = INIT_MM; off < INIT_MM + 64; off += 4) {
    data.set(le(rng.chance(0.5) ? floatPattern(rng) : rng.interesting(32), 4), off);
  }
  for (let off = OPERANDS; off < OPERANDS + OPERANDS_SIZE; off += 4) put(off);
  for (let off = FINAL_XMM; off < DATA_SIZE; off++) data[off] = rng.below(256);
  return data;
}

/**
 * Case `index` of the random SSE sequence seeded by `seed` (the same every time); `keep` cuts
 * the random part to its first instructions, to find which one goes wrong.
 */
export function sseCaseAt(seed: number, index: number, keep = Infinity): GeneratedCase {
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const code = loadXmmState();
  for (let n = 0; n < 8; n++) {
    code.push(
      op([], 0x6f, n, absolute(INIT_MM + 8 * n), `movq mm${n}, [${hex(D + INIT_MM + 8 * n)}]`),
    );
  }
  const count = rng.range(2, 10);
  for (let i = 0; i < count; i++) {
    const next = randomSse(rng);
    if (i < keep) code.push(...next);
  }
  code.push(...storeXmmState());
  for (let n = 0; n < 8; n++) {
    code.push(
      op([], 0x7f, n, absolute(FINAL_MM + 8 * n), `movq [${hex(D + FINAL_MM + 8 * n)}], mm${n}`),
    );
  }
  code.push(insn([0x0f, 0x77], "emms"));
  const data = randomData(rng);
  const regs = Uint32Array.from(
    { length: 8 },
    () => rng.chance(0.5) ? rng.interesting(32) : floatPattern(rng),
  );
  regs[EBX] = D + OPERANDS;
  regs[EDI] = D + OPERANDS + 16 * rng.below(OPERANDS_SIZE / 16 - 1);
  regs[4] = D + 0x800;
  const eflags = (rng.u32() & STATUS) | IF | FIXED_ONE;
  return simdCase(code, { data, regs, eflags });
}

/** `count` random SSE cases seeded by `seed`. */
export function sseCases(seed: number, count: number): GeneratedCase[] {
  return Array.from({ length: count }, (_, i) => sseCaseAt(seed, i));
}

// ---------------------------------------------------------------- directed: rounding edges

/** The binary32 patterns next to `x` (within `k` ulps), same sign. */
function around(x: number, k: number): number[] {
  const b = bitsOf(Math.fround(x));
  const out: number[] = [];
  for (let d = -k; d <= k; d++) out.push((b + d) >>> 0);
  return out;
}

/**
 * Operand pairs whose exact result lies next to 2^−126 (tininess before and after rounding,
 * FTZ) or next to the largest finite value (overflow per rounding mode), for MULSS, DIVSS and
 * ADDSS.
 */
function edgePairs(rng: Rng): [number, number, number][] {
  const out: [number, number, number][] = [];
  const MIN = 2 ** -126, MAX = 3.4028234663852886e38;
  for (let i = 0; i < 6; i++) {
    const a = Math.fround((1 + rng.below(1 << 23) / 2 ** 23) * 2 ** -60);
    for (const t of [MIN, MIN * (1 - 2 ** -24), MIN * (1 - 2 ** -23)]) {
      for (const b of around(t / a, 1)) out.push([0x59, bitsOf(a), b]);
      for (const b of around(a / t, 1)) out.push([0x5e, bitsOf(a), b]);
    }
    const big = Math.fround((1 + rng.below(1 << 23) / 2 ** 23) * 2 ** 64);
    for (const b of around(MAX / big, 1)) out.push([0x59, bitsOf(big), b]);
  }
  for (const e of [102, 103, 104, 105]) {
    for (const b of around(2 ** e, 1)) out.push([0x58, 0x7f7fffff, b]);
  }
  // A denormal operand with a normal result: DE however ordinary the result looks.
  out.push([0x59, 0x00400000, bitsOf(2 ** 40)], [0x5e, 0x00000123, bitsOf(2 ** -40)]);
  out.push([0x58, bitsOf(1.5), 0x00000007], [0x58, 0x00000007, bitsOf(-3.25)]);
  return out.map(([o, a, b]) => [o, rng.chance(0.3) ? (a | 0x80000000) >>> 0 : a, b]);
}

/**
 * Each edge pair under every rounding mode, with FTZ off and on, and with PE set: one scalar
 * operation each.
 */
export function sseEdgeCases(seed: number): GeneratedCase[] {
  const rng = new Rng(seed);
  const names: Record<number, string> = { 0x58: "addss", 0x59: "mulss", 0x5e: "divss" };
  const out: GeneratedCase[] = [];
  for (const [second, a, b] of edgePairs(rng)) {
    // Every RC with FTZ off and on, and round to nearest with PE already set (where the guarded
    // WebAssembly kernels of cpu/semantics/simd.ts may take the operation).
    for (let mode = 0; mode < 9; mode++) {
      const mxcsr = mode === 8 ? 0x1fa0 : 0x1f80 | ((mode & 3) << 13) | (mode & 4 ? 0x8000 : 0);
      const code = [
        ldmxcsr(INIT_MXCSR),
        op([0xf3], 0x10, 0, absolute(OPERANDS), `movss xmm0, [${hex(D + OPERANDS)}]`),
        op([0xf3], 0x10, 1, absolute(OPERANDS + 4), `movss xmm1, [${hex(D + OPERANDS + 4)}]`),
        op([0xf3], second, 0, { reg: 1 }, `${names[second]} xmm0, xmm1`),
        op([], 0x11, 0, absolute(FINAL_XMM), `movups [${hex(D + FINAL_XMM)}], xmm0`),
        stmxcsr(FINAL_MXCSR),
      ];
      const data = new Uint8Array(DATA_SIZE);
      data.set(le(mxcsr, 4), INIT_MXCSR);
      data.set([...le(a, 4), ...le(b, 4)], OPERANDS);
      const name = `${names[second]} ${hex(a)}, ${hex(b)} under MXCSR ${hex(mxcsr)}`;
      out.push(simdCase(code, { data, regs: directedRegs(), eflags: IF | FIXED_ONE, name }));
    }
  }
  return out;
}

// ---------------------------------------------------------------- directed: faults

/** Encodings the SDM leaves undefined, and misaligned m128 operands of the aligned forms. */
export function sseFaultCases(): GeneratedCase[] {
  const cases: [number[], string][] = [
    [[0xf3, 0x0f, 0x28, 0xc1], "rep movaps xmm0, xmm1 (undefined)"],
    [[0xf3, 0x0f, 0x54, 0xc1], "rep andps xmm0, xmm1 (undefined)"],
    [[0xf3, 0x0f, 0x50, 0xc1], "rep movmskps eax, xmm1 (undefined)"],
    [[0x0f, 0x13, 0xc1], "movlps xmm1, xmm0 (register form of a store)"],
    [[0x0f, 0x17, 0xc1], "movhps xmm1, xmm0 (register form of a store)"],
    [[0x0f, 0x2b, 0xc1], "movntps xmm1, xmm0 (register form)"],
    [[0x0f, 0x50, 0x03], "movmskps eax, [ebx] (memory form)"],
    [[0x0f, 0xc5, 0x03, 1], "pextrw eax, [ebx], 1 (memory form)"],
    [[0x0f, 0xd7, 0x03], "pmovmskb eax, [ebx] (memory form)"],
    [[0x0f, 0xe7, 0xc1], "movntq mm1, mm0 (register form)"],
    [[0x0f, 0xf7, 0x03], "maskmovq mm0, [ebx] (memory form)"],
    [[0x0f, 0x28, 0x43, 8], "movaps xmm0, [ebx+8] (misaligned)"],
    [[0x0f, 0x29, 0x43, 4], "movaps [ebx+4], xmm0 (misaligned)"],
    [[0x0f, 0x58, 0x43, 2], "addps xmm0, [ebx+2] (misaligned)"],
    [[0x0f, 0xc2, 0x43, 1, 0], "cmpps xmm0, [ebx+1], 0 (misaligned)"],
    [[0x0f, 0x2b, 0x43, 12], "movntps [ebx+12], xmm0 (misaligned)"],
    [[0x0f, 0xc6, 0x43, 8, 0], "shufps xmm0, [ebx+8], 0 (misaligned)"],
    [[0x0f, 0xae, 0x5b, 0x04], "stmxcsr [ebx+4] is fine unaligned"],
    [[0xf3, 0x0f, 0x58, 0x43, 1], "addss xmm0, [ebx+1] is fine unaligned"],
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

// ---------------------------------------------------------------- directed: FXSAVE/FXRSTOR

/**
 * FXSAVE after loading MXCSR and XMM0–7, then FXRSTOR of an image whose XMM area and MXCSR
 * were changed, stored back with MOVUPS/STMXCSR. The x87 pointer fields (FOP, FIP, FCS, FDP,
 * FDS) name host selectors, and MXCSR_MASK differs between vendors (AMD parts with misaligned
 * SSE mode store 0x2FFFF; this CPU, like Intel's, stores 0xFFFF): they are cleared before the
 * comparison.
 */
export function sseFxsaveCase(seed: number): GeneratedCase {
  const rng = new Rng(seed);
  const IMAGE = 0x400, SIZE = 0x600;
  const data = new Uint8Array(SIZE);
  for (let off = INIT_XMM; off < INIT_MXCSR; off += 4) data.set(le(floatPattern(rng), 4), off);
  data.set(le(randomMxcsr(rng), 4), INIT_MXCSR);
  for (let off = IMAGE; off < SIZE; off++) data[off] = rng.below(256);
  const clear = (off: number, size: 2 | 4) =>
    insn(
      [...(size === 2 ? [0x66] : []), 0xc7, 0x05, ...le(D + off, 4), ...le(0, size)],
      `mov ${size === 2 ? "word" : "dword"} [${hex(D + off)}], 0`,
    );
  const fx = (reg: number, name: string) =>
    op([], 0xae, reg, absolute(IMAGE), `${name} [${hex(D + IMAGE)}]`);
  const code: Insn[] = [insn([0xdb, 0xe3], "fninit"), ...loadXmmState()];
  code.push(fx(0, "fxsave"), clear(IMAGE + 6, 2));
  for (const off of [8, 12, 16, 20, 28]) code.push(clear(IMAGE + off, 4));
  // A second image: XMM3 and MXCSR changed, loaded back with FXRSTOR.
  code.push(
    insn(
      [0xc7, 0x05, ...le(D + IMAGE + 160 + 48, 4), ...le(0x3f800000, 4)],
      "mov dword [xmm3 slot], 1.0",
    ),
    insn(
      [0xc7, 0x05, ...le(D + IMAGE + 24, 4), ...le(0x7fbf, 4)],
      "mov dword [mxcsr slot], 0x7fbf",
    ),
    op([], 0x10, 0, absolute(IMAGE + 0x100), "movups xmm0, [image+0x100] (scratch)"),
    fx(1, "fxrstor"),
  );
  code.push(...storeXmmState());
  return simdCase(code, {
    data,
    regs: directedRegs(),
    eflags: IF | FIXED_ONE,
    name: "FXSAVE stores MXCSR, MXCSR_MASK and XMM0–7; FXRSTOR loads them",
  });
}

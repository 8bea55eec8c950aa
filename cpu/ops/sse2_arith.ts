/**
 * SSE2 double-precision arithmetic, comparisons and conversions (Intel SDM vol. 2: ADDPD …
 * UCOMISD, CVT*): packed forms with 66, scalar forms with F2, the conversions at 0F 2A/2C/2D/
 * 5A/5B/E6. Lanes are computed by cpu/ops/sse2_float.ts under MXCSR and delivered by `finish`.
 */
import type { Cpu } from "../cpu.ts";
import * as F from "./sse_float.ts";
import * as G from "./sse2_float.ts";
import { DST, ENV, finish, getXmm, operandAddress, readXmmRm, setXmm, SRC } from "./sse_common.ts";
import { overlay, sse2Check } from "./sse2_dispatch.ts";
import { type SimdOp, simdOp } from "../semantics/simd.ts";
import { tryFloatKernel } from "./simd_kernel_ops.ts";

type Lane64 = (env: F.SseEnv, a: G.Pair, b: G.Pair) => G.Pair;

function lane(v: Uint32Array, i: number): G.Pair {
  return [v[2 * i], v[2 * i + 1]];
}

function put(v: Uint32Array, i: number, p: G.Pair): void {
  v[2 * i] = p[0];
  v[2 * i + 1] = p[1];
}

/**
 * `op xmm, xmm/m128` (66, packed) or `op xmm, xmm/m64` (F2, scalar). ADD, SUB, MUL and DIV try
 * the SIMD table's guarded kernel first (cpu/semantics/simd.ts guardedFloat), which both tiers run.
 */
function arith(scalar: boolean, op: Lane64, table: SimdOp | undefined) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    readXmmRm(cpu, fpu, SRC, scalar ? 8 : 16, true);
    if (table !== undefined && tryFloatKernel(cpu, table, SRC)) return;
    getXmm(fpu, cpu.reg, DST);
    ENV.begin(fpu.mxcsr);
    const n = scalar ? 1 : 2;
    for (let i = 0; i < n; i++) put(DST, i, op(ENV, lane(DST, i), lane(SRC, i)));
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  };
}

const ARITH: [number, string, Lane64][] = [
  [0x51, "sqrt", (env, _a, b) => G.sqrt64(env, b)],
  [0x58, "add", G.add64],
  [0x59, "mul", G.mul64],
  [0x5c, "sub", G.sub64],
  [0x5d, "min", (env, a, b) => G.minMax64(env, a, b, false)],
  [0x5e, "div", G.div64],
  [0x5f, "max", (env, a, b) => G.minMax64(env, a, b, true)],
];
for (const [second, name, op] of ARITH) {
  overlay(second, `${name}pd/sd`, {
    p66: arith(false, op, simdOp("p66", second)),
    f2: arith(true, op, simdOp("f2", second)),
  });
}

/** CMPPD/CMPSD predicate imm8[2:0], as CMPPS (SDM CMPPD table 3-1). */
function compare64(env: F.SseEnv, a: G.Pair, b: G.Pair, predicate: number): G.Pair {
  let lt = false, eq = false, un = false;
  if (G.isNan64(a[0], a[1]) || G.isNan64(b[0], b[1])) {
    un = true;
    const p = predicate & 3;
    if (G.isSnan64(a[0], a[1]) || G.isSnan64(b[0], b[1]) || p === 1 || p === 2) env.pre |= F.IE;
  } else {
    const x = G.input64(env, a[0], a[1]), y = G.input64(env, b[0], b[1]);
    lt = x < y;
    eq = x === y;
  }
  const r = [eq, lt, lt || eq, un][predicate & 3];
  return (predicate & 4 ? !r : r) ? [0xffffffff, 0xffffffff] : [0, 0];
}

function cmp(scalar: boolean) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    readXmmRm(cpu, fpu, SRC, scalar ? 8 : 16, true);
    const predicate = cpu.fetch8() & 7;
    getXmm(fpu, cpu.reg, DST);
    ENV.begin(fpu.mxcsr);
    for (let i = 0; i < (scalar ? 1 : 2); i++) {
      put(DST, i, compare64(ENV, lane(DST, i), lane(SRC, i), predicate));
    }
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  };
}
overlay(0xc2, "cmppd/sd", { p66: cmp(false), f2: cmp(true) });

const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

/** COMISD (66 0F 2F) and UCOMISD (66 0F 2E). */
function comi(signalQnan: boolean) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    readXmmRm(cpu, fpu, SRC, 8, false);
    getXmm(fpu, cpu.reg, DST);
    const a = lane(DST, 0), b = lane(SRC, 0);
    ENV.begin(fpu.mxcsr);
    let flags: number;
    if (G.isNan64(a[0], a[1]) || G.isNan64(b[0], b[1])) {
      if (signalQnan || G.isSnan64(a[0], a[1]) || G.isSnan64(b[0], b[1])) ENV.pre |= F.IE;
      flags = ZF | PF | CF;
    } else {
      const x = G.input64(ENV, a[0], a[1]), y = G.input64(ENV, b[0], b[1]);
      flags = x < y ? CF : x > y ? 0 : ZF;
    }
    finish(cpu, fpu);
    cpu.eflags = (cpu.eflags & ~(CF | PF | AF | ZF | SF | OF)) | flags;
  };
}
overlay(0x2e, "ucomisd", { p66: comi(false) });
overlay(0x2f, "comisd", { p66: comi(true) });

// ---------------------------------------------------------------- conversions

/** binary64 → binary32 under MXCSR (CVTSD2SS, CVTPD2PS). */
export function narrow(env: F.SseEnv, p: G.Pair): number {
  const [lo, hi] = p;
  if (G.isNan64(lo, hi)) {
    if (G.isSnan64(lo, hi)) env.pre |= F.IE;
    return ((hi & 0x80000000) | 0x7fc00000 | ((hi & 0x7ffff) << 3) | (lo >>> 29)) >>> 0;
  }
  const x = G.input64(env, lo, hi);
  if (x === 0 || !Number.isFinite(x)) return F.bits(x);
  return F.round32(env, x, (c) => x > c ? 1 : x < c ? -1 : 0);
}

/** binary32 → binary64, exact (CVTSS2SD, CVTPS2PD). */
export function widen(env: F.SseEnv, b: number): G.Pair {
  if (F.isNan(b)) {
    if (F.isSnan(b)) env.pre |= F.IE;
    return [(b << 29) >>> 0, ((b & 0x80000000) | 0x7ff80000 | ((b & 0x3fffff) >>> 3)) >>> 0];
  }
  return G.bits64(F.num(env.input(b)));
}

/** Reads the r/m operand as `size` bytes into SRC, under the SSE2 checks. */
function begin(cpu: Cpu, size: 4 | 8 | 16, aligned: boolean) {
  cpu.decodeModrm();
  const fpu = sse2Check(cpu);
  readXmmRm(cpu, fpu, SRC, size, aligned);
  getXmm(fpu, cpu.reg, DST);
  ENV.begin(fpu.mxcsr);
  return fpu;
}

overlay(0x5a, "cvtps2pd/pd2ps/ss2sd/sd2ss", {
  none: (cpu) => {
    const fpu = begin(cpu, 8, false);
    const a = widen(ENV, SRC[0]), b = widen(ENV, SRC[1]);
    put(DST, 0, a);
    put(DST, 1, b);
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  },
  p66: (cpu) => {
    const fpu = begin(cpu, 16, true);
    const a = narrow(ENV, lane(SRC, 0)), b = narrow(ENV, lane(SRC, 1));
    DST.set([a, b, 0, 0]);
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  },
  f3: (cpu) => {
    const fpu = begin(cpu, 4, false);
    put(DST, 0, widen(ENV, SRC[0]));
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  },
  f2: (cpu) => {
    const fpu = begin(cpu, 8, false);
    DST[0] = narrow(ENV, lane(SRC, 0));
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  },
});

overlay(0x5b, "cvtdq2ps/ps2dq/ttps2dq", {
  none: (cpu) => {
    const fpu = begin(cpu, 16, true);
    for (let i = 0; i < 4; i++) DST[i] = F.fromInt(ENV, SRC[i]);
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  },
  p66: (cpu) => {
    const fpu = begin(cpu, 16, true);
    for (let i = 0; i < 4; i++) DST[i] = F.toInt(ENV, SRC[i], false);
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  },
  f3: (cpu) => {
    const fpu = begin(cpu, 16, true);
    for (let i = 0; i < 4; i++) DST[i] = F.toInt(ENV, SRC[i], true);
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  },
});

/** CVT(T)PD2DQ: two int32 in the low half, the high half zeroed. */
function pd2dq(truncate: boolean) {
  return (cpu: Cpu) => {
    const fpu = begin(cpu, 16, true);
    const a = G.toInt64(ENV, lane(SRC, 0), truncate), b = G.toInt64(ENV, lane(SRC, 1), truncate);
    DST.set([a, b, 0, 0]);
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  };
}

overlay(0xe6, "cvtdq2pd/pd2dq/ttpd2dq", {
  p66: pd2dq(true),
  f2: pd2dq(false),
  f3: (cpu) => {
    const fpu = begin(cpu, 8, false);
    const a = G.bits64(SRC[0] | 0), b = G.bits64(SRC[1] | 0);
    put(DST, 0, a);
    put(DST, 1, b);
    setXmm(fpu, cpu.reg, DST);
  },
});

// 0F 2A: 66 CVTPI2PD xmm, mm/m64 (exact); F2 CVTSI2SD xmm, r/m32 (exact).
overlay(0x2a, "cvtpi2pd/si2sd", {
  p66: (cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    let lo: number, hi: number;
    if (cpu.mod === 3) {
      fpu.mmxCheck();
      lo = fpu.mmLow(cpu.rm);
      hi = fpu.mmHigh(cpu.rm);
    } else {
      const lin = operandAddress(cpu, 8, false, false);
      lo = cpu.readLin32(lin);
      hi = cpu.readLin32((lin + 4) | 0);
    }
    put(DST, 0, G.bits64(lo | 0));
    put(DST, 1, G.bits64(hi | 0));
    setXmm(fpu, cpu.reg, DST);
    if (cpu.mod === 3) fpu.mmxTouch();
  },
  f2: (cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    const v = cpu.mod === 3
      ? cpu.getReg(4, cpu.rm)
      : cpu.readLin32(operandAddress(cpu, 4, false, false));
    getXmm(fpu, cpu.reg, DST);
    put(DST, 0, G.bits64(v | 0));
    setXmm(fpu, cpu.reg, DST);
  },
});

/** 66 0F 2C/2D: CVT(T)PD2PI mm, xmm/m128; F2: CVT(T)SD2SI r32, xmm/m64. */
function toIntForms(truncate: boolean) {
  return {
    p66: (cpu: Cpu) => {
      cpu.decodeModrm();
      const fpu = sse2Check(cpu);
      fpu.mmxCheck();
      readXmmRm(cpu, fpu, SRC, 16, true);
      ENV.begin(fpu.mxcsr);
      const lo = G.toInt64(ENV, lane(SRC, 0), truncate);
      const hi = G.toInt64(ENV, lane(SRC, 1), truncate);
      finish(cpu, fpu);
      fpu.writeMm(cpu.reg, lo, hi);
      fpu.mmxTouch();
    },
    f2: (cpu: Cpu) => {
      cpu.decodeModrm();
      const fpu = sse2Check(cpu);
      readXmmRm(cpu, fpu, SRC, 8, false);
      ENV.begin(fpu.mxcsr);
      const v = G.toInt64(ENV, lane(SRC, 0), truncate);
      finish(cpu, fpu);
      cpu.setReg(4, cpu.reg, v);
    },
  };
}
overlay(0x2c, "cvttpd2pi/ttsd2si", toIntForms(true));
overlay(0x2d, "cvtpd2pi/sd2si", toIntForms(false));

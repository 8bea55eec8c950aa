/**
 * SSE floating-point arithmetic, comparisons and conversions, packed (no prefix) and scalar
 * (F3) forms (Intel SDM vol. 2: ADDPS … UCOMISS, CVT*): lanes computed by cpu/ops/sse_float.ts
 * under MXCSR, exceptions delivered by `finish` before anything is written.
 */
import type { Fpu } from "../fpu/mod.ts";
import { define } from "../opcode_table.ts";
import * as F from "./sse_float.ts";
import {
  DST,
  ENV,
  finish,
  form,
  getXmm,
  operandAddress,
  readXmmRm,
  setXmm,
  SRC,
  sseCheck,
} from "./sse_common.ts";
import { approxRcp, approxRsqrt } from "./sse_approx.ts";
import { readOperands } from "./xmm_operands.ts";
import { simdOp } from "../semantics/simd.ts";
import { tryFloatKernel } from "./simd_kernel_ops.ts";

type Lane = (env: F.SseEnv, a: number, b: number) => number;

/**
 * `op xmm, xmm/m128` (packed) and `op xmm, xmm/m32` (F3, scalar): DST ← DST op SRC per lane.
 * ADD, SUB, MUL and DIV try the SIMD table's guarded kernel first (cpu/semantics/simd.ts
 * guardedFloat), which both tiers run.
 */
function defineArith(second: number, name: string, lane: Lane): void {
  const packed = simdOp("none", second), scalar = simdOp("f3", second);
  define(0x100 | second, `${name}ps/ss Vps,Wps`, (cpu) => {
    cpu.decodeModrm();
    const f = form(cpu, true);
    const fpu = sseCheck(cpu);
    readOperands(cpu, fpu, f === "ss" ? 4 : 16);
    const table = f === "ss" ? scalar : packed;
    if (table?.kind === "float" && tryFloatKernel(cpu, table, SRC)) return;
    ENV.begin(fpu.mxcsr);
    const n = f === "ss" ? 1 : 4;
    for (let i = 0; i < n; i++) DST[i] = lane(ENV, DST[i], SRC[i]);
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
  });
}

defineArith(0x51, "sqrt", (env, _a, b) => F.sqrt(env, b));
defineArith(0x52, "rsqrt", (_env, _a, b) => approxRsqrt(b));
defineArith(0x53, "rcp", (_env, _a, b) => approxRcp(b));
defineArith(0x58, "add", F.add);
defineArith(0x59, "mul", F.mul);
defineArith(0x5c, "sub", F.sub);
defineArith(0x5d, "min", (env, a, b) => F.minMax(env, a, b, false));
defineArith(0x5e, "div", F.div);
defineArith(0x5f, "max", (env, a, b) => F.minMax(env, a, b, true));

/**
 * CMPPS/CMPSS predicate imm8[2:0] (SDM CMPPS table 3-7): EQ, LT, LE, UNORD, NEQ, NLT, NLE, ORD.
 * LT, LE, NLT and NLE signal IE on a QNaN as well; all signal it on an SNaN.
 */
function compareLane(env: F.SseEnv, a: number, b: number, predicate: number): number {
  let lt = false, eq = false, un = false;
  if (F.isNan(a) || F.isNan(b)) {
    un = true;
    if (F.isSnan(a) || F.isSnan(b) || (predicate & 3) === 1 || (predicate & 3) === 2) {
      env.pre |= F.IE;
    }
  } else {
    const x = F.num(env.input(a)), y = F.num(env.input(b));
    lt = x < y;
    eq = x === y;
  }
  let r: boolean;
  switch (predicate & 3) {
    case 0:
      r = eq;
      break;
    case 1:
      r = lt;
      break;
    case 2:
      r = lt || eq;
      break;
    default:
      r = un;
  }
  return (predicate & 4 ? !r : r) ? 0xffffffff : 0;
}

define(0x1c2, "cmpps/ss Vps,Wps,Ib", (cpu) => {
  cpu.decodeModrm();
  const f = form(cpu, true);
  const fpu = sseCheck(cpu);
  readXmmRm(cpu, fpu, SRC, f === "ss" ? 4 : 16, true);
  const predicate = cpu.fetch8() & 7;
  getXmm(fpu, cpu.reg, DST);
  ENV.begin(fpu.mxcsr);
  const n = f === "ss" ? 1 : 4;
  for (let i = 0; i < n; i++) DST[i] = compareLane(ENV, DST[i], SRC[i], predicate);
  if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, DST);
});

const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;

/** COMISS (0F 2F) and UCOMISS (0F 2E): ZF, PF, CF from the comparison; OF, SF, AF cleared. */
function defineComi(second: number, name: string, signalQnan: boolean): void {
  define(0x100 | second, `${name} Vss,Wss`, (cpu) => {
    cpu.decodeModrm();
    form(cpu, false);
    const fpu = sseCheck(cpu);
    readXmmRm(cpu, fpu, SRC, 4, false);
    const a = fpu.xmm[4 * cpu.reg], b = SRC[0];
    ENV.begin(fpu.mxcsr);
    let flags: number;
    if (F.isNan(a) || F.isNan(b)) {
      if (signalQnan || F.isSnan(a) || F.isSnan(b)) ENV.pre |= F.IE;
      flags = ZF | PF | CF;
    } else {
      const x = F.num(ENV.input(a)), y = F.num(ENV.input(b));
      flags = x < y ? CF : x > y ? 0 : ZF;
    }
    finish(cpu, fpu);
    cpu.eflags = (cpu.eflags & ~(CF | PF | AF | ZF | SF | OF)) | flags;
  });
}

defineComi(0x2e, "ucomiss", false);
defineComi(0x2f, "comiss", true);

/** The MMX side of a conversion with an MMX operand: x87 checks first (SDM CVTPI2PS). */
function mmxOperand(fpu: Fpu): void {
  fpu.mmxCheck();
}

// 0F 2A: CVTPI2PS xmm, mm/m64; F3: CVTSI2SS xmm, r/m32.
define(0x12a, "cvtpi2ps/cvtsi2ss", (cpu) => {
  cpu.decodeModrm();
  const f = form(cpu, true);
  const fpu = sseCheck(cpu);
  getXmm(fpu, cpu.reg, DST);
  if (f === "ss") {
    const v = cpu.mod === 3
      ? cpu.getReg(4, cpu.rm)
      : cpu.readLin32(operandAddress(cpu, 4, false, false));
    ENV.begin(fpu.mxcsr);
    DST[0] = F.fromInt(ENV, v);
  } else {
    if (cpu.mod === 3) {
      mmxOperand(fpu);
      SRC[0] = fpu.mmLow(cpu.rm);
      SRC[1] = fpu.mmHigh(cpu.rm);
    } else {
      const lin = operandAddress(cpu, 8, false, false);
      SRC[0] = cpu.readLin32(lin);
      SRC[1] = cpu.readLin32((lin + 4) | 0);
    }
    ENV.begin(fpu.mxcsr);
    DST[0] = F.fromInt(ENV, SRC[0]);
    DST[1] = F.fromInt(ENV, SRC[1]);
  }
  finish(cpu, fpu);
  setXmm(fpu, cpu.reg, DST);
  if (f === "ps" && cpu.mod === 3) fpu.mmxTouch();
});

/** 0F 2C/2D: CVT(T)PS2PI mm, xmm/m64; F3: CVT(T)SS2SI r32, xmm/m32. */
function defineToInt(second: number, name: string, truncate: boolean): void {
  define(0x100 | second, name, (cpu) => {
    cpu.decodeModrm();
    const f = form(cpu, true);
    const fpu = sseCheck(cpu);
    if (f === "ps") mmxOperand(fpu);
    readXmmRm(cpu, fpu, SRC, f === "ss" ? 4 : 8, false);
    ENV.begin(fpu.mxcsr);
    const lo = F.toInt(ENV, SRC[0], truncate);
    const hi = f === "ps" ? F.toInt(ENV, SRC[1], truncate) : 0;
    finish(cpu, fpu);
    if (f === "ss") {
      cpu.setReg(4, cpu.reg, lo);
      return;
    }
    fpu.writeMm(cpu.reg, lo, hi);
    fpu.mmxTouch();
  });
}

defineToInt(0x2c, "cvttps2pi/cvttss2si", true);
defineToInt(0x2d, "cvtps2pi/cvtss2si", false);

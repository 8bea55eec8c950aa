/**
 * SSE data movement, logic and shuffles (Intel SDM vol. 2: MOVAPS, MOVUPS, MOVSS, MOVLPS,
 * MOVHPS, MOVHLPS, MOVLHPS, MOVMSKPS, MOVNTPS, ANDPS, ANDNPS, ORPS, XORPS, SHUFPS, UNPCKLPS,
 * UNPCKHPS). None of them looks at MXCSR or raises a SIMD floating-point exception.
 */
import { simdOp } from "../semantics/simd.ts";
import { kernelHandler, runMove } from "./simd_kernel_ops.ts";
import { CpuFault, UD } from "../fault.ts";
import { define } from "../opcode_table.ts";
import {
  DST,
  form,
  getXmm,
  noPrefix,
  readXmmRm,
  setXmm,
  SRC,
  sseCheck,
  writeMem,
  type Xmm,
} from "./sse_common.ts";
import { packedBits } from "./xmm_operands.ts";

/** MOVUPS/MOVSS/MOVAPS: the SIMD table's moves, run through its kernels. */
const move = (prefix: "none" | "f3", second: number) => simdOp(prefix, second)!;

// 0F 10: MOVUPS xmm, xmm/m128; F3: MOVSS xmm, xmm/m32 (a load clears lanes 1–3).
define(0x110, "movups/movss Vps,Wps", (cpu) => {
  cpu.decodeModrm();
  const f = form(cpu, true);
  runMove(cpu, sseCheck(cpu), move(f === "ss" ? "f3" : "none", 0x10));
});

// 0F 11: MOVUPS xmm/m128, xmm; F3: MOVSS xmm/m32, xmm.
define(0x111, "movups/movss Wps,Vps", (cpu) => {
  cpu.decodeModrm();
  const f = form(cpu, true);
  runMove(cpu, sseCheck(cpu), move(f === "ss" ? "f3" : "none", 0x11));
});

// 0F 28/29: MOVAPS (aligned).
for (const second of [0x28, 0x29]) {
  define(0x100 | second, second === 0x28 ? "movaps Vps,Wps" : "movaps Wps,Vps", (cpu) => {
    cpu.decodeModrm();
    noPrefix(cpu);
    runMove(cpu, sseCheck(cpu), move("none", second));
  });
}

// 0F 2B: MOVNTPS m128, xmm (the non-temporal hint has no visible effect).
define(0x12b, "movntps Mps,Vps", (cpu) => {
  cpu.decodeModrm();
  noPrefix(cpu);
  if (cpu.mod === 3) throw new CpuFault(UD);
  const fpu = sseCheck(cpu);
  getXmm(fpu, cpu.reg, SRC);
  writeMem(cpu, SRC, 16, true);
});

/**
 * 0F 12/16: MOVLPS/MOVHPS xmm, m64 (memory) and MOVHLPS/MOVLHPS xmm, xmm (register): lanes
 * `to`, `to`+1 of XMMreg from lanes `from`, `from`+1 of the source.
 */
function defineHalfLoad(second: number, name: string, to: number, fromReg: number): void {
  define(0x100 | second, name, (cpu) => {
    cpu.decodeModrm();
    noPrefix(cpu);
    const fpu = sseCheck(cpu);
    const from = cpu.mod === 3 ? fromReg : 0;
    readXmmRm(cpu, fpu, SRC, 8, false);
    fpu.xmm[4 * cpu.reg + to] = SRC[from];
    fpu.xmm[4 * cpu.reg + to + 1] = SRC[from + 1];
  });
}

defineHalfLoad(0x12, "movlps/movhlps", 0, 2);
defineHalfLoad(0x16, "movhps/movlhps", 2, 0);

/** 0F 13/17: MOVLPS/MOVHPS m64, xmm: lanes `from`, `from`+1; register forms are #UD. */
function defineHalfStore(second: number, name: string, from: number): void {
  define(0x100 | second, name, (cpu) => {
    cpu.decodeModrm();
    noPrefix(cpu);
    if (cpu.mod === 3) throw new CpuFault(UD);
    const fpu = sseCheck(cpu);
    SRC[0] = fpu.xmm[4 * cpu.reg + from];
    SRC[1] = fpu.xmm[4 * cpu.reg + from + 1];
    writeMem(cpu, SRC, 8, false);
  });
}

defineHalfStore(0x13, "movlps Mq,Vps", 0);
defineHalfStore(0x17, "movhps Mq,Vps", 2);

// 0F 50: MOVMSKPS r32, xmm: the four sign bits.
define(0x150, "movmskps Gd,Ups", (cpu) => {
  cpu.decodeModrm();
  noPrefix(cpu);
  if (cpu.mod !== 3) throw new CpuFault(UD);
  const fpu = sseCheck(cpu);
  let m = 0;
  for (let i = 0; i < 4; i++) m |= (fpu.xmm[4 * cpu.rm + i] >>> 31) << i;
  cpu.setReg(4, cpu.reg, m);
});

/** `op xmm, xmm/m128` on the four lanes, no MXCSR involvement. */
function definePacked(second: number, name: string, op: (d: Xmm, s: Xmm) => void): void {
  define(0x100 | second, `${name} Vps,Wps`, (cpu) => {
    cpu.decodeModrm();
    noPrefix(cpu);
    packedBits(cpu, sseCheck(cpu), op);
  });
}

// ANDPS ANDNPS ORPS XORPS: the SIMD table's kernels.
for (const second of [0x54, 0x55, 0x56, 0x57]) {
  const op = simdOp("none", second)!;
  define(0x100 | second, `${op.name} Vps,Wps`, kernelHandler(op));
}
definePacked(0x14, "unpcklps", (d, s) => d.set([d[0], s[0], d[1], s[1]]));
definePacked(0x15, "unpckhps", (d, s) => d.set([d[2], s[2], d[3], s[3]]));

// 0F C6: SHUFPS xmm, xmm/m128, imm8: two lanes of XMMreg, then two of the source.
define(0x1c6, "shufps Vps,Wps,Ib", (cpu) => {
  cpu.decodeModrm();
  noPrefix(cpu);
  const fpu = sseCheck(cpu);
  readXmmRm(cpu, fpu, SRC, 16, true);
  const imm = cpu.fetch8();
  getXmm(fpu, cpu.reg, DST);
  DST.set([DST[imm & 3], DST[(imm >> 2) & 3], SRC[(imm >> 4) & 3], SRC[imm >> 6]]);
  setXmm(fpu, cpu.reg, DST);
});

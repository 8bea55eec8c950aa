/**
 * SSE2 data movement, logic and shuffles on XMM registers (Intel SDM vol. 2: MOVAPD, MOVUPD,
 * MOVSD, MOVLPD, MOVHPD, MOVMSKPD, MOVNTPD, ANDPD, ANDNPD, ORPD, XORPD, SHUFPD, UNPCKLPD,
 * UNPCKHPD, MOVD/MOVQ with XMM, MOVDQA, MOVDQU, MOVNTDQ, MOVNTI, MOVQ2DQ, MOVDQ2Q). None of
 * them looks at MXCSR.
 */
import type { Cpu } from "../cpu.ts";
import { FEAT_SSE2 } from "../cpu_model.ts";
import { CpuFault, UD } from "../fault.ts";
import { define } from "../opcode_table.ts";
import { requireFeature } from "./feature_gate.ts";
import {
  DST,
  getXmm,
  operandAddress,
  readXmmRm,
  setXmm,
  SRC,
  writeMem,
  type Xmm,
} from "./sse_common.ts";
import { simdOp } from "../semantics/simd.ts";
import { kernelHandler, runMove } from "./simd_kernel_ops.ts";
import { overlay, sse2Check } from "./sse2_dispatch.ts";
import { packedBits } from "./xmm_operands.ts";

/** A move of the SIMD table (MOVUPD, MOVSD, MOVAPD, MOVDQA, MOVDQU), run through its kernel. */
function move(prefix: "p66" | "f2" | "f3", second: number) {
  const op = simdOp(prefix, second)!;
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    runMove(cpu, sse2Check(cpu), op);
  };
}

/** `mov xmm/m, xmm` of `size` bytes. */
function store(size: 8 | 16, aligned: boolean, memoryOnly = false) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    if (memoryOnly && cpu.mod === 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    getXmm(fpu, cpu.reg, SRC);
    if (cpu.mod !== 3) return writeMem(cpu, SRC, size, aligned);
    if (size === 16) return setXmm(fpu, cpu.rm, SRC);
    fpu.xmm[4 * cpu.rm] = SRC[0];
    fpu.xmm[4 * cpu.rm + 1] = SRC[1];
  };
}

overlay(0x10, "movupd/movsd", { p66: move("p66", 0x10), f2: move("f2", 0x10) });
overlay(0x11, "movupd/movsd", { p66: move("p66", 0x11), f2: move("f2", 0x11) });
overlay(0x28, "movapd", { p66: move("p66", 0x28) });
overlay(0x29, "movapd", { p66: move("p66", 0x29) });
overlay(0x2b, "movntpd", { p66: store(16, true, true) });
overlay(0x6f, "movdqa/movdqu", { p66: move("p66", 0x6f), f3: move("f3", 0x6f) });
overlay(0x7f, "movdqa/movdqu", { p66: move("p66", 0x7f), f3: move("f3", 0x7f) });
overlay(0xe7, "movntdq", { p66: store(16, true, true) });

// F3 0F 7E: MOVQ xmm, xmm/m64 (upper half zeroed); 66 0F 7E: MOVD r/m32, xmm.
overlay(0x7e, "movq/movd", {
  f3: (cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    readXmmRm(cpu, fpu, SRC, 8, false);
    SRC[2] = SRC[3] = 0;
    setXmm(fpu, cpu.reg, SRC);
  },
  p66: (cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    const v = fpu.xmm[4 * cpu.reg];
    if (cpu.mod === 3) cpu.setReg(4, cpu.rm, v);
    else cpu.writeLin32(operandAddress(cpu, 4, true, false), v);
  },
});

// 66 0F 6E: MOVD xmm, r/m32.
overlay(0x6e, "movd", {
  p66: (cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    const v = cpu.mod === 3
      ? cpu.getReg(4, cpu.rm)
      : cpu.readLin32(operandAddress(cpu, 4, false, false));
    DST.set([v, 0, 0, 0]);
    setXmm(fpu, cpu.reg, DST);
  },
});

// 0F D6: 66 MOVQ xmm/m64, xmm (a register destination has its upper half zeroed);
// F3 MOVQ2DQ xmm, mm; F2 MOVDQ2Q mm, xmm.
overlay(0xd6, "movq/movq2dq/movdq2q", {
  p66: (cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    getXmm(fpu, cpu.reg, SRC);
    SRC[2] = SRC[3] = 0;
    if (cpu.mod === 3) setXmm(fpu, cpu.rm, SRC);
    else writeMem(cpu, SRC, 8, false);
  },
  f3: (cpu) => {
    cpu.decodeModrm();
    if (cpu.mod !== 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    fpu.mmxCheck();
    DST.set([fpu.mmLow(cpu.rm), fpu.mmHigh(cpu.rm), 0, 0]);
    setXmm(fpu, cpu.reg, DST);
    fpu.mmxTouch();
  },
  f2: (cpu) => {
    cpu.decodeModrm();
    if (cpu.mod !== 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    fpu.mmxCheck();
    fpu.writeMm(cpu.reg, fpu.xmm[4 * cpu.rm], fpu.xmm[4 * cpu.rm + 1]);
    fpu.mmxTouch();
  },
});

/** 66 0F 12/16 (memory only): MOVLPD/MOVHPD xmm, m64; 13/17: MOVLPD/MOVHPD m64, xmm. */
function halfLoad(to: number) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    if (cpu.mod === 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    readXmmRm(cpu, fpu, SRC, 8, false);
    fpu.xmm[4 * cpu.reg + to] = SRC[0];
    fpu.xmm[4 * cpu.reg + to + 1] = SRC[1];
  };
}
function halfStore(from: number) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    if (cpu.mod === 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    SRC[0] = fpu.xmm[4 * cpu.reg + from];
    SRC[1] = fpu.xmm[4 * cpu.reg + from + 1];
    writeMem(cpu, SRC, 8, false);
  };
}
overlay(0x12, "movlpd", { p66: halfLoad(0) });
overlay(0x13, "movlpd", { p66: halfStore(0) });
overlay(0x16, "movhpd", { p66: halfLoad(2) });
overlay(0x17, "movhpd", { p66: halfStore(2) });

// 66 0F 50: MOVMSKPD r32, xmm.
overlay(0x50, "movmskpd", {
  p66: (cpu) => {
    cpu.decodeModrm();
    if (cpu.mod !== 3) throw new CpuFault(UD);
    const fpu = sse2Check(cpu);
    const x = fpu.xmm, b = 4 * cpu.rm;
    cpu.setReg(4, cpu.reg, (x[b + 1] >>> 31) | ((x[b + 3] >>> 31) << 1));
  },
});

/** `op xmm, xmm/m128` (aligned), no MXCSR. */
function packed(op: (d: Xmm, s: Xmm) => void) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    packedBits(cpu, sse2Check(cpu), op);
  };
}
// ANDPD ANDNPD ORPD XORPD: the SIMD table's kernels.
for (const second of [0x54, 0x55, 0x56, 0x57]) {
  const op = simdOp("p66", second)!;
  overlay(second, op.name, { p66: kernelHandler(op) });
}
overlay(0x14, "unpcklpd", { p66: packed((d, s) => d.set([d[0], d[1], s[0], s[1]])) });
overlay(0x15, "unpckhpd", { p66: packed((d, s) => d.set([d[2], d[3], s[2], s[3]])) });

// 66 0F C6: SHUFPD xmm, xmm/m128, imm8.
overlay(0xc6, "shufpd", {
  p66: (cpu) => {
    cpu.decodeModrm();
    const fpu = sse2Check(cpu);
    readXmmRm(cpu, fpu, SRC, 16, true);
    const imm = cpu.fetch8();
    getXmm(fpu, cpu.reg, DST);
    const a = 2 * (imm & 1), b = 2 * ((imm >> 1) & 1);
    DST.set([DST[a], DST[a + 1], SRC[b], SRC[b + 1]]);
    setXmm(fpu, cpu.reg, DST);
  },
});

// 0F C3: MOVNTI m32, r32 (no prefix).
define(0x1c3, "movnti My,Gy", (cpu) => {
  cpu.decodeModrm();
  if (cpu.mod === 3 || cpu.rep !== 0 || cpu.o32 !== cpu.code32) throw new CpuFault(UD);
  requireFeature(cpu, FEAT_SSE2);
  cpu.writeLin32(operandAddress(cpu, 4, true, false), cpu.getReg(4, cpu.reg));
});

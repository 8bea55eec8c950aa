/**
 * The MMX instructions of the Pentium MMX (Intel SDM vol. 1 ch. 9, vol. 2): MOVD, MOVQ, the
 * packed arithmetic, compare, logic, pack/unpack and shift families, and EMMS.
 *
 * MMn is the significand of physical x87 register n (SDM vol. 1 §9.5), so every instruction
 * goes through the x87 unit: it checks CR0 and pending x87 errors first, and when it completes
 * sets TOP to 0 and every tag to valid (EMMS: empty). Faults leave all state untouched: operands
 * are read and stores probed before any register changes.
 *
 * With a 66 prefix these opcodes are SSE2 instructions, and F3 0F 6F/7E/7F are SSE2 moves:
 * cpu/ops/sse2_*.ts lays those forms over the handlers here (sse2_dispatch.ts); without them
 * they raise #UD. The other F2/F3 forms are undefined in the opcode map (SDM vol. 2 table A-3)
 * and raise #UD too, as measured on the host CPU and as QEMU decodes them; that includes F2/F3
 * 0F 77.
 */
import { type Cpu, REP_NONE } from "../cpu.ts";
import { FEAT_MMX } from "../cpu_model.ts";
import { CpuFault, UD } from "../fault.ts";
import type { Fpu } from "../fpu/mod.ts";
import { define } from "../opcode_table.ts";
import { requireFeature } from "./feature_gate.ts";
import { fpuOf } from "./fpu_ops.ts";
import * as L from "./mmx_lanes.ts";

const D = new L.Lanes(), S = new L.Lanes();

/**
 * The checks before an MMX instruction runs, in the processor's order: #UD for a 66, F2 or F3
 * prefix, a model without MMX or CR0.EM; #NM for CR0.TS; #MF for a pending x87 exception.
 */
function prologue(cpu: Cpu): Fpu {
  if (cpu.o32 !== cpu.code32 || cpu.rep !== REP_NONE) throw new CpuFault(UD);
  requireFeature(cpu, FEAT_MMX);
  const fpu = fpuOf(cpu);
  fpu.mmxCheck();
  return fpu;
}

/** Linear address of the memory operand for an access of `size` bytes (limit checked). */
function address(cpu: Cpu, size: number, write: boolean): number {
  return cpu.linear(cpu.eaSeg, cpu.eaOff, size, write);
}

/** Loads the r/m operand into `s`: MMrm, or `size` bytes of memory (4: the high half is 0). */
function readRm(cpu: Cpu, fpu: Fpu, s: L.Lanes, size: 4 | 8): void {
  if (cpu.mod === 3) {
    s.set(fpu.mmLow(cpu.rm), fpu.mmHigh(cpu.rm));
    return;
  }
  const lin = address(cpu, size, false);
  const lo = cpu.readLin32(lin);
  s.set(lo, size === 8 ? cpu.readLin32((lin + 4) | 0) : 0);
}

/** Writes `d` to MMn and applies the x87 side effects of a completed MMX instruction. */
function retire(fpu: Fpu, n: number, d: L.Lanes): void {
  fpu.writeMm(n, d.lo, d.hi);
  fpu.mmxTouch();
}

/** `op Pq, Qq` (or `Qd` for the low unpacks): MMreg ← MMreg op r/m. */
function defineBinary(second: number, name: string, op: L.MmxOp, sourceSize: 4 | 8 = 8): void {
  define(0x100 | second, `${name} Pq,Q${sourceSize === 8 ? "q" : "d"}`, (cpu) => {
    cpu.decodeModrm();
    const fpu = prologue(cpu);
    readRm(cpu, fpu, S, sourceSize);
    D.set(fpu.mmLow(cpu.reg), fpu.mmHigh(cpu.reg));
    op(D, S);
    retire(fpu, cpu.reg, D);
  });
}

/** `shift Pq, Qq`: every lane of MMreg shifted by the 64-bit count in r/m. */
function defineShift(second: number, name: string, shift: L.MmxShift): void {
  define(0x100 | second, `${name} Pq,Qq`, (cpu) => {
    cpu.decodeModrm();
    const fpu = prologue(cpu);
    readRm(cpu, fpu, S, 8);
    D.set(fpu.mmLow(cpu.reg), fpu.mmHigh(cpu.reg));
    shift(D, L.shiftCount(S));
    retire(fpu, cpu.reg, D);
  });
}

/** 0F 71/72/73: `shift Nq, Ib` selected by ModRM.reg; memory forms and other reg values #UD. */
function defineShiftGroup(second: number, byReg: (L.MmxShift | undefined)[]): void {
  define(0x100 | second, `grp${second - 0x65} Nq,Ib`, (cpu) => {
    cpu.decodeModrm();
    const count = cpu.fetch8();
    const shift = byReg[cpu.reg];
    if (cpu.mod !== 3 || shift === undefined) throw new CpuFault(UD);
    const fpu = prologue(cpu);
    D.set(fpu.mmLow(cpu.rm), fpu.mmHigh(cpu.rm));
    shift(D, count);
    retire(fpu, cpu.rm, D);
  });
}

const BINARY: [number, string, L.MmxOp, (4 | 8)?][] = [
  [0x60, "punpcklbw", L.punpcklbw, 4],
  [0x61, "punpcklwd", L.punpcklwd, 4],
  [0x62, "punpckldq", L.punpckldq, 4],
  [0x63, "packsswb", L.packsswb],
  [0x64, "pcmpgtb", L.pcmpgtb],
  [0x65, "pcmpgtw", L.pcmpgtw],
  [0x66, "pcmpgtd", L.pcmpgtd],
  [0x67, "packuswb", L.packuswb],
  [0x68, "punpckhbw", L.punpckhbw],
  [0x69, "punpckhwd", L.punpckhwd],
  [0x6a, "punpckhdq", L.punpckhdq],
  [0x6b, "packssdw", L.packssdw],
  [0x74, "pcmpeqb", L.pcmpeqb],
  [0x75, "pcmpeqw", L.pcmpeqw],
  [0x76, "pcmpeqd", L.pcmpeqd],
  [0xd5, "pmullw", L.pmullw],
  [0xd8, "psubusb", L.psubusb],
  [0xd9, "psubusw", L.psubusw],
  [0xdb, "pand", L.pand],
  [0xdc, "paddusb", L.paddusb],
  [0xdd, "paddusw", L.paddusw],
  [0xdf, "pandn", L.pandn],
  [0xe5, "pmulhw", L.pmulhw],
  [0xe8, "psubsb", L.psubsb],
  [0xe9, "psubsw", L.psubsw],
  [0xeb, "por", L.por],
  [0xec, "paddsb", L.paddsb],
  [0xed, "paddsw", L.paddsw],
  [0xef, "pxor", L.pxor],
  [0xf5, "pmaddwd", L.pmaddwd],
  [0xf8, "psubb", L.psubb],
  [0xf9, "psubw", L.psubw],
  [0xfa, "psubd", L.psubd],
  [0xfc, "paddb", L.paddb],
  [0xfd, "paddw", L.paddw],
  [0xfe, "paddd", L.paddd],
];
for (const [second, name, op, size] of BINARY) defineBinary(second, name, op, size);

const SHIFTS: [number, string, L.MmxShift][] = [
  [0xd1, "psrlw", L.psrlw],
  [0xd2, "psrld", L.psrld],
  [0xd3, "psrlq", L.psrlq],
  [0xe1, "psraw", L.psraw],
  [0xe2, "psrad", L.psrad],
  [0xf1, "psllw", L.psllw],
  [0xf2, "pslld", L.pslld],
  [0xf3, "psllq", L.psllq],
];
for (const [second, name, shift] of SHIFTS) defineShift(second, name, shift);

// ModRM.reg: /2 right logical, /4 right arithmetic, /6 left (SDM vol. 2 table A-6).
const _ = undefined;
defineShiftGroup(0x71, [_, _, L.psrlw, _, L.psraw, _, L.psllw, _]);
defineShiftGroup(0x72, [_, _, L.psrld, _, L.psrad, _, L.pslld, _]);
// 0F 73 /3 and /7 (PSRLDQ, PSLLDQ) exist only with 66: XMM registers.
defineShiftGroup(0x73, [_, _, L.psrlq, _, _, _, L.psllq, _]);

define(0x16e, "movd Pq,Ed", (cpu) => {
  cpu.decodeModrm();
  const fpu = prologue(cpu);
  const v = cpu.mod === 3 ? cpu.getReg(4, cpu.rm) : cpu.readLin32(address(cpu, 4, false));
  D.set(v, 0);
  retire(fpu, cpu.reg, D);
});

define(0x17e, "movd Ed,Pq", (cpu) => {
  cpu.decodeModrm();
  const fpu = prologue(cpu);
  const v = fpu.mmLow(cpu.reg);
  if (cpu.mod === 3) cpu.setReg(4, cpu.rm, v);
  else cpu.writeLin32(address(cpu, 4, true), v);
  fpu.mmxTouch();
});

define(0x16f, "movq Pq,Qq", (cpu) => {
  cpu.decodeModrm();
  const fpu = prologue(cpu);
  readRm(cpu, fpu, D, 8);
  retire(fpu, cpu.reg, D);
});

define(0x17f, "movq Qq,Pq", (cpu) => {
  cpu.decodeModrm();
  const fpu = prologue(cpu);
  D.set(fpu.mmLow(cpu.reg), fpu.mmHigh(cpu.reg));
  if (cpu.mod === 3) {
    retire(fpu, cpu.rm, D);
    return;
  }
  const lin = address(cpu, 8, true);
  // Both pages are checked before either half is written (no torn store on a #PF).
  cpu.probeWrite(lin, 8);
  cpu.writeLin32(lin, D.lo);
  cpu.writeLin32((lin + 4) | 0, D.hi);
  fpu.mmxTouch();
});

define(0x177, "emms", (cpu) => prologue(cpu).emms());

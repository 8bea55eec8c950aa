/**
 * The integer instructions SSE adds to MMX (Intel SDM vol. 1 §10.4.4, vol. 2): PAVGB, PAVGW,
 * PEXTRW, PINSRW, PMAXSW, PMAXUB, PMINSW, PMINUB, PMOVMSKB, PMULHUW, PSADBW, PSHUFW, MASKMOVQ
 * and MOVNTQ. They work on MMX registers, so they make the MMX checks (CR0.EM → #UD, CR0.TS →
 * #NM, pending x87 exception → #MF) and the x87 side effects of MMX instructions; CR4.OSFXSR
 * does not matter. With a 66 prefix they are SSE2 instructions on XMM registers
 * (cpu/ops/sse2_int.ts); F2/F3 forms are #UD.
 */
import { type Cpu, REP_NONE } from "../cpu.ts";
import { FEAT_SSE } from "../cpu_model.ts";
import { CpuFault, UD } from "../fault.ts";
import type { Fpu } from "../fpu/mod.ts";
import { define } from "../opcode_table.ts";
import { DS, EDI } from "../state_layout.ts";
import { requireFeature } from "./feature_gate.ts";
import { fpuOf } from "./fpu_ops.ts";
import { Lanes } from "./mmx_lanes.ts";

const D = new Lanes(), S = new Lanes();

function prologue(cpu: Cpu): Fpu {
  if (cpu.o32 !== cpu.code32 || cpu.rep !== REP_NONE) throw new CpuFault(UD);
  requireFeature(cpu, FEAT_SSE);
  const fpu = fpuOf(cpu);
  fpu.mmxCheck();
  return fpu;
}

function address(cpu: Cpu, size: number, write: boolean): number {
  return cpu.linear(cpu.eaSeg, cpu.eaOff, size, write);
}

/** Loads the r/m operand (MMrm or m64) into `s`. */
function readRm(cpu: Cpu, fpu: Fpu, s: Lanes): void {
  if (cpu.mod === 3) return s.set(fpu.mmLow(cpu.rm), fpu.mmHigh(cpu.rm));
  const lin = address(cpu, 8, false);
  s.set(cpu.readLin32(lin), cpu.readLin32((lin + 4) | 0));
}

function retire(fpu: Fpu, n: number, d: Lanes): void {
  fpu.writeMm(n, d.lo, d.hi);
  fpu.mmxTouch();
}

/** `op mm, mm/m64`. */
function defineBinary(second: number, name: string, op: (d: Lanes, s: Lanes) => void): void {
  define(0x100 | second, `${name} Pq,Qq`, (cpu) => {
    cpu.decodeModrm();
    const fpu = prologue(cpu);
    readRm(cpu, fpu, S);
    D.set(fpu.mmLow(cpu.reg), fpu.mmHigh(cpu.reg));
    op(D, S);
    retire(fpu, cpu.reg, D);
  });
}

defineBinary(0xe0, "pavgb", (d, s) => {
  for (let i = 0; i < 8; i++) d.u8[i] = (d.u8[i] + s.u8[i] + 1) >> 1;
});
defineBinary(0xe3, "pavgw", (d, s) => {
  for (let i = 0; i < 4; i++) d.u16[i] = (d.u16[i] + s.u16[i] + 1) >> 1;
});
defineBinary(0xe4, "pmulhuw", (d, s) => {
  for (let i = 0; i < 4; i++) d.u16[i] = (d.u16[i] * s.u16[i]) >>> 16;
});
defineBinary(0xea, "pminsw", (d, s) => {
  for (let i = 0; i < 4; i++) d.i16[i] = Math.min(d.i16[i], s.i16[i]);
});
defineBinary(0xee, "pmaxsw", (d, s) => {
  for (let i = 0; i < 4; i++) d.i16[i] = Math.max(d.i16[i], s.i16[i]);
});
defineBinary(0xda, "pminub", (d, s) => {
  for (let i = 0; i < 8; i++) d.u8[i] = Math.min(d.u8[i], s.u8[i]);
});
defineBinary(0xde, "pmaxub", (d, s) => {
  for (let i = 0; i < 8; i++) d.u8[i] = Math.max(d.u8[i], s.u8[i]);
});
defineBinary(0xf6, "psadbw", (d, s) => {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Math.abs(d.u8[i] - s.u8[i]);
  d.set(sum, 0);
});

// 0F 70: PSHUFW mm, mm/m64, imm8.
define(0x170, "pshufw Pq,Qq,Ib", (cpu) => {
  cpu.decodeModrm();
  const fpu = prologue(cpu);
  readRm(cpu, fpu, S);
  const imm = cpu.fetch8();
  for (let i = 0; i < 4; i++) D.u16[i] = S.u16[(imm >> (2 * i)) & 3];
  retire(fpu, cpu.reg, D);
});

// 0F C4: PINSRW mm, r32/m16, imm8.
define(0x1c4, "pinsrw Pq,Ed,Ib", (cpu) => {
  cpu.decodeModrm();
  const fpu = prologue(cpu);
  const v = cpu.mod === 3 ? cpu.getReg(4, cpu.rm) : cpu.readLin16(address(cpu, 2, false));
  const imm = cpu.fetch8();
  D.set(fpu.mmLow(cpu.reg), fpu.mmHigh(cpu.reg));
  D.u16[imm & 3] = v;
  retire(fpu, cpu.reg, D);
});

// 0F C5: PEXTRW r32, mm, imm8 (register source only).
define(0x1c5, "pextrw Gd,Nq,Ib", (cpu) => {
  cpu.decodeModrm();
  if (cpu.mod !== 3) throw new CpuFault(UD);
  const fpu = prologue(cpu);
  const imm = cpu.fetch8();
  S.set(fpu.mmLow(cpu.rm), fpu.mmHigh(cpu.rm));
  cpu.setReg(4, cpu.reg, S.u16[imm & 3]);
  fpu.mmxTouch();
});

// 0F D7: PMOVMSKB r32, mm.
define(0x1d7, "pmovmskb Gd,Nq", (cpu) => {
  cpu.decodeModrm();
  if (cpu.mod !== 3) throw new CpuFault(UD);
  const fpu = prologue(cpu);
  S.set(fpu.mmLow(cpu.rm), fpu.mmHigh(cpu.rm));
  let m = 0;
  for (let i = 0; i < 8; i++) m |= (S.u8[i] >> 7) << i;
  cpu.setReg(4, cpu.reg, m);
  fpu.mmxTouch();
});

// 0F E7: MOVNTQ m64, mm.
define(0x1e7, "movntq Mq,Pq", (cpu) => {
  cpu.decodeModrm();
  if (cpu.mod === 3) throw new CpuFault(UD);
  const fpu = prologue(cpu);
  const lin = address(cpu, 8, true);
  cpu.probeWrite(lin, 8);
  cpu.writeLin32(lin, fpu.mmLow(cpu.reg));
  cpu.writeLin32((lin + 4) | 0, fpu.mmHigh(cpu.reg));
  fpu.mmxTouch();
});

// 0F F7: MASKMOVQ mm1, mm2: the bytes of mm1 whose mask byte in mm2 has its top bit set go to
// DS:[EDI] (DS may be overridden); every selected byte is checked before any is written.
define(0x1f7, "maskmovq Pq,Nq", (cpu) => {
  cpu.decodeModrm();
  if (cpu.mod !== 3) throw new CpuFault(UD);
  const fpu = prologue(cpu);
  D.set(fpu.mmLow(cpu.reg), fpu.mmHigh(cpu.reg));
  S.set(fpu.mmLow(cpu.rm), fpu.mmHigh(cpu.rm));
  const seg = cpu.segOverride >= 0 ? cpu.segOverride : DS;
  const edi = cpu.getReg(4, EDI);
  const lins: number[] = [];
  for (let i = 0; i < 8; i++) {
    if (!(S.u8[i] & 0x80)) continue;
    const lin = cpu.linear(seg, cpu.a32 ? (edi + i) | 0 : (edi + i) & 0xffff, 1, true);
    cpu.probeWrite(lin, 1);
    lins[i] = lin;
  }
  for (let i = 0; i < 8; i++) if (lins[i] !== undefined) cpu.writeLin8(lins[i], D.u8[i]);
  fpu.mmxTouch();
});

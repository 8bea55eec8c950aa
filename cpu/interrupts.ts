import type { Cpu } from "./cpu.ts";
import { AC, IF, NT, RF, TF, VM } from "./eflags.ts";
import { CpuFault, GP, NP, SS_, TS } from "./fault.ts";
import { loadCodeSegment, readDescriptor } from "./segmentation.ts";
import { dplOf, SEG_CODE, SEG_DB, SEG_DC, SEG_P, SEG_RW, SEG_S } from "./segment_cache.ts";
import { CS, DS, ES, ESP, FS, GS, S_IDTR_BASE, S_IDTR_LIMIT, SS, TR } from "./state_layout.ts";
import { TASK_INT, taskSwitch } from "./task_switch.ts";

/** How an interrupt was raised: decides gate DPL checks and the EXT bit of error codes. */
export interface InterruptKind {
  /** INT n, INT3, INTO: the gate's DPL is checked against CPL. */
  software: boolean;
  /** Hardware interrupt or exception not caused by INT n: EXT = 1 in error codes. */
  external: boolean;
  /** Error code to push, or -1. */
  errorCode: number;
}

/**
 * Delivers interrupt `vector` through the IVT (real mode) or IDT (protected
 * mode), SDM vol. 3 §6.12 and vol. 2 "INT n/INTO/INT3/INT1". EIP must already
 * be the return address (the faulting instruction for faults, the next one
 * for traps and INT n).
 */
export function deliverInterrupt(cpu: Cpu, vector: number, kind: InterruptKind): void {
  cpu.halted = false;
  cpu.onInterrupt?.(vector, kind.errorCode, kind.software);
  if (!cpu.protectedMode) return deliverReal(cpu, vector);
  deliverProtected(cpu, vector, kind);
}

function deliverReal(cpu: Cpu, vector: number): void {
  const base = cpu.st[S_IDTR_BASE];
  if (vector * 4 + 3 > (cpu.st[S_IDTR_LIMIT] >>> 0)) throw new CpuFault(GP, vector * 8 + 2);
  const ip = cpu.sysRead16((base + vector * 4) | 0);
  const cs = cpu.sysRead16((base + vector * 4 + 2) | 0);
  const flags = cpu.eflags;
  cpu.push(2, flags);
  cpu.push(2, cpu.segSel(CS));
  cpu.push(2, cpu.eip);
  cpu.eflags = flags & ~(IF | TF | AC | RF);
  cpu.setSegmentReal(CS, cs);
  cpu.eip = ip;
}

function deliverProtected(cpu: Cpu, vector: number, kind: InterruptKind): void {
  const ext = kind.external ? 1 : 0;
  const idtCode = vector * 8 + 2 + ext;
  if (vector * 8 + 7 > (cpu.st[S_IDTR_LIMIT] >>> 0)) throw new CpuFault(GP, idtCode);
  const addr = (cpu.st[S_IDTR_BASE] + vector * 8) | 0;
  const lo = cpu.sysRead32(addr), hi = cpu.sysRead32(addr + 4);
  const type = (hi >>> 8) & 0x1f;
  const gateDpl = (hi >>> 13) & 3;
  const valid = type === 0x05 || type === 0x06 || type === 0x07 || type === 0x0e || type === 0x0f;
  if (!valid) throw new CpuFault(GP, idtCode);
  if (kind.software && gateDpl < cpu.cpl) throw new CpuFault(GP, idtCode);
  if (!(hi & 0x8000)) throw new CpuFault(NP, idtCode);

  if (type === 0x05) {
    taskSwitch(cpu, lo >>> 16, TASK_INT, ext);
    if (kind.errorCode >= 0) {
      const size = cpu.segFlags(TR) & 0x8 ? 4 : 2;
      cpu.push(size, kind.errorCode);
    }
    return;
  }

  const gate32 = (type & 0x8) !== 0;
  const size = gate32 ? 4 : 2;
  const trapGate = (type & 1) !== 0;
  const sel = lo >>> 16;
  const offset = gate32 ? ((hi & 0xffff0000) | (lo & 0xffff)) >>> 0 : lo & 0xffff;
  if ((sel & 0xfffc) === 0) throw new CpuFault(GP, ext);
  const d = readDescriptor(cpu, sel, GP);
  const f = d.flags;
  const dpl = dplOf(f);
  const errSel = (sel & 0xfffc) + ext;
  if (!(f & SEG_S) || !(f & SEG_CODE) || dpl > cpu.cpl) throw new CpuFault(GP, errSel);
  if (!(f & SEG_P)) throw new CpuFault(NP, errSel);

  const oldFlags = cpu.eflags;
  const oldCs = cpu.segSel(CS);
  const oldEip = cpu.eip;
  const conforming = (f & SEG_DC) !== 0;
  const v86 = (oldFlags & VM) !== 0;

  if (!conforming && dpl < cpu.cpl) {
    // Inter-privilege: switch to the stack for the new level from the TSS.
    if (v86 && dpl !== 0) throw new CpuFault(GP, errSel);
    const { ss: newSs, esp: newEsp } = stackFromTss(cpu, dpl, ext);
    const oldSs = cpu.segSel(SS);
    const oldEsp = cpu.st[ESP];
    const ssD = readDescriptor(cpu, newSs, TS);
    const sf = ssD.flags;
    if (
      (newSs & 3) !== dpl || dplOf(sf) !== dpl ||
      (sf & (SEG_S | SEG_CODE | SEG_RW)) !== (SEG_S | SEG_RW)
    ) throw new CpuFault(TS, (newSs & 0xfffc) + ext);
    if (!(sf & SEG_P)) throw new CpuFault(SS_, (newSs & 0xfffc) + ext);
    // Build the new frame at the new stack, then commit.
    const saved = [cpu.segSel(GS), cpu.segSel(FS), cpu.segSel(DS), cpu.segSel(ES)];
    // Leave virtual-8086 mode first: CPL and the stack size must follow the new CS and SS,
    // not VM (SDM vol. 3 §20.3.1.1, "Handling an interrupt or exception through a
    // protected-mode trap or interrupt gate").
    if (v86) cpu.eflags = oldFlags & ~VM;
    cpu.setSegment(SS, newSs, ssD.base, ssD.limit, ssD.flags);
    cpu.st[ESP] = newEsp;
    if (!(ssD.flags & SEG_DB)) cpu.st[ESP] = newEsp & 0xffff;
    loadCodeSegment(cpu, sel, d, dpl);
    cpu.updateMode();
    if (v86) {
      for (const v of saved) cpu.push(size, v);
    }
    cpu.push(size, oldSs);
    cpu.push(size, oldEsp);
    if (v86) {
      for (const s of [GS, FS, DS, ES]) cpu.setSegment(s, 0, 0, 0, 0x10000);
    }
  } else {
    if (v86) throw new CpuFault(GP, errSel);
    loadCodeSegment(cpu, sel, d, cpu.cpl);
  }
  cpu.push(size, oldFlags);
  cpu.push(size, oldCs);
  cpu.push(size, oldEip);
  if (kind.errorCode >= 0) cpu.push(size, kind.errorCode);
  let nf = oldFlags & ~(TF | NT | VM | RF);
  if (!trapGate) nf &= ~IF;
  cpu.eflags = nf;
  cpu.eip = offset;
  cpu.updateMode();
}

/** SS:ESP for privilege level `dpl` from the current TSS (SDM vol. 3 §7.2.1). */
export function stackFromTss(cpu: Cpu, dpl: number, ext: number): { ss: number; esp: number } {
  const trFlags = cpu.segFlags(TR);
  const base = cpu.segBase(TR);
  const is32 = (trFlags & 0x8) !== 0;
  const at = is32 ? dpl * 8 + 4 : dpl * 4 + 2;
  if (at + (is32 ? 5 : 3) > cpu.segLimit(TR)) {
    throw new CpuFault(TS, (cpu.segSel(TR) & 0xfffc) + ext);
  }
  if (is32) {
    return { esp: cpu.sysRead32(base + at), ss: cpu.sysRead16(base + at + 4) };
  }
  return { esp: cpu.sysRead16(base + at), ss: cpu.sysRead16(base + at + 2) };
}

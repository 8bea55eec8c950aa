import type { Cpu } from "../cpu.ts";
import { AC, ARITH, DF, ID, IF, IMPLEMENTED, IOPL, NT, RF, TF, VIF, VIP, VM } from "../eflags.ts";
import { CpuFault, GP, NP, SS_, TS } from "../fault.ts";
import { stackFromTss } from "../interrupts.ts";
import {
  loadCodeSegment,
  markAccessed,
  nullInaccessibleSegments,
  readDescriptor,
} from "../segmentation.ts";
import {
  type Descriptor,
  dplOf,
  SEG_CODE,
  SEG_DB,
  SEG_DC,
  SEG_P,
  SEG_RW,
  SEG_S,
} from "../segment_cache.ts";
import { CS, DS, ES, ESP, FS, GS, SS, TR } from "../state_layout.ts";
import { TASK_CALL, TASK_IRET, TASK_JMP, taskSwitch } from "../task_switch.ts";

/** Checks a code segment as the target of a far JMP/CALL without a gate. */
function checkDirectCode(cpu: Cpu, sel: number, d: Descriptor): void {
  const f = d.flags;
  const dpl = dplOf(f);
  if (!(f & SEG_S) || !(f & SEG_CODE)) throw new CpuFault(GP, sel & 0xfffc);
  if (f & SEG_DC) {
    if (dpl > cpu.cpl) throw new CpuFault(GP, sel & 0xfffc);
  } else if ((sel & 3) > cpu.cpl || dpl !== cpu.cpl) throw new CpuFault(GP, sel & 0xfffc);
  if (!(f & SEG_P)) throw new CpuFault(NP, sel & 0xfffc);
}

/** Gate or TSS as the target of a far JMP/CALL: privilege and presence checks. */
function checkGate(cpu: Cpu, sel: number, d: Descriptor): void {
  const dpl = dplOf(d.flags);
  if (dpl < cpu.cpl || dpl < (sel & 3)) throw new CpuFault(GP, sel & 0xfffc);
  if (!(d.flags & SEG_P)) throw new CpuFault(NP, sel & 0xfffc);
}

/** Far JMP (EA, FF /5). */
export function farJump(cpu: Cpu, sel: number, offset: number): void {
  if (!cpu.protectedMode || cpu.v86) {
    cpu.setSegmentReal(CS, sel);
    cpu.eip = offset;
    return;
  }
  if ((sel & 0xfffc) === 0) throw new CpuFault(GP, 0);
  const d = readDescriptor(cpu, sel);
  if (d.flags & SEG_S) {
    checkDirectCode(cpu, sel, d);
    if ((offset >>> 0) > d.limit) throw new CpuFault(GP, 0);
    loadCodeSegment(cpu, sel, d, cpu.cpl);
    cpu.eip = offset;
    return;
  }
  const type = d.flags & 0x1f;
  checkGate(cpu, sel, d);
  if (type === 0x01 || type === 0x09) return taskSwitch(cpu, sel, TASK_JMP);
  if (type === 0x05) return taskSwitch(cpu, d.lo >>> 16, TASK_JMP);
  if (type !== 0x04 && type !== 0x0c) throw new CpuFault(GP, sel & 0xfffc);
  const { target, tsel, toff } = gateTarget(cpu, d);
  const f = target.flags;
  if (f & SEG_DC ? dplOf(f) > cpu.cpl : dplOf(f) !== cpu.cpl) {
    throw new CpuFault(GP, tsel & 0xfffc);
  }
  if (!(f & SEG_P)) throw new CpuFault(NP, tsel & 0xfffc);
  if ((toff >>> 0) > target.limit) throw new CpuFault(GP, 0);
  loadCodeSegment(cpu, tsel, target, cpu.cpl);
  cpu.eip = toff;
}

/** The code segment and offset a call gate points at, checked to be code. */
function gateTarget(
  cpu: Cpu,
  gate: Descriptor,
): { target: Descriptor; tsel: number; toff: number } {
  const tsel = gate.lo >>> 16;
  const toff = (gate.flags & 0x8)
    ? ((gate.hi & 0xffff0000) | (gate.lo & 0xffff))
    : gate.lo & 0xffff;
  if ((tsel & 0xfffc) === 0) throw new CpuFault(GP, 0);
  const target = readDescriptor(cpu, tsel);
  const f = target.flags;
  if (!(f & SEG_S) || !(f & SEG_CODE) || dplOf(f) > cpu.cpl) throw new CpuFault(GP, tsel & 0xfffc);
  return { target, tsel, toff };
}

/** Far CALL (9A, FF /3), including call gates with a stack switch (SDM vol. 3 §5.8.5). */
export function farCall(cpu: Cpu, sel: number, offset: number, size: number): void {
  const retCs = cpu.segSel(CS), retEip = cpu.eip;
  if (!cpu.protectedMode || cpu.v86) {
    cpu.push(size, retCs);
    cpu.push(size, retEip);
    cpu.setSegmentReal(CS, sel);
    cpu.eip = offset;
    return;
  }
  if ((sel & 0xfffc) === 0) throw new CpuFault(GP, 0);
  const d = readDescriptor(cpu, sel);
  if (d.flags & SEG_S) {
    checkDirectCode(cpu, sel, d);
    if ((offset >>> 0) > d.limit) throw new CpuFault(GP, 0);
    cpu.push(size, retCs);
    cpu.push(size, retEip);
    loadCodeSegment(cpu, sel, d, cpu.cpl);
    cpu.eip = offset;
    return;
  }
  const type = d.flags & 0x1f;
  checkGate(cpu, sel, d);
  if (type === 0x01 || type === 0x09) return taskSwitch(cpu, sel, TASK_CALL);
  if (type === 0x05) return taskSwitch(cpu, d.lo >>> 16, TASK_CALL);
  if (type !== 0x04 && type !== 0x0c) throw new CpuFault(GP, sel & 0xfffc);
  const { target, tsel, toff } = gateTarget(cpu, d);
  const f = target.flags;
  if (!(f & SEG_P)) throw new CpuFault(NP, tsel & 0xfffc);
  const gsize = type === 0x0c ? 4 : 2;
  const dpl = dplOf(f);
  if (!(f & SEG_DC) && dpl < cpu.cpl) {
    // More privileged: new stack from the TSS, parameters copied across.
    const count = d.hi & 0x1f;
    const { ss: nss, esp: nesp } = stackFromTss(cpu, dpl, 0);
    if ((nss & 0xfffc) === 0) throw new CpuFault(TS, 0);
    const sd = readDescriptor(cpu, nss, TS);
    const sf = sd.flags;
    if (
      (nss & 3) !== dpl || dplOf(sf) !== dpl ||
      (sf & (SEG_S | SEG_CODE | SEG_RW)) !== (SEG_S | SEG_RW)
    ) throw new CpuFault(TS, nss & 0xfffc);
    if (!(sf & SEG_P)) throw new CpuFault(SS_, nss & 0xfffc);
    const params: number[] = [];
    for (let i = count - 1; i >= 0; i--) params.push(cpu.peek(gsize, i * gsize));
    const oldSs = cpu.segSel(SS), oldEsp = cpu.st[ESP];
    markAccessed(cpu, nss, sd);
    cpu.setSegment(SS, nss, sd.base, sd.limit, sd.flags);
    cpu.st[ESP] = sf & SEG_DB ? nesp : nesp & 0xffff;
    loadCodeSegment(cpu, tsel, target, dpl);
    cpu.push(gsize, oldSs);
    cpu.push(gsize, oldEsp);
    for (const p of params) cpu.push(gsize, p);
  } else {
    loadCodeSegment(cpu, tsel, target, cpu.cpl);
  }
  cpu.push(gsize, retCs);
  cpu.push(gsize, retEip);
  cpu.eip = toff;
}

/** RETF / RETF imm16, including the return to an outer privilege level. */
export function farReturn(cpu: Cpu, size: number, release: number): void {
  if (!cpu.protectedMode || cpu.v86) {
    const eip = cpu.pop(size);
    const cs = cpu.pop(size);
    cpu.sp = (cpu.sp + release) | 0;
    cpu.setSegmentReal(CS, cs);
    cpu.eip = eip;
    return;
  }
  const eip = cpu.peek(size, 0);
  const sel = cpu.peek(size, size) & 0xffff;
  const cpl = cpu.cpl;
  const rpl = sel & 3;
  if ((sel & 0xfffc) === 0) throw new CpuFault(GP, 0);
  if (rpl < cpl) throw new CpuFault(GP, sel & 0xfffc);
  const d = checkReturnCode(cpu, sel);
  if ((eip >>> 0) > d.limit) throw new CpuFault(GP, 0);
  if (rpl === cpl) {
    cpu.sp = (cpu.sp + 2 * size + release) | 0;
    loadCodeSegment(cpu, sel, d, cpl);
    cpu.eip = eip;
    return;
  }
  const nesp = cpu.peek(size, 2 * size + release);
  const nss = cpu.peek(size, 3 * size + release) & 0xffff;
  const sd = checkReturnStack(cpu, nss, rpl);
  loadCodeSegment(cpu, sel, d, rpl);
  cpu.setSegment(SS, nss, sd.base, sd.limit, sd.flags);
  cpu.st[ESP] = sd.flags & SEG_DB
    ? (nesp + release) | 0
    : (cpu.st[ESP] & ~0xffff) | ((nesp + release) & 0xffff);
  cpu.eip = eip;
  nullInaccessibleSegments(cpu);
}

function checkReturnCode(cpu: Cpu, sel: number): Descriptor {
  const d = readDescriptor(cpu, sel);
  const f = d.flags;
  if (!(f & SEG_S) || !(f & SEG_CODE)) throw new CpuFault(GP, sel & 0xfffc);
  const dpl = dplOf(f);
  if (f & SEG_DC ? dpl > (sel & 3) : dpl !== (sel & 3)) throw new CpuFault(GP, sel & 0xfffc);
  if (!(f & SEG_P)) throw new CpuFault(NP, sel & 0xfffc);
  return d;
}

function checkReturnStack(cpu: Cpu, nss: number, rpl: number): Descriptor {
  if ((nss & 0xfffc) === 0) throw new CpuFault(GP, 0);
  const sd = readDescriptor(cpu, nss);
  const sf = sd.flags;
  if (
    (nss & 3) !== rpl || dplOf(sf) !== rpl ||
    (sf & (SEG_S | SEG_CODE | SEG_RW)) !== (SEG_S | SEG_RW)
  ) throw new CpuFault(GP, nss & 0xfffc);
  if (!(sf & SEG_P)) throw new CpuFault(SS_, nss & 0xfffc);
  markAccessed(cpu, nss, sd);
  return sd;
}

/** IRET/IRETD (SDM vol. 2 IRET): real mode, V86, task return, same and outer level, to V86. */
export function interruptReturn(cpu: Cpu, size: number): void {
  if (!cpu.protectedMode) {
    const eip = cpu.pop(size), cs = cpu.pop(size), fl = cpu.pop(size);
    cpu.setSegmentReal(CS, cs);
    cpu.eip = eip;
    // Reserved bits (1, 3, 5, 15, 22 and up) keep their fixed values: a 16-bit IRET loads
    // only the defined flags of the low word (SDM vol. 2 IRET, real-address mode).
    const mask = (ARITH | TF | IF | DF | IOPL | NT | AC | ID) & (size === 4 ? ~0 : 0xffff);
    cpu.eflags = (cpu.eflags & ~mask) | (fl & mask);
    return;
  }
  if (cpu.v86) {
    if (((cpu.eflags & IOPL) >>> 12) < 3) throw new CpuFault(GP, 0);
    const eip = cpu.pop(size), cs = cpu.pop(size), fl = cpu.pop(size);
    cpu.setSegmentReal(CS, cs);
    cpu.eip = eip;
    const mask = (ARITH | TF | IF | DF | NT | AC | ID) & (size === 4 ? ~0 : 0xffff);
    cpu.eflags = (cpu.eflags & ~mask) | (fl & mask);
    return;
  }
  if (cpu.eflags & NT) {
    const link = cpu.sysRead16(cpu.segBase(TR));
    taskSwitch(cpu, link, TASK_IRET);
    return;
  }
  const eip = cpu.peek(size, 0);
  const sel = cpu.peek(size, size) & 0xffff;
  const fl = size === 4 ? cpu.peek(4, 2 * size) : (cpu.eflags & ~0xffff) | cpu.peek(2, 4);
  const cpl = cpu.cpl;
  if ((fl & VM) && cpl === 0 && size === 4) return returnToV86(cpu, eip, sel, fl);
  const rpl = sel & 3;
  if ((sel & 0xfffc) === 0) throw new CpuFault(GP, 0);
  if (rpl < cpl) throw new CpuFault(GP, sel & 0xfffc);
  const d = checkReturnCode(cpu, sel);
  if ((eip >>> 0) > d.limit) throw new CpuFault(GP, 0);
  const oldFlags = cpu.eflags;
  const iopl = (oldFlags & IOPL) >>> 12;
  let mask = ARITH | TF | DF | NT | RF | AC | ID;
  if (cpl <= iopl) mask |= IF;
  if (cpl === 0) mask |= IOPL | VIF | VIP;
  if (size === 2) mask &= 0xffff;
  const newFlags = (oldFlags & ~mask) | (fl & mask);
  if (rpl === cpl) {
    cpu.sp = (cpu.sp + 3 * size) | 0;
    loadCodeSegment(cpu, sel, d, cpl);
    cpu.eip = eip;
    cpu.eflags = newFlags;
    return;
  }
  const nesp = cpu.peek(size, 3 * size);
  const nss = cpu.peek(size, 4 * size) & 0xffff;
  const sd = checkReturnStack(cpu, nss, rpl);
  loadCodeSegment(cpu, sel, d, rpl);
  cpu.setSegment(SS, nss, sd.base, sd.limit, sd.flags);
  cpu.st[ESP] = sd.flags & SEG_DB ? nesp : (cpu.st[ESP] & ~0xffff) | (nesp & 0xffff);
  cpu.eip = eip;
  cpu.eflags = newFlags;
  nullInaccessibleSegments(cpu);
}

function returnToV86(cpu: Cpu, eip: number, cs: number, fl: number): void {
  const esp = cpu.peek(4, 12);
  const ss = cpu.peek(4, 16), es = cpu.peek(4, 20), ds = cpu.peek(4, 24);
  const fs = cpu.peek(4, 28), gs = cpu.peek(4, 32);
  cpu.eflags = (fl & IMPLEMENTED) | VM;
  cpu.setCpl(3);
  for (const [s, v] of [[CS, cs], [SS, ss], [ES, es], [DS, ds], [FS, fs], [GS, gs]]) {
    cpu.setSegmentReal(s, v);
  }
  cpu.st[ESP] = esp;
  cpu.eip = eip & 0xffff;
  cpu.updateMode();
}

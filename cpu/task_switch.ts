import type { Cpu } from "./cpu.ts";
import { IMPLEMENTED, NT, VM } from "./eflags.ts";
import { CpuFault, GP, NP, TS } from "./fault.ts";
import { CR4_PAE } from "./mmu.ts";
import { descriptorAddress, readDescriptor } from "./segmentation.ts";
import { dplOf, SEG_CODE, SEG_P, SEG_S, SEG_UNUSABLE } from "./segment_cache.ts";
import { CS, LDTR, S_CR3, S_EIP, SS, TR } from "./state_layout.ts";

/** What started a task switch; decides busy bits, NT and the back link (SDM vol. 3 §7.3). */
export const TASK_JMP = 0, TASK_CALL = 1, TASK_IRET = 2, TASK_INT = 3;

/** 32-bit TSS field offsets (SDM vol. 3 figure 7-2). */
const T32 = { link: 0, cr3: 0x1c, eip: 0x20, eflags: 0x24, regs: 0x28, segs: 0x48, ldt: 0x60 };
/** 16-bit TSS field offsets (SDM vol. 3 figure 7-11). */
const T16 = { link: 0, eip: 0x0e, eflags: 0x10, regs: 0x12, segs: 0x22, ldt: 0x2a };

/**
 * Hardware task switch to the TSS selected by `sel` (SDM vol. 3 §7.3).
 * EIP must already hold the address the old task resumes at.
 */
export function taskSwitch(cpu: Cpu, sel: number, source: number, ext = 0): void {
  const errSel = (sel & 0xfffc) + ext;
  if (sel & 4) throw new CpuFault(source === TASK_IRET ? TS : GP, errSel);
  const d = readDescriptor(cpu, sel, GP);
  const type = d.flags & 0x1f;
  const busy = type === 0x03 || type === 0x0b;
  const avail = type === 0x01 || type === 0x09;
  if (source === TASK_IRET ? !busy : !avail) {
    throw new CpuFault(source === TASK_IRET ? TS : GP, errSel);
  }
  if (!(d.flags & SEG_P)) throw new CpuFault(NP, errSel);
  const new32 = (type & 0x8) !== 0;
  if (d.limit < (new32 ? 0x67 : 0x2b)) throw new CpuFault(TS, errSel);

  // Save the outgoing task.
  const oldSel = cpu.segSel(TR);
  const oldBase = cpu.segBase(TR);
  const old32 = (cpu.segFlags(TR) & 0x8) !== 0;
  let flags = cpu.eflags;
  if (source === TASK_IRET) flags &= ~NT;
  if (old32) {
    cpu.sysWrite32(oldBase + T32.eip, cpu.eip);
    cpu.sysWrite32(oldBase + T32.eflags, flags);
    for (let r = 0; r < 8; r++) cpu.sysWrite32(oldBase + T32.regs + r * 4, cpu.st[r]);
    for (let s = 0; s < 6; s++) cpu.sysWrite16(oldBase + T32.segs + s * 4, cpu.segSel(s));
  } else {
    cpu.sysWrite16(oldBase + T16.eip, cpu.eip);
    cpu.sysWrite16(oldBase + T16.eflags, flags);
    for (let r = 0; r < 8; r++) cpu.sysWrite16(oldBase + T16.regs + r * 2, cpu.st[r]);
    for (let s = 0; s < 4; s++) cpu.sysWrite16(oldBase + T16.segs + s * 2, cpu.segSel(s));
  }
  if (source === TASK_JMP || source === TASK_IRET) setBusy(cpu, oldSel, false);

  // Read the incoming task's state before committing anything else.
  const b = d.base;
  const t = new32 ? T32 : T16;
  const rd = (o: number) => new32 ? cpu.sysRead32(b + o) : cpu.sysRead16(b + o);
  const step = new32 ? 4 : 2;
  const eip = rd(t.eip);
  // Reserved EFLAGS bits in the TSS image are not loaded: they keep their fixed values.
  // A 16-bit TSS holds the low words of EIP, EFLAGS and the general registers, and no FS or
  // GS. As on the 386 and later, the switch clears the upper words of EIP and EFLAGS, sets
  // those of the general registers to 0xFFFF and loads null FS and GS (test386.asm POST 0x22
  // checks all four).
  const nflagsImage = rd(t.eflags) & IMPLEMENTED;
  let nflags = new32 ? nflagsImage : nflagsImage & 0xffff;
  const regHigh = new32 ? 0 : 0xffff0000;
  const regs: number[] = [];
  for (let r = 0; r < 8; r++) regs.push(regHigh | rd(t.regs + r * step));
  const segs: number[] = [];
  for (let s = 0; s < (new32 ? 6 : 4); s++) segs.push(cpu.sysRead16(b + t.segs + s * step));
  if (!new32) segs.push(0, 0);
  const ldt = cpu.sysRead16(b + t.ldt);
  const cr3 = new32 ? cpu.sysRead32(b + T32.cr3) : undefined;

  if (source === TASK_CALL || source === TASK_INT) {
    nflags |= NT;
    cpu.sysWrite16(b + t.link, oldSel);
  }
  if (source !== TASK_IRET) setBusy(cpu, sel, true);

  cpu.setSegment(TR, sel, d.base, d.limit, d.flags | 0x2);
  cpu.mmu.cr0 |= 8; // CR0.TS
  if (cr3 !== undefined && cpu.mmu.paging) {
    // Under PAE the PDPTEs are registers loaded with CR3 (SDM vol. 3 §4.4.1); an invalid
    // one faults as MOV to CR3 would, with #GP(0).
    if (cpu.mmu.cr4 & CR4_PAE) cpu.mmu.loadPdptes(cr3);
    cpu.mmu.cr3 = cr3;
    cpu.st[S_CR3] = cr3;
    cpu.mmu.flushNonGlobal();
    cpu.invalidateFetch();
  }
  cpu.st[S_EIP] = new32 ? eip : eip & 0xffff;
  cpu.eflags = nflags;
  for (let r = 0; r < 8; r++) cpu.st[r] = regs[r];

  // Load LDTR and segment registers; faults here are #TS against the new task.
  loadLdtForTask(cpu, ldt);
  if (nflags & VM) {
    for (let s = 0; s < segs.length; s++) cpu.setSegmentReal(s, segs[s]);
    cpu.setCpl(3);
    return;
  }
  const csSel = segs[CS];
  const cpl = csSel & 3;
  for (let s = 0; s < segs.length; s++) {
    cpu.setSegment(s, segs[s], 0, 0, SEG_UNUSABLE);
  }
  cpu.setCpl(cpl);
  for (let s = 0; s < segs.length; s++) loadTaskSegment(cpu, s, segs[s], cpl);
}

function setBusy(cpu: Cpu, sel: number, busy: boolean): void {
  const addr = descriptorAddress(cpu, sel);
  const b5 = cpu.sysRead8(addr + 5);
  cpu.sysWrite8(addr + 5, busy ? b5 | 2 : b5 & ~2);
}

function loadLdtForTask(cpu: Cpu, sel: number): void {
  if ((sel & 0xfffc) === 0) {
    cpu.setSegment(LDTR, sel, 0, 0, SEG_UNUSABLE);
    return;
  }
  if (sel & 4) throw new CpuFault(TS, sel & 0xfffc);
  const d = readDescriptor(cpu, sel, TS);
  if ((d.flags & 0x1f) !== 0x02) throw new CpuFault(TS, sel & 0xfffc);
  if (!(d.flags & SEG_P)) throw new CpuFault(TS, sel & 0xfffc);
  cpu.setSegment(LDTR, sel, d.base, d.limit, d.flags);
}

function loadTaskSegment(cpu: Cpu, s: number, sel: number, cpl: number): void {
  if ((sel & 0xfffc) === 0) {
    if (s === CS || s === SS) throw new CpuFault(TS, sel & 0xfffc);
    return;
  }
  const d = readDescriptor(cpu, sel, TS);
  const f = d.flags;
  if (!(f & SEG_S)) throw new CpuFault(TS, sel & 0xfffc);
  if (s === CS) {
    if (!(f & SEG_CODE)) throw new CpuFault(TS, sel & 0xfffc);
  } else if (s === SS) {
    if ((f & SEG_CODE) || !(f & 2) || dplOf(f) !== cpl || (sel & 3) !== cpl) {
      throw new CpuFault(TS, sel & 0xfffc);
    }
  } else if ((f & SEG_CODE) && !(f & 2)) {
    throw new CpuFault(TS, sel & 0xfffc);
  }
  if (!(f & SEG_P)) throw new CpuFault(s === SS ? 12 : NP, sel & 0xfffc);
  cpu.setSegment(s, sel, d.base, d.limit, d.flags);
}

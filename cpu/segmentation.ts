import type { Cpu } from "./cpu.ts";
import { CpuFault, GP, NP, SS_ } from "./fault.ts";
import {
  decodeDescriptor,
  type Descriptor,
  dplOf,
  SEG_ACCESSED,
  SEG_CODE,
  SEG_DC,
  SEG_P,
  SEG_RW,
  SEG_S,
  SEG_UNUSABLE,
} from "./segment_cache.ts";
import { CS, LDTR, S_GDTR_BASE, S_GDTR_LIMIT, SS } from "./state_layout.ts";

/** Linear address of the descriptor for `sel`, or throws #GP(sel) when outside its table. */
export function descriptorAddress(cpu: Cpu, sel: number, vector = GP): number {
  const index = sel & 0xfff8;
  let base: number, limit: number;
  if (sel & 4) {
    if (cpu.segFlags(LDTR) & SEG_UNUSABLE || (cpu.segSel(LDTR) & 0xfffc) === 0) {
      throw new CpuFault(vector, sel & 0xfffc);
    }
    base = cpu.segBase(LDTR);
    limit = cpu.segLimit(LDTR);
  } else {
    base = cpu.st[S_GDTR_BASE];
    limit = cpu.st[S_GDTR_LIMIT] >>> 0;
  }
  if (index + 7 > limit) throw new CpuFault(vector, sel & 0xfffc);
  return (base + index) | 0;
}

/** Reads and decodes the descriptor for `sel` (#GP(sel) if out of the table). */
export function readDescriptor(cpu: Cpu, sel: number, vector = GP): Descriptor {
  const addr = descriptorAddress(cpu, sel, vector);
  return decodeDescriptor(cpu.sysRead32(addr), cpu.sysRead32(addr + 4));
}

/** Sets the accessed bit of a code/data descriptor in memory, as the CPU does on load. */
export function markAccessed(cpu: Cpu, sel: number, d: Descriptor): void {
  if (d.flags & SEG_ACCESSED) return;
  const addr = descriptorAddress(cpu, sel);
  cpu.sysWrite8(addr + 5, cpu.sysRead8(addr + 5) | SEG_ACCESSED);
  d.flags |= SEG_ACCESSED;
}

/**
 * MOV/POP/LxS to a data segment register or SS, with the protected-mode
 * checks of SDM vol. 2 "MOV—Move to segment register".
 */
export function loadSegment(cpu: Cpu, s: number, sel: number): void {
  sel &= 0xffff;
  if (!cpu.protectedMode || cpu.v86) {
    cpu.setSegmentReal(s, sel);
    return;
  }
  const cpl = cpu.cpl;
  const rpl = sel & 3;
  if ((sel & 0xfffc) === 0) {
    if (s === SS) throw new CpuFault(GP, 0);
    cpu.setSegment(s, sel, 0, 0, SEG_UNUSABLE);
    return;
  }
  const d = readDescriptor(cpu, sel);
  const f = d.flags;
  const dpl = dplOf(f);
  if (s === SS) {
    if (rpl !== cpl || dpl !== cpl) throw new CpuFault(GP, sel & 0xfffc);
    if ((f & (SEG_S | SEG_CODE | SEG_RW)) !== (SEG_S | SEG_RW)) {
      throw new CpuFault(GP, sel & 0xfffc);
    }
    if (!(f & SEG_P)) throw new CpuFault(SS_, sel & 0xfffc);
  } else {
    if (!(f & SEG_S) || ((f & SEG_CODE) && !(f & SEG_RW))) {
      throw new CpuFault(GP, sel & 0xfffc);
    }
    const conformingCode = (f & (SEG_CODE | SEG_DC)) === (SEG_CODE | SEG_DC);
    if (!conformingCode && (dpl < cpl || dpl < rpl)) throw new CpuFault(GP, sel & 0xfffc);
    if (!(f & SEG_P)) throw new CpuFault(NP, sel & 0xfffc);
  }
  markAccessed(cpu, sel, d);
  cpu.setSegment(s, sel, d.base, d.limit, d.flags);
}

/**
 * Loads CS for a far transfer to a code segment already checked by the
 * caller; the RPL of the selector becomes the new CPL.
 */
export function loadCodeSegment(cpu: Cpu, sel: number, d: Descriptor, cpl: number): void {
  markAccessed(cpu, sel, d);
  cpu.setSegment(CS, (sel & 0xfffc) | cpl, d.base, d.limit, d.flags);
  cpu.setCpl(cpl);
}

/**
 * After a privilege drop (RET/IRET to an outer level), data segment
 * registers the new CPL may not use are nulled (SDM vol. 2 RET, "RETURN-TO-
 * OUTER-PRIVILEGE-LEVEL").
 */
export function nullInaccessibleSegments(cpu: Cpu): void {
  const cpl = cpu.cpl;
  for (const s of [0, 3, 4, 5]) {
    const f = cpu.segFlags(s);
    if (f & SEG_UNUSABLE) continue;
    const conformingCode = (f & (SEG_CODE | SEG_DC)) === (SEG_CODE | SEG_DC);
    if (!conformingCode && dplOf(f) < cpl) cpu.setSegment(s, 0, 0, 0, SEG_UNUSABLE);
  }
}

import type { Cpu } from "../cpu.ts";
import { AC, ZF } from "../eflags.ts";
import { CpuFault, GP, UD } from "../fault.ts";
import { readEflags, writeEflags } from "../lazy_flags.ts";
import {
  FEAT_PAE,
  hasFeature,
  hasLeaf7EbxFeature,
  hasLeaf7EcxFeature,
  LEAF7_EBX_SMAP,
  LEAF7_EBX_SMEP,
  LEAF7_ECX_UMIP,
} from "../cpu_model.ts";
import { CR0_PE, CR0_PG, CR0_WP, CR4_PAE, CR4_PGE, CR4_PSE, CR4_SMAP, CR4_SMEP } from "../mmu.ts";
import { define } from "../opcode_table.ts";
import { rdtscp } from "./msr.ts";
import { descriptorAddress, loadSegment, readDescriptor } from "../segmentation.ts";
import { dplOf, SEG_CODE, SEG_DC, SEG_P, SEG_RW, SEG_S, SEG_UNUSABLE } from "../segment_cache.ts";
import {
  LDTR,
  S_CR0,
  S_CR2,
  S_CR3,
  S_CR4,
  S_DR,
  S_EFLAGS,
  S_GDTR_BASE,
  S_GDTR_LIMIT,
  S_IDTR_BASE,
  S_IDTR_LIMIT,
  SS,
  TR,
} from "../state_layout.ts";

function setZf(cpu: Cpu, on: boolean): void {
  const f = readEflags(cpu.st);
  writeEflags(cpu.st, on ? f | ZF : f & ~ZF);
}

/** CR4.UMIP: SGDT, SIDT, SLDT, SMSW and STR are privileged (SDM vol. 3 §2.5). */
const CR4_UMIP = 1 << 11;

/** #GP(0) for a descriptor-table or MSW store above CPL 0 with CR4.UMIP set (V86 is CPL 3). */
function checkUmip(cpu: Cpu): void {
  if ((cpu.mmu.cr4 & CR4_UMIP) && cpu.cpl > 0) throw new CpuFault(GP, 0);
}

/** Instructions that exist only in protected mode raise #UD in real and V86 mode. */
function requireProtected(cpu: Cpu): void {
  if (!cpu.protectedMode || cpu.v86) throw new CpuFault(UD);
}

// ---- 0F 00: SLDT STR LLDT LTR VERR VERW
define(0x100, "grp6", (cpu) => {
  cpu.decodeModrm();
  requireProtected(cpu);
  switch (cpu.reg) {
    case 0: // SLDT
    case 1: { // STR
      checkUmip(cpu);
      const v = cpu.segSel(cpu.reg === 0 ? LDTR : TR);
      if (cpu.mod === 3) cpu.setReg(cpu.osize, cpu.rm, v);
      else cpu.write16(cpu.eaSeg, cpu.eaOff, v);
      return;
    }
    case 2: { // LLDT
      cpu.requireCpl0();
      const sel = cpu.readRm(2);
      if ((sel & 0xfffc) === 0) {
        cpu.setSegment(LDTR, sel, 0, 0, SEG_UNUSABLE);
        return;
      }
      if (sel & 4) throw new CpuFault(GP, sel & 0xfffc);
      const d = readDescriptor(cpu, sel);
      if ((d.flags & 0x1f) !== 0x02) throw new CpuFault(GP, sel & 0xfffc);
      if (!(d.flags & SEG_P)) throw new CpuFault(11, sel & 0xfffc);
      cpu.setSegment(LDTR, sel, d.base, d.limit, d.flags);
      return;
    }
    case 3: { // LTR
      cpu.requireCpl0();
      const sel = cpu.readRm(2);
      if ((sel & 0xfffc) === 0) throw new CpuFault(GP, 0);
      if (sel & 4) throw new CpuFault(GP, sel & 0xfffc);
      const d = readDescriptor(cpu, sel);
      const type = d.flags & 0x1f;
      if (type !== 0x01 && type !== 0x09) throw new CpuFault(GP, sel & 0xfffc);
      if (!(d.flags & SEG_P)) throw new CpuFault(11, sel & 0xfffc);
      const addr = descriptorAddress(cpu, sel);
      cpu.sysWrite8(addr + 5, cpu.sysRead8(addr + 5) | 2);
      cpu.setSegment(TR, sel, d.base, d.limit, d.flags | 2);
      return;
    }
    case 4: // VERR
    case 5: { // VERW
      const sel = cpu.readRm(2);
      setZf(cpu, verify(cpu, sel, cpu.reg === 5));
      return;
    }
    default:
      throw new CpuFault(UD);
  }
});

/** VERR/VERW: the segment is visible at CPL/RPL and readable (writable). */
function verify(cpu: Cpu, sel: number, write: boolean): boolean {
  if ((sel & 0xfffc) === 0) return false;
  let d;
  try {
    d = readDescriptor(cpu, sel);
  } catch {
    return false;
  }
  const f = d.flags;
  if (!(f & SEG_S)) return false;
  const conforming = (f & (SEG_CODE | SEG_DC)) === (SEG_CODE | SEG_DC);
  if (!conforming && (dplOf(f) < cpu.cpl || dplOf(f) < (sel & 3))) return false;
  if (write) return !(f & SEG_CODE) && (f & SEG_RW) !== 0;
  return !(f & SEG_CODE) || (f & SEG_RW) !== 0;
}

/** LAR/LSL: the descriptor types each accepts (SDM vol. 2 LAR, LSL). */
function loadAccess(cpu: Cpu, limit: boolean): void {
  cpu.decodeModrm();
  requireProtected(cpu);
  const sel = cpu.readRm(2);
  let d;
  try {
    if ((sel & 0xfffc) === 0) throw new Error();
    d = readDescriptor(cpu, sel);
  } catch {
    setZf(cpu, false);
    return;
  }
  const f = d.flags;
  if (!(f & SEG_S)) {
    const type = f & 0xf;
    const okLar = [1, 2, 3, 4, 5, 9, 0xb, 0xc];
    const okLsl = [1, 2, 3, 9, 0xb];
    if (!(limit ? okLsl : okLar).includes(type)) return setZf(cpu, false);
  }
  const conforming = (f & (SEG_S | SEG_CODE | SEG_DC)) === (SEG_S | SEG_CODE | SEG_DC);
  if (!conforming && (dplOf(f) < cpu.cpl || dplOf(f) < (sel & 3))) return setZf(cpu, false);
  const s = cpu.osize;
  if (limit) cpu.setReg(s, cpu.reg, d.limit);
  else cpu.setReg(s, cpu.reg, d.hi & (s === 4 ? 0x00f0ff00 : 0xff00));
  setZf(cpu, true);
}
define(0x102, "lar Gv,Ew", (cpu) => loadAccess(cpu, false));
define(0x103, "lsl Gv,Ew", (cpu) => loadAccess(cpu, true));

/**
 * CLAC (0F 01 CA) and STAC (0F 01 CB) clear and set EFLAGS.AC; #UD without SMAP in CPUID and
 * above CPL 0, V86 mode included (SDM vol. 2 CLAC, STAC).
 */
function setAc(cpu: Cpu, on: boolean): void {
  if (!hasLeaf7EbxFeature(cpu.model, LEAF7_EBX_SMAP) || cpu.cpl > 0) throw new CpuFault(UD);
  cpu.st[S_EFLAGS] = on ? cpu.st[S_EFLAGS] | AC : cpu.st[S_EFLAGS] & ~AC;
}

// ---- 0F 01: SGDT SIDT LGDT LIDT SMSW LMSW INVLPG, CLAC STAC RDTSCP
define(0x101, "grp7", (cpu) => {
  cpu.decodeModrm();
  const reg = cpu.reg;
  if (reg === 1 && cpu.mod === 3 && (cpu.rm === 2 || cpu.rm === 3)) return setAc(cpu, cpu.rm === 3);
  if (reg <= 3) {
    cpu.requireMemory();
    const baseSlot = reg & 1 ? S_IDTR_BASE : S_GDTR_BASE;
    const limitSlot = reg & 1 ? S_IDTR_LIMIT : S_GDTR_LIMIT;
    if (reg < 2) {
      checkUmip(cpu);
      cpu.write16(cpu.eaSeg, cpu.eaOff, cpu.st[limitSlot]);
      cpu.write32(cpu.eaSeg, cpu.eaOff + 2, cpu.st[baseSlot]);
      return;
    }
    cpu.requireCpl0();
    const limit = cpu.read16(cpu.eaSeg, cpu.eaOff);
    let base = cpu.read32(cpu.eaSeg, cpu.eaOff + 2);
    if (!cpu.o32) base &= 0xffffff;
    cpu.st[limitSlot] = limit;
    cpu.st[baseSlot] = base;
    return;
  }
  if (reg === 4) { // SMSW
    checkUmip(cpu);
    const v = cpu.mmu.cr0;
    if (cpu.mod === 3) cpu.setReg(cpu.osize, cpu.rm, v);
    else cpu.write16(cpu.eaSeg, cpu.eaOff, v);
    return;
  }
  if (reg === 6) { // LMSW: PE can be set but not cleared
    cpu.requireCpl0();
    const v = cpu.readRm(2);
    const cr0 = cpu.mmu.cr0;
    writeCr0(cpu, (cr0 & ~0xe) | (v & 0xf) | (cr0 & CR0_PE));
    return;
  }
  if (reg === 7 && cpu.mod === 3 && cpu.rm === 1) return rdtscp(cpu); // 0F 01 F9
  if (reg === 7) { // INVLPG
    cpu.requireMemory();
    cpu.requireCpl0();
    cpu.mmu.flushPage(cpu.segBase(cpu.eaSeg) + cpu.eaOff);
    cpu.invalidateFetch();
    return;
  }
  throw new CpuFault(UD);
}, { endsBlock: true });

define(0x106, "clts", (cpu) => {
  cpu.requireCpl0();
  cpu.mmu.cr0 &= ~8;
  cpu.st[S_CR0] = cpu.mmu.cr0;
});
define(0x108, "invd", (cpu) => cpu.requireCpl0());
define(0x109, "wbinvd", (cpu) => cpu.requireCpl0());
define(0x10b, "ud2", () => {
  throw new CpuFault(UD);
});
for (let op = 0x118; op <= 0x11f; op++) {
  define(op, "nop Ev (hint)", (cpu) => cpu.decodeModrm());
}

// ---- control and debug registers
const CR0_WRITABLE = 0xe005003f; // PG CD NW AM WP NE ET TS EM MP PE
const CR0_CD = 1 << 30, CR0_NW = 1 << 29;
const CR4_SUPPORTED = 0x4 | 0x8 | CR4_PSE | CR4_PGE | 0x100 | 0x200 | 0x400; // TSD DE PSE PGE PCE OSFXSR OSXMMEXCPT
/**
 * CR4 bits whose change reloads the PDPTEs under PAE paging (SDM vol. 3 §4.4.1; SMAP is not
 * among them).
 */
const CR4_PDPTE_RELOAD = CR4_PSE | CR4_PAE | CR4_PGE | CR4_SMEP;
/** CR4 bits that change how linear addresses translate or are checked: the TLB goes. */
const CR4_PAGING = CR4_PDPTE_RELOAD | CR4_SMAP;

/**
 * PAE paging is in use with these CR0/CR4 values; the PDPTEs are then loaded by MOV to
 * CR3, and by MOV to CR0/CR4 changing CD, NW, PG, PAE, PGE, PSE or SMEP (SDM vol. 3 §4.4.1).
 */
function paePaging(cr0: number, cr4: number): boolean {
  return (cr0 & CR0_PG) !== 0 && (cr4 & CR4_PAE) !== 0;
}

export function writeCr0(cpu: Cpu, v: number): void {
  v = (v & CR0_WRITABLE) | 0x10;
  if ((v & CR0_PG) && !(v & CR0_PE)) throw new CpuFault(GP, 0);
  const old = cpu.mmu.cr0;
  if (paePaging(v, cpu.mmu.cr4) && (old ^ v) & (CR0_PG | CR0_CD | CR0_NW)) {
    cpu.mmu.loadPdptes(cpu.mmu.cr3);
  }
  cpu.mmu.cr0 = v;
  cpu.st[S_CR0] = v;
  if ((old ^ v) & (CR0_PG | CR0_PE | CR0_WP)) {
    cpu.mmu.flushAll();
    cpu.invalidateFetch();
  }
  cpu.updateMode();
}

function writeCr3(cpu: Cpu, v: number): void {
  // CR3 keeps every bit written: under PAE, bits 31:5 locate the PDPT.
  if (paePaging(cpu.mmu.cr0, cpu.mmu.cr4)) cpu.mmu.loadPdptes(v);
  cpu.mmu.cr3 = v;
  cpu.st[S_CR3] = v;
  cpu.mmu.flushNonGlobal();
  cpu.invalidateFetch();
}

function writeCr4(cpu: Cpu, v: number): void {
  const supported = CR4_SUPPORTED | (hasFeature(cpu.model, FEAT_PAE) ? CR4_PAE : 0) |
    (hasLeaf7EcxFeature(cpu.model, LEAF7_ECX_UMIP) ? CR4_UMIP : 0) |
    (hasLeaf7EbxFeature(cpu.model, LEAF7_EBX_SMEP) ? CR4_SMEP : 0) |
    (hasLeaf7EbxFeature(cpu.model, LEAF7_EBX_SMAP) ? CR4_SMAP : 0);
  if (v & ~supported) throw new CpuFault(GP, 0);
  const old = cpu.mmu.cr4;
  if (paePaging(cpu.mmu.cr0, v) && (old ^ v) & CR4_PDPTE_RELOAD) {
    cpu.mmu.loadPdptes(cpu.mmu.cr3);
  }
  cpu.mmu.cr4 = v;
  cpu.st[S_CR4] = v;
  if ((old ^ v) & CR4_PAGING) {
    cpu.mmu.flushAll();
    cpu.invalidateFetch();
  }
}

define(0x120, "mov Rd,Cd", (cpu) => {
  cpu.decodeModrm();
  cpu.requireCpl0();
  if (cpu.v86) throw new CpuFault(GP, 0);
  const values = [cpu.mmu.cr0, 0, cpu.mmu.cr2, cpu.mmu.cr3, cpu.mmu.cr4];
  if (cpu.reg === 1 || cpu.reg > 4) throw new CpuFault(UD);
  cpu.st[cpu.rm] = values[cpu.reg];
});
define(0x122, "mov Cd,Rd", (cpu) => {
  cpu.decodeModrm();
  cpu.requireCpl0();
  if (cpu.v86) throw new CpuFault(GP, 0);
  const v = cpu.st[cpu.rm];
  switch (cpu.reg) {
    case 0:
      return writeCr0(cpu, v);
    case 2:
      cpu.mmu.cr2 = v;
      cpu.st[S_CR2] = v;
      return;
    case 3:
      return writeCr3(cpu, v);
    case 4:
      return writeCr4(cpu, v);
    default:
      throw new CpuFault(UD);
  }
}, { endsBlock: true });

function drIndex(cpu: Cpu): number {
  let r = cpu.reg;
  if (r === 4 || r === 5) {
    if (cpu.mmu.cr4 & 0x8) throw new CpuFault(UD); // CR4.DE: DR4/DR5 are reserved
    r += 2;
  }
  return r;
}
define(0x121, "mov Rd,Dd", (cpu) => {
  cpu.decodeModrm();
  cpu.requireCpl0();
  if (cpu.v86) throw new CpuFault(GP, 0);
  const r = drIndex(cpu);
  let v = cpu.st[S_DR + r];
  if (r === 6) v = (v & 0xe00f) | 0xffff0ff0;
  if (r === 7) v = (v & ~0xd000) | 0x400;
  cpu.st[cpu.rm] = v;
});
define(0x123, "mov Dd,Rd", (cpu) => {
  cpu.decodeModrm();
  cpu.requireCpl0();
  if (cpu.v86) throw new CpuFault(GP, 0);
  // Debug registers are stored; hardware breakpoints are not implemented.
  cpu.st[S_DR + drIndex(cpu)] = cpu.st[cpu.rm];
});

// ---- far pointer loads
function loadFarPointer(cpu: Cpu, seg: number): void {
  cpu.decodeModrm();
  cpu.requireMemory();
  const s = cpu.osize;
  const off = cpu.read(s, cpu.eaSeg, cpu.eaOff);
  const sel = cpu.read16(cpu.eaSeg, cpu.eaOff + s);
  loadSegment(cpu, seg, sel);
  cpu.setReg(s, cpu.reg, off);
}
define(0xc4, "les Gv,Mp", (cpu) => loadFarPointer(cpu, 0));
define(0xc5, "lds Gv,Mp", (cpu) => loadFarPointer(cpu, 3));
define(0x1b2, "lss Gv,Mp", (cpu) => loadFarPointer(cpu, SS));
define(0x1b4, "lfs Gv,Mp", (cpu) => loadFarPointer(cpu, 4));
define(0x1b5, "lgs Gv,Mp", (cpu) => loadFarPointer(cpu, 5));

define(0x63, "arpl Ew,Gw", (cpu) => {
  cpu.decodeModrm();
  requireProtected(cpu);
  const dst = cpu.readRm(2);
  const src = cpu.getReg(2, cpu.reg);
  if ((dst & 3) < (src & 3)) {
    cpu.writeRm(2, (dst & ~3) | (src & 3));
    setZf(cpu, true);
  } else setZf(cpu, false);
});

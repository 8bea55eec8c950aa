import type { AccessSize } from "../devices/bus/access.ts";
import type { RangeBus } from "../devices/bus/range_bus.ts";
import type { PhysicalMemory } from "../devices/memory/mod.ts";
import { AC, DF, IF, IOPL, TF, VM } from "./eflags.ts";
import { CpuFault, GP, PF_, SS_, UD } from "./fault.ts";
import { readEflags, readFlag, writeEflags } from "./lazy_flags.ts";
import { CPU_MODELS, type CpuModel } from "./cpu_model.ts";
import { CR0_PE, Mmu, TLB_NOEXEC } from "./mmu.ts";
import { InterpEmitter } from "./semantics/interp_emitter.ts";
import type { Jit } from "./jit/jit.ts";
import {
  REAL_MODE_CODE,
  REAL_MODE_DATA,
  SEG_CODE,
  SEG_DB,
  SEG_DC,
  SEG_RW,
  SEG_S,
  SEG_UNUSABLE,
} from "./segment_cache.ts";
import {
  CS,
  ESP,
  REG8_OFFSET,
  S_CPL,
  S_EFLAGS,
  S_EIP,
  S_GDTR_LIMIT,
  S_IDTR_LIMIT,
  S_SEG,
  SEG_BASE,
  SEG_FLAGS,
  SEG_LIMIT,
  SEG_SEL,
  SS,
  STATE_WORDS,
  TR,
} from "./state_layout.ts";

/** The CPU's view of the interrupt controller (the PIC pair, later the APIC). */
export interface InterruptSource {
  /** True while INTR is asserted. */
  hasInterrupt(): boolean;
  /** The INTA cycle: returns the vector. */
  acknowledge(): number;
}

/** What a handler in the opcode table receives: the CPU, positioned after the opcode. */
export type Handler = (cpu: Cpu) => void;

const SUP = 1, USER = 2;
/** A fetch-page marker no int32 linear address can fall within 4 KiB of. */
const NO_PAGE = -(2 ** 31) - 0x2000;
export const REP_NONE = 0, REP_Z = 1, REP_NZ = 2;

/**
 * The i686 CPU: architectural state (in the shared state block), the decoder
 * state of the current instruction, and the memory paths every instruction
 * uses (segmentation, paging through the software TLB, port I/O).
 * Instruction semantics live in cpu/ops/, the exception and interrupt
 * machinery in cpu/interrupts.ts, the run loop in cpu/run.ts.
 */
export class Cpu {
  /** The state block as 32-bit words (see state_layout.ts). */
  readonly st: Int32Array;
  readonly r16: Uint16Array;
  readonly r8: Uint8Array;
  readonly mmu: Mmu;
  readonly u8: Uint8Array;
  readonly view: DataView;

  // ---- decoder state of the current instruction ----
  /** EIP and ESP at the start of the instruction, restored when it faults. */
  startEip = 0;
  startEsp = 0;
  o32 = false;
  a32 = false;
  /** Segment override (ES..GS) or -1. */
  segOverride = -1;
  rep = REP_NONE;
  lock = false;
  /** ModRM fields of the current instruction. */
  mod = 0;
  reg = 0;
  rm = 0;
  eaSeg = 0;
  eaOff = 0;
  /** Opcode currently executing (0x000–0x1ff; 0x100 + second byte for 0F). */
  opcode = 0;

  // ---- mode caches, derived from the state block on every change ----
  /** Default operand/address size of CS (D bit). */
  code32 = false;
  /** B bit of SS: ESP rather than SP. */
  stack32 = false;
  /** Segments whose linear address is base + offset with no check (32-bit flat, readable). */
  fastRead = 0;
  fastWrite = 0;
  /** SUP or USER: which TLB permission bit the current privilege needs. */
  accessBit = SUP;
  /** Interrupts are inhibited for one instruction (STI, MOV SS). */
  shadow = false;
  halted = false;
  /** The NMI input latched an edge; taken before maskable interrupts, whatever IF says. */
  nmiPending = false;
  /** An NMI handler is running: further NMIs wait for the next IRET (SDM vol. 3 §6.7.1). */
  nmiBlocked = false;
  /** Set by a device (through the board) to make `run` return after this instruction. */
  stopRequested = false;
  /** Instructions retired since power-on. */
  instructions = 0;

  /**
   * Cached code page for instruction fetch: its linear address (as an int32)
   * and memory offset. NO_PAGE is below every int32 by more than a page.
   */
  #fetchLin = NO_PAGE;
  #fetchHost = 0;
  /** Mirror of the CS base, read on every fetch. */
  csBase = 0;

  interrupts: InterruptSource | undefined;
  /** The model CPUID reports (`-cpu NAME`). */
  model: CpuModel = CPU_MODELS[0];
  /** Whether a local APIC is attached (CPUID.APIC, the APIC_BASE MSR). */
  apicPresent = false;
  /** The local APIC's view of IA32_APIC_BASE (MSR 0x1B), when one is attached. */
  apicBase: { readonly apicBase: number; setApicBase(value: number): void } | undefined;
  /** Model-specific registers kept as plain values (SYSENTER, APIC base, TSC_AUX…). */
  readonly msr: Map<number, bigint> = new Map();
  /** Debug hook: called for every interrupt or exception delivered (`-d int`). */
  onInterrupt: ((vector: number, errorCode: number, software: boolean) => void) | undefined;
  /** Time-stamp counter source; the board ties it to the machine clock. */
  readTsc: () => bigint = () => BigInt(this.instructions);
  /** Added to readTsc() by RDTSC and RDMSR: what WRMSR to the TSC changed. */
  tscOffset = 0n;
  /** The block compiler (`-accel jit`); undefined runs everything in the interpreter. */
  jit: Jit | undefined;
  /** The interpreter's backend for the instruction semantics written once (cpu/semantics/). */
  readonly emit: InterpEmitter = new InterpEmitter(this);
  /** Extra per-instruction hooks installed by other tiers (FPU, system ops). */
  ext: Record<string, unknown> = {};

  constructor(readonly phys: PhysicalMemory, readonly io: RangeBus) {
    const buf = phys.memory.buffer;
    this.st = new Int32Array(buf, phys.cpuArea, STATE_WORDS);
    this.r16 = new Uint16Array(buf, phys.cpuArea, 16);
    this.r8 = new Uint8Array(buf, phys.cpuArea, 32);
    this.mmu = new Mmu(phys);
    this.u8 = phys.u8;
    this.view = phys.view;
    this.reset();
  }

  /** Power-on/INIT state (SDM vol. 3 §9.1.1, table 9-1). */
  reset(): void {
    this.st.fill(0);
    this.st[S_EFLAGS] = 2;
    this.st[S_EIP] = 0xfff0;
    this.st[2] = 0x00000633; // EDX = family 6, model 3, stepping 3
    this.mmu.cr0 = 0x60000010;
    this.mmu.cr3 = 0;
    this.mmu.cr4 = 0;
    this.mmu.cr2 = 0;
    this.mmu.efer = 0;
    this.mmu.flushAll();
    for (let s = 0; s < 6; s++) this.setSegment(s, 0, 0, 0xffff, REAL_MODE_DATA);
    this.setSegment(CS, 0xf000, 0xffff0000, 0xffff, REAL_MODE_CODE);
    this.setSegment(6, 0, 0, 0xffff, 0x82);
    this.setSegment(TR, 0, 0, 0xffff, 0x8b);
    // GDTR and IDTR: base 0, limit 0xFFFF (SDM vol. 3 table 9-1), so real-mode INT works.
    this.st[S_GDTR_LIMIT] = 0xffff;
    this.st[S_IDTR_LIMIT] = 0xffff;
    this.st[S_CPL] = 0;
    this.halted = false;
    this.shadow = false;
    this.nmiPending = false;
    this.nmiBlocked = false;
    (this.ext.fpu as { reset(): void } | undefined)?.reset();
    this.updateMode();
  }

  // ---------------------------------------------------------------- registers

  get eip(): number {
    return this.st[S_EIP];
  }
  set eip(v: number) {
    this.st[S_EIP] = v;
  }

  get cpl(): number {
    return this.st[S_CPL];
  }

  get protectedMode(): boolean {
    return (this.mmu.cr0 & CR0_PE) !== 0;
  }

  get v86(): boolean {
    return (this.st[S_EFLAGS] & VM) !== 0;
  }

  /** Reads general register `n` at `size` bytes (8-bit n = AL CL DL BL AH CH DH BH). */
  getReg(size: number, n: number): number {
    if (size === 4) return this.st[n] >>> 0;
    if (size === 2) return this.r16[n << 1];
    return this.r8[REG8_OFFSET[n]];
  }

  setReg(size: number, n: number, v: number): void {
    if (size === 4) this.st[n] = v;
    else if (size === 2) this.r16[n << 1] = v;
    else this.r8[REG8_OFFSET[n]] = v;
  }

  /** EFLAGS with lazy flags materialised. */
  get eflags(): number {
    return readEflags(this.st);
  }

  /** Writes EFLAGS bits (no privilege filtering: callers apply POPF/IRET rules). */
  set eflags(v: number) {
    const old = this.st[S_EFLAGS];
    writeEflags(this.st, v);
    if ((old ^ v) & VM) this.updateMode();
  }

  flag(mask: number): boolean {
    return readFlag(this.st, mask) !== 0;
  }

  /** Operand size in bytes for a "v" operand. */
  get osize(): 2 | 4 {
    return this.o32 ? 4 : 2;
  }

  // ---------------------------------------------------------------- segments

  segSel(s: number): number {
    return this.st[S_SEG + s * 4 + SEG_SEL];
  }
  segBase(s: number): number {
    return this.st[S_SEG + s * 4 + SEG_BASE];
  }
  segLimit(s: number): number {
    return this.st[S_SEG + s * 4 + SEG_LIMIT] >>> 0;
  }
  segFlags(s: number): number {
    return this.st[S_SEG + s * 4 + SEG_FLAGS];
  }

  /** Fills a segment cache and refreshes the derived mode bits. */
  setSegment(s: number, sel: number, base: number, limit: number, flags: number): void {
    const i = S_SEG + s * 4;
    this.st[i + SEG_SEL] = sel & 0xffff;
    this.st[i + SEG_BASE] = base;
    this.st[i + SEG_LIMIT] = limit;
    this.st[i + SEG_FLAGS] = flags;
    if (s === CS) this.csBase = base | 0;
    if (s < 6) this.#updateFast(s);
    if (s === CS || s === SS) this.updateMode();
  }

  /** Loads a segment register in real or virtual-8086 mode: base = selector × 16. */
  setSegmentReal(s: number, sel: number): void {
    const i = S_SEG + s * 4;
    sel &= 0xffff;
    this.st[i + SEG_SEL] = sel;
    this.st[i + SEG_BASE] = sel << 4;
    if (s === CS) this.csBase = sel << 4;
    if (this.v86) {
      this.st[i + SEG_LIMIT] = 0xffff;
      this.st[i + SEG_FLAGS] = (s === CS ? REAL_MODE_CODE : REAL_MODE_DATA) | (3 << 5);
    } else if (s === CS) {
      // Real mode keeps the cached limit (unreal mode) but CS becomes 16-bit code.
      this.st[i + SEG_FLAGS] = (this.st[i + SEG_FLAGS] & ~(SEG_DB | SEG_UNUSABLE)) | SEG_P_CODE;
    } else {
      this.st[i + SEG_FLAGS] = (this.st[i + SEG_FLAGS] & ~SEG_UNUSABLE) | SEG_S | 0x80 | SEG_RW;
    }
    this.#updateFast(s);
    if (s === CS || s === SS) this.updateMode();
  }

  #updateFast(s: number): void {
    const f = this.segFlags(s);
    const bit = 1 << s;
    const flat = (this.segLimit(s) === 0xffffffff) && !(f & SEG_UNUSABLE) &&
      !((f & (SEG_S | SEG_CODE | SEG_DC)) === (SEG_S | SEG_DC));
    const readable = !(f & SEG_CODE) || (f & SEG_RW) !== 0;
    const writable = !(f & SEG_CODE) && (f & SEG_RW) !== 0;
    this.fastRead = flat && readable ? this.fastRead | bit : this.fastRead & ~bit;
    this.fastWrite = flat && writable ? this.fastWrite | bit : this.fastWrite & ~bit;
  }

  /** Recomputes the cached mode bits after CR0, CS, SS, CPL or VM change. */
  updateMode(): void {
    const pm = this.protectedMode && !this.v86;
    this.code32 = pm && (this.segFlags(CS) & SEG_DB) !== 0;
    this.stack32 = pm && (this.segFlags(SS) & SEG_DB) !== 0;
    if (!this.protectedMode) this.st[S_CPL] = 0;
    else if (this.v86) this.st[S_CPL] = 3;
    this.accessBit = this.st[S_CPL] === 3 ? USER : SUP;
    this.#fetchLin = NO_PAGE;
  }

  setCpl(cpl: number): void {
    this.st[S_CPL] = cpl;
    this.updateMode();
  }

  /** Called when paging structures change under us (CR0/CR3/CR4 writes, INVLPG). */
  invalidateFetch(): void {
    this.#fetchLin = NO_PAGE;
  }

  /**
   * Linear address of `off` in segment `s` for an access of `size` bytes,
   * with the limit and type checks of SDM vol. 3 §5.3 (#GP, or #SS for SS).
   */
  linear(s: number, off: number, size: number, write: boolean): number {
    if (((write ? this.fastWrite : this.fastRead) >> s) & 1) return (this.segBase(s) + off) | 0;
    const f = this.segFlags(s);
    const vector = s === SS ? SS_ : GP;
    if (f & SEG_UNUSABLE) throw new CpuFault(vector, 0);
    if (write ? (f & SEG_CODE) || !(f & SEG_RW) : (f & SEG_CODE) && !(f & SEG_RW)) {
      if (this.protectedMode && !this.v86) throw new CpuFault(vector, 0);
    }
    off >>>= 0;
    const last = off + size - 1;
    const limit = this.segLimit(s);
    if ((f & (SEG_S | SEG_CODE | SEG_DC)) === (SEG_S | SEG_DC)) {
      const upper = f & SEG_DB ? 0xffffffff : 0xffff;
      if (off <= limit || last > upper) throw new CpuFault(vector, 0);
    } else if (last > limit) {
      throw new CpuFault(vector, 0);
    }
    return (this.segBase(s) + off) | 0;
  }

  // ---------------------------------------------------------------- linear memory

  readLin8(lin: number): number {
    const e = this.mmu.tlbRead[lin >>> 12];
    if (e & this.accessBit) return this.u8[(e & ~0xfff) + (lin & 0xfff)];
    return this.mmu.readPhys8(this.#xlate(lin, false));
  }

  readLin16(lin: number): number {
    if ((lin & 0xfff) !== 0xfff) {
      const e = this.mmu.tlbRead[lin >>> 12];
      if (e & this.accessBit) return this.view.getUint16((e & ~0xfff) + (lin & 0xfff), true);
      return this.mmu.readPhys16(this.#xlate(lin, false));
    }
    return this.readLin8(lin) | (this.readLin8(lin + 1) << 8);
  }

  readLin32(lin: number): number {
    if ((lin & 0xfff) <= 0xffc) {
      const e = this.mmu.tlbRead[lin >>> 12];
      if (e & this.accessBit) return this.view.getInt32((e & ~0xfff) + (lin & 0xfff), true);
      return this.mmu.readPhys32(this.#xlate(lin, false)) | 0;
    }
    let v = 0;
    for (let i = 3; i >= 0; i--) v = (v << 8) | this.readLin8(lin + i);
    return v;
  }

  writeLin8(lin: number, v: number): void {
    const e = this.mmu.tlbWrite[lin >>> 12];
    if (e & this.accessBit) this.u8[(e & ~0xfff) + (lin & 0xfff)] = v;
    else this.mmu.writePhys8(this.#xlate(lin, true), v);
  }

  writeLin16(lin: number, v: number): void {
    if ((lin & 0xfff) !== 0xfff) {
      const e = this.mmu.tlbWrite[lin >>> 12];
      if (e & this.accessBit) this.view.setUint16((e & ~0xfff) + (lin & 0xfff), v, true);
      else this.mmu.writePhys16(this.#xlate(lin, true), v);
      return;
    }
    this.#crossingWrite(lin, v, 2);
  }

  writeLin32(lin: number, v: number): void {
    if ((lin & 0xfff) <= 0xffc) {
      const e = this.mmu.tlbWrite[lin >>> 12];
      if (e & this.accessBit) this.view.setInt32((e & ~0xfff) + (lin & 0xfff), v, true);
      else this.mmu.writePhys32(this.#xlate(lin, true), v);
      return;
    }
    this.#crossingWrite(lin, v, 4);
  }

  /** A write that spans two pages: both are translated before either is written. */
  #crossingWrite(lin: number, v: number, size: number): void {
    const firstLen = 0x1000 - (lin & 0xfff);
    const pa1 = this.#xlate(lin, true);
    const pa2 = this.#xlate((lin + firstLen) | 0, true);
    for (let i = 0; i < size; i++) {
      const b = (v >>> (8 * i)) & 0xff;
      if (i < firstLen) this.mmu.writePhys8(pa1 + i, b);
      else this.mmu.writePhys8(pa2 + i - firstLen, b);
    }
  }

  /** Checks that `[lin, lin+size)` may be written, without writing (for multi-part stores). */
  probeWrite(lin: number, size: number): void {
    this.#xlate(lin, true);
    if (((lin & 0xfff) + size - 1) > 0xfff) this.#xlate((lin + size - 1) | 0, true);
  }

  #xlate(lin: number, write: boolean): number {
    const user = this.accessBit === USER;
    // CR4.SMAP lets explicit supervisor accesses reach user pages while EFLAGS.AC=1.
    const acOpen = !user && !this.#implicit && (this.st[S_EFLAGS] & AC) !== 0;
    return this.mmu.translate(lin, write, user, false, acOpen);
  }

  /** An implicit supervisor-mode access is under way (SDM vol. 3 §4.6): AC does not open SMAP. */
  #implicit = false;

  /** Runs a linear access at supervisor level (descriptor tables, TSS, IDT): CPL does not matter. */
  #asSupervisor<T>(access: () => T): T {
    const save = this.accessBit, saveImplicit = this.#implicit;
    this.accessBit = SUP;
    this.#implicit = true;
    try {
      return access();
    } finally {
      this.accessBit = save;
      this.#implicit = saveImplicit;
    }
  }
  sysRead32(lin: number): number {
    return this.#asSupervisor(() => this.readLin32(lin));
  }
  sysRead16(lin: number): number {
    return this.#asSupervisor(() => this.readLin16(lin));
  }
  sysRead8(lin: number): number {
    return this.#asSupervisor(() => this.readLin8(lin));
  }
  sysWrite32(lin: number, v: number): void {
    this.#asSupervisor(() => this.writeLin32(lin, v));
  }
  sysWrite16(lin: number, v: number): void {
    this.#asSupervisor(() => this.writeLin16(lin, v));
  }
  sysWrite8(lin: number, v: number): void {
    this.#asSupervisor(() => this.writeLin8(lin, v));
  }

  // ---------------------------------------------------------------- segmented memory

  read8(s: number, off: number): number {
    return this.readLin8(this.linear(s, off, 1, false));
  }
  read16(s: number, off: number): number {
    return this.readLin16(this.linear(s, off, 2, false));
  }
  /** 32-bit read; the result is a signed int32 (use >>> 0 for unsigned). */
  read32(s: number, off: number): number {
    return this.readLin32(this.linear(s, off, 4, false));
  }
  write8(s: number, off: number, v: number): void {
    this.writeLin8(this.linear(s, off, 1, true), v);
  }
  write16(s: number, off: number, v: number): void {
    this.writeLin16(this.linear(s, off, 2, true), v);
  }
  write32(s: number, off: number, v: number): void {
    this.writeLin32(this.linear(s, off, 4, true), v);
  }
  read(size: number, s: number, off: number): number {
    return size === 4
      ? this.read32(s, off) >>> 0
      : size === 2
      ? this.read16(s, off)
      : this.read8(s, off);
  }
  write(size: number, s: number, off: number, v: number): void {
    if (size === 4) this.write32(s, off, v);
    else if (size === 2) this.write16(s, off, v);
    else this.write8(s, off, v);
  }

  // ---------------------------------------------------------------- instruction fetch

  fetch8(): number {
    const st = this.st;
    const eip = st[S_EIP];
    st[S_EIP] = eip + 1;
    const d = ((this.csBase + eip) | 0) - this.#fetchLin;
    if (d >= 0 && d < 0x1000) return this.u8[this.#fetchHost + d];
    return this.#fetchSlow((this.csBase + eip) | 0);
  }

  fetch16(): number {
    const st = this.st;
    const eip = st[S_EIP];
    const d = ((this.csBase + eip) | 0) - this.#fetchLin;
    if (d >= 0 && d < 0xfff) {
      st[S_EIP] = eip + 2;
      return this.view.getUint16(this.#fetchHost + d, true);
    }
    return this.fetch8() | (this.fetch8() << 8);
  }

  fetch32(): number {
    const st = this.st;
    const eip = st[S_EIP];
    const d = ((this.csBase + eip) | 0) - this.#fetchLin;
    if (d >= 0 && d < 0xffd) {
      st[S_EIP] = eip + 4;
      return this.view.getInt32(this.#fetchHost + d, true);
    }
    return this.fetch16() | (this.fetch16() << 16);
  }

  /** An immediate of `size` bytes, zero-extended (32-bit values as signed int32). */
  fetchImm(size: number): number {
    return size === 1 ? this.fetch8() : size === 2 ? this.fetch16() : this.fetch32();
  }

  /**
   * Enforces the 15-byte instruction limit (SDM vol. 2 §2.3.11). Only an
   * instruction with several prefixes can exceed it, so the decoder turns the
   * check on after the fourth prefix: fetches then take the slow path.
   */
  limitLength(): void {
    this.#lengthLimited = true;
    this.#fetchLin = NO_PAGE;
  }
  #lengthLimited = false;

  /** Called at the start of every instruction. */
  clearLengthLimit(): void {
    this.#lengthLimited = false;
  }

  #fetchSlow(lin: number): number {
    const eip = (this.st[S_EIP] - 1) >>> 0;
    const cache = !this.#lengthLimited;
    if (!cache) {
      if (((eip - this.startEip) >>> 0) >= 15) {
        this.st[S_EIP] = this.startEip;
        throw new CpuFault(GP, 0);
      }
    } else if (eip > this.segLimit(CS)) {
      this.st[S_EIP] = this.startEip;
      throw new CpuFault(GP, 0);
    }
    // A cached read entry serves a fetch only if the page is executable (TLB_NOEXEC clear).
    let e = this.mmu.tlbRead[lin >>> 12];
    if (!(e & this.accessBit) || (e & TLB_NOEXEC)) {
      const pa = this.mmu.translate(lin, false, this.accessBit === USER, true);
      e = this.mmu.tlbRead[lin >>> 12];
      if (!(e & this.accessBit)) return this.mmu.readPhys8(pa);
    }
    if (cache) {
      this.#fetchLin = lin & ~0xfff;
      this.#fetchHost = e & ~0xfff;
    }
    return this.u8[(e & ~0xfff) + (lin & 0xfff)];
  }

  // ---------------------------------------------------------------- ModRM

  /** Reads a ModRM byte (and SIB/displacement) and computes the effective address. */
  decodeModrm(): void {
    const m = this.fetch8();
    const mod = m >> 6;
    this.mod = mod;
    this.reg = (m >> 3) & 7;
    const rm = m & 7;
    this.rm = rm;
    if (mod === 3) return;
    if (this.a32) this.#ea32(mod, rm);
    else this.#ea16(mod, rm);
  }

  #ea16(mod: number, rm: number): void {
    const r = this.r16;
    let off: number, seg = 3;
    switch (rm) {
      case 0:
        off = r[6] + r[12];
        break;
      case 1:
        off = r[6] + r[14];
        break;
      case 2:
        off = r[10] + r[12];
        seg = 2;
        break;
      case 3:
        off = r[10] + r[14];
        seg = 2;
        break;
      case 4:
        off = r[12];
        break;
      case 5:
        off = r[14];
        break;
      case 6:
        if (mod === 0) {
          off = this.fetch16();
        } else {
          off = r[10];
          seg = 2;
        }
        break;
      default:
        off = r[6];
    }
    if (mod === 1) off += (this.fetch8() << 24) >> 24;
    else if (mod === 2) off += this.fetch16();
    this.eaOff = off & 0xffff;
    this.eaSeg = this.segOverride >= 0 ? this.segOverride : seg;
  }

  #ea32(mod: number, rm: number): void {
    const st = this.st;
    let off: number, seg = 3;
    if (rm === 4) {
      const sib = this.fetch8();
      const base = sib & 7, index = (sib >> 3) & 7;
      if (base === 5 && mod === 0) off = this.fetch32();
      else {
        off = st[base];
        if (base === 4 || base === 5) seg = 2;
      }
      if (index !== 4) off += st[index] << (sib >> 6);
    } else if (rm === 5 && mod === 0) {
      off = this.fetch32();
    } else {
      off = st[rm];
      if (rm === 5) seg = 2;
    }
    if (mod === 1) off += (this.fetch8() << 24) >> 24;
    else if (mod === 2) off += this.fetch32();
    this.eaOff = off | 0;
    this.eaSeg = this.segOverride >= 0 ? this.segOverride : seg;
  }

  /** Reads the r/m operand of `size` bytes (unsigned). */
  readRm(size: number): number {
    if (this.mod === 3) return this.getReg(size, this.rm);
    return this.read(size, this.eaSeg, this.eaOff);
  }

  writeRm(size: number, v: number): void {
    if (this.mod === 3) this.setReg(size, this.rm, v);
    else this.write(size, this.eaSeg, this.eaOff, v);
  }

  /** Requires a memory operand (LEA, LGDT, far pointers…): #UD for a register form. */
  requireMemory(): void {
    if (this.mod === 3) throw new CpuFault(UD);
  }

  // ---------------------------------------------------------------- stack

  get sp(): number {
    return this.stack32 ? this.st[ESP] : this.r16[ESP << 1];
  }
  set sp(v: number) {
    if (this.stack32) this.st[ESP] = v;
    else this.r16[ESP << 1] = v;
  }

  push(size: number, v: number): void {
    const sp = (this.sp - size) | 0;
    const off = this.stack32 ? sp : sp & 0xffff;
    this.write(size, SS, off, v);
    this.sp = sp;
  }

  pop(size: number): number {
    const sp = this.sp;
    const v = this.read(size, SS, this.stack32 ? sp : sp & 0xffff);
    this.sp = sp + size;
    return v;
  }

  /** Reads the stack at `delta` bytes above the current top without popping. */
  peek(size: number, delta: number): number {
    const sp = (this.sp + delta) | 0;
    return this.read(size, SS, this.stack32 ? sp : sp & 0xffff);
  }

  // ---------------------------------------------------------------- port I/O

  /** #GP(0) unless CPL ≤ IOPL or the TSS I/O bitmap allows the ports (SDM vol. 1 §19.5). */
  checkIo(port: number, size: number): void {
    if (!this.protectedMode) return;
    const fl = this.st[S_EFLAGS];
    if (!this.v86 && this.cpl <= ((fl & IOPL) >>> 12)) return;
    const trFlags = this.segFlags(TR);
    const trLimit = this.segLimit(TR);
    if ((trFlags & 0xf) !== 0xb && (trFlags & 0xf) !== 0x9 || trLimit < 0x67) {
      throw new CpuFault(GP, 0);
    }
    const trBase = this.segBase(TR);
    const mapBase = this.sysRead16((trBase + 0x66) | 0);
    const byteOff = mapBase + (port >>> 3);
    if (byteOff + 1 > trLimit) throw new CpuFault(GP, 0);
    const bits = this.sysRead16((trBase + byteOff) | 0);
    const mask = ((1 << size) - 1) << (port & 7);
    if (bits & mask) throw new CpuFault(GP, 0);
  }

  ioRead(port: number, size: number): number {
    this.checkIo(port, size);
    return this.io.read(port & 0xffff, size as AccessSize);
  }

  ioWrite(port: number, size: number, v: number): void {
    this.checkIo(port, size);
    this.io.write(port & 0xffff, size as AccessSize, v);
  }

  // ---------------------------------------------------------------- misc helpers

  /** #GP(0) unless at CPL 0 (privileged instructions). */
  requireCpl0(): void {
    if (this.protectedMode && this.cpl !== 0) throw new CpuFault(GP, 0);
  }

  /** String-instruction direction: +size or −size. */
  stringStep(size: number): number {
    return this.st[S_EFLAGS] & DF ? -size : size;
  }

  /** Address-size-aware read/write of ECX, ESI, EDI for string instructions. */
  getAddrReg(n: number): number {
    return this.a32 ? this.st[n] : this.r16[n << 1];
  }
  setAddrReg(n: number, v: number): void {
    if (this.a32) this.st[n] = v;
    else this.r16[n << 1] = v;
  }

  /** Whether alignment checking applies (CR0.AM, EFLAGS.AC, CPL 3). */
  get alignmentCheck(): boolean {
    return (this.mmu.cr0 & (1 << 18)) !== 0 && (this.st[S_EFLAGS] & AC) !== 0 && this.cpl === 3;
  }

  /** Single-step trap pending after this instruction (TF was set at its start). */
  trapAfter = false;

  /** Debug traps are held off until after the next instruction (MOV SS, POP SS). */
  trapShadow = false;

  /**
   * Marks interrupt inhibition for the next instruction (STI, MOV SS); with
   * `debugToo`, single-step traps are held off as well (SDM vol. 3 §6.8.3).
   */
  inhibitInterrupts(debugToo = false): void {
    this.shadow = true;
    if (debugToo) this.trapShadow = true;
  }

  get interruptsEnabled(): boolean {
    return (this.st[S_EFLAGS] & IF) !== 0;
  }

  get trapFlag(): boolean {
    return (this.st[S_EFLAGS] & TF) !== 0;
  }

  /** Throws a page fault for tests and for the FPU host (never returns). */
  pageFaultFor(lin: number, write: boolean): never {
    this.mmu.cr2 = lin;
    throw new CpuFault(PF_, write ? 2 : 0);
  }
}

const SEG_P_CODE = 0x80 | SEG_S | SEG_CODE | SEG_RW;

import {
  PAGE_MMIO,
  PAGE_READONLY,
  type PhysicalMemory,
  TLB_READ_OFFSET,
  TLB_WRITE_OFFSET,
} from "../devices/memory/mod.ts";

import { CpuFault, PF_ } from "./fault.ts";

/** TLB entry bits: the access is allowed at supervisor / user level. */
const SUP = 1, USER = 2, GLOBAL = 4;
const P = 1, RW = 2, US = 4, ACCESSED = 0x20, DIRTY = 0x40, PS = 0x80, G = 0x100;

export const CR0_PE = 1, CR0_WP = 1 << 16, CR0_PG = 1 << 31;
export const CR4_PSE = 1 << 4, CR4_PGE = 1 << 7;

/**
 * Linear-to-physical translation with a software TLB (Intel SDM vol. 3
 * §4.3, 32-bit paging with PSE and PGE). Each TLB entry holds the memory
 * offset of a RAM page plus permission bits, so the fast path of every
 * guest load and store is one array read and one test.
 */
export class Mmu {
  /**
   * Virtual page → memory offset | SUP | USER | GLOBAL, 0 when not cached. Both arrays live in
   * the CPU area of the shared memory, where compiled code reads them too.
   */
  readonly tlbRead: Int32Array;
  readonly tlbWrite: Int32Array;
  #filled: number[] = [];
  /** Page-directory slots whose cached entries come from a 4 MiB page. */
  readonly #largeDirs = new Uint8Array(1024);
  cr0 = 0x60000010;
  cr3 = 0;
  cr4 = 0;
  cr2 = 0;
  /** ~(1 << 20) when the A20 gate is off, else all ones. */
  a20Mask = -1;
  readonly u8: Uint8Array;
  readonly view: DataView;

  constructor(readonly phys: PhysicalMemory) {
    this.u8 = phys.u8;
    this.view = phys.view;
    const buf = phys.memory.buffer;
    this.tlbRead = new Int32Array(buf, phys.cpuArea + TLB_READ_OFFSET, 1 << 20);
    this.tlbWrite = new Int32Array(buf, phys.cpuArea + TLB_WRITE_OFFSET, 1 << 20);
    this.tlbRead.fill(0);
    this.tlbWrite.fill(0);
  }

  get paging(): boolean {
    return (this.cr0 & CR0_PG) !== 0;
  }

  /** Drops every cached translation (CR0/CR4 paging bits, A20 changes). */
  flushAll(): void {
    for (const vp of this.#filled) {
      this.tlbRead[vp] = 0;
      this.tlbWrite[vp] = 0;
    }
    this.#filled = [];
  }

  /** CR3 reload: drops translations except global pages when CR4.PGE is on. */
  flushNonGlobal(): void {
    if (!(this.cr4 & CR4_PGE)) return this.flushAll();
    const keep: number[] = [];
    for (const vp of this.#filled) {
      if ((this.tlbRead[vp] | this.tlbWrite[vp]) & GLOBAL) keep.push(vp);
      else {
        this.tlbRead[vp] = 0;
        this.tlbWrite[vp] = 0;
      }
    }
    this.#filled = keep;
  }

  /** INVLPG: drops the page, or every cached 4 KiB piece of a 4 MiB page (SDM vol. 3 §4.10.4.1). */
  flushPage(lin: number): void {
    const dir = lin >>> 22;
    if (this.#largeDirs[dir]) {
      this.#largeDirs[dir] = 0;
      const first = dir << 10;
      this.tlbRead.fill(0, first, first + 1024);
      this.tlbWrite.fill(0, first, first + 1024);
      return;
    }
    const vp = lin >>> 12;
    this.tlbRead[vp] = 0;
    this.tlbWrite[vp] = 0;
  }

  /**
   * Translates `lin` for an access, walking the page tables and setting the
   * accessed/dirty bits; throws #PF. `user` is true for CPL 3 accesses.
   * Returns the physical address.
   */
  translate(lin: number, write: boolean, user: boolean, fetch = false): number {
    lin >>>= 0;
    if (!(this.cr0 & CR0_PG)) {
      const pa = (lin & this.a20Mask) >>> 0;
      this.#fill(lin, pa, SUP | USER, SUP | USER, 0);
      return pa;
    }
    const phys = this.phys;
    const pdeAddr = ((this.cr3 & ~0xfff) + ((lin >>> 22) << 2)) >>> 0;
    const pde = phys.read32(pdeAddr);
    if (!(pde & P)) this.#pageFault(lin, 0, write, user, fetch);
    let pa: number, writable: boolean, userOk: boolean, global: boolean;
    if ((pde & PS) && (this.cr4 & CR4_PSE)) {
      writable = (pde & RW) !== 0;
      userOk = (pde & US) !== 0;
      this.#check(lin, writable, userOk, write, user, fetch);
      const nd = pde | ACCESSED | (write ? DIRTY : 0);
      if (nd !== pde) phys.write32(pdeAddr, nd);
      pa = ((pde & 0xffc00000) | (lin & 0x3ff000)) >>> 0;
      global = (pde & G) !== 0;
      this.#largeDirs[lin >>> 22] = 1;
      write = write || (pde & DIRTY) !== 0;
    } else {
      const pteAddr = ((pde & ~0xfff) + (((lin >>> 12) & 0x3ff) << 2)) >>> 0;
      const pte = phys.read32(pteAddr);
      if (!(pte & P)) this.#pageFault(lin, 0, write, user, fetch);
      writable = (pde & RW & pte) !== 0;
      userOk = (pde & US & pte) !== 0;
      this.#check(lin, writable, userOk, write, user, fetch);
      if (!(pde & ACCESSED)) phys.write32(pdeAddr, pde | ACCESSED);
      const nt = pte | ACCESSED | (write ? DIRTY : 0);
      if (nt !== pte) phys.write32(pteAddr, nt);
      pa = (pte & ~0xfff) >>> 0;
      global = (pte & G) !== 0;
      write = write || (pte & DIRTY) !== 0;
    }
    pa = (pa & this.a20Mask) >>> 0;
    const wp = (this.cr0 & CR0_WP) !== 0;
    const readBits = SUP | (userOk ? USER : 0);
    // A write entry is cached only once the dirty bit is set, so that the
    // first store to a clean page still walks the tables and sets D.
    const writeBits = write ? (writable || !wp ? SUP : 0) | (writable && userOk ? USER : 0) : 0;
    this.#fill(lin, pa, readBits, writeBits, global && (this.cr4 & CR4_PGE) ? GLOBAL : 0);
    return (pa | (lin & 0xfff)) >>> 0;
  }

  #check(
    lin: number,
    writable: boolean,
    userOk: boolean,
    write: boolean,
    user: boolean,
    fetch: boolean,
  ): void {
    if (user && !userOk) this.#pageFault(lin, 1, write, user, fetch);
    if (write && !writable && (user || (this.cr0 & CR0_WP))) {
      this.#pageFault(lin, 1, write, user, fetch);
    }
  }

  #pageFault(lin: number, present: number, write: boolean, user: boolean, _fetch: boolean): never {
    this.cr2 = lin | 0;
    throw new CpuFault(PF_, present | (write ? 2 : 0) | (user ? 4 : 0));
  }

  #fill(lin: number, pa: number, readBits: number, writeBits: number, global: number): void {
    const entry = this.phys.pageMap[pa >>> 12];
    // Only RAM/ROM below 2 GiB of memory offset is cached: the entry is an Int32.
    if (entry === PAGE_MMIO || entry >= 0x80000000) return;
    const vp = lin >>> 12;
    const off = entry & ~0xfff;
    if (this.tlbRead[vp] === 0 && this.tlbWrite[vp] === 0) this.#filled.push(vp);
    this.tlbRead[vp] = off | readBits | global;
    const ro = (entry & PAGE_READONLY) !== 0 || this.phys.codePages[pa >>> 12] !== 0;
    this.tlbWrite[vp] = ro || !writeBits ? 0 : off | writeBits | global;
    if (this.#filled.length > 65536) this.flushAll();
  }
}

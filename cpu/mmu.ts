import {
  PAGE_MMIO,
  PAGE_READONLY,
  type PhysicalMemory,
  TLB_READ_OFFSET,
  TLB_WRITE_OFFSET,
} from "../devices/memory/mod.ts";

import { CpuFault, GP, PF_ } from "./fault.ts";
import { S_CR0, S_CR4, STATE_WORDS } from "./state_layout.ts";
import {
  EFER_NXE,
  type PageWalk,
  readPdptes,
  WALK_NOT_PRESENT,
  WALK_OK,
  walkPae,
} from "./mmu_pae.ts";

/** TLB entry bits: the access is allowed at supervisor / user level; the page is global. */
const SUP = 1, USER = 2, GLOBAL = 4;
/**
 * TLB read-entry bit: the page may be read but not executed (PAE execute-disable).
 * Data reads ignore it; instruction fetch must not use an entry that has it.
 */
export const TLB_NOEXEC = 8;
const P = 1, RW = 2, US = 4, ACCESSED = 0x20, DIRTY = 0x40, PS = 0x80, G = 0x100;
/** #PF error-code bits (SDM vol. 3 §4.7): protection (not not-present), write, user, fetch. */
const PF_P = 1, PF_W = 2, PF_U = 4, PF_ID = 16;

export const CR0_PE = 1, CR0_WP = 1 << 16, CR0_PG = 1 << 31;
export const CR4_PSE = 1 << 4, CR4_PAE = 1 << 5, CR4_PGE = 1 << 7;
/** Supervisor-mode execution and access prevention (SDM vol. 3 §4.6). */
export const CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21;
export { EFER_NXE };

/**
 * Linear-to-physical translation with a software TLB (Intel SDM vol. 3
 * §4.3, 32-bit paging with PSE and PGE; §4.4, PAE paging with execute-disable,
 * walked in mmu_pae.ts; §4.6, access rights with SMEP and SMAP). Each TLB entry
 * holds the memory offset of a RAM page plus permission bits, so the fast path of
 * every guest load and store is one array read and one test.
 */
export class Mmu {
  /**
   * Virtual page → memory offset | SUP | USER | GLOBAL (| TLB_NOEXEC in read entries),
   * 0 when not cached. Both arrays live in the CPU area of the shared memory, where
   * compiled code reads them too.
   */
  readonly tlbRead: Int32Array;
  readonly tlbWrite: Int32Array;
  #filled: number[] = [];
  /** 4 MiB linear slots whose cached entries come from a 4 MiB or 2 MiB page. */
  readonly #largeDirs = new Uint8Array(1024);
  /**
   * CR0 and CR4 live in the state block (S_CR0, S_CR4), where compiled code reads them to see
   * whether SIMD instructions may run inline.
   */
  readonly #control: Uint32Array;
  get cr0(): number {
    return this.#control[S_CR0];
  }
  set cr0(v: number) {
    this.#control[S_CR0] = v;
  }
  get cr4(): number {
    return this.#control[S_CR4];
  }
  set cr4(v: number) {
    this.#control[S_CR4] = v;
  }
  cr3 = 0;
  cr2 = 0;
  /** IA32_EFER (MSR 0xC0000080); only NXE can be set on this CPU. */
  efer = 0;
  /** PAE PDPTE registers, loaded by MOV to CR0/CR3/CR4 (see loadPdptes): lo, hi pairs. */
  readonly pdptes: Uint32Array = new Uint32Array(8);
  /** ~(1 << 20) when the A20 gate is off, else all ones. */
  a20Mask = -1;
  readonly u8: Uint8Array;
  readonly view: DataView;
  readonly #walk: PageWalk = {
    frame: 0,
    dirAddr: 0,
    dir: 0,
    tableAddr: 0,
    table: 0,
    noexec: false,
  };

  constructor(readonly phys: PhysicalMemory) {
    this.u8 = phys.u8;
    this.view = phys.view;
    const buf = phys.memory.buffer;
    this.#control = new Uint32Array(buf, phys.cpuArea, STATE_WORDS);
    this.cr0 = 0x60000010;
    this.tlbRead = new Int32Array(buf, phys.cpuArea + TLB_READ_OFFSET, 1 << 20);
    this.tlbWrite = new Int32Array(buf, phys.cpuArea + TLB_WRITE_OFFSET, 1 << 20);
    this.tlbRead.fill(0);
    this.tlbWrite.fill(0);
  }

  get paging(): boolean {
    return (this.cr0 & CR0_PG) !== 0;
  }

  /**
   * Loads the PDPTE registers from the table at `cr3`, as MOV to CR0/CR3/CR4 does
   * when PAE paging is (or becomes) in use; #GP(0) when a present PDPTE has a
   * reserved bit set, and then nothing is loaded (SDM vol. 3 §4.4.1).
   */
  loadPdptes(cr3: number): void {
    if (!readPdptes(this, cr3, this.pdptes)) throw new CpuFault(GP, 0);
  }

  /** Drops every cached translation (CR0/CR4 paging bits, A20 changes). */
  flushAll(): void {
    for (const vp of this.#filled) {
      this.tlbRead[vp] = 0;
      this.tlbWrite[vp] = 0;
    }
    this.#filled = [];
  }

  /**
   * Drops cached write permissions into the memory pages `hostPages` (memory offset >> 12), so
   * that stores to them take the slow path (pages that now hold translated code).
   */
  dropWritesTo(hostPages: ReadonlySet<number>): void {
    for (const vp of this.#filled) {
      const e = this.tlbWrite[vp];
      if (e !== 0 && hostPages.has(e >>> 12)) this.tlbWrite[vp] = 0;
    }
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

  /**
   * INVLPG: drops the page, or every cached 4 KiB piece of a large page (SDM vol. 3
   * §4.10.4.1). A 2 MiB page marks the 4 MiB slot holding it, so the whole slot goes.
   */
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
   * accessed/dirty bits; throws #PF. `user` is true for user-mode accesses (CPL 3,
   * not the implicit supervisor accesses to descriptor tables and the TSS), `fetch`
   * for instruction fetches. `acOpen` is true for a supervisor-mode data access that
   * CR4.SMAP lets reach user-mode pages: an explicit one (CPL < 3) with EFLAGS.AC=1.
   * Returns the physical address, which PAE can put above 4 GiB: read and write it
   * with readPhys and writePhys.
   */
  translate(lin: number, write: boolean, user: boolean, fetch = false, acOpen = false): number {
    lin >>>= 0;
    if (!(this.cr0 & CR0_PG)) {
      const pa = (lin & this.a20Mask) >>> 0;
      this.#fill(lin, pa, SUP | USER, SUP | USER, 0);
      return pa;
    }
    const w = this.#walk;
    const status = this.cr4 & CR4_PAE ? walkPae(this, lin, w) : this.#walk32(lin, w);
    if (status !== WALK_OK) this.#pageFault(lin, status, write, user, fetch);
    const large = w.tableAddr < 0;
    const dir = w.dir, table = w.table;
    const rights = large ? dir : dir & table;
    const writable = (rights & RW) !== 0;
    const userOk = (rights & US) !== 0;
    if (user && !userOk) this.#pageFault(lin, PF_P, write, user, fetch);
    // SDM vol. 3 §4.6.1: a supervisor-mode access to a user-mode address. SMEP refuses
    // every such fetch; SMAP every such data access but the explicit ones made with AC=1.
    if (!user && userOk) {
      const cr4 = this.cr4;
      const refused = fetch ? (cr4 & CR4_SMEP) !== 0 : (cr4 & CR4_SMAP) !== 0 && !acOpen;
      if (refused) this.#pageFault(lin, PF_P, write, user, fetch);
    }
    if (write && !writable && (user || (this.cr0 & CR0_WP))) {
      this.#pageFault(lin, PF_P, write, user, fetch);
    }
    if (fetch && w.noexec) this.#pageFault(lin, PF_P, write, user, fetch);
    const leaf = large ? dir : table;
    if (large) {
      this.#largeDirs[lin >>> 22] = 1;
    } else if (!(dir & ACCESSED)) {
      this.writePhys32(w.dirAddr, dir | ACCESSED);
    }
    const marked = leaf | ACCESSED | (write ? DIRTY : 0);
    if (marked !== leaf) this.writePhys32(large ? w.dirAddr : w.tableAddr, marked);
    const global = (leaf & G) !== 0 && (this.cr4 & CR4_PGE) !== 0;
    const dirty = write || (leaf & DIRTY) !== 0;
    const frame = this.#a20(w.frame);
    const wp = (this.cr0 & CR0_WP) !== 0;
    // Under SMEP or SMAP a supervisor access to a user-mode page may be refused, and
    // whether it is depends on EFLAGS.AC at that moment, which STAC, CLAC and POPF change
    // without a TLB flush: such pages are cached for user mode only, so supervisor
    // accesses to them take this path every time. A read entry serves fetches too, so
    // SMEP alone keeps it from supervisor mode; write entries only need SMAP.
    const supRead = !userOk || !(this.cr4 & (CR4_SMEP | CR4_SMAP));
    const supWrite = !userOk || !(this.cr4 & CR4_SMAP);
    const readBits = (supRead ? SUP : 0) | (userOk ? USER : 0);
    // A write entry is cached only once the dirty bit is set, so that the
    // first store to a clean page still walks the tables and sets D.
    const writeBits = dirty
      ? ((writable || !wp) && supWrite ? SUP : 0) | (writable && userOk ? USER : 0)
      : 0;
    const extra = (global ? GLOBAL : 0) | (w.noexec ? TLB_NOEXEC : 0);
    this.#fill(lin, frame, readBits, writeBits, extra);
    return frame + (lin & 0xfff);
  }

  /** 32-bit paging (SDM vol. 3 §4.3): 4 KiB pages, and 4 MiB pages with CR4.PSE. */
  #walk32(lin: number, out: PageWalk): number {
    const phys = this.phys;
    const dirAddr = ((this.cr3 & ~0xfff) + ((lin >>> 22) << 2)) >>> 0;
    const dir = phys.read32(dirAddr);
    if (!(dir & P)) return WALK_NOT_PRESENT;
    out.dirAddr = dirAddr;
    out.dir = dir;
    out.noexec = false;
    if ((dir & PS) && (this.cr4 & CR4_PSE)) {
      out.tableAddr = -1;
      out.table = 0;
      out.frame = ((dir & 0xffc00000) | (lin & 0x3ff000)) >>> 0;
      return WALK_OK;
    }
    const tableAddr = ((dir & ~0xfff) + (((lin >>> 12) & 0x3ff) << 2)) >>> 0;
    const table = phys.read32(tableAddr);
    if (!(table & P)) return WALK_NOT_PRESENT;
    out.tableAddr = tableAddr;
    out.table = table;
    out.frame = (table & ~0xfff) >>> 0;
    return WALK_OK;
  }

  /** The A20 gate masks bit 20 of every physical address, wide PAE ones included. */
  #a20(pa: number): number {
    if (this.a20Mask === -1) return pa;
    const low = pa % 0x100000000;
    return pa - low + ((low & this.a20Mask) >>> 0);
  }

  /**
   * `bits` are the error-code bits of the failure (P, RSVD); the access adds W/R
   * and U/S, and I/D for a fetch when CR4.SMEP=1 or PAE paging runs with EFER.NXE=1
   * (SDM vol. 3 §4.7), whatever the cause of the fault.
   */
  #pageFault(lin: number, bits: number, write: boolean, user: boolean, fetch: boolean): never {
    this.cr2 = lin | 0;
    const id = (this.cr4 & CR4_SMEP) !== 0 ||
      ((this.cr4 & CR4_PAE) !== 0 && (this.efer & EFER_NXE) !== 0);
    const code = bits | (write ? PF_W : 0) | (user ? PF_U : 0) | (fetch && id ? PF_ID : 0);
    throw new CpuFault(PF_, code);
  }

  #fill(lin: number, pa: number, readBits: number, writeBits: number, extra: number): void {
    // Above 4 GiB nothing answers: such a page is never cached, every access takes the slow path.
    if (pa > 0xffffffff) return;
    const entry = this.phys.pageMap[pa >>> 12];
    // Only RAM/ROM below 2 GiB of memory offset is cached: the entry is an Int32.
    if (entry === PAGE_MMIO || entry >= 0x80000000) return;
    const vp = lin >>> 12;
    const off = entry & ~0xfff;
    if (this.tlbRead[vp] === 0 && this.tlbWrite[vp] === 0) this.#filled.push(vp);
    this.tlbRead[vp] = off | readBits | extra;
    const ro = (entry & PAGE_READONLY) !== 0 || this.phys.codePages[pa >>> 12] !== 0;
    this.tlbWrite[vp] = ro || !writeBits ? 0 : off | writeBits | (extra & GLOBAL);
    if (this.#filled.length > 65536) this.flushAll();
  }

  // ---- physical accesses of the slow paths: addresses above 4 GiB (PAE) reach no
  // memory, so reads give all ones and writes are dropped.

  readPhys8(pa: number): number {
    return pa > 0xffffffff ? 0xff : this.phys.read8(pa);
  }
  readPhys16(pa: number): number {
    return pa > 0xffffffff ? 0xffff : this.phys.read16(pa);
  }
  readPhys32(pa: number): number {
    return pa > 0xffffffff ? 0xffffffff : this.phys.read32(pa);
  }
  writePhys8(pa: number, v: number): void {
    if (pa <= 0xffffffff) this.phys.write8(pa, v);
  }
  writePhys16(pa: number, v: number): void {
    if (pa <= 0xffffffff) this.phys.write16(pa, v);
  }
  writePhys32(pa: number, v: number): void {
    if (pa <= 0xffffffff) this.phys.write32(pa, v);
  }
}

/**
 * PAE paging (Intel SDM vol. 3 §4.4): four PDPTE registers loaded from the
 * 32-byte table CR3 points at, then 64-bit page-directory and page-table
 * entries, 2 MiB pages when PDE.PS=1, and the execute-disable bit when
 * IA32_EFER.NXE=1 (§4.6). Entries may name physical addresses up to
 * MAXPHYADDR bits, so a frame is a plain number below 2^36, not an int32.
 */

/** IA32_EFER.NXE (bit 11): bit 63 of PAE PDEs and PTEs becomes execute-disable. */
export const EFER_NXE = 1 << 11;
/** Physical address width with PAE, as CPUID 0x80000008 EAX[7:0] reports it. */
export const MAXPHYADDR = 36;

/** What a page walk found for one linear address; the MMU checks and caches it. */
export interface PageWalk {
  /** Physical address of the 4 KiB frame holding the linear address (below 2^MAXPHYADDR). */
  frame: number;
  /** Physical address and low dword of the page-directory entry (A, D, R/W, U/S, PS, G). */
  dirAddr: number;
  dir: number;
  /** Physical address and low dword of the page-table entry; -1 when `dir` maps a large page. */
  tableAddr: number;
  table: number;
  /** Execute-disable is set in an entry on the way (only with EFER.NXE=1). */
  noexec: boolean;
}

/** Walk outcomes: a translation, or the #PF error-code bits of the failure (SDM vol. 3 §4.7). */
export const WALK_OK = -1;
export const WALK_NOT_PRESENT = 0;
/** Present with a reserved bit set: P=1 and RSVD (bit 3). */
export const WALK_RESERVED = 1 | 8;

/** The state a PAE walk reads: the PDPTE registers, EFER and physical memory. */
export interface PaeTables {
  /** PDPTE registers: entry i has its low dword at 2i and its high dword at 2i + 1. */
  readonly pdptes: Uint32Array;
  readonly efer: number;
  /** A physical dword; all ones above 4 GiB, where no memory answers. */
  readPhys32(pa: number): number;
}

const P = 1, PS = 0x80;
/** High-dword bits 35:32 of a physical address. */
const HI_ADDRESS = (1 << (MAXPHYADDR - 32)) - 1;
/** Bits 62:MAXPHYADDR, reserved in every PAE entry (SDM vol. 3 tables 4-8 to 4-11). */
const HI_RESERVED = 0x7fffffff & ~HI_ADDRESS;
/** Bit 63: execute-disable with EFER.NXE=1, reserved otherwise. */
const XD = 0x80000000 | 0;
/** PDPTE bits 2:1 and 8:5 are reserved (table 4-8); PDPTEs have no XD bit in PAE paging. */
const PDPTE_RESERVED_LO = 0x1e6;
/** Bits 20:13 of a PDE mapping a 2 MiB page (bit 12 is PAT; table 4-9). */
const LARGE_RESERVED_LO = 0x1fe000;

function frameOf(hi: number, lo: number): number {
  return (hi & HI_ADDRESS) * 0x100000000 + (lo >>> 0);
}

/**
 * Reads the four PDPTEs of the table at `cr3` (bits 31:5) into `into`. Returns
 * false, leaving `into` untouched, when a present PDPTE has a reserved bit set:
 * the MOV to CR that asked then raises #GP(0) (SDM vol. 3 §4.4.1).
 */
export function readPdptes(mem: PaeTables, cr3: number, into: Uint32Array): boolean {
  const base = (cr3 & ~0x1f) >>> 0;
  const next = new Uint32Array(8);
  for (let i = 0; i < 8; i += 2) {
    const lo = mem.readPhys32(base + i * 4);
    const hi = mem.readPhys32(base + i * 4 + 4);
    if ((lo & P) && ((lo & PDPTE_RESERVED_LO) || (hi & (HI_RESERVED | XD)))) return false;
    next[i] = lo;
    next[i + 1] = hi;
  }
  into.set(next);
  return true;
}

/**
 * Walks the PAE tables for `lin` (SDM vol. 3 §4.4.2), filling `out`. Returns
 * WALK_OK, or the error-code bits of a not-present or reserved-bit fault.
 * Access rights, accessed and dirty bits are the caller's business.
 */
export function walkPae(mem: PaeTables, lin: number, out: PageWalk): number {
  const i = (lin >>> 30) << 1;
  const pdpte = mem.pdptes[i];
  if (!(pdpte & P)) return WALK_NOT_PRESENT;
  const nxe = (mem.efer & EFER_NXE) !== 0;
  const reserved = nxe ? HI_RESERVED : HI_RESERVED | XD;
  const dirAddr = frameOf(mem.pdptes[i + 1], pdpte & ~0xfff) + ((lin >>> 21) & 0x1ff) * 8;
  const dir = mem.readPhys32(dirAddr);
  if (!(dir & P)) return WALK_NOT_PRESENT;
  const dirHi = mem.readPhys32(dirAddr + 4);
  if (dirHi & reserved) return WALK_RESERVED;
  out.dirAddr = dirAddr;
  out.dir = dir;
  if (dir & PS) {
    if (dir & LARGE_RESERVED_LO) return WALK_RESERVED;
    out.tableAddr = -1;
    out.table = 0;
    out.frame = frameOf(dirHi, dir & 0xffe00000) + (lin & 0x1ff000);
    out.noexec = nxe && (dirHi & XD) !== 0;
    return WALK_OK;
  }
  const tableAddr = frameOf(dirHi, dir & ~0xfff) + ((lin >>> 12) & 0x1ff) * 8;
  const table = mem.readPhys32(tableAddr);
  if (!(table & P)) return WALK_NOT_PRESENT;
  const tableHi = mem.readPhys32(tableAddr + 4);
  if (tableHi & reserved) return WALK_RESERVED;
  out.tableAddr = tableAddr;
  out.table = table;
  out.frame = frameOf(tableHi, table & ~0xfff);
  out.noexec = nxe && ((dirHi | tableHi) & XD) !== 0;
  return WALK_OK;
}

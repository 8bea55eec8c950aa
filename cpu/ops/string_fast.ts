import type { Cpu } from "../cpu.ts";
import { DF } from "../eflags.ts";
import { EAX, ECX, EDI, ESI, S_EFLAGS } from "../state_layout.ts";

/**
 * Bulk paths for REP MOVS and REP STOS: as many whole elements as fit in the
 * current source and destination pages are moved with one typed-array
 * operation instead of one iteration each. They apply only where the result
 * is identical to the element-by-element loop: 32-bit addressing, DF = 0,
 * flat segments (no limit checks), RAM pages already writable in the TLB
 * (so accessed/dirty bits and faults were handled by a translation), and for
 * MOVS no overlap in which a forward element copy differs from memmove.
 * Each call advances ESI/EDI/ECX as the loop would; it returns the elements
 * done (0 when the slow path must take over).
 */
export function bulkMovs(cpu: Cpu, size: number, seg: number): number {
  const st = cpu.st;
  if (!cpu.a32 || (st[S_EFLAGS] & DF) || !((cpu.fastRead >> seg) & 1) || !(cpu.fastWrite & 1)) {
    return 0;
  }
  const count = st[ECX] >>> 0;
  const src = (cpu.segBase(seg) + st[ESI]) | 0;
  const dst = (cpu.segBase(0) + st[EDI]) | 0;
  const room = Math.min(0x1000 - (src & 0xfff), 0x1000 - (dst & 0xfff));
  const n = Math.min(count, Math.floor(room / size));
  if (n < 2) return 0;
  const srcOff = hostRead(cpu, src), dstOff = hostWrite(cpu, dst);
  if (srcOff < 0 || dstOff < 0) return 0;
  const bytes = n * size;
  if (dstOff > srcOff && dstOff < srcOff + bytes) return 0; // a forward copy would smear
  cpu.u8.copyWithin(dstOff, srcOff, srcOff + bytes);
  st[ESI] = st[ESI] + bytes;
  st[EDI] = st[EDI] + bytes;
  st[ECX] = count - n;
  return n;
}

/** REP STOS counterpart of {@link bulkMovs}. */
export function bulkStos(cpu: Cpu, size: number): number {
  const st = cpu.st;
  if (!cpu.a32 || (st[S_EFLAGS] & DF) || !(cpu.fastWrite & 1)) return 0;
  const count = st[ECX] >>> 0;
  const dst = (cpu.segBase(0) + st[EDI]) | 0;
  const n = Math.min(count, Math.floor((0x1000 - (dst & 0xfff)) / size));
  if (n < 2) return 0;
  const off = hostWrite(cpu, dst);
  if (off < 0) return 0;
  const v = st[EAX];
  if (size === 1) cpu.u8.fill(v & 0xff, off, off + n);
  else if (size === 2) { for (let i = 0; i < n; i++) cpu.view.setUint16(off + 2 * i, v, true); }
  else for (let i = 0; i < n; i++) cpu.view.setInt32(off + 4 * i, v, true);
  st[EDI] = st[EDI] + n * size;
  st[ECX] = count - n;
  return n;
}

/** Memory offset of a readable RAM page for `lin`, translating once if needed; -1 otherwise. */
function hostRead(cpu: Cpu, lin: number): number {
  const tlb = cpu.mmu.tlbRead;
  if (!(tlb[lin >>> 12] & cpu.accessBit)) cpu.readLin8(lin); // fills the TLB, or faults
  const e = tlb[lin >>> 12];
  return e & cpu.accessBit ? (e & ~0xfff) + (lin & 0xfff) : -1;
}

/** Memory offset of a writable RAM page for `lin` (dirty bit set), or -1. */
function hostWrite(cpu: Cpu, lin: number): number {
  const tlb = cpu.mmu.tlbWrite;
  if (!(tlb[lin >>> 12] & cpu.accessBit)) cpu.probeWrite(lin, 1);
  const e = tlb[lin >>> 12];
  return e & cpu.accessBit ? (e & ~0xfff) + (lin & 0xfff) : -1;
}

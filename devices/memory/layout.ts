/**
 * Where things sit inside the one shared WebAssembly.Memory of a machine.
 * Guest RAM starts at offset 0, so a guest-physical RAM address is also its
 * offset in the memory: device workers do DMA with no translation.
 */

/** Page size of the guest's physical map (x86 small page). */
export const PAGE_SIZE = 0x1000;
export const PAGE_SHIFT = 12;

/** Size of the CPU-private area placed right after guest RAM (state block, TLBs). */
export const CPU_AREA_SIZE = 16 << 20;
/** The CPU state block is the first 64 KiB of the CPU area; see cpu/state_layout.ts. */
export const STATE_BLOCK_SIZE = 0x10000;
/** The software TLB's read and write arrays (one int32 per virtual page) follow the state block. */
export const TLB_READ_OFFSET = STATE_BLOCK_SIZE;
export const TLB_WRITE_OFFSET = TLB_READ_OFFSET + (4 << 20);
/** The JIT's own words (chaining limit, links between compiled blocks) fill the rest. */
export const JIT_AREA_OFFSET = TLB_WRITE_OFFSET + (4 << 20);

/** Start of the PCI hole; RAM above this is not supported on the 32-bit map. */
export const PCI_HOLE_START = 0xe0000000;
/** Largest -m we accept: RAM must fit below the PCI hole. */
export const MAX_RAM = PCI_HOLE_START;

/** Legacy VGA window, 640 KiB .. 768 KiB: not RAM on a PC. */
export const VGA_START = 0xa0000;
export const VGA_END = 0xc0000;
/** The I/O APIC and local APIC MMIO pages. */
export const IOAPIC_BASE = 0xfec00000;
export const LAPIC_BASE = 0xfee00000;

/** Rounds `n` up to a multiple of `align` (a power of two). */
export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

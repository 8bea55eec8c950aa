/**
 * The CPU state a loader asks for at entry: 32-bit protected mode with flat
 * segments, paging off, interrupts off, as the Linux 32-bit boot protocol
 * and the Multiboot specification both require.
 */
export interface BootEntry {
  /** EIP at entry. */
  eip: number;
  /** General registers to set (others are zero). */
  regs: Partial<Record<"eax" | "ebx" | "ecx" | "edx" | "esi" | "edi" | "ebp" | "esp", number>>;
  /** Where the loader placed a GDT with flat code at 0x10 and flat data at 0x18. */
  gdtBase: number;
  gdtLimit: number;
  /** Selectors for CS and the data segments. */
  codeSelector: number;
  dataSelector: number;
}

/** Physical address of the boot GDT every loader writes (below the EBDA, above the IVT). */
export const BOOT_GDT = 0x500;

/**
 * Writes a four-entry GDT at BOOT_GDT: null, null, flat 32-bit code (0x10),
 * flat 32-bit data (0x18) — the selectors Linux calls __BOOT_CS/__BOOT_DS.
 */
export function writeBootGdt(write32: (addr: number, v: number) => void): void {
  const entries = [
    [0, 0],
    [0, 0],
    [0x0000ffff, 0x00cf9b00],
    [0x0000ffff, 0x00cf9300],
  ];
  entries.forEach(([lo, hi], i) => {
    write32(BOOT_GDT + i * 8, lo);
    write32(BOOT_GDT + i * 8 + 4, hi);
  });
}

/** E820 entry types (ACPI spec §15). */
export const E820_RAM = 1, E820_RESERVED = 2;

export interface E820Entry {
  addr: number;
  size: number;
  type: number;
}

/** The PC memory map as our board lays it out, in E820 form. */
export function e820Map(ramSize: number): E820Entry[] {
  return [
    { addr: 0, size: 0x9fc00, type: E820_RAM },
    { addr: 0x9fc00, size: 0x400, type: E820_RESERVED },
    { addr: 0xf0000, size: 0x10000, type: E820_RESERVED },
    { addr: 0x100000, size: ramSize - 0x100000, type: E820_RAM },
    { addr: 0xfffc0000, size: 0x40000, type: E820_RESERVED },
  ];
}

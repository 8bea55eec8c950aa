import type { PhysicalMemory } from "../memory/mod.ts";

/**
 * The BIOS data area (segment 0x40) and extended BIOS data area a PC BIOS
 * leaves behind, reduced to the fields kernels read when the VMM boots them
 * directly. Layout as in the IBM PC/AT Technical Reference and SeaBIOS's
 * `struct bios_data_area_s`.
 */

/** Physical address of the BIOS data area (segment 0x40). */
export const BDA_BASE = 0x400;
/** Size of the BIOS data area; the boot GDT follows at 0x500. */
export const BDA_SIZE = 0x100;
/** Physical address of the 1 KiB extended BIOS data area, the top of base memory. */
export const EBDA_BASE = 0x9fc00;
/** Size of the EBDA in KiB. */
export const EBDA_KIB = 1;
/** Conventional memory below the EBDA, in KiB, as INT 12h reports it. */
export const BASE_MEMORY_KIB = EBDA_BASE / 1024;

// Offsets of fields in the BIOS data area.
const BDA_COM_PORTS = 0x00; // four words: COM1..COM4 I/O bases, 0 = absent
const BDA_EBDA_SEGMENT = 0x0e;
const BDA_EQUIPMENT = 0x10;
const BDA_MEMORY_KIB = 0x13;

/** Equipment word bit 1: a math coprocessor is present (every CPU model has an x87). */
const EQUIPMENT_X87 = 1 << 1;
/** Equipment word bits 11:9: the number of serial ports. */
const EQUIPMENT_SERIAL_SHIFT = 9;

/** The machine's legacy devices as the BIOS data area lists them. */
export interface BiosDataAreaOptions {
  /** I/O bases of the serial ports present, COM1 first (at most four). */
  serialPorts: readonly number[];
}

/**
 * Clears the BIOS data area and the EBDA and fills in: the COM1–COM4 base
 * addresses (0x400), the EBDA segment (0x40E), the equipment word (0x410:
 * x87 present, number of serial ports) and the base memory size in KiB
 * (0x413); the EBDA's first word is its size in KiB. Linux reads 0x40E and
 * 0x413 to reserve the EBDA (arch/x86/kernel/ebda.c) and scans the EBDA for
 * an MP floating pointer. The E820 map reports the same 0x9FC00 boundary.
 */
export function writeBiosDataArea(mem: PhysicalMemory, options: BiosDataAreaOptions): void {
  const ports = options.serialPorts;
  if (ports.length > 4) throw new Error(`the BIOS data area lists at most 4 serial ports`);
  for (const port of ports) {
    if (!Number.isInteger(port) || port <= 0 || port > 0xfff8) {
      throw new RangeError(`serial port base ${port} is not an I/O port address`);
    }
  }
  mem.writeBytes(BDA_BASE, new Uint8Array(BDA_SIZE));
  mem.writeBytes(EBDA_BASE, new Uint8Array(EBDA_KIB * 1024));
  ports.forEach((port, i) => mem.write16(BDA_BASE + BDA_COM_PORTS + 2 * i, port));
  mem.write16(BDA_BASE + BDA_EBDA_SEGMENT, EBDA_BASE >>> 4);
  mem.write16(BDA_BASE + BDA_EQUIPMENT, EQUIPMENT_X87 | (ports.length << EQUIPMENT_SERIAL_SHIFT));
  mem.write16(BDA_BASE + BDA_MEMORY_KIB, BASE_MEMORY_KIB);
  mem.write16(EBDA_BASE, EBDA_KIB);
}

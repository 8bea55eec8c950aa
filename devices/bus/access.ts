/** Width of one bus access in bytes. */
export type AccessSize = 1 | 2 | 4;

/**
 * A device's handler for one registered range of I/O ports or MMIO addresses.
 * `offset` is relative to the start of the range, so a relocatable BAR needs no
 * knowledge of where the firmware placed it.
 */
export interface BusHandler {
  /** Name used in errors and debug output, e.g. "i8259-master". */
  readonly name: string;
  /** Returns the value read; only the low `size` bytes are used. */
  read(offset: number, size: AccessSize): number;
  /** `value` holds `size` bytes, zero-extended. */
  write(offset: number, size: AccessSize, value: number): void;
  /**
   * Access widths the device implements natively, as a bit mask of sizes
   * (1 | 2 | 4). Wider accesses are split into little-endian byte accesses by
   * the bus, as QEMU does for a region whose max_access_size is smaller.
   * @default 7 (every width)
   */
  readonly sizes?: number;
}

/** All-ones of the given width: what an unassigned read returns on a PC. */
export function allOnes(size: AccessSize): number {
  return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
}

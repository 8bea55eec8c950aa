/** A function's place on bus 0: device (slot) and function numbers. */
export interface PciAddress {
  /** Device number, 0-31. */
  slot: number;
  /** Function number, 0-7. */
  func: number;
}

/**
 * Parses a `-device ...,addr=` value as QEMU does: a hex slot optionally
 * followed by `.` and a hex function, e.g. `05.0`, `5`, `0x1f.7`.
 */
export function parsePciAddress(text: string): PciAddress {
  const m = /^(?:0x)?([0-9a-f]{1,2})(?:\.(?:0x)?([0-7]))?$/i.exec(text.trim());
  const slot = m ? parseInt(m[1], 16) : NaN;
  if (!m || slot > 31) {
    throw new Error(`PCI address '${text}' is not slot[.function] (slot 00-1f, function 0-7)`);
  }
  return { slot, func: m[2] === undefined ? 0 : parseInt(m[2], 16) };
}

/** Formats an address the way `lspci` prints it on bus 0, e.g. `00:05.0`. */
export function formatPciAddress(address: PciAddress): string {
  return `00:${address.slot.toString(16).padStart(2, "0")}.${address.func}`;
}

/**
 * The `addr=` property every PCI device has: "slot" or "slot.func", both in
 * hex, as QEMU's set_pci_devfn() reads them (hw/core/qdev-properties-system.c).
 */

import { scanHex32 } from "../schema/mod.ts";

/** Where a PCI function sits on its bus. */
export interface PciAddress {
  /** Device number, 0..31. */
  readonly slot: number;
  /** Function number, 0..7. */
  readonly func: number;
}

/**
 * Parses "slot[.func]" (hex, e.g. "1f" or "03.1") as `sscanf("%x.%x")` then
 * `sscanf("%x")` would, or returns undefined when QEMU would refuse it.
 */
export function parsePciAddress(text: string): PciAddress | undefined {
  const slot = scanHex32(text, 0);
  if (!slot) return undefined;
  let func = 0;
  let end = slot.end;
  if (text[end] === ".") {
    const f = scanHex32(text, end + 1);
    if (f) {
      func = f.value;
      end = f.end;
    }
  }
  if (end !== text.length || func > 7 || slot.value > 31) return undefined;
  return { slot: slot.value, func };
}

/** The devfn byte of configuration mechanism #1: slot << 3 | func. */
export function pciDevfn(addr: PciAddress): number {
  return (addr.slot << 3) | addr.func;
}

/** "ss.f" as QEMU's `info qtree` prints an address. */
export function formatPciAddress(addr: PciAddress): string {
  return `${addr.slot.toString(16).padStart(2, "0")}.${addr.func.toString(16)}`;
}

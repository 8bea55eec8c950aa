import type { AccessSize, BusHandler } from "../bus/access.ts";
import { LAPIC_BASE } from "../memory/layout.ts";

/** Interrupt messages are DWORD writes to 0xFEExxxxx (SDM §10.11.1). */
export const MSI_ADDRESS_BASE = LAPIC_BASE;
/** Size of the interrupt message window, 0xFEE00000–0xFEEFFFFF. */
export const MSI_WINDOW_SIZE = 0x100000;

/**
 * Receiver of interrupt messages: MSI and MSI-X writes from PCI functions,
 * and the messages the I/O APIC sends for its pins. On a PC these are bus
 * writes to 0xFEExxxxx that never reach memory; here the sender calls
 * `deliverMsi` directly, because CPU accesses to the same addresses must hit
 * the local APIC's registers instead (QEMU tells the two apart the same way:
 * device writes go to an address space the CPU's accesses do not see).
 */
export interface MsiTarget {
  /** One message: `address` as programmed in the MSI address register, `data` its data word. */
  deliverMsi(address: number, data: number): void;
}

/** A local APIC as the I/O APIC sees it across the system bus. */
export interface ApicBus extends MsiTarget {
  /**
   * Calls `listener(vector)` whenever software ends a level-triggered
   * interrupt with EOI, which the local APIC broadcasts to every I/O APIC
   * (SDM §10.8.5).
   */
  onEoiBroadcast(listener: (vector: number) => void): void;
  /** A periodic timer's edge: owed rather than merged while its vector waits (optional). */
  deliverTick?(address: number, data: number): void;
  /** Forgets the ticks owed on `vector` (optional, with deliverTick). */
  forgetTicks?(vector: number): void;
}

/** The fields of an interrupt message (SDM §10.11.1, §10.11.2). */
export interface MsiMessage {
  /** Destination APIC ID (physical) or logical destination, address bits 19:12. */
  destination: number;
  /** Address bit 2: logical destination mode. */
  logical: boolean;
  /** Data bits 7:0. */
  vector: number;
  /** Data bits 10:8, one of `DeliveryMode`. */
  deliveryMode: number;
  /** Data bit 15: level-triggered. */
  level: boolean;
}

/** True for an address inside the interrupt message window 0xFEExxxxx. */
export function isMsiAddress(address: number): boolean {
  return (address >>> 20) === MSI_ADDRESS_BASE >>> 20;
}

/** Splits an MSI address/data pair into its fields. */
export function decodeMsi(address: number, data: number): MsiMessage {
  return {
    destination: (address >>> 12) & 0xff,
    logical: (address & 4) !== 0,
    vector: data & 0xff,
    deliveryMode: (data >>> 8) & 7,
    level: (data & 0x8000) !== 0,
  };
}

/** Builds the address/data pair of an interrupt message, as the I/O APIC and tests do. */
export function encodeMsi(message: MsiMessage): { address: number; data: number } {
  const address = (MSI_ADDRESS_BASE | ((message.destination & 0xff) << 12) |
    (message.logical ? 4 : 0)) >>> 0;
  // Data bit 14 is the level of a level-triggered message; an interrupt is
  // only ever sent asserted.
  const data = (message.vector & 0xff) | ((message.deliveryMode & 7) << 8) |
    (message.level ? 0xc000 : 0);
  return { address, data };
}

/**
 * A bus handler for the interrupt message window, for an address space that
 * carries device-originated writes only (a DMA view of the PCI bus): every
 * 32-bit write becomes `target.deliverMsi(0xFEE00000 + offset, value)`.
 * Register it at `MSI_ADDRESS_BASE` with length `MSI_WINDOW_SIZE`. Never map
 * it on the CPU's MMIO bus, where the local APIC's registers live.
 */
export function msiBusHandler(target: MsiTarget): BusHandler {
  return {
    name: "msi",
    // Reads of the window return nothing meaningful on a PC; narrower writes
    // are not interrupt messages (PCI Local Bus 3.0 §6.8.1: a DWORD write).
    read: () => 0,
    write: (offset: number, size: AccessSize, value: number) => {
      if (size === 4) target.deliverMsi((MSI_ADDRESS_BASE + offset) >>> 0, value >>> 0);
    },
  };
}

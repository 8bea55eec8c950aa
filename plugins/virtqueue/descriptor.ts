/**
 * One buffer of a descriptor chain, already checked to lie inside guest RAM.
 *
 * @module
 */

import type { GuestRam } from "./guest_ram.ts";

/**
 * A device-readable or device-writable guest buffer (virtio 1.1 §2.6.5). Only a
 * {@link DescriptorChain} creates these, after checking `[addr, addr + len)` is RAM.
 */
export class Descriptor {
  /** Guest-physical address of the first byte. */
  readonly addr: number;
  /** Length in bytes. */
  readonly len: number;
  /** True for a device-writable buffer (VIRTQ_DESC_F_WRITE). */
  readonly writable: boolean;
  readonly #ram: GuestRam;

  /** Wraps a range the caller has already bounds-checked against `ram.size`. */
  constructor(ram: GuestRam, addr: number, len: number, writable: boolean) {
    this.#ram = ram;
    this.addr = addr;
    this.len = len;
    this.writable = writable;
  }

  /**
   * The buffer itself: a view into guest RAM, no copy. The guest can change it at any moment,
   * so read each field once. Writes through it are not reported to `GuestRam.onWrite`.
   */
  bytes(): Uint8Array {
    return this.#ram.u8.subarray(this.addr, this.addr + this.len);
  }
}

/**
 * A driver and a device queue wired to the same guest RAM, for this directory's tests.
 *
 * @module
 */

import { createGuestRam, type GuestRam } from "./guest_ram.ts";
import { MockDriver } from "./mock_driver.ts";
import { Virtqueue } from "./virtqueue.ts";

/** Options of {@link queuePair}. */
export interface QueuePairOptions {
  /** Queue size. @default 8 */
  size?: number;
  /** Legacy layout. @default false */
  legacy?: boolean;
  /** VIRTIO_F_EVENT_IDX on both sides. @default false */
  eventIdx?: boolean;
  /** VIRTIO_F_INDIRECT_DESC on the device. @default false */
  indirect?: boolean;
  /** Guest RAM size. @default 0x20000 */
  ramSize?: number;
}

/** A ready queue and its driver. */
export interface QueuePair {
  /** Shared guest RAM. */
  ram: GuestRam;
  /** Driver side. */
  driver: MockDriver;
  /** Device side, already given the driver's layout. */
  queue: Virtqueue;
}

/** Builds a driver and a configured device queue over fresh RAM. */
export function queuePair(options: QueuePairOptions = {}): QueuePair {
  const size = options.size ?? 8;
  const ram = createGuestRam(options.ramSize ?? 0x20000);
  const driver = new MockDriver(ram, { size, legacy: options.legacy, eventIdx: options.eventIdx });
  const queue = new Virtqueue(ram, size, {
    eventIdx: options.eventIdx,
    indirect: options.indirect,
  });
  queue.setLayout(driver.layout);
  return { ram, driver, queue };
}

/** Bytes 1, 2, 3, ... of length `len`, so copies can be told apart. */
export function ramp(len: number, start = 1): Uint8Array {
  return Uint8Array.from({ length: len }, (_, i) => (start + i) & 0xff);
}

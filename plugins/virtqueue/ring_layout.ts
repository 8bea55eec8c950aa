/**
 * Where the three parts of a split virtqueue sit in guest RAM (virtio 1.1 §2.6), for the legacy
 * single-PFN layout (§2.6.2, §4.1.4.8) and the modern three-address layout (§4.1.4.3).
 *
 * @module
 */

import { VirtqueueError } from "./errors.ts";

/** `virtq_desc.flags`: the buffer continues via `next` (§2.6.5). */
export const VIRTQ_DESC_F_NEXT = 1;
/** `virtq_desc.flags`: the buffer is device write-only (§2.6.5). */
export const VIRTQ_DESC_F_WRITE = 2;
/** `virtq_desc.flags`: the buffer holds a table of descriptors (§2.6.5.3). */
export const VIRTQ_DESC_F_INDIRECT = 4;
/** `virtq_avail.flags`: the driver asks for no used-buffer notifications (§2.6.7). */
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1;
/** `virtq_used.flags`: the device asks for no available-buffer notifications (§2.6.10). */
export const VIRTQ_USED_F_NO_NOTIFY = 1;

/** Bytes of one `virtq_desc` (§2.6.5). */
export const DESCRIPTOR_SIZE = 16;
/** Bytes of one `virtq_used_elem` (§2.6.8). */
export const USED_ELEM_SIZE = 8;
/** Largest queue size: the highest power of two in 16 bits (§2.6). */
export const MAX_QUEUE_SIZE = 32768;
/** The legacy interface's Queue Align and PFN shift (§2.6.2, §4.1.4.8). */
export const LEGACY_QUEUE_ALIGN = 4096;

/** Minimum alignment of each ring part (§2.6, table "Alignment and size"). */
export const RING_ALIGN = { desc: 16, avail: 2, used: 4 } as const;

/** Guest-physical addresses of the three parts of one split virtqueue. */
export interface RingLayout {
  /** Descriptor table (Descriptor Area). */
  readonly desc: number;
  /** Available ring (Driver Area). */
  readonly avail: number;
  /** Used ring (Device Area). */
  readonly used: number;
}

/** Throws RangeError unless `size` is a power of two in [1, 32768] (§2.6). */
export function checkQueueSize(size: number): void {
  if (!Number.isInteger(size) || size < 1 || size > MAX_QUEUE_SIZE || (size & (size - 1)) !== 0) {
    throw new RangeError(`queue size ${size} must be a power of two between 1 and 32768`);
  }
}

/** Bytes of each ring part for `size` entries, event fields included (§2.6 size table). */
export function ringPartSizes(size: number): { desc: number; avail: number; used: number } {
  return {
    desc: DESCRIPTOR_SIZE * size,
    avail: 6 + 2 * size,
    used: 6 + USED_ELEM_SIZE * size,
  };
}

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/**
 * The legacy layout of §2.6.2: the descriptor table at `pfn * 4096`, the available ring right
 * after it, and the used ring at the next 4096-byte boundary past the available ring (whose size
 * includes `used_event`, as in the spec's `virtq_size()`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * // 256 entries: 4096 bytes of descriptors, a 518-byte available ring, then padding.
 * assert.deepEqual(layoutLegacy(0x10, 256), { desc: 0x10000, avail: 0x11000, used: 0x12000 });
 * ```
 */
export function layoutLegacy(pfn: number, size: number): RingLayout {
  checkQueueSize(size);
  if (!Number.isInteger(pfn) || pfn < 0 || pfn > 0xffffffff) {
    throw new RangeError(`queue PFN ${pfn} is not a 32-bit value`);
  }
  // pfn * 4096 rather than pfn << 12: a 32-bit PFN reaches 2^44, past JavaScript's 32-bit shifts.
  const desc = pfn * LEGACY_QUEUE_ALIGN;
  const avail = desc + DESCRIPTOR_SIZE * size;
  const used = desc + alignUp(DESCRIPTOR_SIZE * size + 2 * (3 + size), LEGACY_QUEUE_ALIGN);
  return { desc, avail, used };
}

/**
 * The modern layout: three independent addresses written by the driver (§4.1.4.3
 * queue_desc/queue_driver/queue_device). Alignment is checked when a queue takes the layout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const layout = layoutModern(0x1000, 0x2000, 0x3000);
 * assert.deepEqual(layout, { desc: 0x1000, avail: 0x2000, used: 0x3000 });
 * ```
 */
export function layoutModern(desc: number, avail: number, used: number): RingLayout {
  for (const addr of [desc, avail, used]) {
    if (!Number.isSafeInteger(addr) || addr < 0) {
      throw new RangeError(`ring address ${addr} is not a non-negative integer`);
    }
  }
  return { desc, avail, used };
}

/**
 * Throws a {@link VirtqueueError} unless each part of `layout` is aligned (§2.6.1) and lies
 * entirely in `[0, ramSize)`, so that ring accesses need no further bounds checks.
 */
export function checkRingLayout(layout: RingLayout, size: number, ramSize: number): void {
  const sizes = ringPartSizes(size);
  for (const part of ["desc", "avail", "used"] as const) {
    const addr = layout[part];
    // §2.6.1: "the physical address of the first byte of each virtqueue part is a multiple of
    // the specified alignment value". The used ring's 4-byte alignment also keeps its 16-bit
    // idx naturally aligned for Atomics.
    if (addr % RING_ALIGN[part] !== 0) {
      throw new VirtqueueError(
        "misaligned",
        `${part} ring at 0x${addr.toString(16)} is not ${RING_ALIGN[part]}-byte aligned`,
      );
    }
    // §2.6: each part is physically contiguous guest memory of the tabled size; a part that
    // runs past RAM would make the device read or write memory that is not the guest's.
    if (addr + sizes[part] > ramSize) {
      throw new VirtqueueError(
        "ring-out-of-ram",
        `${part} ring [0x${addr.toString(16)}, +${sizes[part]}) ends past RAM (0x${
          ramSize.toString(16)
        })`,
      );
    }
  }
}

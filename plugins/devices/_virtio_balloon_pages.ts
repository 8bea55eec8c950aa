/**
 * The pages a virtio balloon holds (virtio 1.1 §5.5.6): the driver lists page frame numbers on
 * inflateq when it gives pages to the device and on deflateq when it takes them back. The
 * device only records them: like QEMU without a discard-capable backend, it reclaims nothing.
 *
 * @module
 */

import type { DescriptorChain } from "../sdk/mod.ts";

/** §5.5.6: PFNs count 4 KiB pages whatever the guest's page size (VIRTIO_BALLOON_PFN_SHIFT). */
export const BALLOON_PAGE_SIZE = 4096;

/** Bytes of one PFN in an inflateq / deflateq buffer: a le32 (§5.5.6). */
const PFN_BYTES = 4;
/** PFNs read per copy out of a chain. */
const BATCH = 1024;

/**
 * One bit of state per 4 KiB page of guest RAM: in the balloon or not.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const pages = new BalloonPages(0x10_0000); // 1 MiB: 256 pages
 * assert.equal(pages.inflate([1, 2, 2, 300]), 2, "duplicates and PFNs past RAM are skipped");
 * assert.equal(pages.count, 2);
 * assert.equal(pages.deflate([2, 3]), 1);
 * assert.deepEqual([pages.has(1), pages.has(2)], [true, false]);
 * ```
 */
export class BalloonPages {
  /** 4 KiB pages of guest RAM. */
  readonly ramPages: number;
  readonly #held: Uint8Array;
  #count = 0;

  /** Tracks the pages of `ramSize` bytes of guest RAM. */
  constructor(ramSize: number) {
    this.ramPages = Math.floor(ramSize / BALLOON_PAGE_SIZE);
    this.#held = new Uint8Array(this.ramPages);
  }

  /** Pages in the balloon. */
  get count(): number {
    return this.#count;
  }

  /** Whether page `pfn` is in the balloon. */
  has(pfn: number): boolean {
    return pfn < this.ramPages && this.#held[pfn] === 1;
  }

  /**
   * Records `pfns` as given to the device; returns how many were new. PFNs outside RAM are
   * skipped, as QEMU skips addresses that are not RAM.
   */
  inflate(pfns: Iterable<number>): number {
    let added = 0;
    for (const pfn of pfns) {
      if (pfn < this.ramPages && this.#held[pfn] === 0) {
        this.#held[pfn] = 1;
        added++;
      }
    }
    this.#count += added;
    return added;
  }

  /** Records `pfns` as taken back by the driver; returns how many were in the balloon. */
  deflate(pfns: Iterable<number>): number {
    let removed = 0;
    for (const pfn of pfns) {
      if (pfn < this.ramPages && this.#held[pfn] === 1) {
        this.#held[pfn] = 0;
        removed++;
      }
    }
    this.#count -= removed;
    return removed;
  }

  /** Empties the balloon (a device reset: the guest owns all of its RAM again). */
  clear(): void {
    this.#held.fill(0);
    this.#count = 0;
  }
}

/**
 * The PFNs a chain lists: each whole le32 of its device-readable part, in order; a trailing
 * partial one is ignored, as QEMU's `iov_to_buf` loop does. At most `limit` PFNs are read (a
 * driver has no reason to list a page twice, so RAM's page count bounds a sane chain).
 */
export function* chainPfns(chain: DescriptorChain, limit: number): Generator<number> {
  const count = Math.min(Math.floor(chain.readableLength() / PFN_BYTES), limit);
  const bytes = new Uint8Array(BATCH * PFN_BYTES);
  const view = new DataView(bytes.buffer);
  for (let done = 0; done < count;) {
    const n = Math.min(BATCH, count - done);
    chain.copyFromReadable(bytes.subarray(0, n * PFN_BYTES), { offset: done * PFN_BYTES });
    for (let i = 0; i < n; i++) yield view.getUint32(i * PFN_BYTES, true);
    done += n;
  }
}

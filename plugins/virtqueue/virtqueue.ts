/**
 * The device side of a split virtqueue (virtio 1.1 §2.6): taking chains off the available ring,
 * returning them on the used ring, and deciding about notifications in both directions.
 *
 * Section numbers follow virtio 1.1 (cs01); the same text is §2.7 in virtio 1.2.
 *
 * @module
 */

import { DescriptorChain, MAX_CHAIN_BYTES } from "./descriptor_chain.ts";
import { VirtqueueError } from "./errors.ts";
import type { GuestRam } from "./guest_ram.ts";
import { vringNeedEvent } from "./notification.ts";
import {
  checkQueueSize,
  checkRingLayout,
  type RingLayout,
  USED_ELEM_SIZE,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
  VIRTQ_USED_F_NO_NOTIFY,
} from "./ring_layout.ts";

/** Negotiated features and limits of one queue. */
export interface VirtqueueOptions {
  /** VIRTIO_F_EVENT_IDX (bit 29) was negotiated. @default false */
  eventIdx?: boolean;
  /** VIRTIO_F_INDIRECT_DESC (bit 28) was negotiated. @default false */
  indirect?: boolean;
  /** Byte cap over all buffers of one chain. @default 2 ** 32 */
  maxChainBytes?: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * One split virtqueue as the device sees it. Guest RAM is shared with the driver (another thread
 * in this VMM), so `avail.idx` is read and `used.idx` published with Atomics; used elements are
 * written before the index that exposes them (§2.6.8.2).
 *
 * Methods throw {@link VirtqueueError} when the driver broke the ring protocol; the device then
 * stops using the queue and sets DEVICE_NEEDS_RESET.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGuestRam } from "./guest_ram.ts";
 * import { MockDriver } from "./mock_driver.ts";
 *
 * const ram = createGuestRam(0x10000);
 * const driver = new MockDriver(ram, { size: 16 });
 * const queue = new Virtqueue(ram, 16);
 * queue.setLayout(driver.layout);
 *
 * driver.addBuffer([new Uint8Array([1, 2, 3])], [4]);
 * driver.kick();
 * const chain = queue.pop()!;
 * const written = chain.copyToWritable(new Uint8Array([9, 9]));
 * queue.addUsed(chain.head, written);
 * assert.equal(queue.needsNotification(), true);
 * const [used] = driver.getUsed();
 * assert.deepEqual([used.id, used.len, [...used.written]], [chain.head, 2, [9, 9]]);
 * assert.equal(queue.pop(), null);
 * ```
 */
export class Virtqueue {
  /** Queue size: descriptor table entries, a power of two up to 32768 (§2.6). */
  readonly size: number;
  /** VIRTIO_F_EVENT_IDX was negotiated: use `used_event` / `avail_event` (§2.6.7, §2.6.10). */
  eventIdx: boolean;
  /** VIRTIO_F_INDIRECT_DESC was negotiated: accept indirect tables (§2.6.5.3). */
  indirect: boolean;
  readonly #ram: GuestRam;
  readonly #u16: Uint16Array;
  readonly #maxChainBytes: number;
  #layout: RingLayout | undefined;
  #lastAvail = 0;
  #nextUsed = 0;
  #signalledUsed = 0;
  #inFlight = 0;
  #suppressed = false;

  /** Creates an unconfigured queue of `size` entries over `ram`. Bad options throw RangeError. */
  constructor(ram: GuestRam, size: number, options: VirtqueueOptions = {}) {
    checkQueueSize(size);
    if (!LITTLE_ENDIAN) {
      // Atomics on a Uint16Array use host byte order; the rings are little-endian (§2.6.3 for
      // legacy x86 guests, §1.4 for modern ones).
      throw new RangeError("the virtqueue needs a little-endian host");
    }
    if (ram.u8.byteOffset % 2 !== 0) {
      throw new RangeError("guest RAM view must start on an even byte offset");
    }
    this.#ram = ram;
    this.size = size;
    this.eventIdx = options.eventIdx ?? false;
    this.indirect = options.indirect ?? false;
    this.#maxChainBytes = options.maxChainBytes ?? MAX_CHAIN_BYTES;
    this.#u16 = new Uint16Array(ram.u8.buffer, ram.u8.byteOffset, ram.u8.length >>> 1);
  }

  /** True once ring addresses are set. */
  get ready(): boolean {
    return this.#layout !== undefined;
  }

  /** The ring addresses in use, if any. */
  get layout(): RingLayout | undefined {
    return this.#layout;
  }

  /** Next available-ring index the device will read (free-running, mod 2^16). */
  get lastAvailIdx(): number {
    return this.#lastAvail;
  }

  /** Next used-ring index the device will write (free-running, mod 2^16). */
  get nextUsedIdx(): number {
    return this.#nextUsed;
  }

  /** Chains popped and not yet returned through `addUsed`. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Places the rings (from {@link layoutLegacy} or {@link layoutModern}). Throws
   * {@link VirtqueueError} `misaligned` or `ring-out-of-ram` for unusable driver addresses.
   */
  setLayout(layout: RingLayout): void {
    checkRingLayout(layout, this.size, this.#ram.size);
    this.#layout = { desc: layout.desc, avail: layout.avail, used: layout.used };
  }

  /** Forgets the rings and all indexes, as a device reset does; negotiated features are kept. */
  reset(): void {
    this.#layout = undefined;
    this.#lastAvail = 0;
    this.#nextUsed = 0;
    this.#signalledUsed = 0;
    this.#inFlight = 0;
    this.#suppressed = false;
  }

  /**
   * Number of chains the driver has made available and the device has not popped yet. Throws
   * `avail-idx-jump` if the driver moved `avail.idx` further than the ring holds.
   */
  pending(): number {
    const layout = this.#layout;
    if (!layout) return 0;
    // §2.6.13.3: idx "always increments, and wraps naturally at 65536"; the load is seq-cst, so
    // the ring entries and descriptors the driver wrote before publishing idx are visible below.
    const availIdx = Atomics.load(this.#u16, (layout.avail + 2) >>> 1);
    const count = (availIdx - this.#lastAvail) & 0xffff;
    // §2.6.6.1: the driver never decrements idx, and the ring holds Queue Size entries, so a
    // distance larger than the queue means the index is garbage (or went backwards).
    if (count > this.size) {
      throw new VirtqueueError(
        "avail-idx-jump",
        `avail.idx ${availIdx} is ${count} past last_avail ${this.#lastAvail} (queue ${this.size})`,
      );
    }
    return count;
  }

  /**
   * Takes the next chain off the available ring, or null if there is none (or no rings yet).
   * A chain whose head index is out of range is consumed and reported as `head-out-of-range`.
   */
  pop(): DescriptorChain | null {
    const layout = this.#layout;
    if (!layout || this.pending() === 0) return null;
    // §2.6.13.2: ring[idx % Queue Size]; the size is a power of two, so a mask is the modulo.
    const slot = this.#lastAvail & (this.size - 1);
    const head = this.#ram.view.getUint16(layout.avail + 4 + 2 * slot, true);
    this.#lastAvail = (this.#lastAvail + 1) & 0xffff;
    if (this.eventIdx && !this.#suppressed) this.#writeAvailEvent(layout);
    const chain = new DescriptorChain(this.#ram, {
      descTable: layout.desc,
      queueSize: this.size,
      head,
      indirect: this.indirect,
      maxBytes: this.#maxChainBytes,
    });
    this.#inFlight++;
    return chain;
  }

  /**
   * Returns chain `head` to the driver with `writtenLen` bytes written into its writable part:
   * the element is stored first, then `used.idx` is published (§2.6.8.2).
   */
  addUsed(head: number, writtenLen: number): void {
    const layout = this.#layout;
    if (!layout) throw new VirtqueueError("not-ready", "addUsed before the rings were set");
    // §2.6.8: `id` is the head of a chain from the available ring, so below Queue Size; `len`
    // is a le32.
    if (!Number.isInteger(head) || head < 0 || head >= this.size) {
      throw new VirtqueueError("invalid-used", `head ${head} in a queue of ${this.size}`);
    }
    if (!Number.isInteger(writtenLen) || writtenLen < 0 || writtenLen > 0xffffffff) {
      throw new VirtqueueError("invalid-used", `length ${writtenLen} is not a u32`);
    }
    // §2.6.8: the used ring has Queue Size entries; returning more chains than were taken would
    // overwrite elements the driver has not read.
    if (this.#inFlight === 0) {
      throw new VirtqueueError("used-overflow", `head ${head} returned with no chain in flight`);
    }
    const elem = layout.used + 4 + USED_ELEM_SIZE * (this.#nextUsed & (this.size - 1));
    const view = this.#ram.view;
    view.setUint32(elem, head, true);
    view.setUint32(elem + 4, writtenLen, true);
    this.#nextUsed = (this.#nextUsed + 1) & 0xffff;
    this.#inFlight--;
    // §2.6.8.2: "The device MUST set len prior to updating the used idx". A seq-cst store after
    // the plain writes above makes them visible to whoever loads the new idx.
    Atomics.store(this.#u16, (layout.used + 2) >>> 1, this.#nextUsed);
    this.#ram.onWrite?.(elem, USED_ELEM_SIZE);
    this.#ram.onWrite?.(layout.used + 2, 2);
  }

  /**
   * After one or more `addUsed`, whether the driver wants a used-buffer notification (§2.6.7.2):
   * without EVENT_IDX unless `avail.flags` has VIRTQ_AVAIL_F_NO_INTERRUPT; with EVENT_IDX when the
   * used entries written since the last call include index `used_event`. Never true when nothing
   * was added since the last call.
   */
  needsNotification(): boolean {
    const layout = this.#layout;
    if (!layout) return false;
    const oldIdx = this.#signalledUsed;
    const newIdx = this.#nextUsed;
    this.#signalledUsed = newIdx;
    if (oldIdx === newIdx) return false;
    if (this.eventIdx) {
      // §2.6.7.2: with EVENT_IDX the device "MUST ignore the lower bit of flags" and notifies
      // when the idx it wrote passes used_event, which sits after the available ring entries.
      const usedEvent = Atomics.load(this.#u16, (layout.avail + 4 + 2 * this.size) >>> 1);
      return vringNeedEvent(usedEvent, newIdx, oldIdx);
    }
    // §2.6.7.2: "If flags is 1, the device SHOULD NOT send a notification. If flags is 0, the
    // device MUST send a notification." Other bits are undefined; only bit 0 is honoured.
    const flags = Atomics.load(this.#u16, layout.avail >>> 1);
    return (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
  }

  /**
   * Asks the driver to stop (`on`) or resume (`!on`) available-buffer notifications (§2.6.10.2):
   * VIRTQ_USED_F_NO_NOTIFY in `used.flags`, or with EVENT_IDX by freezing / refreshing
   * `avail_event`. Returns true if chains are already pending, which the device must pop after
   * resuming: the driver may have added them before it saw the change.
   */
  setNotificationSuppression(on: boolean): boolean {
    const layout = this.#layout;
    if (!layout) return false;
    this.#suppressed = on;
    if (this.eventIdx) {
      // §2.6.10.2: with EVENT_IDX "The device MUST set flags to 0"; suppression is avail_event
      // left behind, so the driver's index does not cross it again.
      Atomics.store(this.#u16, layout.used >>> 1, 0);
      if (!on) this.#writeAvailEvent(layout);
    } else {
      Atomics.store(this.#u16, layout.used >>> 1, on ? VIRTQ_USED_F_NO_NOTIFY : 0);
    }
    this.#ram.onWrite?.(layout.used, 2);
    return this.pending() > 0;
  }

  /** Asks for a notification when the driver makes entry `lastAvail` available (§2.6.10.2). */
  #writeAvailEvent(layout: RingLayout): void {
    const at = layout.used + 4 + USED_ELEM_SIZE * this.size;
    Atomics.store(this.#u16, at >>> 1, this.#lastAvail);
    this.#ram.onWrite?.(at, 2);
  }
}

/**
 * The one error type of the virtqueue: everything a driver (or a device) can get wrong about the
 * rings ends here, with a code naming the broken rule and the virtio 1.1 section stating it.
 *
 * @module
 */

/** What was wrong, as a stable string a device can switch on or log. */
export type VirtqueueErrorCode =
  /** The queue has no ring addresses yet (or was reset). */
  | "not-ready"
  /** A ring part does not start on its required alignment (§2.6.1). */
  | "misaligned"
  /** A ring part does not lie entirely inside guest RAM (§2.6). */
  | "ring-out-of-ram"
  /** `avail.idx` moved more than the queue size past the last seen index (§2.6.6, §2.6.13.3). */
  | "avail-idx-jump"
  /** An available-ring entry names a descriptor past the table (§2.6.5). */
  | "head-out-of-range"
  /** A `next` field names a descriptor past its table (§2.6.5, §2.6.5.3.1). */
  | "next-out-of-range"
  /** A chain visits more descriptors than its table holds: a loop (§2.6.5.2, §2.6.5.3.1). */
  | "chain-too-long"
  /** A chain describes more bytes than allowed (§2.6.5.2: at most 2^32). */
  | "chain-too-large"
  /** A buffer or indirect table lies (partly) outside guest RAM (§2.6.5). */
  | "out-of-ram"
  /** `addr + len` does not fit in 64 bits (§2.6.5). */
  | "address-overflow"
  /** An INDIRECT descriptor while VIRTIO_F_INDIRECT_DESC is off (§2.6.5.3.1). */
  | "indirect-not-negotiated"
  /** An INDIRECT descriptor inside an indirect table (§2.6.5.3.1). */
  | "nested-indirect"
  /** A descriptor with both INDIRECT and NEXT set (§2.6.5.3.1). */
  | "indirect-with-next"
  /** An indirect table of length zero (§2.6.5.3). */
  | "indirect-table-empty"
  /** An indirect table whose length is not a multiple of 16 (§2.6.5.3). */
  | "indirect-table-length"
  /** A device-readable descriptor after a device-writable one (§2.6.4.2). */
  | "readable-after-writable"
  /** `addUsed` with no chain in flight: the used ring would overrun (§2.6.8). */
  | "used-overflow"
  /** `addUsed` with a head or length the used ring cannot carry (§2.6.8). */
  | "invalid-used";

/** The spec section (virtio 1.1 numbering) that each error code enforces. */
export const VIRTQUEUE_ERROR_SECTIONS: Readonly<Record<VirtqueueErrorCode, string>> = {
  "not-ready": "§2.6",
  "misaligned": "§2.6.1",
  "ring-out-of-ram": "§2.6",
  "avail-idx-jump": "§2.6.6",
  "head-out-of-range": "§2.6.5",
  "next-out-of-range": "§2.6.5",
  "chain-too-long": "§2.6.5.3.1",
  "chain-too-large": "§2.6.5.2",
  "out-of-ram": "§2.6.5",
  "address-overflow": "§2.6.5",
  "indirect-not-negotiated": "§2.6.5.3.1",
  "nested-indirect": "§2.6.5.3.1",
  "indirect-with-next": "§2.6.5.3.1",
  "indirect-table-empty": "§2.6.5.3",
  "indirect-table-length": "§2.6.5.3",
  "readable-after-writable": "§2.6.4.2",
  "used-overflow": "§2.6.8",
  "invalid-used": "§2.6.8",
};

/**
 * A broken ring: the driver (or, for `used-*` codes, the device) violated the virtqueue
 * protocol. Devices catch it and set DEVICE_NEEDS_RESET instead of trusting the ring further.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const err = new VirtqueueError("nested-indirect", "descriptor 3 of the indirect table");
 * assert.equal(err.code, "nested-indirect");
 * assert.equal(err.section, "§2.6.5.3.1");
 * assert.match(err.message, /nested-indirect/);
 * ```
 */
export class VirtqueueError extends Error {
  /** What was wrong. */
  readonly code: VirtqueueErrorCode;
  /** The spec section that states the broken rule. */
  readonly section: string;

  /** Builds an error for `code`; `detail` says where (descriptor index, address, ...). */
  constructor(code: VirtqueueErrorCode, detail: string) {
    const section = VIRTQUEUE_ERROR_SECTIONS[code];
    super(`virtqueue ${code} (${section}): ${detail}`);
    this.name = "VirtqueueError";
    this.code = code;
    this.section = section;
  }
}

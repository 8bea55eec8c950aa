/**
 * Virtio feature bits a device backend looks at (virtio 1.1 §6), and a test for them.
 *
 * @module
 */

/** Feature bit 28: indirect descriptor tables (§2.6.5.3). */
export const VIRTIO_F_INDIRECT_DESC = 28;
/** Feature bit 29: `used_event` / `avail_event` notification suppression (§2.6.7). */
export const VIRTIO_F_EVENT_IDX = 29;
/** Feature bit 32: the driver speaks virtio 1.x (§6). */
export const VIRTIO_F_VERSION_1 = 32;

/**
 * The feature mask with bit `bit` set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(featureBit(VIRTIO_F_VERSION_1), 0x1_0000_0000n);
 * ```
 */
export function featureBit(bit: number): bigint {
  if (!Number.isInteger(bit) || bit < 0 || bit > 63) {
    throw new RangeError(`feature bit ${bit} is not in 0..63`);
  }
  return 1n << BigInt(bit);
}

/**
 * True when `features` has bit `bit` set.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const negotiated = featureBit(VIRTIO_F_EVENT_IDX) | featureBit(VIRTIO_F_VERSION_1);
 * assert.equal(hasFeature(negotiated, VIRTIO_F_EVENT_IDX), true);
 * assert.equal(hasFeature(negotiated, VIRTIO_F_INDIRECT_DESC), false);
 * ```
 */
export function hasFeature(features: bigint, bit: number): boolean {
  return (features & featureBit(bit)) !== 0n;
}

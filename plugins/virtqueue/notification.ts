/**
 * The event-index rule shared by both notification directions (virtio 1.1 §2.6.7.2, §2.6.10,
 * and `vring_need_event` in the spec's virtio_queue.h appendix).
 *
 * @module
 */

/**
 * True when moving a 16-bit ring index from `oldIdx` to `newIdx` passes the other side's
 * `eventIdx`, i.e. when `eventIdx` lies in `[oldIdx, newIdx)` modulo 2^16. With VIRTIO_F_EVENT_IDX
 * a notification is due exactly then: "until idx reaches the value used_event + 1" (§2.6.7.1).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(vringNeedEvent(5, 6, 5), true); // entry 5 written: the driver asked for it
 * assert.equal(vringNeedEvent(7, 6, 5), false); // not there yet
 * assert.equal(vringNeedEvent(0xffff, 1, 0xfffe), true); // across the 16-bit wrap
 * ```
 */
export function vringNeedEvent(eventIdx: number, newIdx: number, oldIdx: number): boolean {
  // Both differences are taken modulo 2^16 because the indexes are free-running u16 (§2.6.13.3).
  return ((newIdx - eventIdx - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
}

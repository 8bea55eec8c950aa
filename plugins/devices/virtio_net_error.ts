/**
 * The error a virtio-net device stops with when the driver breaks a rule of the network device
 * rather than of the ring (those are `VirtqueueError`s).
 *
 * @module
 */

/**
 * The driver broke a rule of the network device: the device stops with NEEDS_RESET, as QEMU's
 * `virtio_error` does.
 */
export class VirtioNetError extends Error {
  /** An error with QEMU's wording for the same fault. */
  constructor(message: string) {
    super(message);
    this.name = "VirtioNetError";
  }
}

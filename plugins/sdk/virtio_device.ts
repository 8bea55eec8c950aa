/**
 * The contract between a virtio device and the transport that carries it (virtio-pci today).
 * A plugin device's host-side proxy implements {@link VirtioDevice}; the transport hands it a
 * {@link VirtioActivation} when the driver sets DRIVER_OK, as Firecracker's
 * `VirtioDevice::activate` and cloud-hypervisor's `ActivationContext` do.
 *
 * @module
 */

/**
 * What a virtio device offers its transport: identity, features, queues, configuration space,
 * and the three lifecycle calls. All calls come from the VMM thread and must not block.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { VirtioActivation, VirtioDevice } from "./virtio_device.ts";
 *
 * // An entropy source that answers nothing: the smallest complete device.
 * class SilentRng implements VirtioDevice {
 *   readonly deviceId = 4;
 *   readonly features = 0n;
 *   readonly queueSizes = [64];
 *   readonly configSize = 0;
 *   active: VirtioActivation | undefined;
 *   readConfig(): number {
 *     return 0;
 *   }
 *   writeConfig(): void {}
 *   activate(ctx: VirtioActivation): void {
 *     this.active = ctx;
 *   }
 *   notify(): void {}
 *   reset(): void {
 *     this.active = undefined;
 *   }
 * }
 * const rng = new SilentRng();
 * assert.equal(rng.queueSizes.length, 1);
 * ```
 */
export interface VirtioDevice {
  /** Virtio device type (§5): 1 net, 2 block, 3 console, 4 rng, 5 balloon. */
  readonly deviceId: number;
  /** Device feature bits; the transport adds its own (ring and version bits). */
  readonly features: bigint;
  /** Maximum size of each queue, a power of two; the array length is the queue count. */
  readonly queueSizes: readonly number[];
  /** Bytes of device configuration space. */
  readonly configSize: number;
  /**
   * Features a legacy driver is assumed to handle when it acks VIRTIO_F_BAD_FEATURE, i.e. when it
   * negotiates wrongly (what QEMU's `bad_features` returned). @default 0n
   */
  readonly badFeaturesFallback?: bigint;
  /** Reads `size` bytes of device configuration at `offset` (always within `configSize`). */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  /** Writes `size` bytes of device configuration at `offset` (always within `configSize`). */
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void;
  /** The driver configured the queues and set DRIVER_OK; `ctx` gives layouts and interrupts. */
  activate(ctx: VirtioActivation): void;
  /** The driver notified queue `index` (only after `activate`). */
  notify(index: number): void;
  /** The driver or the machine reset the device: drop all queue state. */
  reset(): void;
}

/**
 * Where one configured queue lives in guest memory.
 *
 * @example
 * ```ts
 * import type { VirtioQueueConfig } from "./virtio_device.ts";
 * const q: VirtioQueueConfig = {
 *   index: 0,
 *   size: 256,
 *   desc: 0x10000,
 *   avail: 0x11000,
 *   used: 0x12000,
 *   legacy: true,
 * };
 * ```
 */
export interface VirtioQueueConfig {
  /** Queue index. */
  index: number;
  /** Queue size the driver chose (the maximum for a legacy driver). */
  size: number;
  /** Guest-physical address of the descriptor table. */
  desc: number;
  /** Guest-physical address of the available (driver) ring. */
  avail: number;
  /** Guest-physical address of the used (device) ring. */
  used: number;
  /** Set up through the legacy QUEUE_PFN register (rings in the §2.6.2 legacy layout). */
  legacy: boolean;
}

/**
 * What the transport hands a device when the driver starts it: negotiated features, the queues
 * the driver configured, and the interrupt and failure paths back to the guest.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { VirtioActivation } from "./virtio_device.ts";
 *
 * const raised: number[] = [];
 * const ctx: VirtioActivation = {
 *   features: 1n << 32n,
 *   queues: [{ index: 0, size: 8, desc: 0x1000, avail: 0x1080, used: 0x10a0, legacy: false }],
 *   interruptQueue: (index) => raised.push(index),
 *   interruptConfig: () => raised.push(-1),
 *   fail: (reason) => assert.fail(reason),
 * };
 * ctx.interruptQueue(0);
 * assert.deepEqual(raised, [0]);
 * ```
 */
export interface VirtioActivation {
  /** The negotiated feature bits. */
  features: bigint;
  /** The queues the driver configured, in index order; unconfigured queues are absent. */
  queues: VirtioQueueConfig[];
  /** Raises a used-buffer interrupt for queue `index` (MSI-X vector, or INTx and ISR bit 0). */
  interruptQueue(index: number): void;
  /** Raises a configuration-change interrupt (ISR bit 1, or the configuration MSI-X vector). */
  interruptConfig(): void;
  /** The device failed: sets DEVICE_NEEDS_RESET (status 0x40) and raises a config interrupt. */
  fail(reason: string): void;
}

/**
 * The contract between a virtio device backend and the transport that carries it. The device
 * never learns which transport (legacy or modern PCI, later MMIO) the driver used: everything it
 * needs is handed over at activation (as Firecracker's `VirtioDevice::activate` and
 * cloud-hypervisor's `ActivationContext` do).
 *
 * @module
 */

/** What a virtio device backend offers its transport. */
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
   * negotiates wrongly (what QEMU's `bad_features` returned; for a network card, those Linux
   * 2.6.25 understood). @default 0n
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

/** Where one configured queue lives in guest memory. */
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

/** What the transport hands a device when the driver starts it. */
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

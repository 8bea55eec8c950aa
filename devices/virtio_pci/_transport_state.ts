import { type AccessSize, allOnes } from "../bus/access.ts";
import { checkQueueSize, layoutLegacy } from "../../plugins/virtqueue/ring_layout.ts";
import {
  VIRTIO_CONFIG_S_DRIVER_OK,
  VIRTIO_CONFIG_S_FEATURES_OK,
  VIRTIO_CONFIG_S_NEEDS_RESET,
  VIRTIO_F_VERSION_1,
  VIRTIO_NO_VECTOR,
  VIRTIO_PCI_ISR_CONFIG,
  VIRTIO_PCI_ISR_QUEUE,
} from "./virtio_constants.ts";
import type { VirtioActivation, VirtioDevice, VirtioQueueConfig } from "./virtio_device.ts";

/** Highest queue index + 1 a driver can select: QEMU's VIRTIO_QUEUE_MAX. */
export const VIRTIO_QUEUE_MAX = 1024;

const VERSION_1 = 1n << BigInt(VIRTIO_F_VERSION_1);

/** One queue's registers. Addresses are kept as 32-bit halves, as the modern registers are. */
export interface QueueState {
  /** Largest size the device supports. */
  readonly max: number;
  /** Size in use: the maximum unless a modern driver chose a smaller power of two. */
  size: number;
  /** Legacy QUEUE_PFN, 0 when not set through the legacy interface. */
  pfn: number;
  /** desc, driver (avail), device (used) addresses: low, high halves each. */
  readonly addr: Uint32Array;
  /** Configured: a non-zero PFN was written, or queue_enable set to 1. */
  enabled: boolean;
  /** Configured through QUEUE_PFN (legacy ring layout). */
  legacy: boolean;
  /** MSI-X vector for used-buffer interrupts, or VIRTIO_NO_VECTOR. */
  vector: number;
}

/** How the state reaches the interrupt hardware of its PCI function. */
export interface TransportInterrupts {
  /** MSI-X is present and enabled: interrupts go out as messages, not INTx. */
  msixEnabled(): boolean;
  /** `vector` can be used (it is below the table size). */
  vectorUsable(vector: number): boolean;
  /** Signals an MSI-X vector (masked vectors become pending). */
  sendMsix(vector: number): void;
  /** Drives INTx pin A. */
  setIntx(level: boolean): void;
  /** Bus mastering is enabled, so the device may touch guest memory. */
  busMaster(): boolean;
}

/** Feature sets the two interfaces offer. */
export interface OfferedFeatures {
  /** What the legacy HOST_FEATURES register shows (32 bits). */
  legacy: bigint;
  /** What the modern device_feature window shows, or undefined without the modern interface. */
  modern: bigint | undefined;
}

/**
 * The state a virtio PCI function holds whichever interface the driver uses: status, features,
 * queues, ISR, MSI-X vector assignments, and the device's activation. The legacy I/O registers and
 * the modern capability regions are two views onto this one state, so a transitional device
 * behaves the same through either.
 */
export class TransportState {
  /** The device carried. */
  readonly device: VirtioDevice;
  /** Offered features per interface. */
  readonly offered: OfferedFeatures;
  /** Per-queue registers, one per device queue. */
  readonly queues: QueueState[];
  /** Device status byte (§2.1). */
  status = 0;
  /** Interrupt status (§4.1.4.5): bit 0 queue, bit 1 configuration. */
  isr = 0;
  /** Features the driver acknowledged (as written; see `negotiated` for what the device gets). */
  driverFeatures = 0n;
  /** Selected queue. */
  queueSelect = 0;
  /** MSI-X vector for configuration changes. */
  configVector = VIRTIO_NO_VECTOR;
  /** Modern config_generation, bumped whenever the device reports a configuration change. */
  configGeneration = 0;
  /** Modern device_feature_select. */
  deviceFeatureSelect = 0;
  /** Modern driver_feature_select. */
  driverFeatureSelect = 0;
  /** Why the device last failed, until the next reset. */
  failure: string | undefined;
  readonly #irq: TransportInterrupts;
  #active = false;
  /** Bumped by every reset so that an old activation's callbacks fall silent. */
  #epoch = 0;

  /** Builds reset-state registers for `device`; bad queue sizes throw. */
  constructor(device: VirtioDevice, offered: OfferedFeatures, irq: TransportInterrupts) {
    if (device.queueSizes.length > VIRTIO_QUEUE_MAX) {
      throw new Error(`a virtio device has at most ${VIRTIO_QUEUE_MAX} queues`);
    }
    device.queueSizes.forEach((size) => checkQueueSize(size));
    this.device = device;
    this.offered = offered;
    this.#irq = irq;
    this.queues = device.queueSizes.map((max) => ({
      max,
      size: max,
      pfn: 0,
      addr: new Uint32Array(6),
      enabled: false,
      legacy: false,
      vector: VIRTIO_NO_VECTOR,
    }));
  }

  /** The selected queue, or undefined when the selector names a queue the device lacks. */
  get selected(): QueueState | undefined {
    return this.queues[this.queueSelect];
  }

  /** True once the device was activated, until the next reset. */
  get active(): boolean {
    return this.#active;
  }

  /** The driver acked VIRTIO_F_VERSION_1: it is a modern driver. */
  get modernDriver(): boolean {
    return (this.driverFeatures & VERSION_1) !== 0n;
  }

  /** What the device is told was negotiated: the driver's bits the interface it used offered. */
  get negotiated(): bigint {
    const offered = this.modernDriver ? this.offered.modern ?? 0n : this.offered.legacy;
    return this.driverFeatures & offered;
  }

  /**
   * Queue selection. Any index below VIRTIO_QUEUE_MAX is taken, so that selecting a queue the
   * device lacks reads back size 0, which is how a driver learns the queue does not exist
   * (virtio 0.9.5 "Queue Size"; §4.1.4.3 queue_size). Larger values are ignored, as in QEMU.
   */
  selectQueue(index: number): void {
    if (index < VIRTIO_QUEUE_MAX) this.queueSelect = index;
  }

  /** Stores driver features; frozen once FEATURES_OK is set (§2.2.2, §3.1.1 step 5). */
  setDriverFeatures(features: bigint): void {
    if (this.status & VIRTIO_CONFIG_S_FEATURES_OK) return;
    this.driverFeatures = features;
  }

  /**
   * A status write through either interface (§2.1, §3.1.1). Zero resets. Setting FEATURES_OK
   * sticks only when the driver accepted VERSION_1 and nothing the modern interface did not offer
   * (§2.2.2: otherwise the bit reads back clear and the driver gives up). Setting DRIVER_OK starts
   * the device.
   */
  writeStatus(value: number): void {
    value &= 0xff;
    if (value === 0) {
      this.reset();
      return;
    }
    const old = this.status;
    if ((value & VIRTIO_CONFIG_S_FEATURES_OK) && !(old & VIRTIO_CONFIG_S_FEATURES_OK)) {
      const modern = this.offered.modern;
      const ok = modern !== undefined && this.modernDriver &&
        (this.driverFeatures & ~modern) === 0n;
      if (!ok) value &= ~VIRTIO_CONFIG_S_FEATURES_OK;
    }
    this.status = value;
    if ((value & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_DRIVER_OK)) this.#start();
  }

  /**
   * Bus mastering was turned off: clear DRIVER_OK and nothing else. The 2009 code wrote
   * `status &= !VIRTIO_CONFIG_S_DRIVER_OK`, a logical not that zeroes the whole byte; the intent,
   * and what QEMU does since, is to clear the one bit. The device stays activated: a driver that
   * turns mastering back on and sets DRIVER_OK again resumes it.
   */
  busMasterCleared(): void {
    this.status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
  }

  /**
   * Legacy QUEUE_PFN: rings at `pfn * 4096` in the §2.6.2 layout for the queue's size; 0 resets
   * the device. A PFN for a queue the device lacks is ignored.
   */
  writeQueuePfn(pfn: number): void {
    if (pfn === 0) {
      this.reset();
      return;
    }
    const q = this.selected;
    if (!q) return;
    const layout = layoutLegacy(pfn, q.size);
    q.pfn = pfn;
    setAddr(q, 0, layout.desc);
    setAddr(q, 1, layout.avail);
    setAddr(q, 2, layout.used);
    q.enabled = true;
    q.legacy = true;
  }

  /** Modern queue_enable: 1 enables the selected queue; 0 is not a valid write (§4.1.4.3.2). */
  writeQueueEnable(value: number): void {
    const q = this.selected;
    if (!q || value !== 1 || q.enabled) return;
    q.enabled = true;
    q.legacy = false;
  }

  /** Modern queue_size: a power of two up to the maximum, before the queue is enabled (§2.6). */
  writeQueueSize(value: number): void {
    const q = this.selected;
    if (!q || q.enabled) return;
    if (value >= 1 && value <= q.max && (value & (value - 1)) === 0) q.size = value;
  }

  /** One 32-bit half (`part` 0-5: desc lo/hi, driver lo/hi, device lo/hi) of a modern address. */
  writeQueueAddress(part: number, value: number): void {
    const q = this.selected;
    if (!q || q.enabled) return;
    q.addr[part] = value;
  }

  /**
   * The driver notified queue `index`. Ignored for queues not configured, while bus mastering is
   * off (the device could not read its rings) and after the device failed. A legacy driver may
   * kick before DRIVER_OK: Linux 2.6.3x virtio-blk read the partition table and virtio-net filled
   * its receive ring during probe, before DRIVER_OK. As QEMU's `start_on_kick`, such a kick starts
   * the device; a modern driver must not notify before DRIVER_OK (§3.1.1), so its kick is dropped.
   */
  notify(index: number): void {
    const q = this.queues[index];
    if (!q?.enabled || !this.#irq.busMaster()) return;
    if (this.status & VIRTIO_CONFIG_S_NEEDS_RESET) return;
    if (!this.#active) {
      if (this.modernDriver) return;
      this.#start();
    }
    this.#guard(() => this.device.notify(index));
  }

  /**
   * A device configuration read at `offset` of the device's own space. Accesses that do not lie
   * wholly inside it read all-ones without reaching the device (QEMU's `virtio_config_read*`).
   */
  readConfig(offset: number, size: AccessSize): number {
    if (offset < 0 || offset + size > this.device.configSize) return allOnes(size);
    let value = allOnes(size);
    this.#guard(() => (value = this.device.readConfig(offset, size)));
    return value;
  }

  /** A device configuration write; outside the device's space it is dropped. */
  writeConfig(offset: number, size: AccessSize, value: number): void {
    if (offset < 0 || offset + size > this.device.configSize) return;
    this.#guard(() => this.device.writeConfig(offset, size, value));
  }

  /** A vector register write: a vector the MSI-X table lacks reads back VIRTIO_NO_VECTOR. */
  usableVector(vector: number): number {
    return this.#irq.vectorUsable(vector) ? vector : VIRTIO_NO_VECTOR;
  }

  /** Reading ISR returns and clears it and lowers INTx (§4.1.4.5). */
  readIsr(): number {
    const v = this.isr;
    this.isr = 0;
    this.#irq.setIntx(false);
    return v;
  }

  /** MSI-X was enabled or disabled: with MSI-X on, the function must not assert INTx. */
  msixControlChanged(): void {
    if (this.#irq.msixEnabled()) this.#irq.setIntx(false);
  }

  /**
   * Back to the reset state (§2.4): status, features, queues and vectors cleared, INTx released,
   * and the device told to drop its queues. Every reset path of the transport ends here.
   */
  reset(): void {
    this.status = 0;
    this.isr = 0;
    this.driverFeatures = 0n;
    this.queueSelect = 0;
    this.configVector = VIRTIO_NO_VECTOR;
    this.configGeneration = 0;
    this.deviceFeatureSelect = 0;
    this.driverFeatureSelect = 0;
    this.failure = undefined;
    for (const q of this.queues) {
      q.size = q.max;
      q.pfn = 0;
      q.addr.fill(0);
      q.enabled = false;
      q.legacy = false;
      q.vector = VIRTIO_NO_VECTOR;
    }
    this.#active = false;
    this.#epoch++;
    this.#irq.setIntx(false);
    try {
      this.device.reset();
    } catch (e) {
      // Only noted: a status of 0 must read back 0 after a reset, or a driver polling for it
      // (Linux's vp_reset) would wait forever.
      this.failure = errorText(e);
    }
  }

  #start(): void {
    if (this.#active) return;
    this.#active = true;
    const epoch = this.#epoch;
    const live = () => epoch === this.#epoch;
    const queues: VirtioQueueConfig[] = [];
    this.queues.forEach((q, index) => {
      if (!q.enabled) return;
      queues.push({
        index,
        size: q.size,
        desc: getAddr(q, 0),
        avail: getAddr(q, 1),
        used: getAddr(q, 2),
        legacy: q.legacy,
      });
    });
    const ctx: VirtioActivation = {
      features: this.negotiated,
      queues,
      interruptQueue: (index) => {
        const q = this.queues[index];
        if (!live() || !q) return;
        this.isr |= VIRTIO_PCI_ISR_QUEUE;
        this.#signal(q.vector);
      },
      interruptConfig: () => {
        if (live()) this.#configChanged();
      },
      fail: (reason) => {
        if (live()) this.#fail(String(reason));
      },
    };
    this.#guard(() => this.device.activate(ctx));
  }

  /**
   * Runs a device call made on behalf of a guest access. A device that throws must not take the
   * CPU loop down with it: it is failed as if it had called `fail()` (DESIGN.md, Plugins).
   */
  #guard(call: () => void): void {
    try {
      call();
    } catch (e) {
      this.#fail(errorText(e));
    }
  }

  #fail(reason: string): void {
    this.failure = reason;
    this.status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    this.#configChanged();
  }

  #configChanged(): void {
    this.configGeneration = (this.configGeneration + 1) & 0xff;
    // As QEMU (virtio_notify_config): no configuration interrupt before DRIVER_OK, and both ISR
    // bits are set, so an INTx handler that only looks at bit 0 still sees the interrupt and
    // Linux's vp_interrupt sees bit 1 and rereads the configuration.
    if (!(this.status & VIRTIO_CONFIG_S_DRIVER_OK)) return;
    this.isr |= VIRTIO_PCI_ISR_QUEUE | VIRTIO_PCI_ISR_CONFIG;
    this.#signal(this.configVector);
  }

  /** With MSI-X on, the vector's message (none for VIRTIO_NO_VECTOR, §4.1.5.1.2); else INTx. */
  #signal(vector: number): void {
    if (this.#irq.msixEnabled()) {
      if (vector !== VIRTIO_NO_VECTOR) this.#irq.sendMsix(vector);
      return;
    }
    this.#irq.setIntx((this.isr & VIRTIO_PCI_ISR_QUEUE) !== 0);
  }
}

function errorText(e: unknown): string {
  return `device error: ${e instanceof Error ? e.message : String(e)}`;
}

/** A queue address from its two 32-bit halves. */
function getAddr(q: QueueState, which: 0 | 1 | 2): number {
  return q.addr[2 * which + 1] * 2 ** 32 + q.addr[2 * which];
}

function setAddr(q: QueueState, which: 0 | 1 | 2, value: number): void {
  q.addr[2 * which] = value % 2 ** 32;
  q.addr[2 * which + 1] = Math.floor(value / 2 ** 32);
}

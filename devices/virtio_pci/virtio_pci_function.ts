import type { AccessSize, BusHandler } from "../bus/access.ts";
import { PCI_COMMAND, PCI_COMMAND_MASTER } from "../pci/config_regs.ts";
import { PciFunction } from "../pci/pci_function.ts";
import { TransportState } from "./_transport_state.ts";
import { legacyBarSize, legacyRegisters } from "./legacy_registers.ts";
import { addModernCapabilities, PciCfgWindow } from "./modern_capabilities.ts";
import { MODERN_BAR_SIZE, modernRegisters } from "./modern_registers.ts";
import { Msix } from "./msix.ts";
import {
  transitionalDeviceId,
  VIRTIO_F_BAD_FEATURE,
  VIRTIO_F_NOTIFY_ON_EMPTY,
  VIRTIO_F_VERSION_1,
  VIRTIO_PCI_MODERN_DEVICE_ID_BASE,
  VIRTIO_PCI_MODERN_SUBSYSTEM_ID,
  VIRTIO_PCI_VENDOR_ID,
  VIRTIO_RING_F_INDIRECT_DESC,
} from "./virtio_constants.ts";
import type { VirtioDevice } from "./virtio_device.ts";

/** BAR of the legacy I/O registers. */
export const VIRTIO_PCI_LEGACY_BAR = 0;
/** BAR of the MSI-X table and PBA. */
export const VIRTIO_PCI_MSIX_BAR = 1;
/** BAR of the modern regions (QEMU's `modern_mem_bar_idx`). */
export const VIRTIO_PCI_MODERN_BAR = 4;

/** How a virtio device is presented on PCI. */
export interface VirtioPciOptions {
  /** Base class and sub-class, e.g. 0x0100 (SCSI storage) for virtio-blk, 0x0200 for net. */
  classCode: number;
  /** Name in bus registrations and errors. @default "virtio-pci-<device type>" */
  name?: string;
  /** MSI-X vectors; 0 leaves out the MSI-X capability and BAR1. @default 0 */
  vectors?: number;
  /** Sends an MSI-X message (the local APIC decodes it); required when `vectors` > 0. */
  deliverMsi?: (address: number, data: number) => void;
  /** QEMU's `disable-legacy=on`: no BAR0, modern device ID and revision 1. @default false */
  disableLegacy?: boolean;
  /** QEMU's `disable-modern=on`: no modern capabilities, BAR4 or VERSION_1. @default false */
  disableModern?: boolean;
}

const bit = (n: number) => 1n << BigInt(n);
/** Transport bits the legacy interface adds, as QEMU 2009 did in `virtio_ioport_read`. */
const LEGACY_TRANSPORT_FEATURES = bit(VIRTIO_F_NOTIFY_ON_EMPTY) |
  bit(VIRTIO_RING_F_INDIRECT_DESC) | bit(VIRTIO_F_BAD_FEATURE);
/** Bits that exist only in the legacy interface (§6.3 "Legacy Interface: Reserved Feature Bits"). */
const LEGACY_ONLY_FEATURES = bit(VIRTIO_F_NOTIFY_ON_EMPTY) | bit(VIRTIO_F_BAD_FEATURE);

/**
 * A virtio device on PCI (virtio 1.x §4.1): transitional by default (the legacy I/O registers in
 * BAR0 and the modern capabilities in BAR4), legacy-only or modern-only on request, with optional
 * MSI-X in BAR1 and INTx pin A otherwise. The device behind it sees only `VirtioDevice` calls.
 */
export class VirtioPciFunction extends PciFunction {
  /** The device carried. */
  readonly device: VirtioDevice;
  /** The MSI-X capability, when `vectors` > 0. */
  readonly msix: Msix | undefined;
  /** BAR0 handler of the legacy interface, when present. */
  readonly legacyHandler: BusHandler | undefined;
  /** BAR4 handler of the modern interface, when present. */
  readonly modernHandler: BusHandler | undefined;
  readonly #state: TransportState;
  readonly #pciCfg: PciCfgWindow | undefined;
  readonly #bars = new Map<number, { size: number; handler: BusHandler }>();
  #deviceView = false;

  /** Presents `device`; contradictory or out-of-range options throw. */
  constructor(device: VirtioDevice, options: VirtioPciOptions) {
    const type = device?.deviceId;
    if (!Number.isInteger(type) || type < 1 || type > 0xffff - VIRTIO_PCI_MODERN_DEVICE_ID_BASE) {
      throw new Error(`virtio device type ${type} is not valid`);
    }
    const name = options.name ?? `virtio-pci-${type}`;
    const legacy = !options.disableLegacy;
    const modern = !options.disableModern;
    if (!legacy && !modern) {
      throw new Error(`${name}: disableLegacy and disableModern leave no interface`);
    }
    const legacyId = transitionalDeviceId(type);
    if (legacy && legacyId === undefined) {
      throw new Error(`${name}: virtio type ${type} has no transitional PCI ID; set disableLegacy`);
    }
    const configSize = device.configSize;
    if (!Number.isInteger(configSize) || configSize < 0 || configSize > 0x1000) {
      throw new Error(`${name}: device configuration size ${configSize} is not 0 to 4096`);
    }
    const vectors = options.vectors ?? 0;
    if (!Number.isInteger(vectors) || vectors < 0) {
      throw new Error(`${name}: MSI-X vectors ${vectors} is not a count`);
    }
    if (vectors > 0 && typeof options.deliverMsi !== "function") {
      throw new Error(`${name}: MSI-X vectors need a deliverMsi function`);
    }
    // §4.1.2: a transitional function keeps its legacy ID, revision 0 and the virtio type as
    // subsystem ID, which is what legacy drivers match on; a modern-only one is 1040h + type,
    // revision 1, and QEMU's default subsystem.
    super({
      name,
      vendorId: VIRTIO_PCI_VENDOR_ID,
      deviceId: legacy ? legacyId! : VIRTIO_PCI_MODERN_DEVICE_ID_BASE + type,
      classCode: options.classCode,
      revision: legacy ? 0 : 1,
      subsystemVendorId: VIRTIO_PCI_VENDOR_ID,
      subsystemId: legacy ? type : VIRTIO_PCI_MODERN_SUBSYSTEM_ID,
      interruptPin: 1,
    });
    this.device = device;

    const features = BigInt.asUintN(64, device.features ?? 0n);
    this.#state = new TransportState(device, {
      legacy: legacy ? (features | LEGACY_TRANSPORT_FEATURES) & 0xffffffffn : 0n,
      modern: modern
        ? (features | bit(VIRTIO_RING_F_INDIRECT_DESC) | bit(VIRTIO_F_VERSION_1)) &
          ~LEGACY_ONLY_FEATURES
        : undefined,
    }, {
      msixEnabled: () => this.msix?.enabled ?? false,
      vectorUsable: (v) => this.msix !== undefined && v < this.msix.vectors,
      sendMsix: (v) => this.msix?.notify(v),
      setIntx: (level) => this.setIntx(level),
      busMaster: () => (this.command & PCI_COMMAND_MASTER) !== 0,
    });
    const state = this.#state;

    if (legacy) {
      this.legacyHandler = legacyRegisters(state, () => this.msix?.enabled ?? false, name);
      this.#bar(
        VIRTIO_PCI_LEGACY_BAR,
        "io",
        legacyBarSize(configSize, vectors > 0),
        this.legacyHandler,
      );
    }
    if (modern) {
      this.modernHandler = modernRegisters(state, name);
      this.#bar(VIRTIO_PCI_MODERN_BAR, "mem32", MODERN_BAR_SIZE, this.modernHandler);
      const caps = addModernCapabilities(this, VIRTIO_PCI_MODERN_BAR, {
        configSize,
        queueCount: device.queueSizes.length,
      });
      this.#pciCfg = new PciCfgWindow(this, caps.pciCfg, {
        barSize: (bar) => this.#bars.get(bar)?.size,
        read: (bar, offset, size) => this.#bars.get(bar)!.handler.read(offset, size),
        write: (bar, offset, size, value) =>
          this.#bars.get(bar)!.handler.write(offset, size, value),
      });
    }
    if (vectors > 0) {
      this.msix = new Msix(this, {
        vectors,
        bar: VIRTIO_PCI_MSIX_BAR,
        deliver: options.deliverMsi!,
        onControlChange: () => state.msixControlChanged(),
      });
      this.#bars.set(VIRTIO_PCI_MSIX_BAR, { size: this.msix.barSize, handler: this.msix.handler });
    }

    // The 2009 code reacted to every command write with bus mastering clear, not only to the bit
    // going from 1 to 0; clearing DRIVER_OK is idempotent, so both readings agree.
    this.watchConfig(PCI_COMMAND, 2, () => {
      if ((this.command & PCI_COMMAND_MASTER) === 0) state.busMasterCleared();
    });
  }

  /** Device status byte (§2.1). */
  get status(): number {
    return this.#state.status;
  }

  /** Interrupt status, without the read-to-clear side effect. */
  get isr(): number {
    return this.#state.isr;
  }

  /** Features the device was (or would now be) activated with. */
  get negotiatedFeatures(): bigint {
    return this.#state.negotiated;
  }

  /** The reason the device gave when it last failed, until the next reset. */
  get failure(): string | undefined {
    return this.#state.failure;
  }

  /** A guest configuration read; reading pci_cfg_data first performs the BAR read it stands for. */
  override readConfig(offset: number, size: AccessSize): number {
    if (!this.#deviceView && this.#pciCfg?.coversData(offset, size)) this.#pciCfg.latchRead();
    return super.readConfig(offset, size);
  }

  /** The device's own read of configuration bytes, without the guest-read side effect above. */
  override getConfig(offset: number, size: AccessSize): number {
    // PciFunction.getConfig reads through readConfig; mark the read as the device's own.
    this.#deviceView = true;
    try {
      return super.getConfig(offset, size);
    } finally {
      this.#deviceView = false;
    }
  }

  /**
   * RST#: the PCI header, MSI-X and the configuration window return to power-on state, then the
   * virtio device is reset. A virtio reset alone (status 0, QUEUE_PFN 0) leaves MSI-X alone.
   */
  override reset(): void {
    super.reset();
    this.msix?.reset();
    this.#pciCfg?.reset();
    this.#state.reset();
  }

  #bar(index: number, kind: "io" | "mem32", size: number, handler: BusHandler): void {
    this.defineBar(index, { kind, size, handler });
    this.#bars.set(index, { size, handler });
  }
}

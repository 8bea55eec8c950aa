import type { AccessSize } from "../bus/access.ts";
import { PCI_CAP_ID_VNDR } from "../pci/config_regs.ts";
import type { PciFunction } from "../pci/pci_function.ts";
import { COMMON_CFG_LAYOUT, MODERN_REGIONS, NOTIFY_OFF_MULTIPLIER } from "./modern_registers.ts";
import { VIRTIO_PCI_CAP } from "./virtio_constants.ts";

/** Bytes of `struct virtio_pci_cap` (§4.1.4). */
export const VIRTIO_PCI_CAP_LENGTH = 16;
/** Bytes of `struct virtio_pci_notify_cap` and `struct virtio_pci_cfg_cap` (§4.1.4.4, §4.1.4.8). */
export const VIRTIO_PCI_CAP_LENGTH_EXTENDED = 20;

/** Offsets inside a virtio vendor capability (§4.1.4). */
export const VIRTIO_PCI_CAP_FIELD = {
  cap_len: 2,
  cfg_type: 3,
  bar: 4,
  id: 5,
  offset: 8,
  length: 12,
  /** notify_off_multiplier of the notify capability, pci_cfg_data of the access capability. */
  extra: 16,
} as const;

/** Configuration-space offsets of the capabilities a modern function carries. */
export interface ModernCapabilityOffsets {
  /** VIRTIO_PCI_CAP_COMMON_CFG. */
  common: number;
  /** VIRTIO_PCI_CAP_ISR_CFG. */
  isr: number;
  /** VIRTIO_PCI_CAP_DEVICE_CFG, absent when the device has no configuration. */
  device: number | undefined;
  /** VIRTIO_PCI_CAP_NOTIFY_CFG. */
  notify: number;
  /** VIRTIO_PCI_CAP_PCI_CFG. */
  pciCfg: number;
}

/**
 * Adds the vendor capabilities that locate the modern regions in BAR `bar` (§4.1.4), in QEMU's
 * order so that they land at the same configuration offsets (0x40 common, 0x50 ISR, 0x60 device,
 * 0x70 notify, then the PCI configuration access capability). Lengths are those of the
 * structures, not of the 4 KiB pages that hold them.
 */
export function addModernCapabilities(
  fn: PciFunction,
  bar: number,
  sizes: { configSize: number; queueCount: number },
): ModernCapabilityOffsets {
  const add = (type: number, offset: number, length: number, capLength = VIRTIO_PCI_CAP_LENGTH) => {
    const cap = fn.addCapability(PCI_CAP_ID_VNDR, capLength);
    fn.setConfig(cap + VIRTIO_PCI_CAP_FIELD.cap_len, 1, capLength);
    fn.setConfig(cap + VIRTIO_PCI_CAP_FIELD.cfg_type, 1, type);
    fn.setConfig(cap + VIRTIO_PCI_CAP_FIELD.bar, 1, bar);
    fn.setConfig(cap + VIRTIO_PCI_CAP_FIELD.offset, 4, offset);
    fn.setConfig(cap + VIRTIO_PCI_CAP_FIELD.length, 4, length);
    return cap;
  };
  const common = add(VIRTIO_PCI_CAP.COMMON_CFG, MODERN_REGIONS.common, COMMON_CFG_LAYOUT.size);
  const isr = add(VIRTIO_PCI_CAP.ISR_CFG, MODERN_REGIONS.isr, 1);
  const device = sizes.configSize > 0
    ? add(VIRTIO_PCI_CAP.DEVICE_CFG, MODERN_REGIONS.device, sizes.configSize)
    : undefined;
  // §4.1.4.4: the region must reach queue_notify_off * multiplier + 2 for every queue.
  const notifyLength = Math.max(1, sizes.queueCount) * NOTIFY_OFF_MULTIPLIER;
  const notify = add(
    VIRTIO_PCI_CAP.NOTIFY_CFG,
    MODERN_REGIONS.notify,
    notifyLength,
    VIRTIO_PCI_CAP_LENGTH_EXTENDED,
  );
  fn.setConfig(notify + VIRTIO_PCI_CAP_FIELD.extra, 4, NOTIFY_OFF_MULTIPLIER);
  // §4.1.4.8: bar, offset, length and pci_cfg_data are the driver's to write.
  const pciCfg = add(VIRTIO_PCI_CAP.PCI_CFG, 0, 0, VIRTIO_PCI_CAP_LENGTH_EXTENDED);
  fn.setConfig(pciCfg + VIRTIO_PCI_CAP_FIELD.bar, 1, 0);
  fn.setWriteMask(pciCfg + VIRTIO_PCI_CAP_FIELD.bar, 1, 0xff);
  fn.setWriteMask(pciCfg + VIRTIO_PCI_CAP_FIELD.offset, 4, 0xffffffff);
  fn.setWriteMask(pciCfg + VIRTIO_PCI_CAP_FIELD.length, 4, 0xffffffff);
  fn.setWriteMask(pciCfg + VIRTIO_PCI_CAP_FIELD.extra, 4, 0xffffffff);
  return { common, isr, device, notify, pciCfg };
}

/** Reads or writes `size` bytes at `offset` of BAR `bar`, whether or not the BAR is mapped. */
export interface BarAccess {
  /** Size of BAR `bar`, or undefined when the function has no such BAR. */
  barSize(bar: number): number | undefined;
  /** A read from BAR `bar`. */
  read(bar: number, offset: number, size: AccessSize): number;
  /** A write to BAR `bar`. */
  write(bar: number, offset: number, size: AccessSize, value: number): void;
}

/**
 * The VIRTIO_PCI_CAP_PCI_CFG window (§4.1.4.8): a driver that cannot map a BAR sets the
 * capability's bar, offset and length (1, 2 or 4), then writing pci_cfg_data performs that write
 * in the BAR and reading it performs the read and shows the result. Requests outside the BAR, or
 * of another length, do nothing.
 */
export class PciCfgWindow {
  readonly #fn: PciFunction;
  readonly #cap: number;
  readonly #bars: BarAccess;

  /** Serves the capability at configuration offset `cap` of `fn`. */
  constructor(fn: PciFunction, cap: number, bars: BarAccess) {
    this.#fn = fn;
    this.#cap = cap;
    this.#bars = bars;
    fn.watchConfig(cap + VIRTIO_PCI_CAP_FIELD.extra, 4, () => this.#dataWritten());
  }

  /** True when a configuration read of `[offset, offset + size)` includes pci_cfg_data. */
  coversData(offset: number, size: number): boolean {
    const data = this.#cap + VIRTIO_PCI_CAP_FIELD.extra;
    return offset < data + 4 && offset + size > data;
  }

  /** Performs the selected BAR read and latches its bytes into pci_cfg_data. */
  latchRead(): void {
    const target = this.#target();
    if (!target) return;
    const value = this.#bars.read(target.bar, target.offset, target.size);
    this.#fn.setConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.extra, target.size, value);
  }

  /** Clears the driver-written fields (RST#). */
  reset(): void {
    this.#fn.setConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.bar, 1, 0);
    this.#fn.setConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.offset, 4, 0);
    this.#fn.setConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.length, 4, 0);
    this.#fn.setConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.extra, 4, 0);
  }

  #dataWritten(): void {
    const target = this.#target();
    if (!target) return;
    const value = this.#fn.getConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.extra, target.size);
    this.#bars.write(target.bar, target.offset, target.size, value);
  }

  #target(): { bar: number; offset: number; size: AccessSize } | undefined {
    const fn = this.#fn;
    const bar = fn.getConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.bar, 1);
    const offset = fn.getConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.offset, 4);
    const size = fn.getConfig(this.#cap + VIRTIO_PCI_CAP_FIELD.length, 4);
    if (size !== 1 && size !== 2 && size !== 4) return undefined;
    const barSize = this.#bars.barSize(bar);
    if (barSize === undefined || offset + size > barSize) return undefined;
    return { bar, offset, size };
  }
}

/**
 * Numbers of the virtio PCI binding: device status bits (virtio 1.x §2.1), transport feature bits
 * (§6), PCI identities (§4.1.2) and the legacy register layout (§4.1.4.8, Linux's
 * `linux/virtio_pci.h`).
 *
 * @module
 */

/** Device status: the guest found the device (§2.1). */
export const VIRTIO_CONFIG_S_ACKNOWLEDGE = 0x01;
/** Device status: the guest has a driver for it. */
export const VIRTIO_CONFIG_S_DRIVER = 0x02;
/** Device status: the driver is set up and the device may run. */
export const VIRTIO_CONFIG_S_DRIVER_OK = 0x04;
/** Device status: feature negotiation is complete (modern drivers only). */
export const VIRTIO_CONFIG_S_FEATURES_OK = 0x08;
/** Device status: the device hit an error it cannot recover from without a reset. */
export const VIRTIO_CONFIG_S_NEEDS_RESET = 0x40;
/** Device status: the driver gave up on the device. */
export const VIRTIO_CONFIG_S_FAILED = 0x80;

/** Feature bit 24 (legacy only): interrupt even when interrupts are suppressed, on empty ring. */
export const VIRTIO_F_NOTIFY_ON_EMPTY = 24;
/** Feature bit 28: indirect descriptor tables (§2.6.5.3). */
export const VIRTIO_RING_F_INDIRECT_DESC = 28;
/** Feature bit 29: used_event / avail_event (§2.6.7). */
export const VIRTIO_RING_F_EVENT_IDX = 29;
/** Feature bit 30 (legacy only): never offered validly; a driver acking it cannot negotiate. */
export const VIRTIO_F_BAD_FEATURE = 30;
/** Feature bit 32: the driver speaks virtio 1.x (§6). */
export const VIRTIO_F_VERSION_1 = 32;

/** "No MSI-X vector" in a vector register (§4.1.5.1.2). */
export const VIRTIO_NO_VECTOR = 0xffff;
/** ISR bit 0: a virtqueue has used buffers (§4.1.4.5). */
export const VIRTIO_PCI_ISR_QUEUE = 0x1;
/** ISR bit 1: the device configuration changed (§4.1.4.5). */
export const VIRTIO_PCI_ISR_CONFIG = 0x2;

/** PCI vendor ID of every virtio function (Red Hat / Qumranet, §4.1.2). */
export const VIRTIO_PCI_VENDOR_ID = 0x1af4;
/** Modern device IDs are this plus the virtio device type (§4.1.2). */
export const VIRTIO_PCI_MODERN_DEVICE_ID_BASE = 0x1040;
/** Subsystem ID QEMU gives a modern-only function (`PCI_SUBDEVICE_ID_QEMU`). */
export const VIRTIO_PCI_MODERN_SUBSYSTEM_ID = 0x1100;

/** Virtio device types with a classic name (§5). */
export const VIRTIO_ID = {
  net: 1,
  block: 2,
  console: 3,
  rng: 4,
  balloon: 5,
  scsi: 8,
  "9p": 9,
} as const;

/** Transitional PCI device IDs by virtio device type (§4.1.2.3, table "Transitional PCI Device ID"). */
const TRANSITIONAL_DEVICE_IDS: ReadonlyMap<number, number> = new Map([
  [VIRTIO_ID.net, 0x1000],
  [VIRTIO_ID.block, 0x1001],
  [VIRTIO_ID.balloon, 0x1002],
  [VIRTIO_ID.console, 0x1003],
  [VIRTIO_ID.scsi, 0x1004],
  [VIRTIO_ID.rng, 0x1005],
  [VIRTIO_ID["9p"], 0x1009],
]);

/** The transitional (legacy-capable) PCI device ID of a virtio device type, if it has one. */
export function transitionalDeviceId(deviceType: number): number | undefined {
  return TRANSITIONAL_DEVICE_IDS.get(deviceType);
}

/** The legacy interface's queue address shift: QUEUE_PFN holds the ring address / 4096. */
export const VIRTIO_PCI_QUEUE_ADDR_SHIFT = 12;

/** `cfg_type` values of the modern vendor capabilities (§4.1.4). */
export const VIRTIO_PCI_CAP = {
  COMMON_CFG: 1,
  NOTIFY_CFG: 2,
  ISR_CFG: 3,
  DEVICE_CFG: 4,
  PCI_CFG: 5,
} as const;

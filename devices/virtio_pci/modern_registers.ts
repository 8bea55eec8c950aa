import type { BusHandler } from "../bus/access.ts";
import { layoutBlock, RegisterBlock } from "./_register_block.ts";
import type { TransportState } from "./_transport_state.ts";
import { VIRTIO_NO_VECTOR } from "./virtio_constants.ts";

/** `struct virtio_pci_common_cfg` (§4.1.4.3), field by field. */
export const COMMON_CFG_LAYOUT = layoutBlock(
  [
    ["device_feature_select", 4],
    ["device_feature", 4],
    ["driver_feature_select", 4],
    ["driver_feature", 4],
    ["msix_config", 2],
    ["num_queues", 2],
    ["device_status", 1],
    ["config_generation", 1],
    ["queue_select", 2],
    ["queue_size", 2],
    ["queue_msix_vector", 2],
    ["queue_enable", 2],
    ["queue_notify_off", 2],
    ["queue_desc_lo", 4],
    ["queue_desc_hi", 4],
    ["queue_driver_lo", 4],
    ["queue_driver_hi", 4],
    ["queue_device_lo", 4],
    ["queue_device_hi", 4],
  ] as const,
);

/** Offsets of the common configuration fields. */
export const VIRTIO_PCI_COMMON = COMMON_CFG_LAYOUT.offsets;

/**
 * Bytes between the notification addresses of consecutive queues: queue_notify_off is the queue
 * index and this the notify_off_multiplier (§4.1.4.4), as QEMU without page-per-vq.
 */
export const NOTIFY_OFF_MULTIPLIER = 4;

/** Bytes of each region of the modern BAR: one 4 KiB page, as QEMU lays them out. */
const REGION_SIZE = 0x1000;
const REGION_ORDER = ["common", "isr", "device", "notify"] as const;

/** Offset of each region in the modern BAR: common, ISR, device configuration, notifications. */
export const MODERN_REGIONS = Object.fromEntries(
  REGION_ORDER.map((region, i) => [region, i * REGION_SIZE]),
) as Readonly<Record<typeof REGION_ORDER[number], number>>;

/** Size of the modern BAR: its regions, one page each. */
export const MODERN_BAR_SIZE = REGION_ORDER.length * REGION_SIZE;

/**
 * The handler of the modern memory BAR: common configuration, ISR, device configuration and
 * notification regions (§4.1.4.3-§4.1.4.6). Within the common configuration an access is decoded
 * by its starting offset, as QEMU's `virtio_pci_common_read/write`: other offsets read 0 and ignore
 * writes (§4.1.3.1 requires the driver to use each field's own width).
 */
export function modernRegisters(state: TransportState, name: string): BusHandler {
  const modern = state.offered.modern ?? 0n;
  const queueField = (get: (q: NonNullable<TransportState["selected"]>) => number) => () => {
    const q = state.selected;
    return q ? get(q) : 0;
  };
  const address = (part: number) => ({
    read: queueField((q) => q.addr[part]),
    write: (v: number) => state.writeQueueAddress(part, v >>> 0),
  });
  const common = new RegisterBlock(COMMON_CFG_LAYOUT, {
    device_feature_select: {
      read: () => state.deviceFeatureSelect,
      write: (v) => (state.deviceFeatureSelect = v >>> 0),
    },
    device_feature: { read: () => window32(modern, state.deviceFeatureSelect) },
    driver_feature_select: {
      read: () => state.driverFeatureSelect,
      write: (v) => (state.driverFeatureSelect = v >>> 0),
    },
    driver_feature: {
      read: () => window32(state.driverFeatures, state.driverFeatureSelect),
      write: (v) => {
        // Only two windows exist (bits 0-63); writes to others are dropped, as QEMU does.
        const sel = state.driverFeatureSelect;
        if (sel > 1) return;
        const shift = BigInt(32 * sel);
        const keep = state.driverFeatures & ~(0xffffffffn << shift);
        state.setDriverFeatures(keep | (BigInt(v >>> 0) << shift));
      },
    },
    msix_config: {
      read: () => state.configVector,
      write: (v) => (state.configVector = state.usableVector(v)),
    },
    num_queues: { read: () => state.queues.length },
    device_status: { read: () => state.status, write: (v) => state.writeStatus(v) },
    config_generation: { read: () => state.configGeneration },
    queue_select: { read: () => state.queueSelect, write: (v) => state.selectQueue(v) },
    // §4.1.4.3: queue_size reads 0 for a queue the device lacks.
    queue_size: { read: queueField((q) => q.size), write: (v) => state.writeQueueSize(v) },
    queue_msix_vector: {
      read: () => state.selected?.vector ?? VIRTIO_NO_VECTOR,
      write: (v) => {
        const q = state.selected;
        if (q) q.vector = state.usableVector(v);
      },
    },
    queue_enable: {
      read: queueField((q) => (q.enabled ? 1 : 0)),
      write: (v) => state.writeQueueEnable(v),
    },
    queue_notify_off: { read: queueField(() => state.queueSelect) },
    queue_desc_lo: address(0),
    queue_desc_hi: address(1),
    queue_driver_lo: address(2),
    queue_driver_hi: address(3),
    queue_device_lo: address(4),
    queue_device_hi: address(5),
  });

  return {
    name: `${name}-modern`,
    read(offset, size) {
      const region = offset - (offset % REGION_SIZE);
      const o = offset % REGION_SIZE;
      switch (region) {
        case MODERN_REGIONS.common:
          return common.read(o) ?? 0;
        case MODERN_REGIONS.isr:
          return o === 0 ? state.readIsr() : 0;
        case MODERN_REGIONS.device:
          return state.readConfig(o, size);
        default:
          return 0;
      }
    },
    write(offset, size, value) {
      const region = offset - (offset % REGION_SIZE);
      const o = offset % REGION_SIZE;
      switch (region) {
        case MODERN_REGIONS.common:
          common.write(o, value);
          break;
        case MODERN_REGIONS.device:
          state.writeConfig(o, size, value);
          break;
        case MODERN_REGIONS.notify:
          // The address names the queue (§4.1.4.4); the value written is its index again.
          if (o % NOTIFY_OFF_MULTIPLIER === 0) state.notify(o / NOTIFY_OFF_MULTIPLIER);
          break;
      }
    },
  };
}

/** The 32 bits of `features` that window `select` shows: bits 32*select to 32*select + 31. */
function window32(features: bigint, select: number): number {
  if (select > 1) return 0;
  return Number((features >> BigInt(32 * select)) & 0xffffffffn);
}

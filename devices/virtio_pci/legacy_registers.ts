import { allOnes, type BusHandler } from "../bus/access.ts";
import { layoutBlock, RegisterBlock } from "./_register_block.ts";
import type { TransportState } from "./_transport_state.ts";
import { VIRTIO_F_BAD_FEATURE, VIRTIO_NO_VECTOR } from "./virtio_constants.ts";

/**
 * The legacy register block at the start of BAR0 (virtio 0.9.5 appendix, Linux
 * `linux/virtio_pci.h`); the last two exist only while MSI-X is enabled, and device configuration
 * follows the block.
 */
export const LEGACY_LAYOUT = layoutBlock(
  [
    ["HOST_FEATURES", 4],
    ["GUEST_FEATURES", 4],
    ["QUEUE_PFN", 4],
    ["QUEUE_NUM", 2],
    ["QUEUE_SEL", 2],
    ["QUEUE_NOTIFY", 2],
    ["STATUS", 1],
    ["ISR", 1],
    ["MSI_CONFIG_VECTOR", 2],
    ["MSI_QUEUE_VECTOR", 2],
  ] as const,
);

/** Offsets of the legacy registers in BAR0. */
export const VIRTIO_PCI_LEGACY = LEGACY_LAYOUT.offsets;
/** Bytes of legacy registers before device configuration without MSI-X (20). */
export const VIRTIO_PCI_CONFIG_NOMSI = VIRTIO_PCI_LEGACY.MSI_CONFIG_VECTOR;
/** Bytes of legacy registers before device configuration with MSI-X enabled (24). */
export const VIRTIO_PCI_CONFIG_MSI = LEGACY_LAYOUT.size;

/**
 * Size of BAR0: the register block (24 bytes when the function has MSI-X, 20 without) plus the
 * device configuration, rounded up to a power of two as a BAR must be.
 */
export function legacyBarSize(configSize: number, msixPresent: boolean): number {
  const bytes = (msixPresent ? VIRTIO_PCI_CONFIG_MSI : VIRTIO_PCI_CONFIG_NOMSI) + configSize;
  return Math.max(4, 2 ** Math.ceil(Math.log2(bytes)));
}

/**
 * The BAR0 handler of the legacy interface, register for register as QEMU's 2009
 * `virtio_ioport_read/write`: registers are decoded by the access's starting offset whatever its
 * width, an offset that starts no register reads all-ones and ignores writes, and device
 * configuration starts at 24 while MSI-X is enabled, at 20 otherwise.
 */
export function legacyRegisters(
  state: TransportState,
  msixEnabled: () => boolean,
  name: string,
): BusHandler {
  const device = state.device;
  const regs = new RegisterBlock(LEGACY_LAYOUT, {
    HOST_FEATURES: { read: () => Number(state.offered.legacy & 0xffffffffn) },
    GUEST_FEATURES: {
      read: () => Number(state.driverFeatures & 0xffffffffn),
      write: (v) => {
        // A driver that acks BAD_FEATURE did not negotiate at all: give it the features the
        // device knows such drivers handle, or none.
        const features = v & (1 << VIRTIO_F_BAD_FEATURE)
          ? device.badFeaturesFallback ?? 0n
          : BigInt(v >>> 0);
        state.setDriverFeatures(features);
      },
    },
    QUEUE_PFN: {
      read: () => state.selected?.pfn ?? 0,
      write: (v) => state.writeQueuePfn(v >>> 0),
    },
    QUEUE_NUM: { read: () => state.selected?.size ?? 0 },
    QUEUE_SEL: { read: () => state.queueSelect, write: (v) => state.selectQueue(v) },
    QUEUE_NOTIFY: { write: (v) => state.notify(v) },
    STATUS: { read: () => state.status, write: (v) => state.writeStatus(v) },
    ISR: { read: () => state.readIsr() },
    MSI_CONFIG_VECTOR: {
      read: () => state.configVector,
      write: (v) => (state.configVector = state.usableVector(v)),
    },
    MSI_QUEUE_VECTOR: {
      read: () => state.selected?.vector ?? VIRTIO_NO_VECTOR,
      write: (v) => {
        const q = state.selected;
        if (q) q.vector = state.usableVector(v);
      },
    },
  });
  const headerSize = () => msixEnabled() ? VIRTIO_PCI_CONFIG_MSI : VIRTIO_PCI_CONFIG_NOMSI;

  return {
    name: `${name}-legacy`,
    read(offset, size) {
      const header = headerSize();
      if (offset < header) return regs.read(offset, header) ?? allOnes(size);
      return state.readConfig(offset - header, size);
    },
    write(offset, size, value) {
      const header = headerSize();
      if (offset < header) {
        regs.write(offset, value, header);
        return;
      }
      state.writeConfig(offset - header, size, value);
    },
  };
}

/**
 * What a virtio-net device's properties make of it: checked settings, feature bits (virtio 1.1
 * §5.1.3) and the configuration space (§5.1.4), with QEMU's names, defaults and error wording
 * (hw/net/virtio-net.c, hw/core/qdev-properties-system.c).
 *
 * @module
 */

import { featureBit } from "../sdk/mod.ts";

/** §5.1.3: the device has a MAC address in `mac`. */
export const VIRTIO_NET_F_MAC = 5;
/** §5.1.3: the driver can merge receive buffers (`num_buffers`). */
export const VIRTIO_NET_F_MRG_RXBUF = 15;
/** §5.1.3: `status` is valid. */
export const VIRTIO_NET_F_STATUS = 16;
/** §6.3 (legacy): the device accepts any framing of header and data; implied by VERSION_1. */
export const VIRTIO_F_ANY_LAYOUT = 27;

/** §5.1.4: `status` bit: the link is up. */
export const VIRTIO_NET_S_LINK_UP = 1;

/** Field offsets of `struct virtio_net_config` (§5.1.4). */
export const NET_CONFIG = { mac: 0, status: 6 } as const;

/**
 * Bytes of configuration space: up to `status`, QEMU's size for a device offering MAC and STATUS
 * and neither MQ nor MTU (`virtio_net_config_size`).
 */
export const NET_CONFIG_SIZE = 8;

/** The receive queue's index (§5.1.2). */
export const RX_QUEUE = 0;
/** The transmit queue's index (§5.1.2). */
export const TX_QUEUE = 1;

/** QEMU's default `rx_queue_size` and `tx_queue_size`, and the smallest it takes. */
export const DEFAULT_QUEUE_SIZE = 256;
/** QEMU's VIRTQUEUE_MAX_SIZE: the largest queue size it takes. */
export const MAX_QUEUE_SIZE = 1024;

/** QEMU's first default MAC address, 52:54:00:12:34:56. */
export const DEFAULT_MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);

const NAME = "virtio-net-pci";

/** The checked settings of one virtio-net device. */
export interface NetSettings {
  /** The MAC address the device reports. */
  readonly mac: Uint8Array;
  /** Offer VIRTIO_NET_F_MRG_RXBUF. */
  readonly mergeableRxBuffers: boolean;
  /** Entries of the receive queue. */
  readonly rxQueueSize: number;
  /** Entries of the transmit queue. */
  readonly txQueueSize: number;
}

/**
 * QEMU's default MAC of the `index`-th NIC without a `mac` property: 52:54:00:12:34:56 with
 * `index` added to the last byte (`qemu_macaddr_default_if_unset`). Throws RangeError past
 * the 170 addresses QEMU hands out.
 */
export function defaultMacAddress(index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || DEFAULT_MAC[5] + index > 0xff) {
    throw new RangeError(`no default MAC address for NIC ${index}`);
  }
  const mac = DEFAULT_MAC.slice();
  mac[5] += index;
  return mac;
}

/**
 * The MAC addresses of a machine's NICs, given in the order QEMU creates them (`-nic`s, then
 * `-device`s), as QEMU's `qemu_macaddr_default_if_unset` hands them out: a NIC's own address
 * stays, and marks its last byte taken when it starts with QEMU's 52:54:00:12:34; a NIC without
 * one gets the first free 52:54:00:12:34:XX from 0x56 up to 0xfe, or 0xff once all are taken
 * (QEMU's -1 stored in a byte). So two NICs without `mac=` never share an address.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assignMacAddresses, formatMacAddress, parseMacAddress } from "./virtio_net_config.ts";
 * const macs = assignMacAddresses([undefined, parseMacAddress("52:54:00:12:34:57"), undefined]);
 * assert.deepEqual(macs.map(formatMacAddress), [
 *   "52:54:00:12:34:56",
 *   "52:54:00:12:34:57",
 *   "52:54:00:12:34:58",
 * ]);
 * ```
 */
export function assignMacAddresses(macs: readonly (Uint8Array | undefined)[]): Uint8Array[] {
  const used = new Set<number>();
  const hasBase = (mac: Uint8Array) => DEFAULT_MAC.subarray(0, 5).every((b, i) => mac[i] === b);
  return macs.map((given) => {
    if (given) {
      if (hasBase(given)) used.add(given[5]);
      return given;
    }
    let last = DEFAULT_MAC[5];
    while (last < 0xff && used.has(last)) last++;
    used.add(last);
    const mac = DEFAULT_MAC.slice();
    mac[5] = last;
    return mac;
  });
}

/**
 * Parses a MAC address as QEMU's macaddr property does (`set_mac`): six groups of two hex
 * digits, each but the last followed by `:` or `-`. Throws an Error with QEMU's wording for
 * anything else.
 */
export function parseMacAddress(text: string): Uint8Array {
  if (!/^(?:[0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(text)) {
    throw new Error(`Property '${NAME}.mac' doesn't take value '${text}'`);
  }
  return Uint8Array.from(text.split(/[:-]/), (g) => parseInt(g, 16));
}

/** The MAC address as QEMU prints it: lower-case, colon-separated. */
export function formatMacAddress(mac: Uint8Array): string {
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/**
 * Checks the properties as QEMU's realize does and returns the settings; throws an Error with
 * QEMU's wording for a malformed MAC or a queue size out of range or not a power of two.
 */
export function netSettings(props: Readonly<Record<string, unknown>>): NetSettings {
  const text = props.mac;
  const mac = typeof text === "string" ? parseMacAddress(text) : DEFAULT_MAC;
  return {
    mac,
    mergeableRxBuffers: props.mrg_rxbuf !== false,
    rxQueueSize: queueSize(props.rx_queue_size, "rx_queue_size"),
    txQueueSize: queueSize(props.tx_queue_size, "tx_queue_size"),
  };
}

/**
 * Device features: MAC and STATUS always, MRG_RXBUF unless `mrg_rxbuf=off`, and ANY_LAYOUT, as
 * the device reads headers and frames wherever the driver puts them (§2.6.4). No checksum or
 * segmentation offload, no control queue, one queue pair.
 */
export function netFeatures(settings: NetSettings): bigint {
  let features = featureBit(VIRTIO_NET_F_MAC) | featureBit(VIRTIO_NET_F_STATUS) |
    featureBit(VIRTIO_F_ANY_LAYOUT);
  if (settings.mergeableRxBuffers) features |= featureBit(VIRTIO_NET_F_MRG_RXBUF);
  return features;
}

/** Fills `struct virtio_net_config` (§5.1.4, little-endian): the MAC and the link state. */
export function writeNetConfig(view: DataView, mac: Uint8Array, linkUp: boolean): void {
  for (let i = 0; i < 6; i++) view.setUint8(NET_CONFIG.mac + i, mac[i]);
  view.setUint16(NET_CONFIG.status, linkUp ? VIRTIO_NET_S_LINK_UP : 0, true);
}

// QEMU's virtio_net_device_realize: rx_queue_size and tx_queue_size are powers of two from
// VIRTIO_NET_RX_QUEUE_MIN_SIZE (256) to VIRTQUEUE_MAX_SIZE.
function queueSize(value: unknown, name: string): number {
  const n = value === undefined ? DEFAULT_QUEUE_SIZE : Number(value);
  if (
    !Number.isInteger(n) || n < DEFAULT_QUEUE_SIZE || n > MAX_QUEUE_SIZE || (n & (n - 1)) !== 0
  ) {
    throw new Error(
      `Invalid ${name} (= ${String(value)}), must be a power of 2 between ` +
        `${DEFAULT_QUEUE_SIZE} and ${MAX_QUEUE_SIZE}.`,
    );
  }
  return n;
}

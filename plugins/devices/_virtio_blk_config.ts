/**
 * What a virtio-blk device's properties make of it: checked settings, feature bits (virtio 1.1
 * §5.2.3) and the configuration space layout (§5.2.4), with QEMU's rules and error wording
 * (hw/block/virtio-blk.c `virtio_blk_device_realize`, hw/core/qdev-properties.c blocksize).
 *
 * @module
 */

import { featureBit } from "../sdk/mod.ts";

/** §5.2.3: `size_max` holds the largest segment size. */
export const VIRTIO_BLK_F_SIZE_MAX = 1;
/** §5.2.3: `seg_max` holds the most segments per request. */
export const VIRTIO_BLK_F_SEG_MAX = 2;
/** §5.2.3: the device is read-only. */
export const VIRTIO_BLK_F_RO = 5;
/** §5.2.3: `blk_size` holds the logical block size. */
export const VIRTIO_BLK_F_BLK_SIZE = 6;
/** §5.2.3: VIRTIO_BLK_T_FLUSH is supported (legacy name: F_WCE). */
export const VIRTIO_BLK_F_FLUSH = 9;
/** §5.2.3: `topology` holds the physical block exponent and I/O sizes. */
export const VIRTIO_BLK_F_TOPOLOGY = 10;
/** §5.2.3: `num_queues` holds the number of request queues. */
export const VIRTIO_BLK_F_MQ = 12;

/** Bytes of one sector: `capacity` and request `sector` count in these whatever the block size. */
export const SECTOR_SIZE = 512;

/** Field offsets of `struct virtio_blk_config` (§5.2.4). */
export const BLK_CONFIG = {
  capacity: 0,
  sizeMax: 8,
  segMax: 12,
  geometry: 16,
  blkSize: 20,
  physicalBlockExp: 24,
  alignmentOffset: 25,
  minIoSize: 26,
  optIoSize: 28,
  writeback: 32,
  numQueues: 34,
} as const;

/**
 * Bytes of configuration space: up to `num_queues`, QEMU's smallest layout (its size before
 * `max_discard_sectors`, which only DISCARD / WRITE_ZEROES devices extend it past).
 */
export const BLK_CONFIG_SIZE = 36;

/** QEMU's default `queue-size`. */
export const DEFAULT_QUEUE_SIZE = 256;
/** QEMU's VIRTQUEUE_MAX_SIZE and VIRTIO_QUEUE_MAX. */
const MAX_QUEUE_SIZE = 1024;
const MAX_QUEUES = 1024;
/** QEMU's MIN_BLOCK_SIZE and MAX_BLOCK_SIZE (hw/core/qdev-properties.c). */
export const MIN_BLOCK_SIZE = 512;
/** Largest logical or physical block size QEMU accepts: 2 MiB. */
export const MAX_BLOCK_SIZE = 2 * 1024 * 1024;

/** The checked settings of one virtio-blk device. */
export interface BlkSettings {
  /** Entries of each request queue. */
  readonly queueSize: number;
  /** Request queues. */
  readonly numQueues: number;
  /** Bytes of the smallest unit the guest may address (`blk_size`). */
  readonly logicalBlockSize: number;
  /** Bytes of the device's physical block (`topology.physical_block_exp`). */
  readonly physicalBlockSize: number;
  /** The GET_ID answer: the serial's UTF-8 bytes, at most 20 (the rest is NUL). */
  readonly serial: Uint8Array;
}

/** VIRTIO_BLK_ID_BYTES: length of the GET_ID answer (§5.2.6). */
export const VIRTIO_BLK_ID_BYTES = 20;

const NAME = "virtio-blk-pci";

/**
 * Checks the properties as QEMU's realize does and returns the settings; throws an Error with
 * QEMU's wording for a missing drive, a queue size that is not a power of two, a block size that
 * is not a power of two, or a logical block larger than the physical one.
 */
export function blkSettings(props: Readonly<Record<string, unknown>>): BlkSettings {
  if (props.drive === undefined || props.drive === "") throw new Error("drive property not set");
  const queueSize = integer(props["queue-size"], DEFAULT_QUEUE_SIZE);
  // The SDK needs powers of two; QEMU asks the same of queue-size.
  if (queueSize <= 2) throw new Error("queue-size property must be > 2");
  if (queueSize > MAX_QUEUE_SIZE) {
    throw new Error(`queue-size property must be <= ${MAX_QUEUE_SIZE}`);
  }
  if (!isPowerOfTwo(queueSize)) throw new Error("queue-size property must be a power of 2");
  const numQueues = integer(props["num-queues"], 1);
  if (numQueues < 1) throw new Error("num-queues property must be larger than 0");
  if (numQueues > MAX_QUEUES) throw new Error(`maximum number of queues is ${MAX_QUEUES}`);
  const logicalBlockSize = blockSize(props, "logical_block_size");
  const physicalBlockSize = blockSize(props, "physical_block_size");
  if (logicalBlockSize > physicalBlockSize) {
    throw new Error("logical_block_size > physical_block_size not supported");
  }
  // QEMU copies strlen(serial) + 1 bytes capped at 20: a longer serial is cut, not refused.
  const text = typeof props.serial === "string" ? props.serial : "";
  const serial = new TextEncoder().encode(text).subarray(0, VIRTIO_BLK_ID_BYTES);
  return { queueSize, numQueues, logicalBlockSize, physicalBlockSize, serial };
}

/**
 * Device features: what QEMU offers for a raw image except GEOMETRY, CONFIG_WCE, DISCARD and
 * WRITE_ZEROES, which this device does not implement. VIRTIO_BLK_F_RO is not among them: the SDK
 * computes features from properties only, and a drive's read-only state comes from `-drive`, not
 * from a property; writes to a read-only drive fail with VIRTIO_BLK_S_IOERR instead.
 * The legacy VIRTIO_BLK_F_SCSI (bit 7) is never offered, as in QEMU since 5.0.
 */
export function blkFeatures(settings: BlkSettings): bigint {
  let features = featureBit(VIRTIO_BLK_F_SEG_MAX) | featureBit(VIRTIO_BLK_F_BLK_SIZE) |
    featureBit(VIRTIO_BLK_F_FLUSH) | featureBit(VIRTIO_BLK_F_TOPOLOGY);
  // QEMU offers MQ only with more than one queue.
  if (settings.numQueues > 1) features |= featureBit(VIRTIO_BLK_F_MQ);
  return features;
}

/** Fills `struct virtio_blk_config` (§5.2.4, little-endian) for a disk of `sectors` sectors. */
export function writeBlkConfig(view: DataView, settings: BlkSettings, sectors: number): void {
  for (let i = 0; i < BLK_CONFIG_SIZE; i++) view.setUint8(i, 0);
  view.setBigUint64(BLK_CONFIG.capacity, BigInt(sectors), true);
  // QEMU leaves size_max 0 and does not offer SIZE_MAX: segments of any size.
  view.setUint32(BLK_CONFIG.sizeMax, 0, true);
  // QEMU's seg-max-adjust: a request may use all descriptors but the header and the status.
  view.setUint32(BLK_CONFIG.segMax, settings.queueSize - 2, true);
  view.setUint32(BLK_CONFIG.blkSize, settings.logicalBlockSize, true);
  // §5.2.4: physical_block_exp is log2(physical / logical); min_io_size and opt_io_size are in
  // logical blocks, 0 as QEMU's defaults.
  view.setUint8(
    BLK_CONFIG.physicalBlockExp,
    Math.log2(settings.physicalBlockSize / settings.logicalBlockSize),
  );
  // Writeback caching: FLUSH is what makes data durable (QEMU's cache=writeback default).
  view.setUint8(BLK_CONFIG.writeback, 1);
  view.setUint16(BLK_CONFIG.numQueues, settings.numQueues, true);
}

function blockSize(props: Readonly<Record<string, unknown>>, name: string): number {
  const value = integer(props[name], MIN_BLOCK_SIZE);
  if (value < MIN_BLOCK_SIZE || value > MAX_BLOCK_SIZE) {
    throw new Error(
      `Property ${NAME}.${name} doesn't take value ${value} ` +
        `(minimum: ${MIN_BLOCK_SIZE}, maximum: ${MAX_BLOCK_SIZE})`,
    );
  }
  if (!isPowerOfTwo(value)) {
    throw new Error(
      `Property ${NAME}.${name} doesn't take value '${value}', it's not a power of 2`,
    );
  }
  return value;
}

function integer(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === "bigint" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new Error(`${NAME}: ${String(value)} is not an integer`);
  }
  return n;
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Number.isInteger(Math.log2(n));
}

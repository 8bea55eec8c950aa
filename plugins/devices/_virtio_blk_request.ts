/**
 * One virtio-blk request (virtio 1.1 §5.2.6): a 16-byte header the device reads, data buffers,
 * and a status byte the device writes last. Requests are answered with QEMU's rules
 * (hw/block/virtio-blk.c `virtio_blk_handle_request`, `virtio_blk_sect_range_ok`): whatever the
 * guest puts in a request ends in a status byte, never in an exception. Only a chain that breaks
 * the ring protocol itself (loops, buffers outside RAM) throws, as a `VirtqueueError`, which
 * stops the device with NEEDS_RESET as QEMU's `virtio_error` does.
 *
 * @module
 */

import type { DescriptorChain, DriveFile, GuestRam } from "../sdk/mod.ts";
import { SECTOR_SIZE, VIRTIO_BLK_ID_BYTES } from "./_virtio_blk_config.ts";

/** §5.2.6: read sectors into the device-writable buffers. */
export const VIRTIO_BLK_T_IN = 0;
/** §5.2.6: write sectors from the device-readable buffers. */
export const VIRTIO_BLK_T_OUT = 1;
/** Legacy SCSI passthrough, never offered. */
export const VIRTIO_BLK_T_SCSI_CMD = 2;
/** §5.2.6: make written data durable. */
export const VIRTIO_BLK_T_FLUSH = 4;
/** §5.2.6: the device's ID string (the serial), 20 bytes. */
export const VIRTIO_BLK_T_GET_ID = 8;
/** Legacy barrier flag (§5.2.6.3), ignored as QEMU ignores it. */
export const VIRTIO_BLK_T_BARRIER = 0x8000_0000;

/** §5.2.6: success. */
export const VIRTIO_BLK_S_OK = 0;
/** §5.2.6: device or driver error. */
export const VIRTIO_BLK_S_IOERR = 1;
/** §5.2.6: request unsupported by the device. */
export const VIRTIO_BLK_S_UNSUPP = 2;

/** Bytes of `struct virtio_blk_req`'s header: type, reserved, sector. */
export const REQUEST_HEADER_SIZE = 16;

/** QEMU's BDRV_REQUEST_MAX_SECTORS: INT_MAX >> 9, the longest single transfer. */
const MAX_REQUEST_SECTORS = 0x7fff_ffff >>> 9;

/** The disk a request addresses. */
export interface BlockDisk {
  /** The image. */
  readonly drive: DriveFile;
  /** Disk size in 512-byte sectors. */
  readonly sectors: number;
  /** Requests must be aligned to and sized in multiples of this. */
  readonly logicalBlockSize: number;
  /** The GET_ID answer (at most 20 bytes; the rest of the 20 is NUL). */
  readonly serial: Uint8Array;
  /** Where host I/O errors are reported. */
  readonly log: (message: string) => void;
}

/**
 * Serves the request in `chain` and returns the used length to report, as QEMU does: the whole
 * device-writable part, status byte included. A chain with no writable byte has no room for a
 * status and is returned with length 0 (QEMU stops the device for it; the guest gets nothing
 * either way). Throws only `VirtqueueError` for a chain that cannot be walked.
 */
export function serveBlockRequest(chain: DescriptorChain, disk: BlockDisk, ram: GuestRam): number {
  const writableLength = chain.writableLength();
  if (writableLength === 0) return 0;
  // §5.2.6: `status` is the last field of the request, i.e. the last device-writable byte,
  // whatever the framing (§2.6.4, VIRTIO_F_ANY_LAYOUT).
  const dataLength = writableLength - 1;
  const status = handle(chain, disk, ram, dataLength);
  chain.copyToWritable(Uint8Array.of(status), { offset: dataLength });
  return writableLength;
}

function handle(chain: DescriptorChain, disk: BlockDisk, ram: GuestRam, inLength: number): number {
  const header = new Uint8Array(REQUEST_HEADER_SIZE);
  // QEMU calls a header shorter than 16 bytes a broken driver; a status can still say so here.
  if (chain.copyFromReadable(header) < REQUEST_HEADER_SIZE) return VIRTIO_BLK_S_IOERR;
  const view = new DataView(header.buffer);
  const type = view.getUint32(0, true);
  // le64 sector; a high half past 2^21 loses precision but is out of range anyway.
  const sector = view.getUint32(12, true) * 2 ** 32 + view.getUint32(8, true);
  // §5.2.6.3: legacy drivers may set VIRTIO_BLK_T_BARRIER; QEMU ignores it, and folds the
  // direction bit (VIRTIO_BLK_T_OUT) out of the command before dispatching.
  switch ((type & ~(VIRTIO_BLK_T_OUT | VIRTIO_BLK_T_BARRIER)) >>> 0) {
    case VIRTIO_BLK_T_IN:
      return type & VIRTIO_BLK_T_OUT
        ? write(chain, disk, sector, chain.readableLength() - REQUEST_HEADER_SIZE)
        : read(chain, disk, ram, sector, inLength);
    case VIRTIO_BLK_T_FLUSH:
      return flush(disk);
    case VIRTIO_BLK_T_GET_ID:
      return getId(chain, disk, inLength);
    default:
      // SCSI_CMD (no VIRTIO_BLK_F_SCSI), DISCARD, WRITE_ZEROES, GET_LIFETIME, zoned commands
      // and anything unknown (§5.2.6.1: "VIRTIO_BLK_S_UNSUPP for unsupported requests").
      return VIRTIO_BLK_S_UNSUPP;
  }
}

/** QEMU's `virtio_blk_sect_range_ok`: aligned, whole logical blocks, inside the disk. */
function rangeOk(disk: BlockDisk, sector: number, bytes: number): boolean {
  const sectors = bytes / SECTOR_SIZE;
  if (sectors > MAX_REQUEST_SECTORS) return false;
  if (sector % (disk.logicalBlockSize / SECTOR_SIZE) !== 0) return false;
  if (bytes % disk.logicalBlockSize !== 0) return false;
  return sector <= disk.sectors && sectors <= disk.sectors - sector;
}

/** VIRTIO_BLK_T_IN: the image straight into the guest's buffers, no staging copy. */
function read(
  chain: DescriptorChain,
  disk: BlockDisk,
  ram: GuestRam,
  sector: number,
  bytes: number,
): number {
  if (!rangeOk(disk, sector, bytes)) return VIRTIO_BLK_S_IOERR;
  let position = sector * SECTOR_SIZE;
  let left = bytes;
  try {
    for (const d of chain.writable()) {
      if (left === 0) break;
      const n = Math.min(d.len, left);
      const dst = d.bytes().subarray(0, n);
      // Reported first, so that a read failing halfway still invalidates what it overwrote.
      ram.onWrite?.(d.addr, n);
      const got = disk.drive.read(position, dst);
      // The last sector of an image whose size is not a multiple of 512 reads as zeros past
      // the end of the file, as QEMU's raw driver does.
      if (got < n) dst.fill(0, got);
      position += n;
      left -= n;
    }
  } catch (e) {
    disk.log(`read at sector ${sector} failed: ${(e as Error).message}`);
    return VIRTIO_BLK_S_IOERR;
  }
  return VIRTIO_BLK_S_OK;
}

/** VIRTIO_BLK_T_OUT: the guest's buffers after the header straight into the image. */
function write(chain: DescriptorChain, disk: BlockDisk, sector: number, bytes: number): number {
  if (!rangeOk(disk, sector, bytes)) return VIRTIO_BLK_S_IOERR;
  // QEMU's block layer refuses writes to a read-only image (EACCES), reported as IOERR.
  if (disk.drive.readonly) return VIRTIO_BLK_S_IOERR;
  let position = sector * SECTOR_SIZE;
  let skip = REQUEST_HEADER_SIZE;
  try {
    for (const d of chain.readable()) {
      if (skip >= d.len) {
        skip -= d.len;
        continue;
      }
      const src = d.bytes().subarray(skip);
      skip = 0;
      disk.drive.write(position, src);
      position += src.length;
    }
  } catch (e) {
    disk.log(`write at sector ${sector} failed: ${(e as Error).message}`);
    return VIRTIO_BLK_S_IOERR;
  }
  return VIRTIO_BLK_S_OK;
}

/** VIRTIO_BLK_T_FLUSH: fsync of the image (nothing to do for a read-only one). */
function flush(disk: BlockDisk): number {
  try {
    disk.drive.flush();
  } catch (e) {
    disk.log(`flush failed: ${(e as Error).message}`);
    return VIRTIO_BLK_S_IOERR;
  }
  return VIRTIO_BLK_S_OK;
}

/**
 * VIRTIO_BLK_T_GET_ID: the serial, NUL-padded to 20 bytes (§5.2.6: "NUL-terminated only if
 * shorter than 20"), cut to the data buffer the driver gave.
 */
function getId(chain: DescriptorChain, disk: BlockDisk, inLength: number): number {
  const id = new Uint8Array(VIRTIO_BLK_ID_BYTES);
  id.set(disk.serial.subarray(0, VIRTIO_BLK_ID_BYTES));
  chain.copyToWritable(id.subarray(0, Math.min(VIRTIO_BLK_ID_BYTES, inLength)));
  return VIRTIO_BLK_S_OK;
}

/**
 * `struct virtio_net_hdr` (virtio 1.1 §5.1.6): the header in front of every frame on both
 * queues. Its size depends on what was negotiated: 10 bytes for a legacy driver, 12 (with
 * `num_buffers`) when VIRTIO_NET_F_MRG_RXBUF or VIRTIO_F_VERSION_1 is on (§5.1.6.1 "Legacy
 * Interface: Device Operation"). Without checksum or segmentation offloads the device writes
 * only zeros and `num_buffers`, and reads nothing but the header's length.
 *
 * @module
 */

import { hasFeature, VIRTIO_F_VERSION_1 } from "../sdk/mod.ts";
import { VIRTIO_NET_F_MRG_RXBUF } from "./virtio_net_config.ts";

/** Bytes of the legacy header without `num_buffers`. */
export const NET_HDR_SIZE_LEGACY = 10;
/** Bytes of the header with `num_buffers`: modern, or legacy with MRG_RXBUF. */
export const NET_HDR_SIZE = 12;

/** Field offsets of `struct virtio_net_hdr` (§5.1.6). */
export const NET_HDR = {
  flags: 0,
  gsoType: 1,
  hdrLen: 2,
  gsoSize: 4,
  csumStart: 6,
  csumOffset: 8,
  numBuffers: 10,
} as const;

/** §5.1.6: `gso_type` of a frame that is not segmented. */
export const VIRTIO_NET_HDR_GSO_NONE = 0;

/** The header fields, as the driver wrote them or the device will. */
export interface NetHeader {
  /** VIRTIO_NET_HDR_F_* bits. */
  readonly flags: number;
  /** VIRTIO_NET_HDR_GSO_* value. */
  readonly gsoType: number;
  /** Bytes of the frame's headers (a hint). */
  readonly hdrLen: number;
  /** Segment size for GSO. */
  readonly gsoSize: number;
  /** Where checksumming starts. */
  readonly csumStart: number;
  /** Where, after `csumStart`, the checksum goes. */
  readonly csumOffset: number;
  /** Receive buffers the frame spans; absent in the 10-byte header. */
  readonly numBuffers?: number;
}

/**
 * The header size for the negotiated `features`: 12 bytes with VERSION_1 or MRG_RXBUF, else 10.
 */
export function netHeaderSize(features: bigint): number {
  return hasFeature(features, VIRTIO_F_VERSION_1) || hasFeature(features, VIRTIO_NET_F_MRG_RXBUF)
    ? NET_HDR_SIZE
    : NET_HDR_SIZE_LEGACY;
}

/**
 * The header of a received frame spread over `numBuffers` buffers, `size` bytes (10 or 12):
 * no flags, GSO_NONE, and `num_buffers` when the header has it (§5.1.6.4: "If
 * VIRTIO_NET_F_MRG_RXBUF is not negotiated, the device MUST set num_buffers to 1").
 */
export function receiveHeader(size: number, numBuffers: number): Uint8Array {
  if (size !== NET_HDR_SIZE && size !== NET_HDR_SIZE_LEGACY) {
    throw new RangeError(`a virtio-net header has 10 or 12 bytes, not ${size}`);
  }
  const header = new Uint8Array(size);
  if (size === NET_HDR_SIZE) {
    new DataView(header.buffer).setUint16(NET_HDR.numBuffers, numBuffers, true);
  }
  return header;
}

/** Decodes a 10- or 12-byte header (little-endian fields, §5.1.6). */
export function decodeNetHeader(bytes: Uint8Array): NetHeader {
  if (bytes.length !== NET_HDR_SIZE && bytes.length !== NET_HDR_SIZE_LEGACY) {
    throw new RangeError(`a virtio-net header has 10 or 12 bytes, not ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return {
    flags: view.getUint8(NET_HDR.flags),
    gsoType: view.getUint8(NET_HDR.gsoType),
    hdrLen: view.getUint16(NET_HDR.hdrLen, true),
    gsoSize: view.getUint16(NET_HDR.gsoSize, true),
    csumStart: view.getUint16(NET_HDR.csumStart, true),
    csumOffset: view.getUint16(NET_HDR.csumOffset, true),
    ...(bytes.length === NET_HDR_SIZE
      ? { numBuffers: view.getUint16(NET_HDR.numBuffers, true) }
      : {}),
  };
}

import assert from "node:assert/strict";
import { featureBit, VIRTIO_F_VERSION_1 } from "../sdk/mod.ts";
import { VIRTIO_NET_F_MRG_RXBUF } from "./virtio_net_config.ts";
import {
  decodeNetHeader,
  NET_HDR_SIZE,
  NET_HDR_SIZE_LEGACY,
  netHeaderSize,
  receiveHeader,
} from "./virtio_net_header.ts";

const VERSION_1 = featureBit(VIRTIO_F_VERSION_1);
const MRG_RXBUF = featureBit(VIRTIO_NET_F_MRG_RXBUF);

Deno.test("netHeaderSize: 10 bytes for a legacy driver, 12 with MRG_RXBUF or VERSION_1 (§5.1.6.1)", () => {
  assert.equal(netHeaderSize(0n), 10);
  assert.equal(netHeaderSize(MRG_RXBUF), 12);
  assert.equal(netHeaderSize(VERSION_1), 12, "the modern header always has num_buffers");
  assert.equal(netHeaderSize(VERSION_1 | MRG_RXBUF), 12);
  assert.deepEqual([NET_HDR_SIZE_LEGACY, NET_HDR_SIZE], [10, 12]);
});

Deno.test("receiveHeader writes zeros, GSO_NONE and a little-endian num_buffers", () => {
  const modern = receiveHeader(12, 0x0203);
  assert.deepEqual([...modern], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03, 0x02]);
  assert.deepEqual([...receiveHeader(10, 1)], Array(10).fill(0), "no num_buffers field");
  assert.throws(() => receiveHeader(11, 1), RangeError);
});

Deno.test("decodeNetHeader reads every field of a driver's header, with and without num_buffers", () => {
  const bytes = Uint8Array.of(1, 3, 0x36, 0, 0xb4, 0x05, 0x22, 0, 0x10, 0, 2, 0);
  assert.deepEqual(decodeNetHeader(bytes), {
    flags: 1,
    gsoType: 3,
    hdrLen: 0x36,
    gsoSize: 1460,
    csumStart: 0x22,
    csumOffset: 0x10,
    numBuffers: 2,
  });
  const legacy = decodeNetHeader(bytes.subarray(0, 10));
  assert.equal(legacy.numBuffers, undefined);
  assert.equal(legacy.gsoSize, 1460);
  assert.throws(() => decodeNetHeader(bytes.subarray(0, 8)), RangeError);
});

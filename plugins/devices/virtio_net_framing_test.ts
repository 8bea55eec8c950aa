import assert from "node:assert/strict";
import { FrameReader, lengthPrefixed } from "./virtio_net_framing.ts";

function frame(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);
}

Deno.test("lengthPrefixed puts the length in front, big-endian, as QEMU's socket netdev", () => {
  assert.deepEqual([...lengthPrefixed(Uint8Array.of(9, 8, 7))], [0, 0, 0, 3, 9, 8, 7]);
  assert.deepEqual([...lengthPrefixed(frame(0x1234, 0)).subarray(0, 4)], [0, 0, 0x12, 0x34]);
});

Deno.test("FrameReader cuts a stream fed byte by byte or all at once into the same frames", () => {
  const frames = [frame(60, 1), frame(1514, 2), frame(1, 3), frame(300, 4)];
  const stream = new Uint8Array(frames.reduce((n, f) => n + 4 + f.length, 0));
  let at = 0;
  for (const f of frames) {
    stream.set(lengthPrefixed(f), at);
    at += 4 + f.length;
  }
  const whole = new FrameReader(2048).push(stream);
  assert.deepEqual(whole, frames);
  const reader = new FrameReader(2048);
  const bytewise = [...stream].flatMap((b) => reader.push(Uint8Array.of(b)));
  assert.deepEqual(bytewise, frames);
  const chunked = new FrameReader(2048);
  const pieces = [stream.subarray(0, 3), stream.subarray(3, 70), stream.subarray(70)];
  assert.deepEqual(pieces.flatMap((p) => chunked.push(p)), frames);
});

Deno.test("FrameReader skips empty frames and refuses a length above its limit", () => {
  const reader = new FrameReader(100);
  assert.deepEqual(reader.push(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1, 42)), [Uint8Array.of(42)]);
  assert.throws(() => new FrameReader(100).push(Uint8Array.of(0, 0, 0, 101)), /101 is above 100/);
});

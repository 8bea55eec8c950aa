import assert from "node:assert/strict";
import { NET_BUFSIZE } from "./virtio_net_backend.ts";
import {
  HUB_MAX_FRAME,
  HubChannel,
  HubChannelEndpoint,
  type HubEndpointHooks,
} from "./virtio_net_hub_channel.ts";

const SMALL_RING = 1 << 17; // the smallest ring that holds the largest frame

function frame(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 13 + seed) & 0xff);
}

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A device end whose receiver takes `room` frames, recording them and `writable` calls. */
function device(buffer: SharedArrayBuffer, room = Infinity) {
  const received: Uint8Array[] = [];
  let writable = 0;
  const hooks: HubEndpointHooks = {
    receive(f) {
      received.push(f);
      return received.length < room;
    },
    writable: () => void writable++,
    log() {},
  };
  const endpoint = new HubChannelEndpoint(buffer, hooks);
  return { endpoint, received, writable: () => writable };
}

Deno.test("HUB_MAX_FRAME is the socket netdevs' NET_BUFSIZE", () => {
  assert.equal(HUB_MAX_FRAME, NET_BUFSIZE);
});

Deno.test("a hub channel carries frames both ways whole and in order across wrap-arounds", () => {
  const host = new HubChannel({ capacity: SMALL_RING });
  const { endpoint, received } = device(host.buffer);
  const sent: Uint8Array[] = [];
  const taken: Uint8Array[] = [];
  for (let i = 0; i < 400; i++) {
    const out = frame(60 + (i * 389) % 9000, i);
    assert.equal(endpoint.send(out), true);
    sent.push(out);
    if (i % 7 === 6) taken.push(...host.take());
    assert.equal(host.deliver(frame(42 + i, i)), true);
    endpoint.poll();
  }
  taken.push(...host.take());
  assert.deepEqual(taken, sent);
  assert.deepEqual(received, Array.from({ length: 400 }, (_, i) => frame(42 + i, i)));
  endpoint.close();
  host.close();
});

Deno.test("a full ring refuses the VMM's frame whole, and holds the device back until read", async () => {
  const host = new HubChannel({ capacity: SMALL_RING });
  const { endpoint, writable } = device(host.buffer);
  endpoint.start();
  const big = frame(9000, 1);
  let accepted = 0;
  while (endpoint.send(big)) accepted++;
  assert.equal(accepted, Math.floor(SMALL_RING / (4 + big.length)));
  assert.equal(writable(), 0);
  assert.equal(host.take().length, accepted, "the refused frame was not half written");
  await until(() => writable() === 1, "writable() after the hub made room");
  assert.equal(endpoint.send(big), true);

  let delivered = 0;
  while (host.deliver(big)) delivered++;
  assert.equal(delivered, accepted, "the VMM's side is as large");
  endpoint.close();
  host.close();
});

Deno.test("a device that is full stops reading; frames wait in the ring until resume", async () => {
  const host = new HubChannel({ capacity: SMALL_RING });
  const { endpoint, received } = device(host.buffer, 2);
  endpoint.start();
  for (let i = 0; i < 5; i++) assert.equal(host.deliver(frame(100, i)), true);
  await until(() => received.length === 2, "two frames");
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(received.length, 2, "no frame is taken while the device is full");
  endpoint.resume();
  await until(() => received.length === 3, "the next frame after resume (room for one)");
  endpoint.close();
  host.close();
});

Deno.test("the VMM end discards what a lying device wrote and reads its next frame", () => {
  const host = new HubChannel({ capacity: SMALL_RING });
  const { endpoint } = device(host.buffer);
  const words = new Int32Array(host.buffer, 0, 8);
  const data = new DataView(host.buffer, 32 + SMALL_RING);
  // A length far beyond the ring, published as if it were a frame.
  data.setUint32(0, 0x7fff_ffff, false);
  Atomics.store(words, 2, 8);
  assert.deepEqual(host.take(), []);
  assert.equal(host.malformed, 1);
  // A zero length too.
  data.setUint32(8, 0, false);
  Atomics.store(words, 2, 16);
  assert.deepEqual(host.take(), []);
  assert.equal(host.malformed, 2);
  assert.equal(endpoint.send(frame(60, 9)), true);
  assert.deepEqual(host.take(), [frame(60, 9)]);
  endpoint.close();
  host.close();
});

Deno.test("empty and oversized frames are dropped at both ends; a closed channel takes nothing", () => {
  const host = new HubChannel({ capacity: SMALL_RING });
  const { endpoint } = device(host.buffer);
  assert.equal(endpoint.send(new Uint8Array(0)), true);
  assert.equal(endpoint.send(new Uint8Array(HUB_MAX_FRAME + 1)), true);
  assert.deepEqual(host.take(), []);
  assert.equal(host.deliver(new Uint8Array(0)), false);
  assert.equal(host.deliver(new Uint8Array(HUB_MAX_FRAME + 1)), false);
  assert.equal(host.deliver(new Uint8Array(HUB_MAX_FRAME)), true);
  host.close();
  assert.equal(host.deliver(frame(60, 1)), false);
  endpoint.close();
  assert.throws(() => new HubChannel({ capacity: 1 << 16 }), /cannot hold the largest frame/);
  assert.throws(() =>
    new HubChannelEndpoint(new SharedArrayBuffer(8), {
      receive: () => true,
      writable() {},
      log() {},
    }), RangeError);
});

Deno.test("HubChannel.watch calls back when the device sends, and stops at close", async () => {
  const host = new HubChannel({ capacity: SMALL_RING });
  const { endpoint } = device(host.buffer);
  const taken: Uint8Array[] = [];
  host.watch(() => taken.push(...host.take()));
  endpoint.send(frame(70, 1));
  await until(() => taken.length === 1, "the first frame");
  endpoint.send(frame(80, 2));
  await until(() => taken.length === 2, "the second frame");
  host.close();
  endpoint.send(frame(90, 3));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(taken.length, 2);
  endpoint.close();
});

import assert from "node:assert/strict";
import { HUB_MAX_FRAME } from "../../plugins/devices/virtio_net_hub_channel.ts";
import { type HubPeer, NetHub } from "./hub.ts";

/** A peer that records what it is given and takes at most `room` frames. */
class RecordingPeer implements HubPeer {
  readonly frames: Uint8Array[] = [];
  constructor(public room = Infinity) {}
  deliver(frame: Uint8Array): boolean {
    if (this.frames.length >= this.room) return false;
    this.frames.push(frame);
    return true;
  }
}

function frame(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);
}

Deno.test("a hub sends each frame to every other port, in order, and never back to its sender", () => {
  const hub = new NetHub(0);
  const peers = [new RecordingPeer(), new RecordingPeer(), new RecordingPeer()];
  const ports = peers.map((p, i) => hub.addPort(`p${i}`, p));
  const a = frame(60, 1);
  const b = frame(1514, 2);
  const c = frame(100, 3);
  assert.equal(ports[0].send(a), 2);
  assert.equal(ports[1].send(b), 2);
  assert.equal(ports[0].send(c), 2);
  assert.deepEqual(peers[0].frames, [b]);
  assert.deepEqual(peers[1].frames, [a, c]);
  assert.deepEqual(peers[2].frames, [a, b, c]);
});

Deno.test("hubs are separate segments: a frame stays on its own hub", () => {
  const zero = new NetHub(0);
  const one = new NetHub(1);
  const onZero = new RecordingPeer();
  const onOne = new RecordingPeer();
  const sender = zero.addPort("a", new RecordingPeer());
  zero.addPort("b", onZero);
  one.addPort("c", onOne);
  sender.send(frame(60, 4));
  assert.equal(onZero.frames.length, 1);
  assert.equal(onOne.frames.length, 0);
  assert.throws(() => one.forward(sender, frame(60, 5)), /port a is not on hub 1/);
});

Deno.test("a port whose peer is full loses the frame; the other ports still get it", () => {
  const hub = new NetHub(3);
  const full = new RecordingPeer(1);
  const open = new RecordingPeer();
  const sender = hub.addPort("s", new RecordingPeer());
  const fullPort = hub.addPort("full", full);
  hub.addPort("open", open);
  assert.equal(sender.send(frame(60, 1)), 2);
  assert.equal(sender.send(frame(60, 2)), 1);
  assert.equal(sender.send(frame(60, 3)), 1);
  assert.deepEqual(full.frames, [frame(60, 1)]);
  assert.deepEqual(open.frames, [frame(60, 1), frame(60, 2), frame(60, 3)]);
  assert.equal(fullPort.dropped, 2);
  // A peer that throws loses the frame like a full one and stops nobody else.
  hub.addPort("broken", {
    deliver() {
      throw new Error("gone");
    },
  });
  assert.equal(sender.send(frame(60, 4)), 1);
  assert.equal(hub.ports[3].dropped, 1);
  assert.equal(open.frames.length, 4);
});

Deno.test("a hub refuses empty frames and frames longer than HUB_MAX_FRAME", () => {
  const hub = new NetHub(0);
  const other = new RecordingPeer();
  const sender = hub.addPort("s", new RecordingPeer());
  hub.addPort("o", other);
  assert.equal(sender.send(new Uint8Array(0)), 0);
  assert.equal(sender.send(new Uint8Array(HUB_MAX_FRAME + 1)), 0);
  assert.equal(sender.refused, 2);
  assert.equal(other.frames.length, 0);
  assert.equal(sender.send(new Uint8Array(HUB_MAX_FRAME)), 1, "the largest frame passes");
});

Deno.test("unnamed ports are called hubNportM, and ports without a peer drop silently", () => {
  const hub = new NetHub(2);
  const first = hub.addPort(undefined);
  const second = hub.addPort(undefined, new RecordingPeer());
  assert.deepEqual([first.name, second.name], ["hub2port0", "hub2port1"]);
  assert.equal(second.send(frame(60, 0)), 0);
  assert.equal(first.dropped, 0);
});

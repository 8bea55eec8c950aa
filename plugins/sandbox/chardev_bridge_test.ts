import assert from "node:assert/strict";
import { MemoryChardev } from "../../devices/chardev/mod.ts";
import { ByteRing } from "./_byte_ring.ts";
import { ChardevBridge, ChardevEndpoint, openChardevBridges } from "./chardev_bridge.ts";

const WAIT_MS = 5000;

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + WAIT_MS;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Bytes whose values depend on their position, so that a reordering or a loss shows. */
function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}

Deno.test("ByteRing carries a stream across many wrap-arounds in order, chunk sizes mixed", () => {
  const buffer = new SharedArrayBuffer(8 + 64);
  const producer = new ByteRing(buffer, { counters: 0, data: 8, capacity: 64 });
  const consumer = new ByteRing(buffer, { counters: 0, data: 8, capacity: 64 });
  const source = pattern(10_000, 5);
  const sink: number[] = [];
  let sent = 0;
  let step = 0;
  const out = new Uint8Array(64);
  while (sink.length < source.length) {
    const size = 1 + (step++ * 37) % 90; // sometimes more than the ring holds
    sent += producer.write(source.subarray(sent, Math.min(sent + size, source.length)));
    assert.ok(consumer.available <= 64);
    const n = consumer.read(out.subarray(0, 1 + (step * 13) % 64));
    sink.push(...out.subarray(0, n));
  }
  assert.deepEqual(Uint8Array.from(sink), source);
  assert.equal(consumer.available, 0);
  assert.equal(producer.free, 64);
});

Deno.test("ByteRing refuses layouts outside its buffer and capacities not a power of two", () => {
  const buffer = new SharedArrayBuffer(64);
  assert.throws(() => new ByteRing(buffer, { counters: 0, data: 8, capacity: 24 }), /power of two/);
  assert.throws(() => new ByteRing(buffer, { counters: 0, data: 40, capacity: 32 }), /fit/);
  assert.throws(() => new ByteRing(buffer, { counters: 2, data: 8, capacity: 32 }), /aligned/);
});

Deno.test("ByteRing trusts no counter: a fill level past the capacity reads as full", () => {
  const buffer = new SharedArrayBuffer(8 + 16);
  const ring = new ByteRing(buffer, { counters: 0, data: 8, capacity: 16 });
  const words = new Int32Array(buffer, 0, 2);
  words[0] = 0x7fff_0000; // written far ahead of read: a lying producer
  words[1] = 3;
  assert.equal(ring.available, 16);
  assert.equal(ring.free, 0);
  assert.equal(ring.write(new Uint8Array(4)), 0);
  assert.equal(ring.read(new Uint8Array(100)), 16, "no more than the data area");
  words[1] = words[0] + 5; // read past written: (w - r) wraps to nearly 2^32
  assert.equal(ring.available, 16);
});

Deno.test("a chardev bridge carries device output to the chardev and host input to the device", async () => {
  const chardev = new MemoryChardev();
  const bridge = new ChardevBridge(chardev, { capacity: 32 });
  const device = new ChardevEndpoint(bridge.buffer);
  // Atomics.waitAsync wake-ups do not keep Deno's event loop alive on their own (a VMM always
  // has timers running; this test has none while it awaits them).
  const keepAlive = setInterval(() => {}, 10);
  try {
    // Output: more than the ring holds, so the device waits for the host between pieces.
    const output = pattern(1000, 1);
    let at = 0;
    while (at < output.length) {
      at += device.write(output.subarray(at));
      if (at < output.length) await device.writable();
    }
    await until(() => chardev.output().length === output.length, "all output at the chardev");
    assert.deepEqual(chardev.output(), output);

    // Input: more than the ring holds arrives at once; the rest is held until the device reads.
    const seen: number[] = [];
    const received: number[] = [];
    device.onInput(() => seen.push(device.pending));
    const input = pattern(500, 2);
    chardev.inject(input);
    await until(() => seen.length > 0, "the input listener");
    const buf = new Uint8Array(7);
    while (received.length < input.length) {
      const n = device.read(buf);
      received.push(...buf.subarray(0, n));
      if (n === 0) await new Promise((r) => setTimeout(r, 1));
    }
    assert.deepEqual(Uint8Array.from(received), input);
  } finally {
    clearInterval(keepAlive);
    bridge.close();
  }
});

Deno.test("input that arrived before the device listens is announced when it starts", async () => {
  const chardev = new MemoryChardev();
  chardev.inject("early");
  const bridge = new ChardevBridge(chardev);
  const device = new ChardevEndpoint(bridge.buffer);
  let calls = 0;
  device.onInput(() => calls++);
  await until(() => calls > 0, "the listener");
  const buf = new Uint8Array(16);
  assert.equal(new TextDecoder().decode(buf.subarray(0, device.read(buf))), "early");
  bridge.close();
});

Deno.test("a closed bridge forwards nothing more and leaves the chardev's input unrouted", () => {
  const chardev = new MemoryChardev();
  const bridge = new ChardevBridge(chardev);
  const device = new ChardevEndpoint(bridge.buffer);
  device.write(new TextEncoder().encode("last words"));
  bridge.close();
  assert.equal(chardev.text(), "last words", "close flushes what the device wrote");
  device.write(new TextEncoder().encode("after"));
  bridge.pump();
  chardev.inject("ignored");
  assert.equal(chardev.text(), "last words");
  assert.equal(device.pending, 0);
});

Deno.test("a device that corrupts the counters cannot make one pump move more than a ring", () => {
  const chardev = new MemoryChardev();
  const bridge = new ChardevBridge(chardev, { capacity: 64 });
  new Int32Array(bridge.buffer)[2] = 0x4000_0000; // out ring: "a gigabyte written"
  bridge.pump();
  assert.equal(chardev.output().length, 64);
  bridge.close();
});

Deno.test("openChardevBridges names the property whose chardev does not exist", () => {
  const chardev = new MemoryChardev();
  const props = { chardev: { type: "chardev" as const }, other: { type: "chardev" as const } };
  assert.throws(
    () => openChardevBridges(props, { chardev: "c0", other: "nope" }, { c0: chardev }),
    /^Error: property 'other': no -chardev with id 'nope'$/,
  );
  const bridges = openChardevBridges(props, { chardev: "c0" }, { c0: chardev });
  assert.deepEqual(Object.keys(bridges), ["chardev"]);
  bridges.chardev.close();
});

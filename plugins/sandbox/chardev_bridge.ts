/**
 * How a `chardev` property reaches a sandboxed device: the chardev itself (a terminal, a file)
 * stays on the VMM thread, and bytes cross in shared memory, one ring each way, with a doorbell
 * word per side. The sandbox gets no permission for it: it can only write bytes the host
 * forwards and read bytes the host hands over.
 *
 * ```
 * VMM thread                                    device sandbox
 * Chardev ◀─ write ── ChardevBridge ◀─ out ring ── ChardevEndpoint.write   (guest output)
 * Chardev ── input ─▶ ChardevBridge ── in ring ─▶  ChardevEndpoint.read    (host input)
 * ```
 *
 * The host moves output when the device rings its bell (or between CPU slices, `pump`), and
 * holds input the ring cannot take yet (up to a bound) until the device reads.
 *
 * @module
 */

import type { PropertySpec, PropertyValue } from "../schema/mod.ts";
import type { ChardevPort } from "../sdk/device_env.ts";
import { ByteRing } from "./_byte_ring.ts";

/**
 * The host end of a chardev, as the VMM's chardev backends implement it (devices/chardev):
 * guest output goes to `write`, host input arrives at the receiver.
 */
export interface HostChardev {
  /** Sends guest output to the host. `data` is only valid during the call. */
  write(data: Uint8Array): void;
  /** Routes host input to `cb`, replacing any earlier receiver. */
  setReceiver(cb: (data: Uint8Array) => void): void;
}

/** Bytes of each ring. @default */
export const CHARDEV_RING_BYTES = 0x10000;
/** Host input held beyond the ring while the device is not reading; more is dropped. */
const MAX_HELD_INPUT = 0x100000;

// Int32 words of the header: the rings' counters, then one doorbell per side.
const IN_COUNTERS = 0; // host → device: words 0 (written) and 1 (read)
const OUT_COUNTERS = 2; // device → host: words 2 (written) and 3 (read)
const HOST_BELL = 4; // bumped by the device after it writes output or reads input
const DEVICE_BELL = 5; // bumped by the host after it writes input or reads output
const HEADER_BYTES = 32;

function rings(buffer: SharedArrayBuffer): { input: ByteRing; output: ByteRing } {
  const capacity = (buffer.byteLength - HEADER_BYTES) / 2;
  return {
    input: new ByteRing(buffer, { counters: 4 * IN_COUNTERS, data: HEADER_BYTES, capacity }),
    output: new ByteRing(buffer, {
      counters: 4 * OUT_COUNTERS,
      data: HEADER_BYTES + capacity,
      capacity,
    }),
  };
}

function ring(words: Int32Array, bell: number): void {
  Atomics.add(words, bell, 1);
  Atomics.notify(words, bell);
}

/**
 * The VMM-thread end of one chardev property: forwards the device's output to the chardev and
 * the chardev's input to the device.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const written: string[] = [];
 * let typed: (data: Uint8Array) => void = () => {};
 * const bridge = new ChardevBridge({
 *   write: (data) => void written.push(new TextDecoder().decode(data)),
 *   setReceiver: (cb) => void (typed = cb),
 * });
 * const device = new ChardevEndpoint(bridge.buffer);
 * device.write(new TextEncoder().encode("hello"));
 * bridge.pump();
 * assert.deepEqual(written, ["hello"]);
 * typed(new TextEncoder().encode("ok"));
 * const got = new Uint8Array(8);
 * assert.equal(new TextDecoder().decode(got.subarray(0, device.read(got))), "ok");
 * bridge.close();
 * ```
 */
export class ChardevBridge {
  /** The shared memory to hand to the sandbox (`ChardevEndpoint`). */
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #input: ByteRing;
  readonly #output: ByteRing;
  readonly #chardev: HostChardev;
  readonly #scratch: Uint8Array;
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #closed = false;

  /** Connects to `chardev` (it becomes the chardev's receiver) and starts forwarding. */
  constructor(chardev: HostChardev, options: { capacity?: number } = {}) {
    const capacity = options.capacity ?? CHARDEV_RING_BYTES;
    this.buffer = new SharedArrayBuffer(HEADER_BYTES + 2 * capacity);
    this.#words = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
    ({ input: this.#input, output: this.#output } = rings(this.buffer));
    this.#chardev = chardev;
    this.#scratch = new Uint8Array(capacity);
    chardev.setReceiver((data) => this.#receive(data));
    this.#watch();
  }

  /**
   * Moves what the device wrote to the chardev (at most one ring's worth per call, so a
   * misbehaving device cannot hold the VMM thread) and held input into the ring.
   */
  pump(): void {
    if (this.#closed) return;
    let moved = false;
    const n = this.#output.read(this.#scratch);
    if (n > 0) {
      moved = true;
      try {
        this.#chardev.write(this.#scratch.subarray(0, n));
      } catch {
        // A chardev that fails drops output; the guest must not stop for it (as QEMU does).
      }
    }
    if (this.#held.length > 0 && this.#feed()) moved = true;
    if (moved) ring(this.#words, DEVICE_BELL);
  }

  /** Stops forwarding; the chardev's input is discarded from now on. */
  close(): void {
    if (this.#closed) return;
    this.pump();
    this.#closed = true;
    this.#held = [];
    this.#chardev.setReceiver(() => {});
    ring(this.#words, HOST_BELL);
  }

  #receive(data: Uint8Array): void {
    if (this.#closed || data.length === 0) return;
    let rest = data;
    if (this.#held.length === 0) rest = data.subarray(this.#input.write(data));
    if (rest.length > 0 && this.#heldBytes + rest.length <= MAX_HELD_INPUT) {
      this.#held.push(rest.slice());
      this.#heldBytes += rest.length;
    }
    if (rest.length < data.length) ring(this.#words, DEVICE_BELL);
  }

  /** Moves held input into the ring; true if any moved. */
  #feed(): boolean {
    let moved = false;
    while (this.#held.length > 0) {
      const chunk = this.#held[0];
      const n = this.#input.write(chunk);
      if (n > 0) moved = true;
      this.#heldBytes -= n;
      if (n < chunk.length) {
        this.#held[0] = chunk.subarray(n);
        break;
      }
      this.#held.shift();
    }
    return moved;
  }

  /** Pumps whenever the device rings, for when nobody pumps between CPU slices. */
  async #watch(): Promise<void> {
    let seen = Atomics.load(this.#words, HOST_BELL);
    while (!this.#closed) {
      const waiting = Atomics.waitAsync(this.#words, HOST_BELL, seen);
      if (waiting.async) await waiting.value;
      seen = Atomics.load(this.#words, HOST_BELL);
      this.pump();
    }
  }
}

/**
 * The sandbox end of one chardev property: the {@link ChardevPort} a backend finds in
 * `env.chardevs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const port = new ChardevEndpoint(new SharedArrayBuffer(32 + 2 * 16));
 * assert.equal(port.write(new Uint8Array(40)), 16, "a ring of 16 bytes each way");
 * assert.equal(port.pending, 0);
 * ```
 */
export class ChardevEndpoint implements ChardevPort {
  readonly #words: Int32Array;
  readonly #input: ByteRing;
  readonly #output: ByteRing;
  #listener: (() => void) | undefined;
  #writable: (() => void)[] = [];
  #watching = false;

  /** Opens the rings of a {@link ChardevBridge}'s `buffer`; throws RangeError for a bad one. */
  constructor(buffer: SharedArrayBuffer) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength < HEADER_BYTES + 2) {
      throw new RangeError("a chardev bridge needs its SharedArrayBuffer");
    }
    this.#words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    ({ input: this.#input, output: this.#output } = rings(buffer));
  }

  /** Bytes of host input waiting. */
  get pending(): number {
    return this.#input.available;
  }

  /** Queues bytes for the host; returns how many fit. */
  write(data: Uint8Array): number {
    const n = this.#output.write(data);
    if (n > 0) ring(this.#words, HOST_BELL);
    return n;
  }

  /** Resolves once `write` can take at least one byte. */
  writable(): Promise<void> {
    if (this.#output.free > 0) return Promise.resolve();
    this.#watch();
    return new Promise((resolve) => this.#writable.push(resolve));
  }

  /** Moves host input into `into`; returns the byte count. */
  read(into: Uint8Array): number {
    const n = this.#input.read(into);
    if (n > 0) ring(this.#words, HOST_BELL);
    return n;
  }

  /** Calls `listener` whenever host input arrives, and soon if some is already waiting. */
  onInput(listener: () => void): void {
    this.#listener = listener;
    this.#watch();
    if (this.pending > 0) queueMicrotask(() => this.#dispatch());
  }

  #dispatch(): void {
    if (this.#writable.length > 0 && this.#output.free > 0) {
      const waiting = this.#writable;
      this.#writable = [];
      for (const resolve of waiting) resolve();
    }
    if (this.#listener && this.pending > 0) this.#listener();
  }

  /** Waits on the device's bell for the lifetime of the sandbox. */
  async #watch(): Promise<void> {
    if (this.#watching) return;
    this.#watching = true;
    let seen = Atomics.load(this.#words, DEVICE_BELL);
    for (;;) {
      const waiting = Atomics.waitAsync(this.#words, DEVICE_BELL, seen);
      if (waiting.async) await waiting.value;
      seen = Atomics.load(this.#words, DEVICE_BELL);
      this.#dispatch();
    }
  }
}

/**
 * Opens a bridge for each `chardev` property that has a value, keyed by property name. Throws
 * an Error naming the property when its value names no chardev.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const sink = { write() {}, setReceiver() {} };
 * const bridges = openChardevBridges(
 *   { chardev: { type: "chardev" }, name: { type: "string" } },
 *   { chardev: "c0", name: "c0" },
 *   { c0: sink },
 * );
 * assert.deepEqual(Object.keys(bridges), ["chardev"]);
 * for (const b of Object.values(bridges)) b.close();
 * assert.throws(
 *   () => openChardevBridges({ chardev: { type: "chardev" } }, { chardev: "c9" }, {}),
 *   /property 'chardev': no -chardev with id 'c9'/,
 * );
 * ```
 */
export function openChardevBridges(
  properties: Readonly<Record<string, PropertySpec>>,
  props: Readonly<Record<string, PropertyValue>>,
  chardevs: Readonly<Record<string, HostChardev>> = {},
): Record<string, ChardevBridge> {
  const found: [string, HostChardev][] = [];
  for (const [name, spec] of Object.entries(properties)) {
    const value = props[name];
    if (spec.type !== "chardev" || value === undefined || value === "") continue;
    const chardev = Object.hasOwn(chardevs, String(value)) ? chardevs[String(value)] : undefined;
    if (!chardev) throw new Error(`property '${name}': no -chardev with id '${String(value)}'`);
    found.push([name, chardev]);
  }
  // Checked first, so that a bad property leaves no chardev half-connected.
  return Object.fromEntries(found.map(([name, chardev]) => [name, new ChardevBridge(chardev)]));
}

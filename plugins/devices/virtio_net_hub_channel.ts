/**
 * How the frames of a `-netdev hubport` cross between a device's sandbox and the VMM's hub: two
 * rings of length-prefixed frames in shared memory (each frame behind its 4-byte big-endian
 * length, as QEMU's stream netdevs frame them) and a doorbell word per side. The sandbox gets no
 * network permission at all: it can only put frames in one ring and take them from the other.
 *
 * ```
 * VMM thread (hub)                                   device sandbox
 * HubChannel.take     ◀── from-device ring ──  HubChannelEndpoint.send     (guest transmits)
 * HubChannel.deliver  ─── to-device ring   ──▶ HubChannelEndpoint.receive  (guest receives)
 * ```
 *
 * A frame is published whole or not at all (one write of prefix and frame), so a sandbox stopped
 * at any instruction leaves no half frame behind. The VMM end trusts nothing the device wrote:
 * a length of zero, above {@link HUB_MAX_FRAME} or beyond what the ring holds discards what the
 * ring holds, which harms only that device's own port.
 *
 * @module
 */

import { ByteRing } from "../sandbox/_byte_ring.ts";
import { LENGTH_PREFIX_SIZE } from "./virtio_net_framing.ts";

/**
 * The largest frame a hub carries: 65536 bytes and 4096 of headers, the socket netdevs'
 * NET_BUFSIZE, so that any frame one of them passes passes the hub too. Longer (and empty)
 * frames are dropped.
 */
export const HUB_MAX_FRAME = 65536 + 4096;

/** Bytes of each ring by default: about 170 full-size (1514-byte) frames, or three of the largest. */
export const HUB_RING_BYTES = 1 << 18;

// Int32 words of the header: the rings' counters, then one doorbell per side.
const TO_DEVICE = 0; // words 0 (written by the VMM) and 1 (read by the device)
const FROM_DEVICE = 2; // words 2 (written by the device) and 3 (read by the VMM)
const HOST_BELL = 4; // bumped by the device after it sends a frame
const DEVICE_BELL = 5; // bumped by the VMM after it delivers frames or takes the device's
const HEADER_BYTES = 32;

function ring(words: Int32Array, bell: number): void {
  Atomics.add(words, bell, 1);
  Atomics.notify(words, bell);
}

/** One direction: whole frames over a {@link ByteRing}. */
class FrameRing {
  /** Records discarded as malformed. */
  malformed = 0;
  readonly #ring: ByteRing;
  readonly #prefix = new Uint8Array(LENGTH_PREFIX_SIZE);
  readonly #prefixView = new DataView(this.#prefix.buffer);
  #record: Uint8Array | undefined;

  constructor(buffer: SharedArrayBuffer, counters: number, data: number, capacity: number) {
    this.#ring = new ByteRing(buffer, { counters, data, capacity });
  }

  /** Publishes `frame` whole; false, with nothing written, when it does not fit now. */
  write(frame: Uint8Array): boolean {
    const size = LENGTH_PREFIX_SIZE + frame.length;
    if (this.#ring.free < size) return false;
    // One write publishes prefix and frame together.
    const record = this.#record ??= new Uint8Array(LENGTH_PREFIX_SIZE + HUB_MAX_FRAME);
    new DataView(record.buffer).setUint32(0, frame.length, false);
    record.set(frame, LENGTH_PREFIX_SIZE);
    this.#ring.write(record.subarray(0, size));
    return true;
  }

  /** The next frame (a fresh array), or undefined when none is complete. */
  read(): Uint8Array | undefined {
    if (this.#ring.available < LENGTH_PREFIX_SIZE) return undefined;
    this.#ring.read(this.#prefix);
    const length = this.#prefixView.getUint32(0, false);
    if (length === 0 || length > HUB_MAX_FRAME || this.#ring.available < length) {
      // Not what an honest writer leaves: drop everything and start afresh at the writer's
      // next frame.
      this.malformed++;
      const sink = new Uint8Array(Math.min(this.#ring.capacity, 1 << 16));
      while (this.#ring.read(sink) > 0) { /* discard */ }
      return undefined;
    }
    const frame = new Uint8Array(length);
    this.#ring.read(frame);
    return frame;
  }

  /** Bytes published and not read yet. */
  get available(): number {
    return this.#ring.available;
  }
}

function frameRings(buffer: SharedArrayBuffer): { toDevice: FrameRing; fromDevice: FrameRing } {
  const capacity = (buffer.byteLength - HEADER_BYTES) / 2;
  return {
    toDevice: new FrameRing(buffer, 4 * TO_DEVICE, HEADER_BYTES, capacity),
    fromDevice: new FrameRing(buffer, 4 * FROM_DEVICE, HEADER_BYTES + capacity, capacity),
  };
}

/**
 * The VMM end of one hub port's channel: frames for the device go in with `deliver`, the
 * device's frames come out of `take`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HubChannel, HubChannelEndpoint } from "./virtio_net_hub_channel.ts";
 * const host = new HubChannel();
 * const received: Uint8Array[] = [];
 * const device = new HubChannelEndpoint(host.buffer, {
 *   receive: (frame) => received.push(frame) > 0,
 *   writable() {},
 *   log() {},
 * });
 * assert.equal(device.send(new Uint8Array(60).fill(1)), true);
 * assert.deepEqual(host.take().map((f) => f.length), [60]);
 * assert.equal(host.deliver(new Uint8Array(42)), true);
 * device.poll();
 * assert.deepEqual(received.map((f) => f.length), [42]);
 * device.close();
 * host.close();
 * ```
 */
export class HubChannel {
  /** The shared memory to grant the device's sandbox. */
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #toDevice: FrameRing;
  readonly #fromDevice: FrameRing;
  #closed = false;
  #watching = false;

  /**
   * A channel whose rings hold `capacity` bytes each way (a power of two that fits a frame of
   * {@link HUB_MAX_FRAME} bytes). Throws RangeError for another capacity.
   */
  constructor(options: { capacity?: number } = {}) {
    const capacity = options.capacity ?? HUB_RING_BYTES;
    if (capacity < LENGTH_PREFIX_SIZE + HUB_MAX_FRAME) {
      throw new RangeError(`a hub ring of ${capacity} bytes cannot hold the largest frame`);
    }
    this.buffer = new SharedArrayBuffer(HEADER_BYTES + 2 * capacity);
    this.#words = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
    ({ toDevice: this.#toDevice, fromDevice: this.#fromDevice } = frameRings(this.buffer));
  }

  /** Records from the device discarded as malformed. */
  get malformed(): number {
    return this.#fromDevice.malformed;
  }

  /** Queues `frame` for the device; false when its ring is full (the frame is not queued). */
  deliver(frame: Uint8Array): boolean {
    if (this.#closed || frame.length === 0 || frame.length > HUB_MAX_FRAME) return false;
    if (!this.#toDevice.write(frame)) return false;
    ring(this.#words, DEVICE_BELL);
    return true;
  }

  /**
   * The frames the device sent since the last call, oldest first: at most one ring's worth, so
   * that a device sending without pause cannot hold the VMM thread.
   */
  take(): Uint8Array[] {
    const frames: Uint8Array[] = [];
    if (this.#closed) return frames;
    let left = this.#fromDevice.available;
    while (left > 0) {
      const frame = this.#fromDevice.read();
      if (!frame) break;
      frames.push(frame);
      left -= LENGTH_PREFIX_SIZE + frame.length;
    }
    // The device may be waiting for room to send.
    if (frames.length > 0 || left > 0) ring(this.#words, DEVICE_BELL);
    return frames;
  }

  /** Calls `listener` whenever the device rings (it sent frames), until `close`. */
  watch(listener: () => void): void {
    if (this.#watching || this.#closed) return;
    this.#watching = true;
    void (async () => {
      let seen = Atomics.load(this.#words, HOST_BELL);
      listener(); // frames sent before anyone watched
      while (!this.#closed) {
        const waiting = Atomics.waitAsync(this.#words, HOST_BELL, seen);
        if (waiting.async) await waiting.value;
        seen = Atomics.load(this.#words, HOST_BELL);
        if (!this.#closed) listener();
      }
    })();
  }

  /** Stops watching; frames for the device are refused from now on. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    ring(this.#words, HOST_BELL);
  }
}

/** What the device end calls back (the shape of the virtio-net backend hooks). */
export interface HubEndpointHooks {
  /** A frame arrived; false when the device holds all it will (reading stops until `resume`). */
  receive(frame: Uint8Array): boolean;
  /** `send` may be called again after it returned false. */
  writable(): void;
  /** A line for the VMM's log. */
  log(message: string): void;
}

/**
 * The sandbox end of a hub port's channel. Sending waits for room (returns false, then
 * `writable`), as a busy wire holds a NIC back; receiving stops while the device is full, and
 * the hub drops what the ring then cannot take.
 */
export class HubChannelEndpoint {
  readonly #words: Int32Array;
  readonly #toDevice: FrameRing;
  readonly #fromDevice: FrameRing;
  readonly #hooks: HubEndpointHooks;
  #blocked = false;
  #paused = false;
  #closed = false;
  #watching = false;

  /** Opens the rings of a {@link HubChannel}'s `buffer`; throws RangeError for a bad one. */
  constructor(buffer: SharedArrayBuffer, hooks: HubEndpointHooks) {
    if (!(buffer instanceof SharedArrayBuffer) || buffer.byteLength <= HEADER_BYTES) {
      throw new RangeError("a hub port needs its channel's SharedArrayBuffer");
    }
    this.#words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    ({ toDevice: this.#toDevice, fromDevice: this.#fromDevice } = frameRings(buffer));
    this.#hooks = hooks;
  }

  /**
   * Sends one frame into the hub. Returns false when the ring is full: the frame was not sent,
   * and `writable` follows once the hub has made room. Empty frames and frames above
   * {@link HUB_MAX_FRAME} are dropped (true).
   */
  send(frame: Uint8Array): boolean {
    if (this.#closed || frame.length === 0 || frame.length > HUB_MAX_FRAME) return true;
    if (!this.#fromDevice.write(frame)) {
      this.#blocked = true;
      this.#watch();
      return false;
    }
    ring(this.#words, HOST_BELL);
    return true;
  }

  /** The device has room for frames again. */
  resume(): void {
    this.#paused = false;
    if (!this.#closed) queueMicrotask(() => this.poll());
  }

  /**
   * Hands waiting frames to `receive` (until it returns false) and reports room to send. Runs
   * by itself whenever the hub rings once `start` was called.
   */
  poll(): void {
    if (this.#closed) return;
    if (this.#blocked) {
      this.#blocked = false;
      this.#hooks.writable();
    }
    while (!this.#paused && !this.#closed) {
      const frame = this.#toDevice.read();
      if (!frame) break;
      if (!this.#hooks.receive(frame)) this.#paused = true;
    }
  }

  /** Starts waiting on the hub's doorbell; frames already waiting are handed over soon. */
  start(): void {
    this.#watch();
    queueMicrotask(() => this.poll());
  }

  /** Stops sending and receiving. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Ends the wait on the doorbell; only this end waits on it.
    ring(this.#words, DEVICE_BELL);
  }

  #watch(): void {
    if (this.#watching) return;
    this.#watching = true;
    void (async () => {
      let seen = Atomics.load(this.#words, DEVICE_BELL);
      while (!this.#closed) {
        const waiting = Atomics.waitAsync(this.#words, DEVICE_BELL, seen);
        if (waiting.async) await waiting.value;
        seen = Atomics.load(this.#words, DEVICE_BELL);
        this.poll();
      }
    })();
  }
}

/**
 * The per-device control block: a few words of shared memory through which the VMM thread and a
 * device's sandbox exchange doorbells, activation, reset, interrupt requests, faults and the
 * watchdog's heartbeat, with Atomics only (no message on the data path).
 *
 * Host → device requests bump `WAKE`, which the device waits on; device → host signals bump
 * `SIGNAL`, which the host may wait on when it is idle and otherwise polls between CPU slices.
 *
 * @module
 */

import type { VirtioQueueConfig } from "../sdk/virtio_device.ts";

/** Word indexes of the control block header. */
export const CB = {
  /** Host: bumped for every request (doorbell, activation, reset); the device waits on it. */
  WAKE: 0,
  /** Device: the `WAKE` value it has fully served (the watchdog compares the two). */
  WAKE_ACK: 1,
  /** Device or shell: bumped with every interrupt request or fault; the host may wait on it. */
  SIGNAL: 2,
  /** Device: 1 when a configuration interrupt is requested. */
  CONFIG_IRQ: 3,
  /** Why the device stopped: a {@link FaultCode}, 0 while it runs. */
  FAULT: 4,
  /** Queue index the fault concerns, or -1. */
  FAULT_QUEUE: 5,
  /** Device: bumped by its event loop every heartbeat. */
  HEARTBEAT: 6,
  /** Device: its isolate's heap plus external memory growth in MiB, at the last heartbeat. */
  MEMORY_MB: 7,
  /** Host: generation of the requested state; bumped by activate and reset. */
  REQ_GEN: 8,
  /** Host: requested state, {@link DeviceRequest}. */
  REQ_STATE: 9,
  /** Device: the `REQ_GEN` it has applied. */
  APPLIED_GEN: 10,
  /** Device: 1 when the dirty-page bitmap has bits set. */
  DIRTY: 11,
  /** Negotiated features, low and high 32 bits. */
  FEATURES_LO: 12,
  FEATURES_HI: 13,
} as const;

/** What the host asks the device to be. */
export const DeviceRequest = { RESET: 0, ACTIVE: 1 } as const;

/** Why a device was stopped. */
export const FaultCode = {
  /** A handler or the plugin's own code threw. */
  THREW: 1,
  /** No progress on a doorbell, or its event loop blocked, for longer than the watchdog allows. */
  HUNG: 2,
  /** The plugin's heap or external memory went past its limit. */
  OUT_OF_MEMORY: 3,
  /** The driver (or the plugin) broke the virtqueue protocol (a VirtqueueError). */
  RING: 4,
  /** The plugin's Worker ended by itself. */
  EXITED: 5,
} as const;

/** One of {@link FaultCode}. */
export type FaultCode = typeof FaultCode[keyof typeof FaultCode];

/** A short description of each fault code, for logs and `fail()`. */
export const FAULT_TEXT: Readonly<Record<FaultCode, string>> = {
  1: "the plugin threw",
  2: "the plugin hung",
  3: "the plugin ran out of memory",
  4: "the virtqueue protocol was broken",
  5: "the plugin exited",
};

const HEADER_WORDS = 16;
// Per queue: size (0 = not configured), legacy, then desc/avail/used as low and high words.
const QUEUE_WORDS = 8;

/** What the host requested last, as the device reads it. */
export interface DeviceRequestState {
  /** Request generation. */
  gen: number;
  /** {@link DeviceRequest}. */
  state: number;
  /** Negotiated features (for ACTIVE). */
  features: bigint;
  /** Configured queues (for ACTIVE). */
  queues: VirtioQueueConfig[];
}

/**
 * Typed access to a control block for `queueCount` queues, from either side.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const host = ControlBlock.create(2);
 * const device = new ControlBlock(host.buffer, 2);
 * host.ring(1);
 * assert.deepEqual(device.takeKicks(), [1]);
 * device.raiseQueue(0);
 * assert.deepEqual(host.takeQueueInterrupts(), [0]);
 * ```
 */
export class ControlBlock {
  /** The shared words. */
  readonly words: Int32Array;
  /** Queues the block has room for. */
  readonly queueCount: number;
  readonly #kick: number;
  readonly #irq: number;
  readonly #bitWords: number;

  /** Allocates a zeroed block for `queueCount` queues. */
  static create(queueCount: number): ControlBlock {
    return new ControlBlock(new SharedArrayBuffer(ControlBlock.byteLength(queueCount)), queueCount);
  }

  /** Bytes a block for `queueCount` queues takes. */
  static byteLength(queueCount: number): number {
    const bitWords = Math.ceil(queueCount / 32);
    return 4 * (HEADER_WORDS + QUEUE_WORDS * queueCount + 2 * bitWords);
  }

  /** Views an existing block (made by {@link ControlBlock.create} on the other side). */
  constructor(buffer: SharedArrayBuffer, queueCount: number) {
    if (!Number.isInteger(queueCount) || queueCount < 1) {
      throw new RangeError(`queue count ${queueCount} must be a positive integer`);
    }
    if (buffer.byteLength < ControlBlock.byteLength(queueCount)) {
      throw new RangeError("control block buffer too small for its queues");
    }
    this.words = new Int32Array(buffer);
    this.queueCount = queueCount;
    this.#bitWords = Math.ceil(queueCount / 32);
    this.#kick = HEADER_WORDS + QUEUE_WORDS * queueCount;
    this.#irq = this.#kick + this.#bitWords;
  }

  /** The shared buffer, to post to the other side. */
  get buffer(): SharedArrayBuffer {
    return this.words.buffer as SharedArrayBuffer;
  }

  /** Reads one header word. */
  load(word: number): number {
    return Atomics.load(this.words, word);
  }

  // ---- host side ----------------------------------------------------------------------------

  /** Doorbell: marks queue `index` kicked and wakes the device. */
  ring(index: number): void {
    Atomics.or(this.words, this.#kick + (index >>> 5), 1 << (index & 31));
    this.#wake();
  }

  /** Publishes an activation (features and queue layouts) and wakes the device. */
  requestActivate(features: bigint, queues: readonly VirtioQueueConfig[]): void {
    const w = this.words;
    for (let i = 0; i < this.queueCount; i++) Atomics.store(w, this.#queue(i), 0);
    for (const q of queues) {
      if (!Number.isInteger(q.index) || q.index < 0 || q.index >= this.queueCount) continue;
      const at = this.#queue(q.index);
      Atomics.store(w, at + 1, q.legacy ? 1 : 0);
      storeAddr(w, at + 2, q.desc);
      storeAddr(w, at + 4, q.avail);
      storeAddr(w, at + 6, q.used);
      Atomics.store(w, at, q.size);
    }
    Atomics.store(w, CB.FEATURES_LO, Number(features & 0xffff_ffffn) | 0);
    Atomics.store(w, CB.FEATURES_HI, Number((features >> 32n) & 0xffff_ffffn) | 0);
    this.#request(DeviceRequest.ACTIVE);
  }

  /** Asks the device to reset and wakes it; returns the generation to wait for. */
  requestReset(): number {
    // Doorbells of the old generation mean nothing to the next one.
    for (let i = 0; i < this.#bitWords; i++) Atomics.store(this.words, this.#kick + i, 0);
    return this.#request(DeviceRequest.RESET);
  }

  /** Takes the queue indexes with a pending interrupt request, clearing them. */
  takeQueueInterrupts(): number[] {
    return this.#takeBits(this.#irq);
  }

  /** Takes a pending configuration interrupt request. */
  takeConfigInterrupt(): boolean {
    return Atomics.exchange(this.words, CB.CONFIG_IRQ, 0) !== 0;
  }

  /** Drops every pending interrupt request (after a reset). */
  clearInterrupts(): void {
    this.takeQueueInterrupts();
    this.takeConfigInterrupt();
  }

  // ---- device side --------------------------------------------------------------------------

  /** Takes the kicked queue indexes, clearing them. */
  takeKicks(): number[] {
    return this.#takeBits(this.#kick);
  }

  /** The host's latest request. */
  readRequest(): DeviceRequestState {
    const w = this.words;
    const gen = Atomics.load(w, CB.REQ_GEN);
    const state = Atomics.load(w, CB.REQ_STATE);
    const features = (BigInt(Atomics.load(w, CB.FEATURES_HI) >>> 0) << 32n) |
      BigInt(Atomics.load(w, CB.FEATURES_LO) >>> 0);
    const queues: VirtioQueueConfig[] = [];
    for (let index = 0; index < this.queueCount; index++) {
      const at = this.#queue(index);
      const size = Atomics.load(w, at);
      if (size === 0) continue;
      queues.push({
        index,
        size,
        legacy: Atomics.load(w, at + 1) === 1,
        desc: loadAddr(w, at + 2),
        avail: loadAddr(w, at + 4),
        used: loadAddr(w, at + 6),
      });
    }
    return { gen, state, features, queues };
  }

  /** Marks request generation `gen` applied and wakes a host waiting for it. */
  applied(gen: number): void {
    Atomics.store(this.words, CB.APPLIED_GEN, gen);
    Atomics.notify(this.words, CB.APPLIED_GEN);
  }

  /** Requests the used-buffer interrupt of queue `index`. */
  raiseQueue(index: number): void {
    Atomics.or(this.words, this.#irq + (index >>> 5), 1 << (index & 31));
    this.signal();
  }

  /** Requests a configuration interrupt. */
  raiseConfig(): void {
    Atomics.store(this.words, CB.CONFIG_IRQ, 1);
    this.signal();
  }

  /** Wakes a host waiting on `SIGNAL`. */
  signal(): void {
    Atomics.add(this.words, CB.SIGNAL, 1);
    Atomics.notify(this.words, CB.SIGNAL);
  }

  /**
   * Records a fault (the first one wins) and signals the host. Returns false if a fault was
   * already recorded.
   */
  setFault(code: FaultCode, queue = -1): boolean {
    if (Atomics.compareExchange(this.words, CB.FAULT, 0, code) !== 0) return false;
    Atomics.store(this.words, CB.FAULT_QUEUE, queue);
    this.signal();
    return true;
  }

  /** The recorded fault, if any. */
  fault(): { code: FaultCode; queue: number } | undefined {
    const code = Atomics.load(this.words, CB.FAULT) as FaultCode | 0;
    if (code === 0) return undefined;
    return { code, queue: Atomics.load(this.words, CB.FAULT_QUEUE) };
  }

  #wake(): void {
    Atomics.add(this.words, CB.WAKE, 1);
    Atomics.notify(this.words, CB.WAKE);
  }

  #request(state: number): number {
    Atomics.store(this.words, CB.REQ_STATE, state);
    const gen = (Atomics.add(this.words, CB.REQ_GEN, 1) + 1) | 0;
    this.#wake();
    return gen;
  }

  #queue(index: number): number {
    return HEADER_WORDS + QUEUE_WORDS * index;
  }

  #takeBits(base: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#bitWords; i++) {
      let bits = Atomics.exchange(this.words, base + i, 0);
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        out.push(i * 32 + bit);
        bits &= bits - 1;
      }
    }
    return out;
  }
}

// Guest addresses reach 2^64 in the modern interface; keep both halves so an address past RAM
// stays past RAM (the queue then refuses it) instead of wrapping into it.
function storeAddr(w: Int32Array, at: number, addr: number): void {
  const safe = Number.isSafeInteger(addr) && addr >= 0 ? addr : Number.MAX_SAFE_INTEGER;
  Atomics.store(w, at, safe % 0x1_0000_0000 | 0);
  Atomics.store(w, at + 1, Math.floor(safe / 0x1_0000_0000) | 0);
}

function loadAddr(w: Int32Array, at: number): number {
  return (Atomics.load(w, at + 1) >>> 0) * 0x1_0000_0000 + (Atomics.load(w, at) >>> 0);
}

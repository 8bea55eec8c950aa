/**
 * A single-producer single-consumer byte ring in shared memory: two free-running 32-bit
 * counters (bytes written, bytes read) and a power-of-two data area. The producer copies the
 * bytes in and then publishes its counter with a sequentially consistent store, so a consumer
 * that loads the counter sees the bytes before it; the same holds the other way for freed space.
 *
 * Either side may sit in an untrusted sandbox: counters are checked, never trusted. A fill level
 * above the capacity reads as "full" to the producer and as "capacity bytes" to the consumer,
 * and every index is masked, so a corrupted counter can garble the ring's own bytes but never
 * reach outside the data area.
 *
 * @module
 */

/**
 * One direction of a byte stream over shared memory.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const buffer = new SharedArrayBuffer(8 + 16);
 * const ring = new ByteRing(buffer, { counters: 0, data: 8, capacity: 16 });
 * assert.equal(ring.write(new Uint8Array(20).fill(7)), 16, "only the capacity fits");
 * const out = new Uint8Array(10);
 * assert.equal(ring.read(out), 10);
 * assert.equal(ring.available, 6);
 * assert.equal(ring.free, 10);
 * ```
 */
export class ByteRing {
  /** Bytes the ring holds at most. */
  readonly capacity: number;
  readonly #counters: Int32Array;
  readonly #data: Uint8Array;

  /**
   * A view of a ring inside `buffer`: the write and read counters are the two Int32 words at
   * byte offset `counters`, the data the `capacity` bytes at `data`. Throws RangeError when
   * the capacity is not a power of two or the areas do not fit.
   */
  constructor(
    buffer: SharedArrayBuffer,
    layout: { counters: number; data: number; capacity: number },
  ) {
    const { counters, data, capacity } = layout;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 2 ** 30) {
      throw new RangeError(`ring capacity ${capacity} is not between 1 and 2^30`);
    }
    if ((capacity & (capacity - 1)) !== 0) {
      throw new RangeError(`ring capacity ${capacity} is not a power of two`);
    }
    if (counters % 4 !== 0 || counters + 8 > buffer.byteLength) {
      throw new RangeError(`ring counters at ${counters} do not fit an aligned pair of words`);
    }
    if (data < 0 || data + capacity > buffer.byteLength) {
      throw new RangeError(`ring data at ${data} (+${capacity}) do not fit the buffer`);
    }
    this.capacity = capacity;
    this.#counters = new Int32Array(buffer, counters, 2);
    this.#data = new Uint8Array(buffer, data, capacity);
  }

  /** Bytes written and not yet read (at most the capacity). */
  get available(): number {
    return this.#fill(Atomics.load(this.#counters, 0), Atomics.load(this.#counters, 1));
  }

  /** Bytes that can be written now. */
  get free(): number {
    return this.capacity - this.available;
  }

  /** Copies as much of `src` as fits and publishes it; returns the byte count. */
  write(src: Uint8Array): number {
    const w = Atomics.load(this.#counters, 0);
    const r = Atomics.load(this.#counters, 1);
    const n = Math.min(src.length, this.capacity - this.#fill(w, r));
    if (n === 0) return 0;
    const at = w & (this.capacity - 1);
    const first = Math.min(n, this.capacity - at);
    this.#data.set(src.subarray(0, first), at);
    if (n > first) this.#data.set(src.subarray(first, n), 0);
    Atomics.store(this.#counters, 0, (w + n) | 0);
    return n;
  }

  /** Moves up to `dst.length` published bytes into `dst`; returns the byte count. */
  read(dst: Uint8Array): number {
    const w = Atomics.load(this.#counters, 0);
    const r = Atomics.load(this.#counters, 1);
    const n = Math.min(dst.length, this.#fill(w, r));
    if (n === 0) return 0;
    const at = r & (this.capacity - 1);
    const first = Math.min(n, this.capacity - at);
    dst.set(this.#data.subarray(at, at + first), 0);
    if (n > first) dst.set(this.#data.subarray(0, n - first), first);
    Atomics.store(this.#counters, 1, (r + n) | 0);
    return n;
  }

  /** The fill level the counters give, capped at the capacity (the other side may lie). */
  #fill(w: number, r: number): number {
    return Math.min((w - r) >>> 0, this.capacity);
  }
}

/** A fixed-capacity first-in first-out queue of bytes (the 16550's 16-byte FIFOs). */
export class ByteFifo {
  readonly #buf: Uint8Array;
  #head = 0;
  #count = 0;

  /** `capacity` is the most bytes the FIFO holds. */
  constructor(readonly capacity: number) {
    this.#buf = new Uint8Array(capacity);
  }

  /** Bytes held. */
  get length(): number {
    return this.#count;
  }

  /** True when no byte can be added. */
  get full(): boolean {
    return this.#count === this.capacity;
  }

  /** Appends `b`; returns false (and drops it) when full. */
  push(b: number): boolean {
    if (this.#count === this.capacity) return false;
    this.#buf[(this.#head + this.#count) % this.capacity] = b;
    this.#count++;
    return true;
  }

  /** Removes and returns the oldest byte, or undefined when empty. */
  shift(): number | undefined {
    if (this.#count === 0) return undefined;
    const b = this.#buf[this.#head];
    this.#head = (this.#head + 1) % this.capacity;
    this.#count--;
    return b;
  }

  /** Replaces the newest byte (a 16450 overrun overwrites the holding register). */
  replaceLast(b: number): void {
    if (this.#count > 0) this.#buf[(this.#head + this.#count - 1) % this.capacity] = b;
  }

  /** Drops every byte. */
  clear(): void {
    this.#head = 0;
    this.#count = 0;
  }
}

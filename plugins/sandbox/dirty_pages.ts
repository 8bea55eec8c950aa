/**
 * Pages of guest RAM a device wrote, shared between its sandbox (which marks them) and the VMM
 * (which drains them to drop translated code in those pages, DESIGN.md "Plugins").
 *
 * @module
 */

/** Guest page size the bitmap tracks (x86 small page). */
export const DIRTY_PAGE_SIZE = 4096;

// Word 0: something was marked since the last drain; word 1: pages tracked; then the bits.
const ANY = 0;
const PAGES = 1;
const BITS = 2;

/**
 * A shared bitmap with one bit per 4 KiB page of `[0, ramSize)`, plus a summary word so that a
 * drain with nothing to report costs one atomic load.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const host = DirtyPages.create(0x10000);
 * const device = new DirtyPages(host.buffer);
 * device.mark(0x1ff0, 0x20); // straddles pages 1 and 2
 * assert.deepEqual(host.drain(), [1, 2]);
 * assert.deepEqual(host.drain(), []);
 * ```
 */
export class DirtyPages {
  readonly #words: Int32Array;
  readonly #pages: number;

  /** Allocates a clean bitmap for `ramSize` bytes of RAM. */
  static create(ramSize: number): DirtyPages {
    const pages = Math.ceil(ramSize / DIRTY_PAGE_SIZE);
    const buffer = new SharedArrayBuffer(4 * (BITS + Math.ceil(pages / 32)));
    new Int32Array(buffer)[PAGES] = pages;
    return new DirtyPages(buffer);
  }

  /** Views a bitmap made by {@link DirtyPages.create}. */
  constructor(buffer: SharedArrayBuffer) {
    this.#words = new Int32Array(buffer);
    this.#pages = Math.min(Atomics.load(this.#words, PAGES), (this.#words.length - BITS) * 32);
  }

  /** The shared buffer. */
  get buffer(): SharedArrayBuffer {
    return this.#words.buffer as SharedArrayBuffer;
  }

  /** Marks the pages of `[addr, addr + length)` written. */
  mark(addr: number, length: number): void {
    if (length <= 0 || addr < 0) return;
    const first = Math.floor(addr / DIRTY_PAGE_SIZE);
    const last = Math.min(Math.floor((addr + length - 1) / DIRTY_PAGE_SIZE), this.#pages - 1);
    for (let page = first; page <= last; page++) {
      Atomics.or(this.#words, BITS + (page >>> 5), 1 << (page & 31));
    }
    if (first <= last) Atomics.store(this.#words, ANY, 1);
  }

  /** Takes the written page numbers, in ascending order, clearing them. */
  drain(): number[] {
    if (Atomics.exchange(this.#words, ANY, 0) === 0) return [];
    const out: number[] = [];
    for (let i = BITS; i < this.#words.length; i++) {
      let bits = Atomics.exchange(this.#words, i, 0);
      while (bits !== 0) {
        out.push((i - BITS) * 32 + 31 - Math.clz32(bits & -bits));
        bits &= bits - 1;
      }
    }
    return out;
  }
}

/**
 * First-fit allocation of buffer space inside a range of guest RAM, for the mock driver.
 *
 * @module
 */

/** Allocation granule: keeps buffers and indirect tables 16-byte aligned. */
const GRANULE = 16;

function rounded(len: number): number {
  return Math.max(GRANULE, Math.ceil(len / GRANULE) * GRANULE);
}

/** Free-list allocator over `[base, end)`; blocks may be freed in any order. */
export class DataArea {
  /** Free blocks, sorted by address, never adjacent. */
  #free: { addr: number; len: number }[] = [];

  /** Manages `[base, end)`, all free. */
  constructor(readonly base: number, readonly end: number) {
    this.reset();
  }

  /** Frees everything. */
  reset(): void {
    this.#free = [{ addr: this.base, len: this.end - this.base }];
  }

  /** Takes `len` bytes, 16-aligned; throws RangeError when no free block is large enough. */
  alloc(len: number): number {
    const size = rounded(len);
    const i = this.#free.findIndex((block) => block.len >= size);
    if (i < 0) throw new RangeError(`data area full (${len} bytes wanted)`);
    const block = this.#free[i];
    const addr = block.addr;
    if (block.len === size) this.#free.splice(i, 1);
    else this.#free[i] = { addr: addr + size, len: block.len - size };
    return addr;
  }

  /** Gives back a block from `alloc(len)`, merging it with free neighbours. */
  free(addr: number, len: number): void {
    const free = this.#free;
    let i = 0;
    while (i < free.length && free[i].addr < addr) i++;
    free.splice(i, 0, { addr, len: rounded(len) });
    if (i + 1 < free.length && free[i].addr + free[i].len === free[i + 1].addr) {
      free[i].len += free[i + 1].len;
      free.splice(i + 1, 1);
    }
    if (i > 0 && free[i - 1].addr + free[i - 1].len === free[i].addr) {
      free[i - 1].len += free[i].len;
      free.splice(i, 1);
    }
  }
}

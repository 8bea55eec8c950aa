import { type AccessSize, allOnes, type BusHandler } from "./access.ts";

interface Range {
  base: number;
  end: number; // exclusive
  handler: BusHandler;
}

/** Error raised when two devices claim overlapping addresses. */
export class BusConflictError extends Error {}

/**
 * An address space where devices register ranges. Used for the I/O-port bus
 * (16-bit addresses) and the MMIO bus (32-bit physical addresses).
 * Unassigned reads return all-ones and unassigned writes are dropped, as on
 * the ISA and PCI buses of a PC.
 */
export class RangeBus {
  #ranges: Range[] = [];
  #last: Range | undefined;

  constructor(readonly name: string, readonly limit: number) {}

  /** Claims `[base, base + length)` for `handler`; overlaps are refused. */
  register(base: number, length: number, handler: BusHandler): void {
    if (!Number.isInteger(base) || !Number.isInteger(length) || length <= 0) {
      throw new RangeError(`${this.name}: bad range ${base}+${length} for ${handler.name}`);
    }
    const end = base + length;
    if (base < 0 || end > this.limit) {
      throw new RangeError(`${this.name}: range ${hex(base)}-${hex(end - 1)} out of bounds`);
    }
    for (const r of this.#ranges) {
      if (base < r.end && r.base < end) {
        throw new BusConflictError(
          `${this.name}: ${handler.name} at ${hex(base)}-${hex(end - 1)} overlaps ` +
            `${r.handler.name} at ${hex(r.base)}-${hex(r.end - 1)}`,
        );
      }
    }
    this.#ranges.push({ base, end, handler });
    this.#ranges.sort((a, b) => a.base - b.base);
  }

  /** Releases the range registered at `base` for `handler` (BAR moves). */
  unregister(base: number, handler: BusHandler): void {
    const i = this.#ranges.findIndex((r) => r.base === base && r.handler === handler);
    if (i >= 0) this.#ranges.splice(i, 1);
    this.#last = undefined;
  }

  /** The handler covering `addr`, if any. */
  find(addr: number): BusHandler | undefined {
    return this.#lookup(addr)?.handler;
  }

  #lookup(addr: number): Range | undefined {
    const last = this.#last;
    if (last && addr >= last.base && addr < last.end) return last;
    const rs = this.#ranges;
    let lo = 0, hi = rs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = rs[mid];
      if (addr < r.base) hi = mid - 1;
      else if (addr >= r.end) lo = mid + 1;
      else return (this.#last = r);
    }
    return undefined;
  }

  read(addr: number, size: AccessSize): number {
    const r = this.#lookup(addr);
    if (!r || addr + size > r.end) return this.#split(addr, size, r);
    const h = r.handler;
    if (needsSplit(h, size)) return this.#splitRead(addr, size);
    const v = h.read(addr - r.base, size);
    return size === 4 ? v >>> 0 : v & (size === 2 ? 0xffff : 0xff);
  }

  write(addr: number, size: AccessSize, value: number): void {
    const r = this.#lookup(addr);
    if (!r || addr + size > r.end) {
      if (size === 1) return;
      for (let i = 0; i < size; i++) this.write(addr + i, 1, (value >>> (8 * i)) & 0xff);
      return;
    }
    const h = r.handler;
    if (needsSplit(h, size)) {
      const step: AccessSize = ((h.sizes ?? 7) & 2) && size === 4 ? 2 : 1;
      const mask = step === 2 ? 0xffff : 0xff;
      for (let i = 0; i < size; i += step) {
        this.write(addr + i, step, (value >>> (8 * i)) & mask);
      }
      return;
    }
    h.write(addr - r.base, size, size === 4 ? value >>> 0 : value & (size === 2 ? 0xffff : 0xff));
  }

  #split(addr: number, size: AccessSize, r: Range | undefined): number {
    if (size === 1 || !r && !this.#lookup(addr + size - 1)) return allOnes(size);
    return this.#splitRead(addr, size);
  }

  #splitRead(addr: number, size: AccessSize): number {
    const r = this.#lookup(addr);
    const h = r?.handler;
    const step: AccessSize = h && h.sizes !== undefined && (h.sizes & 2) && size === 4 ? 2 : 1;
    let v = 0;
    for (let i = 0; i < size; i += step) v |= this.read(addr + i, step) << (8 * i);
    return v >>> 0;
  }
}

function hex(n: number): string {
  return "0x" + n.toString(16);
}

/** True when the device lacks this width but implements a narrower one. */
function needsSplit(h: BusHandler, size: AccessSize): boolean {
  return h.sizes !== undefined && (h.sizes & size) === 0 && (h.sizes & (size - 1)) !== 0;
}

/**
 * Guest RAM as the virtqueue sees it: bytes at guest-physical address == offset, limited to
 * `[0, size)`. The views may extend past `size` (the VMM keeps its CPU area there); nothing in
 * this module touches those bytes.
 *
 * @module
 */

/** Guest RAM shared by the VMM thread and device workers. */
export interface GuestRam {
  /** Byte view whose offset 0 is guest-physical address 0. */
  readonly u8: Uint8Array;
  /** DataView over the same bytes, for little-endian ring fields. */
  readonly view: DataView;
  /** RAM size in bytes: addresses at or above it are not RAM. */
  readonly size: number;
  /**
   * Called after the virtqueue writes `[addr, addr + length)` through its copy methods, so the
   * VMM can drop translated code in those pages. Writes through `Descriptor.bytes()` views bypass
   * it; devices that use them report their own writes.
   */
  readonly onWrite?: (addr: number, length: number) => void;
}

/** Options for {@link createGuestRam}. */
export interface CreateGuestRamOptions {
  /** Bytes of non-RAM memory kept after RAM (to catch stray accesses in tests). @default 0 */
  guard?: number;
}

const WASM_PAGE = 0x10000;

/**
 * Allocates guest RAM in a shared WebAssembly.Memory, as the VMM does, for tests, benchmarks and
 * fuzzing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const ram = createGuestRam(0x10000, { guard: 0x1000 });
 * assert.equal(ram.size, 0x10000);
 * assert.ok(ram.u8.length >= 0x11000);
 * assert.ok(ram.u8.buffer instanceof SharedArrayBuffer);
 * ```
 */
export function createGuestRam(size: number, options: CreateGuestRamOptions = {}): GuestRam {
  const guard = options.guard ?? 0;
  if (!Number.isSafeInteger(size) || size <= 0) {
    throw new RangeError(`guest RAM size ${size} must be a positive integer`);
  }
  if (!Number.isSafeInteger(guard) || guard < 0) {
    throw new RangeError(`guard size ${guard} must be a non-negative integer`);
  }
  const pages = Math.ceil((size + guard) / WASM_PAGE);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return {
    u8: new Uint8Array(memory.buffer),
    view: new DataView(memory.buffer),
    size,
  };
}

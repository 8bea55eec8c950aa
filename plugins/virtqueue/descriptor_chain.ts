/**
 * Walking a descriptor chain (virtio 1.1 §2.6.5) from a driver nobody trusts: every step is
 * bounded, so loops, tables out of RAM and oversized chains end in a {@link VirtqueueError}.
 *
 * @module
 */

import { Descriptor } from "./descriptor.ts";
import { VirtqueueError } from "./errors.ts";
import type { GuestRam } from "./guest_ram.ts";
import {
  DESCRIPTOR_SIZE,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
} from "./ring_layout.ts";

/** Largest byte count of one chain: "Drivers MUST NOT add a descriptor chain longer than 2^32
 * bytes in total" (§2.6.5.2). */
export const MAX_CHAIN_BYTES = 2 ** 32;

/** Where a chain starts and what the driver may use in it. */
export interface ChainSource {
  /** Guest-physical address of the queue's descriptor table. */
  descTable: number;
  /** Queue size: entries in the descriptor table. */
  queueSize: number;
  /** Index of the chain's first descriptor. */
  head: number;
  /** VIRTIO_F_INDIRECT_DESC was negotiated. @default false */
  indirect?: boolean;
  /** Byte cap over all buffers of the chain. @default 2 ** 32 */
  maxBytes?: number;
}

/** Options for the copy methods of {@link DescriptorChain}. */
export interface CopyOptions {
  /** Byte offset into the readable (or writable) part where copying starts. @default 0 */
  offset?: number;
}

function hex(value: number): string {
  return "0x" + value.toString(16);
}

/**
 * A descriptor chain popped from the available ring: iterate it for its buffers in order (each
 * `next` hop is checked when it is taken), or take `readable()` / `writable()` / the copy methods,
 * which walk it to the end first. The first complete walk is kept, so a driver rewriting
 * descriptors afterwards does not change what the device sees.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGuestRam } from "./guest_ram.ts";
 * import { MockDriver } from "./mock_driver.ts";
 *
 * const ram = createGuestRam(0x10000);
 * const driver = new MockDriver(ram, { size: 8 });
 * const head = driver.addBuffer([new TextEncoder().encode("ping")], [8]);
 * const chain = new DescriptorChain(ram, { descTable: driver.layout.desc, queueSize: 8, head });
 * const request = new Uint8Array(4);
 * chain.copyFromReadable(request);
 * assert.equal(new TextDecoder().decode(request), "ping");
 * assert.equal(chain.copyToWritable(new TextEncoder().encode("pong")), 4);
 * assert.deepEqual(chain.writable().map((d) => d.len), [8]);
 * ```
 */
export class DescriptorChain implements Iterable<Descriptor> {
  /** Index of the head descriptor: what the device hands back through `addUsed`. */
  readonly head: number;
  readonly #ram: GuestRam;
  readonly #indirectAllowed: boolean;
  readonly #maxBytes: number;
  // The walk is a small state machine rather than a generator: it runs for every request on the
  // data path, and a generator object plus its resumptions cost more than the walk itself.
  /** Table being walked (the queue's, or an indirect table) and its entry count. */
  #table: number;
  #tableSize: number;
  /** Entry to read next. */
  #index: number;
  #inIndirect = false;
  /** Links taken in the current table, and bytes over the whole chain. */
  #hops = 0;
  #total = 0;
  /** `next` of the last buffer taken, when it had VIRTQ_DESC_F_NEXT; -1 at the start. */
  #pendingNext = -1;
  #ended = false;
  #error: VirtqueueError | undefined;
  /** The buffers walked so far, as address and length pairs. */
  readonly #walked: number[] = [];
  /** How many of them are device-readable: they all come first (§2.6.4.2). */
  #readableCount = 0;
  /** {@link Descriptor} objects for the buffers walked, made when first asked for. */
  readonly #descriptors: Descriptor[] = [];

  /** Starts a chain at `source.head`; throws {@link VirtqueueError} if the head is out of range. */
  constructor(ram: GuestRam, source: ChainSource) {
    const { descTable, queueSize, head } = source;
    this.#ram = ram;
    this.#indirectAllowed = source.indirect ?? false;
    this.#maxBytes = source.maxBytes ?? MAX_CHAIN_BYTES;
    // §2.6: the descriptor table holds Queue Size entries of 16 bytes, all of it in RAM.
    if (descTable < 0 || descTable + DESCRIPTOR_SIZE * queueSize > ram.size) {
      throw new VirtqueueError("ring-out-of-ram", `descriptor table at ${hex(descTable)}`);
    }
    // §2.6.5: "The number of descriptors in the table is defined by the queue size", so a head
    // index the available ring offers must be below it.
    if (!Number.isInteger(head) || head < 0 || head >= queueSize) {
      throw new VirtqueueError("head-out-of-range", `head ${head} in a queue of ${queueSize}`);
    }
    this.head = head;
    this.#table = descTable;
    this.#tableSize = queueSize;
    this.#index = head;
  }

  /** Yields the chain's buffers in order, checking each hop as it is taken. */
  *[Symbol.iterator](): Iterator<Descriptor> {
    for (let i = 0;; i++) {
      if (i >= this.#walked.length >> 1 && !this.#advance()) return;
      yield this.#descriptor(i);
    }
  }

  /** All buffers of the chain, walking it to the end (throws {@link VirtqueueError}). */
  descriptors(): readonly Descriptor[] {
    this.#walkAll();
    const count = this.#walked.length >> 1;
    for (let i = this.#descriptors.length; i < count; i++) this.#descriptor(i);
    return this.#descriptors;
  }

  /** The device-readable buffers (they all come first, §2.6.4.2). */
  readable(): Descriptor[] {
    return this.descriptors().slice(0, this.#readableCount);
  }

  /** The device-writable buffers (they all come last, §2.6.4.2). */
  writable(): Descriptor[] {
    return this.descriptors().slice(this.#readableCount);
  }

  /** Total bytes of the device-readable buffers. */
  readableLength(): number {
    this.#walkAll();
    return this.#sumLengths(0, this.#readableCount);
  }

  /** Total bytes of the device-writable buffers: the most `addUsed` should report. */
  writableLength(): number {
    this.#walkAll();
    return this.#sumLengths(this.#readableCount, this.#walked.length >> 1);
  }

  /**
   * Copies the readable part, from `offset`, into `dst` as far as either reaches. Returns the
   * number of bytes copied.
   */
  copyFromReadable(dst: Uint8Array, options?: CopyOptions): number {
    this.#walkAll();
    const walked = this.#walked;
    const u8 = this.#ram.u8;
    let skip = options?.offset ?? 0;
    let done = 0;
    for (let i = 0; i < this.#readableCount; i++) {
      if (done === dst.length) break;
      const addr = walked[2 * i];
      const len = walked[2 * i + 1];
      if (skip >= len) {
        skip -= len;
        continue;
      }
      const n = Math.min(len - skip, dst.length - done);
      copyBytes(dst, done, u8, addr + skip, n);
      done += n;
      skip = 0;
    }
    return done;
  }

  /**
   * Copies `src` into the writable part, from `offset`, as far as either reaches, and reports the
   * written ranges to `GuestRam.onWrite`. Returns the number of bytes written.
   */
  copyToWritable(src: Uint8Array, options?: CopyOptions): number {
    this.#walkAll();
    const walked = this.#walked;
    const ram = this.#ram;
    const count = walked.length >> 1;
    let skip = options?.offset ?? 0;
    let done = 0;
    for (let i = this.#readableCount; i < count; i++) {
      if (done === src.length) break;
      const addr = walked[2 * i];
      const len = walked[2 * i + 1];
      if (skip >= len) {
        skip -= len;
        continue;
      }
      const n = Math.min(len - skip, src.length - done);
      copyBytes(ram.u8, addr + skip, src, done, n);
      ram.onWrite?.(addr + skip, n);
      done += n;
      skip = 0;
    }
    return done;
  }

  #sumLengths(from: number, to: number): number {
    let sum = 0;
    for (let i = from; i < to; i++) sum += this.#walked[2 * i + 1];
    return sum;
  }

  /** The {@link Descriptor} of walked buffer `i`, made once. */
  #descriptor(i: number): Descriptor {
    let d = this.#descriptors[i];
    if (d === undefined) {
      for (let j = this.#descriptors.length; j <= i; j++) {
        const writable = j >= this.#readableCount;
        this.#descriptors.push(
          new Descriptor(this.#ram, this.#walked[2 * j], this.#walked[2 * j + 1], writable),
        );
      }
      d = this.#descriptors[i];
    }
    return d;
  }

  #walkAll(): void {
    while (this.#advance()) { /* walk to the end */ }
  }

  /**
   * Takes one more buffer of the chain; false at the end. A failed walk fails again with the
   * same error.
   */
  #advance(): boolean {
    if (this.#error) throw this.#error;
    if (this.#ended) return false;
    try {
      return this.#step();
    } catch (err) {
      this.#ended = true;
      if (err instanceof VirtqueueError) this.#error = err;
      throw err;
    }
  }

  #step(): boolean {
    const next = this.#pendingNext;
    if (next >= 0) {
      // §2.6.5: `next` indexes the same table, which has Queue Size entries; §2.6.5.3.1 (and
      // §2.6.5.3: "additional indirect descriptors are chained by next") keeps a chain inside
      // its indirect table, which has len / 16 entries.
      if (next >= this.#tableSize) {
        throw new VirtqueueError(
          "next-out-of-range",
          `${this.#where()}: next ${next} in a table of ${this.#tableSize}`,
        );
      }
      this.#index = next;
      this.#pendingNext = -1;
    }
    const { view, size: ramSize } = this.#ram;
    for (;;) {
      // A chain cannot have more links than its table has entries without visiting one twice.
      // §2.6.5.2 forbids loops; §2.6.5.3.1: "A driver MUST NOT create a descriptor chain longer
      // than the Queue Size of the device"; inside an indirect table the bound is its entries.
      if (++this.#hops > this.#tableSize) {
        throw new VirtqueueError(
          "chain-too-long",
          `chain from head ${this.head} passes ${this.#tableSize} descriptors` +
            (this.#inIndirect ? " of its indirect table" : ""),
        );
      }
      const at = this.#table + DESCRIPTOR_SIZE * this.#index;
      const addrLow = view.getUint32(at, true);
      const addrHigh = view.getUint32(at + 4, true);
      const len = view.getUint32(at + 8, true);
      const flags = view.getUint16(at + 12, true);
      // §2.6.5: the buffer [addr, addr + len) must be guest RAM, which lies below 4 GiB; both
      // halves are below 2^32, so the sum is exact in a double and cannot wrap.
      if (addrHigh !== 0 || addrLow + len > ramSize) {
        throw bufferError(addrHigh, addrLow, len, ramSize, this.#where());
      }
      const addr = addrLow;

      if (flags & VIRTQ_DESC_F_INDIRECT) {
        // §2.6.5.3.1: "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag unless the
        // VIRTIO_F_INDIRECT_DESC feature was negotiated."
        if (!this.#indirectAllowed) {
          throw new VirtqueueError("indirect-not-negotiated", this.#where());
        }
        // §2.6.5.3.1: "MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an indirect
        // descriptor (ie. only one table per descriptor)."
        if (this.#inIndirect) throw new VirtqueueError("nested-indirect", this.#where());
        // §2.6.5.3.1: "A driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and VIRTQ_DESC_F_NEXT";
        // the indirect descriptor ends the main chain (§2.6.5.3.2).
        if (flags & VIRTQ_DESC_F_NEXT) {
          throw new VirtqueueError("indirect-with-next", this.#where());
        }
        // §2.6.5.3: the table is `desc[len / 16]`; an empty table has no first descriptor.
        if (len === 0) throw new VirtqueueError("indirect-table-empty", this.#where());
        // §2.6.5.3: a table is whole 16-byte descriptors; a ragged tail would be read past.
        if (len % DESCRIPTOR_SIZE !== 0) {
          throw new VirtqueueError(
            "indirect-table-length",
            `${this.#where()}: table of ${len} bytes`,
          );
        }
        // §2.6.5.3.2: the WRITE flag of the descriptor naming the table is ignored.
        this.#table = addr;
        // Only 2^16 entries are reachable through the 16-bit `next`; walking more is a loop.
        this.#tableSize = Math.min(len / DESCRIPTOR_SIZE, 0x10000);
        this.#index = 0;
        this.#hops = 0;
        this.#inIndirect = true;
        continue;
      }

      const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0;
      // §2.6.4.2: "The driver MUST place any device-writable descriptor elements after any
      // device-readable descriptor elements."
      const count = this.#walked.length >> 1;
      if (!writable) {
        if (this.#readableCount !== count) {
          throw new VirtqueueError("readable-after-writable", this.#where());
        }
        this.#readableCount++;
      }
      // §2.6.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total".
      this.#total += len;
      if (this.#total > this.#maxBytes) {
        throw new VirtqueueError(
          "chain-too-large",
          `${this.#where()}: ${this.#total} bytes > ${this.#maxBytes}`,
        );
      }
      this.#walked.push(addr, len);
      if (flags & VIRTQ_DESC_F_NEXT) this.#pendingNext = view.getUint16(at + 14, true);
      else this.#ended = true;
      return true;
    }
  }

  /** The descriptor being walked, for error messages (built only when one is thrown). */
  #where(): string {
    return `${this.#inIndirect ? "indirect " : ""}descriptor ${this.#index} (head ${this.head})`;
  }
}

/**
 * Copies `n` bytes from `src[from]` to `dst[to]`. Short copies (a status byte, a request header)
 * go byte by byte: a subarray for `set` costs more than they do.
 */
function copyBytes(dst: Uint8Array, to: number, src: Uint8Array, from: number, n: number): void {
  if (n <= 16) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  } else if (from === 0 && n === src.length) {
    dst.set(src, to);
  } else {
    dst.set(src.subarray(from, from + n), to);
  }
}

/**
 * Why `[addr, addr + len)` is not guest RAM. `addr` is the 64-bit guest-physical address of
 * §2.6.5, given as two 32-bit halves.
 */
function bufferError(
  high: number,
  low: number,
  len: number,
  ramSize: number,
  where: string,
): VirtqueueError {
  const address = `${hex(high)}_${low.toString(16).padStart(8, "0")}`;
  if (high !== 0) {
    // §2.6.5: addr is a le64 and len a le32; their sum must not wrap the 64-bit address space.
    if (((BigInt(high) << 32n) | BigInt(low)) + BigInt(len) > 0xffff_ffff_ffff_ffffn + 1n) {
      return new VirtqueueError("address-overflow", `${where}: ${address} + ${len}`);
    }
    // §2.6.5: addr is guest-physical, and guest RAM lies below 4 GiB on this machine.
    return new VirtqueueError("out-of-ram", `${where}: address ${address}`);
  }
  return new VirtqueueError(
    "out-of-ram",
    `${where}: [${hex(low)}, +${len}) ends past RAM (${hex(ramSize)})`,
  );
}

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
  readonly #source: Required<ChainSource>;
  readonly #seen: Descriptor[] = [];
  #walker: Generator<Descriptor, void> | undefined;
  #error: VirtqueueError | undefined;

  /** Starts a chain at `source.head`; throws {@link VirtqueueError} if the head is out of range. */
  constructor(ram: GuestRam, source: ChainSource) {
    this.#ram = ram;
    this.#source = { indirect: false, maxBytes: MAX_CHAIN_BYTES, ...source };
    const { descTable, queueSize, head } = this.#source;
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
    this.#walker = this.#walk();
  }

  /** Yields the chain's buffers in order, checking each hop as it is taken. */
  *[Symbol.iterator](): Iterator<Descriptor> {
    for (let i = 0;; i++) {
      if (i < this.#seen.length) {
        yield this.#seen[i];
        continue;
      }
      const next = this.#advance();
      if (next === undefined) return;
      yield next;
    }
  }

  /** All buffers of the chain, walking it to the end (throws {@link VirtqueueError}). */
  descriptors(): readonly Descriptor[] {
    while (this.#advance() !== undefined) { /* walk to the end */ }
    return this.#seen;
  }

  /** The device-readable buffers (they all come first, §2.6.4.2). */
  readable(): Descriptor[] {
    return this.descriptors().filter((d) => !d.writable);
  }

  /** The device-writable buffers (they all come last, §2.6.4.2). */
  writable(): Descriptor[] {
    return this.descriptors().filter((d) => d.writable);
  }

  /** Total bytes of the device-readable buffers. */
  readableLength(): number {
    return this.readable().reduce((sum, d) => sum + d.len, 0);
  }

  /** Total bytes of the device-writable buffers: the most `addUsed` should report. */
  writableLength(): number {
    return this.writable().reduce((sum, d) => sum + d.len, 0);
  }

  /**
   * Copies the readable part, from `offset`, into `dst` as far as either reaches. Returns the
   * number of bytes copied.
   */
  copyFromReadable(dst: Uint8Array, options: CopyOptions = {}): number {
    let skip = options.offset ?? 0;
    let done = 0;
    for (const d of this.readable()) {
      if (done === dst.length) break;
      if (skip >= d.len) {
        skip -= d.len;
        continue;
      }
      const n = Math.min(d.len - skip, dst.length - done);
      dst.set(this.#ram.u8.subarray(d.addr + skip, d.addr + skip + n), done);
      done += n;
      skip = 0;
    }
    return done;
  }

  /**
   * Copies `src` into the writable part, from `offset`, as far as either reaches, and reports the
   * written ranges to `GuestRam.onWrite`. Returns the number of bytes written.
   */
  copyToWritable(src: Uint8Array, options: CopyOptions = {}): number {
    let skip = options.offset ?? 0;
    let done = 0;
    for (const d of this.writable()) {
      if (done === src.length) break;
      if (skip >= d.len) {
        skip -= d.len;
        continue;
      }
      const n = Math.min(d.len - skip, src.length - done);
      this.#ram.u8.set(src.subarray(done, done + n), d.addr + skip);
      this.#ram.onWrite?.(d.addr + skip, n);
      done += n;
      skip = 0;
    }
    return done;
  }

  /** Takes one more step of the walk; undefined at the end. A failed walk fails again. */
  #advance(): Descriptor | undefined {
    if (this.#error) throw this.#error;
    if (!this.#walker) return undefined;
    try {
      const step = this.#walker.next();
      if (step.done) {
        this.#walker = undefined;
        return undefined;
      }
      this.#seen.push(step.value);
      return step.value;
    } catch (err) {
      this.#walker = undefined;
      if (err instanceof VirtqueueError) this.#error = err;
      throw err;
    }
  }

  *#walk(): Generator<Descriptor, void> {
    const { queueSize, indirect: indirectAllowed, maxBytes } = this.#source;
    const { view, size: ramSize } = this.#ram;
    let table = this.#source.descTable;
    let tableSize = queueSize;
    let index = this.head;
    let inIndirect = false;
    let hops = 0;
    let total = 0;
    let seenWritable = false;

    for (;;) {
      // A chain cannot have more links than its table has entries without visiting one twice.
      // §2.6.5.2 forbids loops; §2.6.5.3.1: "A driver MUST NOT create a descriptor chain longer
      // than the Queue Size of the device"; inside an indirect table the bound is its entries.
      if (++hops > tableSize) {
        throw new VirtqueueError(
          "chain-too-long",
          `chain from head ${this.head} passes ${tableSize} descriptors` +
            (inIndirect ? " of its indirect table" : ""),
        );
      }
      const at = table + DESCRIPTOR_SIZE * index;
      const addrLow = view.getUint32(at, true);
      const addrHigh = view.getUint32(at + 4, true);
      const len = view.getUint32(at + 8, true);
      const flags = view.getUint16(at + 12, true);
      const next = view.getUint16(at + 14, true);
      // Built only for an error message: the walk is on the data path.
      const where = () => `${inIndirect ? "indirect " : ""}descriptor ${index} (head ${this.head})`;
      const addr = checkBuffer(addrHigh, addrLow, len, ramSize, where);

      if (flags & VIRTQ_DESC_F_INDIRECT) {
        // §2.6.5.3.1: "The driver MUST NOT set the VIRTQ_DESC_F_INDIRECT flag unless the
        // VIRTIO_F_INDIRECT_DESC feature was negotiated."
        if (!indirectAllowed) throw new VirtqueueError("indirect-not-negotiated", where());
        // §2.6.5.3.1: "MUST NOT set the VIRTQ_DESC_F_INDIRECT flag within an indirect
        // descriptor (ie. only one table per descriptor)."
        if (inIndirect) throw new VirtqueueError("nested-indirect", where());
        // §2.6.5.3.1: "A driver MUST NOT set both VIRTQ_DESC_F_INDIRECT and VIRTQ_DESC_F_NEXT";
        // the indirect descriptor ends the main chain (§2.6.5.3.2).
        if (flags & VIRTQ_DESC_F_NEXT) throw new VirtqueueError("indirect-with-next", where());
        // §2.6.5.3: the table is `desc[len / 16]`; an empty table has no first descriptor.
        if (len === 0) throw new VirtqueueError("indirect-table-empty", where());
        // §2.6.5.3: a table is whole 16-byte descriptors; a ragged tail would be read past.
        if (len % DESCRIPTOR_SIZE !== 0) {
          throw new VirtqueueError("indirect-table-length", `${where()}: table of ${len} bytes`);
        }
        // §2.6.5.3.2: the WRITE flag of the descriptor naming the table is ignored.
        table = addr;
        // Only 2^16 entries are reachable through the 16-bit `next`; walking more is a loop.
        tableSize = Math.min(len / DESCRIPTOR_SIZE, 0x10000);
        index = 0;
        hops = 0;
        inIndirect = true;
        continue;
      }

      const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0;
      // §2.6.4.2: "The driver MUST place any device-writable descriptor elements after any
      // device-readable descriptor elements."
      if (writable) seenWritable = true;
      else if (seenWritable) throw new VirtqueueError("readable-after-writable", where());
      // §2.6.5.2: "Drivers MUST NOT add a descriptor chain longer than 2^32 bytes in total".
      total += len;
      if (total > maxBytes) {
        throw new VirtqueueError("chain-too-large", `${where()}: ${total} bytes > ${maxBytes}`);
      }
      yield new Descriptor(this.#ram, addr, len, writable);

      if (!(flags & VIRTQ_DESC_F_NEXT)) return;
      // §2.6.5: `next` indexes the same table, which has Queue Size entries; §2.6.5.3.1 (and
      // §2.6.5.3: "additional indirect descriptors are chained by next") keeps a chain inside
      // its indirect table, which has len / 16 entries.
      if (next >= tableSize) {
        throw new VirtqueueError(
          "next-out-of-range",
          `${where()}: next ${next} in a table of ${tableSize}`,
        );
      }
      index = next;
    }
  }
}

/**
 * Returns the buffer address if `[addr, addr + len)` is guest RAM, else throws. `addr` is the
 * 64-bit guest-physical address of §2.6.5, given as two 32-bit halves.
 */
function checkBuffer(
  high: number,
  low: number,
  len: number,
  ramSize: number,
  where: () => string,
): number {
  if (high !== 0) {
    // §2.6.5: addr is a le64 and len a le32; their sum must not wrap the 64-bit address space.
    if (((BigInt(high) << 32n) | BigInt(low)) + BigInt(len) > 0xffff_ffff_ffff_ffffn + 1n) {
      throw new VirtqueueError(
        "address-overflow",
        `${where()}: ${hex(high)}_${low.toString(16).padStart(8, "0")} + ${len}`,
      );
    }
    // §2.6.5: addr is guest-physical, and guest RAM lies below 4 GiB on this machine.
    throw new VirtqueueError(
      "out-of-ram",
      `${where()}: address ${hex(high)}_${low.toString(16).padStart(8, "0")}`,
    );
  }
  // §2.6.5: the buffer [addr, addr + len) must be guest RAM; both halves are below 2^32, so the
  // sum is exact in a double and cannot wrap.
  if (low + len > ramSize) {
    throw new VirtqueueError(
      "out-of-ram",
      `${where()}: [${hex(low)}, +${len}) ends past RAM (${hex(ramSize)})`,
    );
  }
  return low;
}

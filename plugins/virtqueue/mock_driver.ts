/**
 * The guest's half of a split virtqueue, for unit tests, benchmarks and fuzzing: it lays out the
 * rings, offers buffers, reads back used elements, and can write anything a hostile driver could.
 *
 * @module
 */

import { DataArea } from "./_data_area.ts";
import type { GuestRam } from "./guest_ram.ts";
import { vringNeedEvent } from "./notification.ts";
import {
  checkQueueSize,
  DESCRIPTOR_SIZE,
  layoutLegacy,
  layoutModern,
  LEGACY_QUEUE_ALIGN,
  type RingLayout,
  ringPartSizes,
  USED_ELEM_SIZE,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
  VIRTQ_USED_F_NO_NOTIFY,
} from "./ring_layout.ts";

/** Where and how the mock lays out its queue. */
export interface MockDriverOptions {
  /** Queue size. @default 16 */
  size?: number;
  /** Use the legacy single-PFN layout (§2.6.2) instead of three packed addresses. @default false */
  legacy?: boolean;
  /** Address of the descriptor table (4096-aligned when legacy). @default 0x1000 */
  base?: number;
  /** VIRTIO_F_EVENT_IDX was negotiated: use used_event / avail_event. @default false */
  eventIdx?: boolean;
  /** Start of the area buffers and indirect tables are taken from. @default page after the rings */
  dataBase?: number;
  /** End (exclusive) of that area. @default ram.size */
  dataEnd?: number;
}

/** Options of {@link MockDriver.addBuffer}. */
export interface AddBufferOptions {
  /** Put the buffers in an indirect table behind one descriptor (§2.6.5.3). @default false */
  indirect?: boolean;
}

/** A used-ring element as the driver reads it. */
export interface UsedElement {
  /** Head index the device returned. */
  id: number;
  /** Bytes the device says it wrote. */
  len: number;
  /** The first `len` bytes of the chain's writable buffers (fewer if `len` overstates them). */
  written: Uint8Array;
}

/** The four fields of a `virtq_desc` (§2.6.5), with the 64-bit address split in halves. */
export interface RawDescriptor {
  /** Low 32 bits of `addr`. */
  addrLow: number;
  /** High 32 bits of `addr`. */
  addrHigh: number;
  /** `len`. */
  len: number;
  /** `flags`. */
  flags: number;
  /** `next`. */
  next: number;
}

/** Options of the raw descriptor accessors. */
export interface DescriptorTableOptions {
  /** Table to address: an indirect table's address instead of the queue's. @default layout.desc */
  table?: number;
}

interface Block {
  addr: number;
  len: number;
}

interface ChainRecord {
  /** Queue descriptors to free with the chain. */
  descriptors: number[];
  /** Device-writable buffers, in order. */
  writable: Block[];
  /** Data-area blocks to free with the chain. */
  blocks: Block[];
  /** Indirect table, if any. */
  table?: number;
}

/** `written` of a used element whose id names no chain of the mock's: empty, shared. */
const NOTHING_WRITTEN = new Uint8Array(0);

const FIELD_OFFSETS: Record<keyof RawDescriptor, [offset: number, bytes: 2 | 4]> = {
  addrLow: [0, 4],
  addrHigh: [4, 4],
  len: [8, 4],
  flags: [12, 2],
  next: [14, 2],
};

/**
 * A virtio driver in miniature, writing its rings into guest RAM the way Linux's virtio_ring does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createGuestRam } from "./guest_ram.ts";
 *
 * const ram = createGuestRam(0x20000);
 * const driver = new MockDriver(ram, { size: 8, legacy: true, base: 0x4000 });
 * assert.equal(driver.legacyPfn, 4);
 * const head = driver.addBuffer([new Uint8Array([1])], [2]);
 * assert.equal(driver.availIdx, 0); // staged, not yet visible
 * driver.kick();
 * assert.equal(driver.availIdx, 1);
 * assert.equal(driver.readDescriptor(head).flags & 1, 1); // NEXT into the writable buffer
 * ```
 */
export class MockDriver {
  /** Queue size. */
  readonly size: number;
  /** Ring addresses, to hand to `Virtqueue.setLayout`. */
  readonly layout: RingLayout;
  /** The PFN a legacy driver writes to QUEUE_PFN, if the layout is legacy. */
  readonly legacyPfn: number | undefined;
  /** VIRTIO_F_EVENT_IDX in use. */
  readonly eventIdx: boolean;
  readonly #ram: GuestRam;
  readonly #u16: Uint16Array;
  readonly #data: DataArea;
  readonly #freeNext: Int32Array;
  readonly #chains = new Map<number, ChainRecord>();
  #freeHead = 0;
  #numFree = 0;
  #staged = 0;
  #published = 0;
  #lastUsed = 0;

  /** Lays out and zeroes the rings; bad options throw RangeError. */
  constructor(ram: GuestRam, options: MockDriverOptions = {}) {
    const size = options.size ?? 16;
    checkQueueSize(size);
    const base = options.base ?? 0x1000;
    this.#ram = ram;
    this.size = size;
    this.eventIdx = options.eventIdx ?? false;
    if (options.legacy) {
      if (base % LEGACY_QUEUE_ALIGN !== 0) throw new RangeError("legacy rings need a page base");
      this.legacyPfn = base / LEGACY_QUEUE_ALIGN;
      this.layout = layoutLegacy(this.legacyPfn, size);
    } else {
      const sizes = ringPartSizes(size);
      const avail = base + sizes.desc;
      this.layout = layoutModern(base, avail, Math.ceil((avail + sizes.avail) / 4) * 4);
    }
    const ringEnd = this.layout.used + ringPartSizes(size).used;
    const dataBase = options.dataBase ?? Math.ceil(ringEnd / 4096) * 4096;
    const dataEnd = options.dataEnd ?? ram.size;
    if (ringEnd > ram.size || dataBase > dataEnd || dataEnd > ram.size) {
      throw new RangeError("rings or data area do not fit in guest RAM");
    }
    this.#data = new DataArea(dataBase, dataEnd);
    this.#u16 = new Uint16Array(ram.u8.buffer, ram.u8.byteOffset, ram.u8.length >>> 1);
    this.#freeNext = new Int32Array(size);
    this.reset();
  }

  /** Zeroes the rings and forgets every buffer (the driver side of a device reset). */
  reset(): void {
    const { desc, avail, used } = this.layout;
    const sizes = ringPartSizes(this.size);
    this.#ram.u8.fill(0, desc, desc + sizes.desc);
    this.#ram.u8.fill(0, avail, avail + sizes.avail);
    // §2.6.10.1: "The driver MUST initialize flags in the used ring to 0".
    this.#ram.u8.fill(0, used, used + sizes.used);
    for (let i = 0; i < this.size; i++) this.#freeNext[i] = i + 1;
    this.#freeHead = 0;
    this.#numFree = this.size;
    this.#chains.clear();
    this.#data.reset();
    this.#staged = 0;
    this.#published = 0;
    this.#lastUsed = 0;
  }

  /** Descriptors not in any outstanding chain. */
  get freeDescriptors(): number {
    return this.#numFree;
  }

  /** `avail.idx` as stored in guest RAM. */
  get availIdx(): number {
    return Atomics.load(this.#u16, (this.layout.avail + 2) >>> 1);
  }

  /** `used.idx` as stored in guest RAM. */
  get usedIdx(): number {
    return Atomics.load(this.#u16, (this.layout.used + 2) >>> 1);
  }

  /** `used.flags` as stored in guest RAM. */
  get usedFlags(): number {
    return Atomics.load(this.#u16, this.layout.used >>> 1);
  }

  /** `used.avail_event` as stored in guest RAM. */
  get availEvent(): number {
    return Atomics.load(this.#u16, (this.layout.used + 4 + USED_ELEM_SIZE * this.size) >>> 1);
  }

  /**
   * Offers a buffer: device-readable parts with their contents, then zero-filled device-writable
   * parts of the given lengths. The entry is staged in the available ring; `kick()` publishes it.
   * Returns the head index. Throws RangeError when descriptors or data space run out.
   */
  addBuffer(
    readable: Uint8Array[],
    writableLens: number[],
    options: AddBufferOptions = {},
  ): number {
    const count = readable.length + writableLens.length;
    if (count === 0) throw new RangeError("a buffer needs at least one element");
    const needed = options.indirect ? 1 : count;
    if (needed > this.#numFree) throw new RangeError(`no free descriptors (${this.#numFree} left)`);
    const record: ChainRecord = { descriptors: [], writable: [], blocks: [] };
    const parts: (Block & { flags: number })[] = [];
    try {
      for (const bytes of readable) {
        const addr = this.#take(record, bytes.length);
        this.#ram.u8.set(bytes, addr);
        parts.push({ addr, len: bytes.length, flags: 0 });
      }
      for (const len of writableLens) {
        const addr = this.#take(record, len);
        this.#ram.u8.fill(0, addr, addr + len);
        parts.push({ addr, len, flags: VIRTQ_DESC_F_WRITE });
        record.writable.push({ addr, len });
      }
      if (options.indirect) record.table = this.#take(record, DESCRIPTOR_SIZE * count);
    } catch (err) {
      for (const block of record.blocks) this.#data.free(block.addr, block.len);
      throw err;
    }
    let head: number;
    if (record.table !== undefined) {
      // §2.6.5.3: the parts go in the table, indexes 0.., behind one INDIRECT descriptor.
      this.#link(parts, parts.map((_, i) => i), record.table);
      head = this.#allocDescriptor();
      record.descriptors = [head];
      this.writeDescriptor(head, {
        addrLow: record.table,
        addrHigh: 0,
        len: DESCRIPTOR_SIZE * count,
        flags: VIRTQ_DESC_F_INDIRECT,
        next: 0,
      });
    } else {
      record.descriptors = parts.map(() => this.#allocDescriptor());
      this.#link(parts, record.descriptors, this.layout.desc);
      head = record.descriptors[0];
    }
    this.#chains.set(head, record);
    this.pushAvail(head);
    return head;
  }

  /**
   * Publishes staged entries by storing `avail.idx` (§2.6.13.3) and returns whether the device
   * asked to be notified (§2.6.10.1): VIRTQ_USED_F_NO_NOTIFY clear, or with EVENT_IDX the new
   * entries include `avail_event`.
   */
  kick(): boolean {
    const oldIdx = this.#published;
    const newIdx = this.#staged;
    Atomics.store(this.#u16, (this.layout.avail + 2) >>> 1, newIdx);
    this.#published = newIdx;
    if (this.eventIdx) return vringNeedEvent(this.availEvent, newIdx, oldIdx);
    return oldIdx !== newIdx && (this.usedFlags & VIRTQ_USED_F_NO_NOTIFY) === 0;
  }

  /**
   * Reads the used elements added since the last call and frees their descriptors. With EVENT_IDX
   * it then sets `used_event` to ask for a notification on the next element, as Linux does.
   */
  getUsed(): UsedElement[] {
    const out: UsedElement[] = [];
    const usedIdx = this.usedIdx;
    const view = this.#ram.view;
    while (this.#lastUsed !== usedIdx) {
      const elem = this.layout.used + 4 + USED_ELEM_SIZE * (this.#lastUsed & (this.size - 1));
      const id = view.getUint32(elem, true);
      const len = view.getUint32(elem + 4, true);
      const record = this.#chains.get(id);
      out.push({ id, len, written: record ? this.#gather(record, len) : NOTHING_WRITTEN });
      if (record) this.#release(id, record);
      this.#lastUsed = (this.#lastUsed + 1) & 0xffff;
    }
    if (this.eventIdx) this.setUsedEvent(this.#lastUsed);
    return out;
  }

  /**
   * Takes `len` bytes (16-aligned) from the data area for hand-built tables or buffers; throws
   * RangeError when it is full. Such blocks stay taken until `reset()`.
   */
  alloc(len: number): number {
    return this.#data.alloc(len);
  }

  /** The indirect table behind an outstanding chain `head`, if it has one. */
  indirectTable(head: number): number | undefined {
    return this.#chains.get(head)?.table;
  }

  /** Stages a raw head index in the next available-ring slot, valid or not. */
  pushAvail(head: number): void {
    this.setAvailRing(this.#staged, head);
    this.#staged = (this.#staged + 1) & 0xffff;
  }

  /** Writes `avail.ring[slot % size]` raw. */
  setAvailRing(slot: number, head: number): void {
    const at = this.layout.avail + 4 + 2 * (slot & (this.size - 1));
    this.#ram.view.setUint16(at, head, true);
  }

  /** Stores `avail.idx` raw (the driver's own count follows it). */
  setAvailIdx(value: number): void {
    this.#staged = this.#published = value & 0xffff;
    Atomics.store(this.#u16, (this.layout.avail + 2) >>> 1, this.#staged);
  }

  /** Stores `avail.flags` raw; 1 is VIRTQ_AVAIL_F_NO_INTERRUPT (§2.6.7.1). */
  setAvailFlags(flags: number): void {
    Atomics.store(this.#u16, this.layout.avail >>> 1, flags);
  }

  /** Sets or clears VIRTQ_AVAIL_F_NO_INTERRUPT (§2.6.7.1). */
  setNoInterrupt(on: boolean): void {
    this.setAvailFlags(on ? VIRTQ_AVAIL_F_NO_INTERRUPT : 0);
  }

  /** Stores `avail.used_event` (§2.6.7.1). */
  setUsedEvent(value: number): void {
    Atomics.store(this.#u16, (this.layout.avail + 4 + 2 * this.size) >>> 1, value);
  }

  /** Reads descriptor `index` of the queue's table (or of `options.table`). */
  readDescriptor(index: number, options: DescriptorTableOptions = {}): RawDescriptor {
    const at = (options.table ?? this.layout.desc) + DESCRIPTOR_SIZE * index;
    const view = this.#ram.view;
    return {
      addrLow: view.getUint32(at, true),
      addrHigh: view.getUint32(at + 4, true),
      len: view.getUint32(at + 8, true),
      flags: view.getUint16(at + 12, true),
      next: view.getUint16(at + 14, true),
    };
  }

  /** Writes the given fields of descriptor `index`, raw, in the queue's or another table. */
  writeDescriptor(
    index: number,
    fields: Partial<RawDescriptor>,
    options: DescriptorTableOptions = {},
  ): void {
    const at = (options.table ?? this.layout.desc) + DESCRIPTOR_SIZE * index;
    const view = this.#ram.view;
    for (const [name, value] of Object.entries(fields) as [keyof RawDescriptor, number][]) {
      const [offset, bytes] = FIELD_OFFSETS[name];
      if (bytes === 4) view.setUint32(at + offset, value >>> 0, true);
      else view.setUint16(at + offset, value & 0xffff, true);
    }
  }

  #allocDescriptor(): number {
    const index = this.#freeHead;
    this.#freeHead = this.#freeNext[index];
    this.#numFree--;
    return index;
  }

  #release(head: number, record: ChainRecord): void {
    for (const index of record.descriptors) {
      this.#freeNext[index] = this.#freeHead;
      this.#freeHead = index;
      this.#numFree++;
    }
    this.#chains.delete(head);
    for (const block of record.blocks) this.#data.free(block.addr, block.len);
  }

  #take(record: ChainRecord, len: number): number {
    const addr = this.#data.alloc(len);
    record.blocks.push({ addr, len });
    return addr;
  }

  /** Writes `parts` as descriptors `indexes[i]` of `table`, chained in order (§2.6.13.1). */
  #link(parts: (Block & { flags: number })[], indexes: number[], table: number): void {
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      this.writeDescriptor(indexes[i], {
        addrLow: part.addr,
        addrHigh: 0,
        len: part.len,
        flags: part.flags | (last ? 0 : VIRTQ_DESC_F_NEXT),
        next: last ? 0 : indexes[i + 1],
      }, { table });
    });
  }

  #gather(record: ChainRecord, len: number): Uint8Array {
    const total = record.writable.reduce((sum, w) => sum + w.len, 0);
    const out = new Uint8Array(Math.min(len, total));
    let done = 0;
    for (const { addr, len: partLen } of record.writable) {
      const n = Math.min(partLen, out.length - done);
      out.set(this.#ram.u8.subarray(addr, addr + n), done);
      done += n;
    }
    return out;
  }
}

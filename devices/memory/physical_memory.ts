import type { AccessSize } from "../bus/access.ts";
import { RangeBus } from "../bus/range_bus.ts";
import {
  alignUp,
  CPU_AREA_SIZE,
  MAX_RAM,
  PAGE_SHIFT,
  PAGE_SIZE,
  VGA_END,
  VGA_START,
} from "./layout.ts";

/** Entry in the physical page map: an MMIO page (the bus decides). */
export const PAGE_MMIO = 0xffffffff;
/** Flag bit in a page-map entry: the page is ROM, writes are dropped. */
export const PAGE_READONLY = 1;

export interface PhysicalMemoryOptions {
  /** Guest RAM in bytes (multiple of 4 KiB, at most 3.5 GiB). */
  ramSize: number;
  /** Bytes reserved after the CPU area for ROM images. @default 0 */
  romSpace?: number;
}

/**
 * The machine's physical address space: RAM and ROM backed by one shared
 * WebAssembly.Memory, everything else dispatched to the MMIO bus.
 *
 * Memory layout (offsets in the WebAssembly.Memory):
 *   [0, ramSize)                      guest RAM (offset == guest-physical address)
 *   [cpuArea, cpuArea + 16 MiB)       CPU state block and software TLB
 *   [romArea, romArea + romSpace)     ROM images (BIOS)
 */
export class PhysicalMemory {
  readonly memory: WebAssembly.Memory;
  readonly ramSize: number;
  /** Offset of the CPU area (state block first). */
  readonly cpuArea: number;
  readonly romArea: number;
  readonly mmio: RangeBus = new RangeBus("mmio", 2 ** 32);
  /** Physical page number → memory offset | flags, or PAGE_MMIO. */
  readonly pageMap: Uint32Array = new Uint32Array(1 << 20);
  #u8!: Uint8Array;
  #dv!: DataView;
  #romUsed = 0;
  /** Called with the physical page number of every write to a watched page. */
  onCodeWrite: ((page: number) => void) | undefined;
  /** Pages holding translated code (JIT); writes to them call onCodeWrite. */
  readonly codePages: Uint8Array = new Uint8Array(1 << 20);

  constructor(options: PhysicalMemoryOptions) {
    const ramSize = options.ramSize;
    if (!Number.isInteger(ramSize) || ramSize < 1 << 20 || ramSize % PAGE_SIZE !== 0) {
      throw new RangeError(`RAM size ${ramSize} must be a whole number of pages, at least 1 MiB`);
    }
    if (ramSize > MAX_RAM) {
      throw new RangeError(`RAM size ${ramSize >> 20} MiB exceeds the 32-bit limit of 3584 MiB`);
    }
    this.ramSize = ramSize;
    this.cpuArea = alignUp(ramSize, 0x10000);
    this.romArea = this.cpuArea + CPU_AREA_SIZE;
    const romSpace = alignUp(options.romSpace ?? 0, 0x10000);
    const pages = (this.romArea + romSpace) / 0x10000;
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    this.#views();
    this.pageMap.fill(PAGE_MMIO);
    for (let p = 0; p < ramSize >>> PAGE_SHIFT; p++) this.pageMap[p] = p * PAGE_SIZE;
    for (let p = VGA_START >>> PAGE_SHIFT; p < VGA_END >>> PAGE_SHIFT; p++) {
      this.pageMap[p] = PAGE_MMIO;
    }
  }

  #views(): void {
    this.#u8 = new Uint8Array(this.memory.buffer);
    this.#dv = new DataView(this.memory.buffer);
  }

  /** Byte view of the whole memory (RAM at offset 0). */
  get u8(): Uint8Array {
    return this.#u8;
  }

  get view(): DataView {
    return this.#dv;
  }

  /**
   * Places a ROM image so that it is visible at `physAddr` (read-only).
   * Returns the memory offset the image was copied to.
   */
  mapRom(physAddr: number, image: Uint8Array, options: { writable?: boolean } = {}): number {
    if (physAddr % PAGE_SIZE !== 0) throw new RangeError("ROM must be page aligned");
    const size = alignUp(image.length, PAGE_SIZE);
    const offset = this.romArea + this.#romUsed;
    if (offset + size > this.memory.buffer.byteLength) {
      throw new RangeError(`no room for a ROM of ${image.length} bytes`);
    }
    this.#u8.set(image, offset);
    this.#romUsed += size;
    const flags = options.writable ? 0 : PAGE_READONLY;
    for (let i = 0; i < size; i += PAGE_SIZE) {
      this.pageMap[(physAddr + i) >>> PAGE_SHIFT] = ((offset + i) | flags) >>> 0;
    }
    return offset;
  }

  /** Makes a range of physical pages alias memory at `offset` (shadow RAM, ROM windows). */
  alias(physAddr: number, offset: number, size: number, readonly: boolean): void {
    for (let i = 0; i < size; i += PAGE_SIZE) {
      this.pageMap[(physAddr + i) >>> PAGE_SHIFT] =
        ((offset + i) | (readonly ? PAGE_READONLY : 0)) >>> 0;
    }
  }

  /** True when `[addr, addr+len)` is plain guest RAM (what DMA may touch). */
  isRam(addr: number, len: number): boolean {
    return addr >= 0 && len >= 0 && addr + len <= this.ramSize;
  }

  read8(pa: number): number {
    const e = this.pageMap[pa >>> PAGE_SHIFT];
    if (e !== PAGE_MMIO) return this.#u8[(e - (e & 0xfff)) + (pa & 0xfff)];
    return this.mmio.read(pa >>> 0, 1);
  }

  read16(pa: number): number {
    if ((pa & 0xfff) > 0xffe) return this.read8(pa) | (this.read8(pa + 1) << 8);
    const e = this.pageMap[pa >>> PAGE_SHIFT];
    if (e !== PAGE_MMIO) return this.#dv.getUint16((e - (e & 0xfff)) + (pa & 0xfff), true);
    return this.mmio.read(pa >>> 0, 2);
  }

  read32(pa: number): number {
    if ((pa & 0xfff) > 0xffc) {
      return (this.read16(pa) | (this.read16(pa + 2) << 16)) >>> 0;
    }
    const e = this.pageMap[pa >>> PAGE_SHIFT];
    if (e !== PAGE_MMIO) return this.#dv.getUint32((e - (e & 0xfff)) + (pa & 0xfff), true);
    return this.mmio.read(pa >>> 0, 4);
  }

  write8(pa: number, v: number): void {
    const page = pa >>> PAGE_SHIFT;
    const e = this.pageMap[page];
    if (e !== PAGE_MMIO) {
      if (e & PAGE_READONLY) return;
      if (this.codePages[page]) this.onCodeWrite?.(page);
      this.#u8[(e - (e & 0xfff)) + (pa & 0xfff)] = v;
    } else this.mmio.write(pa >>> 0, 1, v & 0xff);
  }

  write16(pa: number, v: number): void {
    if ((pa & 0xfff) > 0xffe) {
      this.write8(pa, v);
      this.write8(pa + 1, v >>> 8);
      return;
    }
    const page = pa >>> PAGE_SHIFT;
    const e = this.pageMap[page];
    if (e !== PAGE_MMIO) {
      if (e & PAGE_READONLY) return;
      if (this.codePages[page]) this.onCodeWrite?.(page);
      this.#dv.setUint16((e - (e & 0xfff)) + (pa & 0xfff), v, true);
    } else this.mmio.write(pa >>> 0, 2, v & 0xffff);
  }

  write32(pa: number, v: number): void {
    if ((pa & 0xfff) > 0xffc) {
      this.write16(pa, v);
      this.write16(pa + 2, v >>> 16);
      return;
    }
    const page = pa >>> PAGE_SHIFT;
    const e = this.pageMap[page];
    if (e !== PAGE_MMIO) {
      if (e & PAGE_READONLY) return;
      if (this.codePages[page]) this.onCodeWrite?.(page);
      this.#dv.setUint32((e - (e & 0xfff)) + (pa & 0xfff), v >>> 0, true);
    } else this.mmio.write(pa >>> 0, 4, v >>> 0);
  }

  /** Generic sized access, for buses and DMA helpers. */
  read(pa: number, size: AccessSize): number {
    return size === 1 ? this.read8(pa) : size === 2 ? this.read16(pa) : this.read32(pa);
  }

  write(pa: number, size: AccessSize, v: number): void {
    if (size === 1) this.write8(pa, v);
    else if (size === 2) this.write16(pa, v);
    else this.write32(pa, v);
  }

  /** Copies bytes into guest-physical memory (loaders, DMA): RAM, ROM shadows and MMIO alike. */
  writeBytes(pa: number, data: Uint8Array, options: { ignoreReadonly?: boolean } = {}): void {
    let i = 0;
    while (i < data.length) {
      const addr = pa + i;
      const page = addr >>> PAGE_SHIFT;
      const inPage = Math.min(PAGE_SIZE - (addr & 0xfff), data.length - i);
      const e = this.pageMap[page];
      if (e !== PAGE_MMIO && (!(e & PAGE_READONLY) || options.ignoreReadonly)) {
        if (this.codePages[page]) this.onCodeWrite?.(page);
        this.#u8.set(data.subarray(i, i + inPage), (e - (e & 0xfff)) + (addr & 0xfff));
      } else if (e === PAGE_MMIO) {
        for (let j = 0; j < inPage; j++) this.mmio.write(addr + j, 1, data[i + j]);
      }
      i += inPage;
    }
  }

  readBytes(pa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.read8(pa + i);
    return out;
  }
}

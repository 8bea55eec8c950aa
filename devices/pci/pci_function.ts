import { type AccessSize, allOnes } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import { Bar, type BarOptions } from "./bar.ts";
import {
  PCI_BASE_ADDRESS_0,
  PCI_CACHE_LINE_SIZE,
  PCI_CAPABILITY_LIST,
  PCI_CLASS_DEVICE,
  PCI_COMMAND,
  PCI_COMMAND_INTX_DISABLE,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_CONFIG_HEADER_SIZE,
  PCI_CONFIG_SPACE_SIZE,
  PCI_DEVICE_ID,
  PCI_HEADER_TYPE,
  PCI_HEADER_TYPE_MULTI_FUNCTION,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_PROG_IF,
  PCI_REVISION_ID,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
  PCI_STATUS_INTERRUPT,
  PCI_STATUS_W1C,
  PCI_SUBSYSTEM_ID,
  PCI_SUBSYSTEM_VENDOR_ID,
  PCI_VENDOR_ID,
} from "./config_regs.ts";

/** Identity and wiring of one PCI function. */
export interface PciFunctionOptions {
  /** Name used in bus registrations and errors, e.g. "virtio-blk". */
  name: string;
  /** PCI vendor ID, e.g. 0x8086. */
  vendorId: number;
  /** PCI device ID. */
  deviceId: number;
  /** Base class in the high byte, sub-class in the low byte, e.g. 0x0200 for Ethernet. */
  classCode: number;
  /** Programming interface byte of the class code. @default 0 */
  progIf?: number;
  /** Revision ID. @default 0 */
  revision?: number;
  /** Subsystem vendor ID. @default 0 */
  subsystemVendorId?: number;
  /** Subsystem ID. @default 0 */
  subsystemId?: number;
  /** Sets header-type bit 7, telling software to scan functions 1-7 of the slot. @default false */
  multiFunction?: boolean;
  /** INTx pin the function drives: 0 none, 1..4 INTA#..INTD#. @default 0 */
  interruptPin?: number;
  /** Called after the command register changed, by a guest write or reset (BARs already moved). */
  onCommandChange?: (command: number, previous: number) => void;
}

/** What a bus hands a function when it is plugged in. */
export interface PciSlotContext {
  /** The I/O-port bus I/O BARs are placed on. */
  readonly io: RangeBus;
  /** The memory bus memory BARs are placed on. */
  readonly mmio: RangeBus;
  /** Device number 0-31. */
  readonly slot: number;
  /** Function number 0-7. */
  readonly func: number;
  /** Drives the function's INTx output `pin` (1-4). */
  setIntx(pin: number, level: boolean): void;
}

/** Called after a guest write touching a watched range, with the write's offset and size. */
export type ConfigWriteWatcher = (offset: number, size: AccessSize) => void;

const BAR_END = PCI_BASE_ADDRESS_0 + 6 * 4;
/** Command bits a guest may set; the rest read 0 (PCI 3.0 section 6.2.2). */
const COMMAND_WRITABLE = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
  PCI_COMMAND_INTX_DISABLE;

/**
 * One function of a conventional PCI device: its 256-byte configuration space
 * with type 0 header, BARs, capability list and INTx output. Devices extend or
 * own one and add their own registers with write masks and watchers.
 */
export class PciFunction {
  /** Name used in bus registrations and errors. */
  readonly name: string;
  readonly #config = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly #wmask = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly #w1c = new Uint8Array(PCI_CONFIG_SPACE_SIZE);
  readonly #bars: (Bar | undefined)[] = new Array(6).fill(undefined);
  readonly #watchers: { start: number; end: number; callback: ConfigWriteWatcher }[] = [];
  readonly #onCommandChange: ((command: number, previous: number) => void) | undefined;
  #lastCap = 0;
  #capEnd = PCI_CONFIG_HEADER_SIZE;
  #intxLevel = false;
  #intxOut = false;
  #slot: PciSlotContext | undefined;

  /** Builds the header from `options`; bad IDs or pins throw. */
  constructor(options: PciFunctionOptions) {
    const name = options.name;
    if (typeof name !== "string" || name === "") throw new Error("a PCI function needs a name");
    this.name = name;
    const field = (what: string, v: number | undefined, max: number): number => {
      const n = v ?? 0;
      if (!Number.isInteger(n) || n < 0 || n > max) {
        throw new Error(`${name}: ${what} ${v} is out of range 0-${max.toString(16)}h`);
      }
      return n;
    };
    this.#set16(PCI_VENDOR_ID, field("vendor ID", options.vendorId, 0xffff));
    this.#set16(PCI_DEVICE_ID, field("device ID", options.deviceId, 0xffff));
    this.#config[PCI_REVISION_ID] = field("revision", options.revision, 0xff);
    this.#config[PCI_PROG_IF] = field("programming interface", options.progIf, 0xff);
    this.#set16(PCI_CLASS_DEVICE, field("class code", options.classCode, 0xffff));
    this.#config[PCI_HEADER_TYPE] = options.multiFunction ? PCI_HEADER_TYPE_MULTI_FUNCTION : 0;
    this.#set16(
      PCI_SUBSYSTEM_VENDOR_ID,
      field("subsystem vendor", options.subsystemVendorId, 0xffff),
    );
    this.#set16(PCI_SUBSYSTEM_ID, field("subsystem ID", options.subsystemId, 0xffff));
    this.#config[PCI_INTERRUPT_PIN] = field("interrupt pin", options.interruptPin, 4);
    this.#onCommandChange = options.onCommandChange;

    this.setWriteMask(PCI_COMMAND, 2, COMMAND_WRITABLE);
    this.setW1cMask(PCI_STATUS, 2, PCI_STATUS_W1C);
    this.#wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    this.#wmask[PCI_INTERRUPT_LINE] = 0xff;
  }

  // ---- guest view: configuration cycles -------------------------------------------------

  /** A configuration read as the bus delivers it; bytes past 0xff read as all-ones. */
  readConfig(offset: number, size: AccessSize): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) {
      const o = offset + i;
      v = (v << 8) | (o >= 0 && o < PCI_CONFIG_SPACE_SIZE ? this.#config[o] : 0xff);
    }
    return size === 4 ? v >>> 0 : v & allOnes(size);
  }

  /**
   * A configuration write as the bus delivers it: each byte goes through its
   * write mask, write-1-to-clear bits are cleared where a 1 is written, then BARs,
   * INTx gating and watchers react.
   */
  writeConfig(offset: number, size: AccessSize, value: number): void {
    if (offset < 0 || offset >= PCI_CONFIG_SPACE_SIZE) return;
    const end = Math.min(offset + size, PCI_CONFIG_SPACE_SIZE);
    const oldCommand = this.command;
    for (let o = offset; o < end; o++) {
      const b = (value >>> (8 * (o - offset))) & 0xff;
      const w = this.#wmask[o];
      this.#config[o] = ((this.#config[o] & ~w) | (b & w)) & ~(b & this.#w1c[o]);
    }
    const touchesCommand = offset < PCI_COMMAND + 2 && end > PCI_COMMAND;
    if (touchesCommand || (offset < BAR_END && end > PCI_BASE_ADDRESS_0)) this.#placeBars();
    if (touchesCommand && this.command !== oldCommand) {
      this.#updateIntx();
      this.#onCommandChange?.(this.command, oldCommand);
    }
    for (const w of this.#watchers) {
      if (offset < w.end && end > w.start) w.callback(offset, size);
    }
  }

  // ---- device view ------------------------------------------------------------------------

  /** Reads configuration bytes as stored, for the device's own use. */
  getConfig(offset: number, size: AccessSize): number {
    this.#checkRange(offset, size);
    return this.readConfig(offset, size);
  }

  /** Stores configuration bytes bypassing write masks and side effects (device-owned registers). */
  setConfig(offset: number, size: AccessSize, value: number): void {
    this.#checkRange(offset, size);
    for (let i = 0; i < size; i++) this.#config[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  /** Makes the bits set in `mask` writable by the guest (and the others read-only). */
  setWriteMask(offset: number, size: AccessSize, mask: number): void {
    this.#checkRange(offset, size);
    for (let i = 0; i < size; i++) this.#wmask[offset + i] = (mask >>> (8 * i)) & 0xff;
  }

  /** Makes the bits set in `mask` clear when the guest writes 1 to them (status-style bits). */
  setW1cMask(offset: number, size: AccessSize, mask: number): void {
    this.#checkRange(offset, size);
    for (let i = 0; i < size; i++) this.#w1c[offset + i] = (mask >>> (8 * i)) & 0xff;
  }

  /** Calls `callback` after every guest write overlapping `[offset, offset + length)`. */
  watchConfig(offset: number, length: number, callback: ConfigWriteWatcher): void {
    if (!Number.isInteger(length) || length < 1) throw new Error(`${this.name}: bad watch length`);
    this.#checkRange(offset, 1);
    this.#checkRange(offset + length - 1, 1);
    this.#watchers.push({ start: offset, end: offset + length, callback });
  }

  /** The command register. */
  get command(): number {
    return this.#config[PCI_COMMAND] | (this.#config[PCI_COMMAND + 1] << 8);
  }

  /** Device number on the bus, or undefined before the function is added to one. */
  get slot(): number | undefined {
    return this.#slot?.slot;
  }

  /** Function number on the bus, or undefined before the function is added to one. */
  get func(): number | undefined {
    return this.#slot?.func;
  }

  /** The INTx pin register: 0 none, 1..4 INTA#..INTD#. */
  get interruptPin(): number {
    return this.#config[PCI_INTERRUPT_PIN];
  }

  /**
   * Declares BAR `index` (0-5). Its register then reads the address bits the
   * guest wrote plus the read-only type bits; the handler is on the bus only while
   * the BAR holds an address and the command register enables its space.
   */
  defineBar(index: number, options: BarOptions): void {
    if (!Number.isInteger(index) || index < 0 || index > 5) {
      throw new Error(`${this.name}: BAR index ${index} is not 0-5`);
    }
    if (this.#bars[index]) throw new Error(`${this.name}: BAR ${index} is already defined`);
    const bar = new Bar(options);
    this.#bars[index] = bar;
    const reg = PCI_BASE_ADDRESS_0 + 4 * index;
    this.setConfig(reg, 4, bar.typeBits);
    this.setWriteMask(reg, 4, bar.addressMask);
    this.#placeBars();
  }

  /** Where BAR `index` is decoded now, or undefined when it is not. */
  barAddress(index: number): number | undefined {
    return this.#bars[index]?.base;
  }

  /**
   * Appends a capability of `length` bytes (ID and next pointer included) to the
   * list that starts at 0x34, sets status bit 4, and returns its offset. The body
   * is read-only until the device sets write masks on it.
   */
  addCapability(id: number, length: number): number {
    if (!Number.isInteger(id) || id < 0 || id > 0xff) {
      throw new Error(`${this.name}: capability ID ${id} is not a byte`);
    }
    // Capabilities are dword aligned: the low two bits of every pointer are reserved.
    const offset = (this.#capEnd + 3) & ~3;
    if (!Number.isInteger(length) || length < 2 || offset + length > PCI_CONFIG_SPACE_SIZE) {
      throw new Error(`${this.name}: no room for a capability of ${length} bytes at ${offset}`);
    }
    this.#config[offset] = id;
    this.#config[offset + 1] = 0;
    this.#config[this.#lastCap === 0 ? PCI_CAPABILITY_LIST : this.#lastCap + 1] = offset;
    this.#config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    this.#lastCap = offset;
    this.#capEnd = offset + length;
    return offset;
  }

  /**
   * Sets the function's interrupt request. Status bit 3 follows it; INTx# is
   * driven only while command bit 10 is clear (PCI 3.0 sections 6.2.2, 6.2.3).
   */
  setIntx(level: boolean): void {
    this.#intxLevel = level;
    if (level) this.#config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
    else this.#config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
    this.#updateIntx();
  }

  /**
   * Returns the standard header to its power-on state, as RST# does: command
   * and BARs cleared (handlers leave the buses), error bits, cache line and
   * interrupt line zeroed, INTx released. Devices extend this for their own state.
   */
  reset(): void {
    const oldCommand = this.command;
    this.#set16(PCI_COMMAND, this.command & ~COMMAND_WRITABLE);
    this.#set16(PCI_STATUS, this.#get16(PCI_STATUS) & ~PCI_STATUS_W1C);
    for (let i = 0; i < 6; i++) {
      const bar = this.#bars[i];
      if (bar) this.setConfig(PCI_BASE_ADDRESS_0 + 4 * i, 4, bar.typeBits);
    }
    this.#config[PCI_CACHE_LINE_SIZE] = 0;
    this.#config[PCI_INTERRUPT_LINE] = 0;
    this.#placeBars();
    this.setIntx(false);
    if (this.command !== oldCommand) this.#onCommandChange?.(this.command, oldCommand);
  }

  /** Plugs the function into a bus slot; called by `PciBus.add`. */
  attach(slot: PciSlotContext): void {
    if (this.#slot) throw new Error(`${this.name} is already on a PCI bus`);
    this.#slot = slot;
    this.#placeBars();
    if (this.#intxOut) slot.setIntx(this.interruptPin, true);
  }

  // ---- internals --------------------------------------------------------------------------

  #placeBars(): void {
    const slot = this.#slot;
    if (!slot) return;
    const command = this.command;
    for (let i = 0; i < 6; i++) {
      const bar = this.#bars[i];
      if (!bar) continue;
      const io = bar.kind === "io";
      const enabled = (command & (io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY)) !== 0;
      const base = (this.#get32(PCI_BASE_ADDRESS_0 + 4 * i) & bar.addressMask) >>> 0;
      bar.place(io ? slot.io : slot.mmio, enabled ? base : undefined);
    }
  }

  #updateIntx(): void {
    const pin = this.interruptPin;
    const out = this.#intxLevel && pin !== 0 && (this.command & PCI_COMMAND_INTX_DISABLE) === 0;
    if (out === this.#intxOut) return;
    this.#intxOut = out;
    this.#slot?.setIntx(pin, out);
  }

  #checkRange(offset: number, size: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > PCI_CONFIG_SPACE_SIZE) {
      throw new RangeError(`${this.name}: configuration offset ${offset}+${size} out of range`);
    }
  }

  #get16(o: number): number {
    return this.#config[o] | (this.#config[o + 1] << 8);
  }

  #get32(o: number): number {
    return (this.#get16(o) | (this.#get16(o + 2) << 16)) >>> 0;
  }

  #set16(o: number, v: number): void {
    this.#config[o] = v & 0xff;
    this.#config[o + 1] = (v >>> 8) & 0xff;
  }
}

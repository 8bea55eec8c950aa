import { type AccessSize, allOnes } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import { formatPciAddress, parsePciAddress, type PciAddress } from "./pci_address.ts";
import type { PciFunction } from "./pci_function.ts";

/** Where the bus's I/O and memory BARs are decoded. */
export interface PciBusOptions {
  /** The I/O-port bus, e.g. `new RangeBus("io", 0x10000)`. */
  io: RangeBus;
  /** The memory bus, normally `PhysicalMemory.mmio`. */
  mmio: RangeBus;
}

/** Where `PciBus.add` puts a function. */
export interface PciAddOptions {
  /** Device number 0-31. @default the first empty slot from 2 */
  slot?: number;
  /** Function number 0-7. @default 0 */
  func?: number;
  /** QEMU's `addr=` spelling, "slot[.func]" in hex, e.g. "05.0"; excludes `slot` and `func`. */
  addr?: string;
}

/** What turns a slot's INTx pins into interrupt controller inputs (the PIIX3 on a PC). */
export interface PciIntxRouter {
  /** Slot `slot` now drives pin `pin` (1-4) to `level`, aggregated over the slot's functions. */
  setPciIntx(slot: number, pin: number, level: boolean): void;
}

/** One function on the bus and where it sits. */
export interface PciBusEntry extends PciAddress {
  /** The function. */
  fn: PciFunction;
}

/** Slots assigned automatically start here: 0 is the host bridge, 1 the ISA bridge. */
const FIRST_AUTO_SLOT = 2;

/**
 * PCI bus 0: 32 slots of 8 functions, configuration access by slot and
 * function, and the wired-OR of INTx lines (PCI 3.0 section 2.2.6: several
 * functions may share one line, which stays asserted while any drives it).
 */
export class PciBus {
  /** I/O-port bus the functions' I/O BARs are placed on. */
  readonly io: RangeBus;
  /** Memory bus the functions' memory BARs are placed on. */
  readonly mmio: RangeBus;
  readonly #fns: (PciFunction | undefined)[] = new Array(256).fill(undefined);
  /** Number of functions asserting each (slot, pin), index slot * 4 + pin - 1. */
  readonly #intx = new Uint8Array(32 * 4);
  #router: PciIntxRouter | undefined;

  /** Creates an empty bus decoding onto `options.io` and `options.mmio`. */
  constructor(options: PciBusOptions) {
    if (!options?.io || !options?.mmio) throw new Error("PciBus needs io and mmio buses");
    this.io = options.io;
    this.mmio = options.mmio;
  }

  /** Plugs `fn` in and returns its address; an occupied address or full bus throws. */
  add(fn: PciFunction, options: PciAddOptions = {}): PciAddress {
    const addr = this.#chooseAddress(fn, options);
    const devfn = addr.slot * 8 + addr.func;
    const present = this.#fns[devfn];
    if (present) {
      throw new Error(
        `PCI address ${formatPciAddress(addr)} for ${fn.name} is in use by ${present.name}`,
      );
    }
    if (this.#fns.includes(fn)) throw new Error(`${fn.name} is already on the PCI bus`);
    fn.attach({
      io: this.io,
      mmio: this.mmio,
      slot: addr.slot,
      func: addr.func,
      setIntx: (pin, level) => this.#setIntx(addr.slot, pin, level),
    });
    this.#fns[devfn] = fn;
    return addr;
  }

  /** The function at `slot`.`func`, if any. */
  get(slot: number, func: number): PciFunction | undefined {
    return this.#fns[slot * 8 + func];
  }

  /** Every function on the bus in slot and function order. */
  entries(): PciBusEntry[] {
    const out: PciBusEntry[] = [];
    this.#fns.forEach((fn, devfn) => {
      if (fn) out.push({ slot: devfn >> 3, func: devfn & 7, fn });
    });
    return out;
  }

  /** A configuration read; an absent function reads all-ones (master abort). */
  configRead(slot: number, func: number, offset: number, size: AccessSize): number {
    const fn = this.#fns[slot * 8 + func];
    return fn ? fn.readConfig(offset, size) : allOnes(size);
  }

  /** A configuration write; writes to an absent function are dropped. */
  configWrite(slot: number, func: number, offset: number, size: AccessSize, value: number): void {
    this.#fns[slot * 8 + func]?.writeConfig(offset, size, value);
  }

  /** Connects the INTx lines to `router`, passing on lines already asserted. */
  setIntxRouter(router: PciIntxRouter): void {
    this.#router = router;
    this.#intx.forEach((count, i) => {
      if (count > 0) router.setPciIntx(i >> 2, (i & 3) + 1, true);
    });
  }

  /** Resets every function, as RST# does. */
  reset(): void {
    for (const fn of this.#fns) fn?.reset();
  }

  #setIntx(slot: number, pin: number, level: boolean): void {
    const i = slot * 4 + pin - 1;
    const before = this.#intx[i];
    const after = level ? before + 1 : Math.max(0, before - 1);
    this.#intx[i] = after;
    if ((before > 0) !== (after > 0)) this.#router?.setPciIntx(slot, pin, after > 0);
  }

  #chooseAddress(fn: PciFunction, options: PciAddOptions): PciAddress {
    if (options.addr !== undefined) {
      if (options.slot !== undefined || options.func !== undefined) {
        throw new Error(`${fn.name}: give either addr or slot/func, not both`);
      }
      return parsePciAddress(options.addr);
    }
    const func = options.func ?? 0;
    if (!Number.isInteger(func) || func < 0 || func > 7) {
      throw new Error(`${fn.name}: PCI function ${func} is not 0-7`);
    }
    if (options.slot !== undefined) {
      if (!Number.isInteger(options.slot) || options.slot < 0 || options.slot > 31) {
        throw new Error(`${fn.name}: PCI slot ${options.slot} is not 0-31`);
      }
      return { slot: options.slot, func };
    }
    for (let slot = FIRST_AUTO_SLOT; slot < 32; slot++) {
      if (this.#fns.slice(slot * 8, slot * 8 + 8).every((f) => !f)) return { slot, func };
    }
    throw new Error(`no free PCI slot for ${fn.name}`);
  }
}

import { type AccessSize, allOnes, type BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { PciBus } from "./pci_bus.ts";

/** Port of CONFIG_ADDRESS (a 4-byte register; 0xcf9 inside it is the reset control register). */
export const PCI_CONFIG_ADDRESS_PORT = 0xcf8;
/** Port of CONFIG_DATA, 0xcfc-0xcff. */
export const PCI_CONFIG_DATA_PORT = 0xcfc;

/** Options of the configuration ports. */
export interface PciConfigPortsOptions {
  /**
   * The device owning port 0xcf9 (the PIIX3 reset control register), which
   * receives byte and word accesses there at offset 0.
   */
  resetControl?: BusHandler;
}

/** CONFIG_ADDRESS bit 31: configuration cycles enabled. */
const ENABLE = 0x80000000;
/** Bits that hold state: enable, bus, device, function, dword register (bits 30:24, 1:0 read 0). */
const ADDRESS_BITS = 0x80fffffc;

/**
 * PCI configuration mechanism #1 (PCI 3.0 section 3.2.2.3.2): a dword write to
 * CONFIG_ADDRESS selects bus, device, function and register; CONFIG_DATA then
 * reads or writes that dword, by byte, word or dword at any offset within it.
 * Only dword accesses reach CONFIG_ADDRESS; narrower ones go elsewhere on a PC
 * (0xcf9 is the reset control register) or nowhere.
 */
export class PciConfigPorts {
  #address = 0;
  readonly #bus: PciBus;
  readonly #resetControl: BusHandler | undefined;

  /** CONFIG_ADDRESS, 0xcf8-0xcfb. */
  readonly addressHandler: BusHandler;
  /** CONFIG_DATA, 0xcfc-0xcff. */
  readonly dataHandler: BusHandler;

  /** Serves configuration cycles for `bus`. */
  constructor(bus: PciBus, options: PciConfigPortsOptions = {}) {
    this.#bus = bus;
    this.#resetControl = options.resetControl;
    this.addressHandler = {
      name: "pci-config-address",
      read: (offset, size) => this.#readAddress(offset, size),
      write: (offset, size, value) => this.#writeAddress(offset, size, value),
    };
    this.dataHandler = {
      name: "pci-config-data",
      read: (offset, size) => this.#readData(offset, size),
      write: (offset, size, value) => this.#writeData(offset, size, value),
    };
  }

  /** Places both registers on the I/O-port bus at 0xcf8 and 0xcfc. */
  register(io: RangeBus): void {
    io.register(PCI_CONFIG_ADDRESS_PORT, 4, this.addressHandler);
    io.register(PCI_CONFIG_DATA_PORT, 4, this.dataHandler);
  }

  /** The current CONFIG_ADDRESS value. */
  get address(): number {
    return this.#address;
  }

  #readAddress(offset: number, size: AccessSize): number {
    if (offset === 0 && size === 4) return this.#address;
    if (offset === 1 && this.#resetControl) return this.#resetControl.read(0, size);
    return allOnes(size);
  }

  #writeAddress(offset: number, size: AccessSize, value: number): void {
    if (offset === 0 && size === 4) this.#address = (value & ADDRESS_BITS) >>> 0;
    else if (offset === 1) this.#resetControl?.write(0, size, value);
  }

  /** The selected (slot, func, register) or undefined when no configuration cycle happens. */
  #target(offset: number): [number, number, number] | undefined {
    const a = this.#address;
    // Enable clear: CONFIG_DATA is an ordinary, unclaimed I/O port.
    // Bus other than 0: no bridge answers the type 1 cycle, so it master-aborts.
    if ((a & ENABLE) === 0 || ((a >>> 16) & 0xff) !== 0) return undefined;
    return [(a >>> 11) & 0x1f, (a >>> 8) & 7, (a & 0xfc) + offset];
  }

  #readData(offset: number, size: AccessSize): number {
    const t = this.#target(offset);
    return t ? this.#bus.configRead(t[0], t[1], t[2], size) : allOnes(size);
  }

  #writeData(offset: number, size: AccessSize, value: number): void {
    const t = this.#target(offset);
    if (t) this.#bus.configWrite(t[0], t[1], t[2], size, value);
  }
}

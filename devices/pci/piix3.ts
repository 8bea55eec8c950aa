import type { IrqSink } from "../irq.ts";
import {
  PCI_COMMAND,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_CONFIG_HEADER_SIZE,
  PCI_CONFIG_SPACE_SIZE,
  PCI_STATUS,
} from "./config_regs.ts";
import { PCI_VENDOR_ID_INTEL } from "./i440fx.ts";
import type { PciIntxRouter } from "./pci_bus.ts";
import { PciFunction } from "./pci_function.ts";

/** Device ID of the 82371SB PIIX3 PCI-to-ISA bridge (function 0). */
export const PCI_DEVICE_ID_PIIX3 = 0x7000;
/** Class code of a PCI-to-ISA bridge (base class 06h, sub-class 01h). */
export const PCI_CLASS_BRIDGE_ISA = 0x0601;
/** First PIRQ route control register, PIRQRCA; PIRQRCB-D follow (82371SB section 2.2.12). */
export const PIIX3_PIRQRC = 0x60;
/** PIRQRC bit 7: the PIRQ is not routed to any ISA IRQ. */
export const PIIX3_PIRQ_DISABLED = 0x80;

/** PIRQRC bits 3:0 values the datasheet lists as reserved rather than an IRQ: 0-2, 8, 13. */
const RESERVED_IRQS = (1 << 0) | (1 << 1) | (1 << 2) | (1 << 8) | (1 << 13);

/**
 * The PIRQ line (0-3 = PIRQA-D) that INTx pin `pin` (1-4 = INTA#-INTD#) of
 * `slot` is wired to on the i440FX board: each slot rotates its pins by one so
 * that INTA# of neighbouring slots lands on different lines. Written out
 * it is (slot - 1 + pin - 1) mod 4, the mapping QEMU's `pc` machine, SeaBIOS and
 * the ACPI _PRT they generate all use.
 */
export function pirqForPin(slot: number, pin: number): number {
  return (slot + pin - 2) & 3;
}

/**
 * The PIIX3 ISA bridge, function 0, as QEMU's `pc` machine presents it at
 * 00:01.0, including the PCI interrupt router: PIRQA-D each go to the ISA IRQ
 * their PIRQRC register names, or nowhere while bit 7 is set (the reset state).
 * A PIRQ is asserted while any slot pin wired to it is, and an ISA IRQ while
 * any PIRQ routed to it is, so devices sharing a line never cancel each other.
 * Other device-specific registers hold what is written to them.
 */
export class Piix3 extends PciFunction implements PciIntxRouter {
  readonly #sink: IrqSink;
  /** Per slot, a bit mask of the INTx pins (bit 0 = INTA#) currently asserted. */
  readonly #pins = new Uint8Array(32);
  /** Per PIRQ, how many slot pins assert it. */
  readonly #pirqCount = [0, 0, 0, 0];
  /** Level last driven on each ISA IRQ. */
  readonly #driven: boolean[] = new Array(16).fill(false);

  /** Routes PCI interrupts to `sink`, normally the i8259 pair. */
  constructor(sink: IrqSink) {
    super({
      name: "PIIX3",
      vendorId: PCI_VENDOR_ID_INTEL,
      deviceId: PCI_DEVICE_ID_PIIX3,
      classCode: PCI_CLASS_BRIDGE_ISA,
      multiFunction: true,
    });
    this.#sink = sink;
    for (let o = PCI_CONFIG_HEADER_SIZE; o < PCI_CONFIG_SPACE_SIZE; o++) {
      this.setWriteMask(o, 1, 0xff);
    }
    // PIRQRC bits 6:4 are reserved (82371SB section 2.2.12).
    this.setWriteMask(PIIX3_PIRQRC, 4, 0x8f8f8f8f);
    this.watchConfig(PIIX3_PIRQRC, 4, () => this.#drive());
    this.#defaults();
  }

  /** Records a slot pin's level and updates the ISA IRQ its PIRQ is routed to. */
  setPciIntx(slot: number, pin: number, level: boolean): void {
    if (slot < 0 || slot > 31 || pin < 1 || pin > 4) return;
    const bit = 1 << (pin - 1);
    if (((this.#pins[slot] & bit) !== 0) === level) return;
    this.#pins[slot] ^= bit;
    this.#pirqCount[pirqForPin(slot, pin)] += level ? 1 : -1;
    this.#drive();
  }

  /** The ISA IRQ PIRQ `pirq` (0-3) is routed to, or undefined when it is not routed. */
  routeOf(pirq: number): number | undefined {
    const v = this.getConfig(PIIX3_PIRQRC + pirq, 1);
    const irq = v & 0x0f;
    if (v & PIIX3_PIRQ_DISABLED || RESERVED_IRQS & (1 << irq)) return undefined;
    return irq;
  }

  /** Returns the bridge to its power-on state, which leaves every PIRQ unrouted. */
  override reset(): void {
    super.reset();
    this.#defaults();
    this.#drive();
  }

  #drive(): void {
    const want: boolean[] = new Array(16).fill(false);
    for (let p = 0; p < 4; p++) {
      const irq = this.routeOf(p);
      if (irq !== undefined && this.#pirqCount[p] > 0) want[irq] = true;
    }
    // Release lines before raising others, so a re-route never shows both.
    for (const level of [false, true]) {
      for (let irq = 0; irq < 16; irq++) {
        if (want[irq] !== level || this.#driven[irq] === level) continue;
        this.#driven[irq] = level;
        this.#sink.setIrq(irq, level);
      }
    }
  }

  /** Power-on values, as the 82371SB datasheet and QEMU's PIIX3 give them. */
  #defaults(): void {
    for (let o = PCI_CONFIG_HEADER_SIZE; o < PCI_CONFIG_SPACE_SIZE; o += 4) this.setConfig(o, 4, 0);
    // A subtractive-decode bridge: always claims I/O and memory, masters ISA DMA.
    this.setConfig(PCI_COMMAND, 2, PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    this.setConfig(PCI_STATUS, 2, 0x0200); // DEVSEL# medium timing
    const bytes: [number, number][] = [
      [0x4c, 0x4d], // IORT: ISA I/O recovery timer
      [0x4e, 0x03], // XBCS: X-bus chip select
      [0x60, 0x80],
      [0x61, 0x80],
      [0x62, 0x80],
      [0x63, 0x80],
      [0x69, 0x02], // TOM: top of memory
      [0x70, 0x80], // MBIRQ0: motherboard IRQ route disabled
      [0x76, 0x0c], // MBDMA0
      [0x77, 0x0c], // MBDMA1
      [0x78, 0x02], // PCSC: programmable chip select
      [0xa0, 0x08], // SMICNTL
      [0xa8, 0x0f], // FTMR: fast-off timer
    ];
    for (const [o, v] of bytes) this.setConfig(o, 1, v);
  }
}

import type { IrqSink } from "../irq.ts";
import { IOAPIC_PINS } from "./registers.ts";

/** Number of ISA interrupt lines, the inputs of the 8259 pair. */
const ISA_IRQS = 16;

/**
 * The I/O APIC pin an interrupt line reaches on QEMU's `pc` machine (and the
 * MP table / MADT interrupt source override it implies): ISA IRQ 0, the PIT,
 * goes to pin 2; ISA IRQ 2 is the 8259 cascade and reaches no pin (pin 2 is
 * taken); every other line n goes to pin n. Returns -1 for no pin.
 */
export function ioApicPinOf(line: number): number {
  if (line === 0) return 2;
  if (line === 2) return -1;
  return line;
}

/**
 * Fans interrupt lines out to both controllers, so the board hands devices
 * one sink whichever controller the guest uses: lines 0–15 go to the 8259
 * pair, and lines 0–23 to the I/O APIC pin `ioApicPinOf(line)`. The guest
 * masks the controller it does not use.
 */
export class IrqSplitter implements IrqSink {
  /** Splits lines between `pic` (the 8259 pair) and `ioapic`. */
  constructor(readonly pic: IrqSink, readonly ioapic: IrqSink) {
    if (!pic || !ioapic) throw new Error("IRQ splitter: both controllers are required");
  }

  /** Drives line `line` (0–23) on both controllers. */
  setIrq(line: number, level: boolean): void {
    if (!Number.isInteger(line) || line < 0 || line >= IOAPIC_PINS) {
      throw new RangeError(`IRQ splitter: no interrupt line ${line}`);
    }
    if (line < ISA_IRQS) this.pic.setIrq(line, level);
    const pin = ioApicPinOf(line);
    if (pin >= 0) this.ioapic.setIrq(pin, level);
  }
}

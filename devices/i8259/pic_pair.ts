import type { AccessSize, BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { IrqSink } from "../irq.ts";
import { PicChip } from "./_chip.ts";

/** I/O ports of the master 8259A (command, data). */
export const PIC_MASTER_PORT = 0x20;
/** I/O ports of the slave 8259A (command, data). */
export const PIC_SLAVE_PORT = 0xa0;
/** Edge/Level Control Registers, one byte per chip (PIIX / EISA). */
export const ELCR_PORT = 0x4d0;

/** Master input the slave's INT output is wired to on a PC/AT. */
const CASCADE_PIN = 2;
/** IRQ 0, 1, 2 (timer, keyboard, cascade) can only be edge-triggered. */
const MASTER_ELCR_MASK = 0xf8;
/** IRQ 8 (RTC) and 13 (FPU) can only be edge-triggered. */
const SLAVE_ELCR_MASK = 0xde;

/**
 * The two 8259As of a PC/AT: master at 0x20/0x21, slave at 0xA0/0xA1 with its
 * INT on master IR2, and the ELCR at 0x4D0/0x4D1. Lines 0–7 are master
 * inputs, 8–15 slave inputs. Line 2 drives master IR2 directly, as in QEMU;
 * ISA cards wired to "IRQ2" are routed to line 9 by the board.
 */
export class PicPair implements IrqSink {
  readonly #master = new PicChip(true, MASTER_ELCR_MASK);
  readonly #slave = new PicChip(false, SLAVE_ELCR_MASK);
  /** Level of the external line 2, ORed with the slave's INT on master IR2. */
  #line2 = false;

  constructor() {
    this.reset();
  }

  /** Claims 0x20–0x21, 0xA0–0xA1 and 0x4D0–0x4D1 on the I/O bus. */
  register(io: RangeBus): void {
    io.register(PIC_MASTER_PORT, 2, this.#chipHandler("i8259-master", this.#master));
    io.register(PIC_SLAVE_PORT, 2, this.#chipHandler("i8259-slave", this.#slave));
    io.register(ELCR_PORT, 2, {
      name: "i8259-elcr",
      sizes: 1,
      read: (offset: number) => this.#chip(offset).elcr,
      write: (offset: number, _size: AccessSize, value: number) => {
        this.#chip(offset).writeElcr(value);
        this.#update();
      },
    });
  }

  /** Drives ISA interrupt `line` (0..15). */
  setIrq(line: number, level: boolean): void {
    checkLine(line);
    if (line === CASCADE_PIN) this.#line2 = level;
    else this.#chip(line >> 3).setInput(line & 7, level);
    this.#update();
  }

  /** True while the master asserts INTR to the CPU. */
  hasInterrupt(): boolean {
    return this.#master.output;
  }

  /**
   * The CPU's INTA cycle: returns the vector and moves the request from IRR
   * to ISR. With nothing left to deliver (the request vanished, or was masked
   * after INTR rose) the chip answers with its IR7 vector and sets no ISR bit:
   * a spurious IRQ 7, or IRQ 15 when the master had latched the cascade
   * request (datasheet: "Interrupt Sequence"; the master then holds IR2 in
   * service, as Linux expects when it handles a spurious IRQ 15).
   */
  acknowledge(): number {
    const master = this.#master;
    const slave = this.#slave;
    const pin = master.highestRequest();
    if (pin < 0) return master.vectorBase + 7;
    master.acknowledge(pin);
    if (pin !== CASCADE_PIN) return master.vectorBase + pin;
    const slavePin = slave.highestRequest();
    if (slavePin >= 0) slave.acknowledge(slavePin);
    // The slave drops INT during the INTA sequence; if it still has a request
    // (automatic EOI, special mask mode) it raises INT again and the master
    // latches a new edge on IR2.
    master.setInput(CASCADE_PIN, this.#line2);
    this.#update();
    return slave.vectorBase + (slavePin >= 0 ? slavePin : 7);
  }

  /**
   * Sets `line` level- (true) or edge-triggered through the ELCR, as firmware
   * does for PCI interrupt lines. Lines 0, 1, 2, 8 and 13 are edge-only.
   */
  setLevelTriggered(line: number, on: boolean): void {
    checkLine(line);
    const chip = this.#chip(line >> 3);
    const bit = 1 << (line & 7);
    if (on && (chip.elcrMask & bit) === 0) {
      throw new RangeError(`i8259: IRQ ${line} cannot be level-triggered`);
    }
    chip.writeElcr(on ? chip.elcr | bit : chip.elcr & ~bit);
    this.#update();
  }

  /** Power-on state of both chips (ELCR cleared); input levels are kept. */
  reset(): void {
    this.#master.powerOn();
    this.#slave.powerOn();
    this.#update();
  }

  #chip(index: number): PicChip {
    return index === 0 ? this.#master : this.#slave;
  }

  #chipHandler(name: string, chip: PicChip): BusHandler {
    return {
      name,
      sizes: 1,
      read: (offset: number) => {
        const value = chip.read(offset === 1);
        this.#update();
        return value;
      },
      write: (offset: number, _size: AccessSize, value: number) => {
        if (offset === 0) chip.writeCommand(value);
        else chip.writeData(value);
        this.#update();
      },
    };
  }

  /** Propagates the slave's INT to master IR2 after any change. */
  #update(): void {
    this.#master.setInput(CASCADE_PIN, this.#line2 || this.#slave.output);
  }
}

function checkLine(line: number): void {
  if (!Number.isInteger(line) || line < 0 || line > 15) {
    throw new RangeError(`i8259: no IRQ line ${line}`);
  }
}

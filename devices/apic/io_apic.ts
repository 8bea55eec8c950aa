import type { AccessSize } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { IrqSink } from "../irq.ts";
import { IOAPIC_BASE } from "../memory/layout.ts";
import { type ApicBus, encodeMsi } from "./msi.ts";
import {
  DeliveryMode,
  IOAPIC_PINS,
  IOAPIC_SIZE,
  IOAPIC_VERSION_VALUE,
  IOAPICARB,
  IOAPICID,
  IOAPICVER,
  IOEOI,
  IOREDTBL,
  IOREGSEL,
  IOWIN,
  REDIR_LEVEL,
  REDIR_LOGICAL,
  REDIR_MASKED,
  REDIR_REMOTE_IRR,
} from "./registers.ts";

/**
 * Writable bits of a redirection entry's low word: vector, delivery mode,
 * destination mode, polarity, trigger mode, mask. Delivery status (12) and
 * remote IRR (14) are read-only (82093AA §3.2.4).
 */
const REDIR_LOW_WRITABLE = 0x1afff;
/** Writable bits of the high word: the destination field, bits 63:56. */
const REDIR_HIGH_WRITABLE = 0xff000000;

/** Board options of the I/O APIC. */
export interface IoApicOptions {
  /** The I/O APIC ID, 0–15, as the MP table or MADT will name it. @default 0 (as in QEMU) */
  id?: number;
  /**
   * Pins that carry a periodic timer (the PIT's IRQ0 on pin 2): their edges go to the local
   * APIC as ticks, owed rather than merged while the previous one waits. @default none
   */
  tickPins?: readonly number[];
}

/**
 * The Intel 82093AA I/O APIC: 24 input pins, each routed by a redirection
 * entry into an interrupt message to the local APIC. Registers are reached
 * indirectly: IOREGSEL (offset 0x00) selects, IOWIN (0x10) reads or writes
 * 32 bits of the selected register.
 *
 * Pin levels given to `setIrq` are logical (true = asserted), so the
 * polarity bit is stored but not applied, as in QEMU: a PCI line that the
 * guest declares active-low is still asserted as `true` by its device.
 * With one CPU the destination field is stored and sent but does not select
 * anything. Delivery status always reads idle, since a message is accepted
 * as soon as it is sent.
 */
export class IoApic implements IrqSink {
  readonly #bus: ApicBus;
  /** Bit n set: pin n carries a periodic timer (IoApicOptions.tickPins). */
  #tickPins = 0;
  readonly #resetId: number;
  #id = 0;
  #regsel = 0;
  readonly #low = new Uint32Array(IOAPIC_PINS);
  readonly #high = new Uint32Array(IOAPIC_PINS);
  /** Bit n: input pin n is asserted. */
  #levels = 0;

  /** An I/O APIC sending to `bus` (the local APIC) and listening to its EOI broadcasts. */
  constructor(bus: ApicBus, options: IoApicOptions = {}) {
    if (!bus) throw new Error("I/O APIC: a local APIC to deliver to is required");
    const id = options.id ?? 0;
    if (!Number.isInteger(id) || id < 0 || id > 15) {
      throw new RangeError(`I/O APIC: bad ID ${id} (0-15)`);
    }
    this.#bus = bus;
    this.#resetId = id;
    for (const pin of options.tickPins ?? []) this.#tickPins |= 1 << pin;
    bus.onEoiBroadcast((vector) => this.eoi(vector));
    this.reset();
  }

  /** Claims the register window at `base` (default 0xFEC00000) on the MMIO bus. */
  register(mmio: RangeBus, base = IOAPIC_BASE): void {
    mmio.register(base, IOAPIC_SIZE, {
      name: "ioapic",
      read: (offset: number, size: AccessSize) => this.#mmioRead(offset & 0xff, size),
      write: (offset: number, size: AccessSize, value: number) =>
        this.#mmioWrite(offset & 0xff, size, value),
    });
  }

  /** Power-on state: every entry masked, edge, fixed, vector 0; input levels are kept. */
  reset(): void {
    this.#id = this.#resetId;
    this.#regsel = 0;
    this.#low.fill(REDIR_MASKED);
    this.#high.fill(0);
  }

  /**
   * Drives input `pin` (0–23). An edge-triggered entry sends its message on
   * a rising edge and loses edges that arrive while it is masked (82093AA
   * §3.2.4); a level-triggered one sends while the pin is asserted, once per
   * EOI: remote IRR holds it back until the local APIC broadcasts EOI for
   * its vector.
   */
  setIrq(pin: number, level: boolean): void {
    if (!Number.isInteger(pin) || pin < 0 || pin >= IOAPIC_PINS) {
      throw new RangeError(`I/O APIC: no input pin ${pin}`);
    }
    const bit = 1 << pin;
    const was = (this.#levels & bit) !== 0;
    this.#levels = level ? this.#levels | bit : this.#levels & ~bit;
    const low = this.#low[pin];
    if (low & REDIR_LEVEL) this.#serviceLevel(pin);
    else if (level && !was && (low & REDIR_MASKED) === 0) this.#send(pin);
  }

  /**
   * EOI broadcast for `vector`: clears remote IRR of the level-triggered
   * entries with that vector and sends again for a pin still asserted.
   */
  eoi(vector: number): void {
    for (let pin = 0; pin < IOAPIC_PINS; pin++) {
      const low = this.#low[pin];
      if ((low & 0xff) !== vector || (low & REDIR_LEVEL) === 0) continue;
      if ((low & REDIR_REMOTE_IRR) === 0) continue;
      this.#low[pin] = low & ~REDIR_REMOTE_IRR;
      this.#serviceLevel(pin);
    }
  }

  /** Sends a level-triggered pin's message if it is asserted, unmasked and not in service. */
  #serviceLevel(pin: number): void {
    const low = this.#low[pin];
    if ((low & (REDIR_MASKED | REDIR_REMOTE_IRR)) !== 0) return;
    if ((this.#levels & (1 << pin)) === 0) return;
    const mode = (low >>> 8) & 7;
    // Remote IRR waits for an EOI, which only fixed and lowest-priority
    // interrupts get; other modes are edge-only in the 82093AA.
    if (mode === DeliveryMode.FIXED || mode === DeliveryMode.LOWEST_PRIORITY) {
      this.#low[pin] = low | REDIR_REMOTE_IRR;
    }
    this.#send(pin);
  }

  #send(pin: number): void {
    const low = this.#low[pin];
    const { address, data } = encodeMsi({
      destination: this.#high[pin] >>> 24,
      logical: (low & REDIR_LOGICAL) !== 0,
      vector: low & 0xff,
      deliveryMode: (low >>> 8) & 7,
      level: (low & REDIR_LEVEL) !== 0,
    });
    const tick = (this.#tickPins & (1 << pin)) !== 0 && (low & REDIR_LEVEL) === 0;
    if (tick && this.#bus.deliverTick) this.#bus.deliverTick(address, data);
    else this.#bus.deliverMsi(address, data);
  }

  #mmioRead(offset: number, size: AccessSize): number {
    if (offset === IOREGSEL) return this.#regsel;
    // IOWIN takes 32-bit accesses only (82093AA §3.1); QEMU reads others as 0.
    if (offset === IOWIN && size === 4) return this.#readRegister(this.#regsel);
    return 0;
  }

  #mmioWrite(offset: number, size: AccessSize, value: number): void {
    if (offset === IOREGSEL) this.#regsel = value & 0xff;
    else if (offset === IOWIN && size === 4) this.#writeRegister(this.#regsel, value >>> 0);
    else if (offset === IOEOI) this.eoi(value & 0xff); // directed EOI (version 0x20)
  }

  #readRegister(reg: number): number {
    switch (reg) {
      case IOAPICID:
        return this.#id << 24;
      case IOAPICVER:
        return IOAPIC_VERSION_VALUE;
      case IOAPICARB:
        // The arbitration ID is loaded from the ID; with nothing else on the
        // APIC bus it never rotates.
        return this.#id << 24;
    }
    const pin = (reg - IOREDTBL) >> 1;
    if (pin < 0 || pin >= IOAPIC_PINS) return 0;
    return reg & 1 ? this.#high[pin] : this.#low[pin];
  }

  #writeRegister(reg: number, value: number): void {
    if (reg === IOAPICID) {
      this.#id = (value >>> 24) & 0xf;
      return;
    }
    const pin = (reg - IOREDTBL) >> 1;
    if (pin < 0 || pin >= IOAPIC_PINS) return; // version, arbitration, reserved
    if (reg & 1) {
      this.#high[pin] = value & REDIR_HIGH_WRITABLE;
      return;
    }
    let low = (value & REDIR_LOW_WRITABLE) | (this.#low[pin] & REDIR_REMOTE_IRR);
    const old = this.#low[pin];
    if ((this.#tickPins & (1 << pin)) !== 0 && ((old ^ low) & (0xff | REDIR_MASKED)) !== 0) {
      this.#bus.forgetTicks?.(old & 0xff);
    }
    // An edge-triggered entry has no remote IRR. Linux relies on this with
    // I/O APICs that lack an EOI register (version 0x11, which a guest may
    // still expect): it clears a stuck remote IRR by switching the entry to
    // edge and back (QEMU does the same).
    if ((low & REDIR_LEVEL) === 0) low &= ~REDIR_REMOTE_IRR;
    this.#low[pin] = low;
    if (low & REDIR_LEVEL) this.#serviceLevel(pin);
  }
}

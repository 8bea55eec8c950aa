import type { AccessSize } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { Clock } from "../clock.ts";
import type { IrqLine } from "../irq.ts";
import type { Timer, TimerQueue } from "../timer_queue.ts";
import { PitCounter, type Rise } from "./_counter.ts";
import { nsAt, ticksAt } from "./ticks.ts";

/** Counter 0–2 data ports at 0x40–0x42, control word at 0x43. */
export const PIT_PORT = 0x40;
/** System control port B: counter 2 gate, speaker data, refresh and OUT2 status. */
export const PORT_B = 0x61;

/** PIT clock ticks per toggle of port 0x61 bit 4: the 15.085 µs DRAM refresh period. */
const REFRESH_TICKS = 18;

/** What the PIT is wired to on the board. */
export interface PitOptions {
  /** Guest time; counters are computed from it on demand. */
  clock: Clock;
  /** Holds the one timer that raises IRQ0 edges. */
  timers: TimerQueue;
  /** Counter 0 OUT, wired to IRQ0. */
  irq: IrqLine;
}

/**
 * The Intel 8254 programmable interval timer of a PC at 0x40–0x43, plus the
 * PIT side of port 0x61. Counter 0 drives IRQ0, counter 1 is the (unused)
 * refresh timer, counter 2 feeds the speaker and is gated by port 0x61 bit 0.
 * Counts are derived from `clock.now()` when read; a timer is armed only for
 * the next rising edge of counter 0's OUT.
 */
/** Most IRQ0 edges one late timer check produces. */
const MAX_EDGES_PER_CHECK = 64;

export class Pit {
  readonly #clock: Clock;
  readonly #irq: IrqLine;
  readonly #timer: Timer;
  readonly #counters = [new PitCounter(true), new PitCounter(true), new PitCounter(false)];
  /** Port 0x61 bits 0–3 as last written. */
  #portB = 0;
  /** The counter 0 edge the timer is armed for. */
  #rise: Rise | null = null;

  constructor(options: PitOptions) {
    if (!options?.clock || !options.timers || !options.irq) {
      throw new Error("i8254: options clock, timers and irq are required");
    }
    const { clock, timers, irq } = options;
    this.#clock = clock;
    this.#irq = irq;
    this.#timer = timers.create((now) => this.#fire(now));
    this.reset();
  }

  /** Claims 0x40–0x43 and 0x61 on the I/O bus. */
  register(io: RangeBus): void {
    io.register(PIT_PORT, 4, {
      name: "i8254",
      sizes: 1,
      read: (offset: number) => this.#readPort(offset),
      write: (offset: number, _size: AccessSize, value: number) => this.#writePort(offset, value),
    });
    io.register(PORT_B, 1, {
      name: "i8254-port-b",
      sizes: 1,
      read: () => this.#readPortB(),
      write: (_offset: number, _size: AccessSize, value: number) => this.#writePortB(value),
    });
  }

  /**
   * Power-on state as in QEMU: every counter in mode 3 with count 65536, so
   * IRQ0 runs at 18.2 Hz until the guest reprograms counter 0; counter 2's
   * gate and the speaker are off.
   */
  reset(): void {
    const t = this.#now();
    this.#counters.forEach((c, i) => c.reset(t, i !== 2));
    this.#portB = 0;
    this.#irq.lower();
    this.#rearm(t);
  }

  #now(): number {
    return ticksAt(this.#clock.now());
  }

  #readPort(offset: number): number {
    // The control word register is write-only; QEMU reads it as 0.
    if (offset === 3) return 0;
    return this.#counters[offset].readByte(this.#now());
  }

  #writePort(offset: number, value: number): void {
    const t = this.#now();
    if (offset < 3) {
      this.#counters[offset].writeByte(value, t);
      if (offset === 0) this.#counter0Changed(t);
      return;
    }
    const select = value >> 6;
    if (select !== 3) {
      this.#counters[select].control(value, t);
      if (select === 0) this.#counter0Changed(t);
      return;
    }
    // Read-back (§ "Read-Back Command"): bit 5 = 0 latches counts, bit 4 = 0
    // latches status, bits 1–3 select counters 0–2.
    const count = (value & 0x20) === 0;
    const status = (value & 0x10) === 0;
    for (let i = 0; i < 3; i++) {
      if (value & (2 << i)) this.#counters[i].readBack(count, status, t);
    }
  }

  #readPortB(): number {
    const t = this.#now();
    const refresh = Math.floor(t / REFRESH_TICKS) & 1;
    return this.#portB | (refresh << 4) | (this.#counters[2].out(t) ? 0x20 : 0);
  }

  #writePortB(value: number): void {
    // Bit 0 gates counter 2, bit 1 enables speaker data, bits 2–3 mask the
    // parity and I/O channel check NMIs; bits 4–7 are read-only status.
    this.#portB = value & 0x0f;
    this.#counters[2].setGate((value & 1) !== 0, this.#now());
  }

  /** After a write to counter 0: modes 0 and 1 hold IRQ0 at OUT's level. */
  #counter0Changed(t: number): void {
    const c = this.#counters[0];
    if (c.mode <= 1) this.#irq.set(c.out(t));
    this.#rearm(t);
  }

  #rearm(t: number): void {
    const rise = this.#counters[0].nextRise(t);
    this.#rise = rise;
    if (rise) this.#timer.arm(nsAt(rise.tick));
    else this.#timer.disarm();
  }

  /**
   * OUT0 rose. In the periodic modes every rise since the last check gives its own edge (at
   * most MAX_EDGES_PER_CHECK): an edge-triggered IRQ0 at the 8259 merges them in IRR as on
   * hardware, but through the I/O APIC the local APIC keeps ticks it could not deliver yet.
   */
  #fire(now: number): void {
    const t = ticksAt(now);
    let rise = this.#rise;
    if (rise && t >= rise.tick && rise.stays) this.#irq.raise();
    for (let n = 0; rise && !rise.stays && t >= rise.tick && n < MAX_EDGES_PER_CHECK; n++) {
      this.#irq.pulse();
      rise = this.#counters[0].nextRise(rise.tick);
    }
    this.#rearm(t);
  }
}

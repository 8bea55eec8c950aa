/**
 * Frequency the local APIC timer's input runs at before the divider: 1 GHz,
 * so one tick at divide-by-1 is one nanosecond of guest time. This is QEMU's
 * choice too; guests calibrate the timer against the PIT or the TSC, so any
 * fixed rate works, and a whole number of nanoseconds per tick keeps the
 * arithmetic exact.
 */
export const APIC_TIMER_HZ = 1_000_000_000;

/** Nanoseconds per tick before the divider. */
const NS_PER_TICK = 1e9 / APIC_TIMER_HZ;

/** Writable bits of the divide configuration register: 0, 1 and 3 (SDM Figure 10-10). */
export const DIVIDE_CONFIG_MASK = 0b1011;

/**
 * The divisor selected by a divide configuration value (SDM Figure 10-10):
 * bits 3,1,0 = 000 → 2, 001 → 4, 010 → 8, 011 → 16, 100 → 32, 101 → 64,
 * 110 → 128, 111 → 1.
 */
export function timerDivisor(config: number): number {
  const code = (config & 3) | ((config >> 1) & 4);
  return 1 << ((code + 1) & 7);
}

/**
 * The local APIC timer's down-counter (SDM §10.5.4), kept as a start time
 * and an initial count so that the current count is computed from the clock
 * only when read. Counting starts when the initial count is written; the
 * count reaches zero `initial` ticks later, when the interrupt is due. In
 * periodic mode it reloads at that moment, so the period is `initial` ticks
 * and the current count runs initial … 1. (QEMU holds zero for one extra tick
 * per period; the SDM leaves that detail open.) Writing 0 stops the timer.
 */
export class TimerCounter {
  /** Initial count register. */
  initial = 0;
  /** Divide configuration register (bits 0, 1 and 3). */
  config = 0;
  /** LVT timer mode: periodic when true, one-shot otherwise; see `setPeriodic`. */
  periodic = false;
  /** Clock time the counter held `initial`. */
  #start = 0;
  /** Nanoseconds per tick at the current divisor. */
  #tickNs = 2 * NS_PER_TICK;
  /** Deadline of the last expiry that raised an interrupt, so it is never raised twice. */
  #fired = -Infinity;
  /** A finished one-shot count switched to periodic mode: held at zero. */
  #stopped = false;

  /** Writes the initial count register at time `now`: (re)starts counting. */
  load(count: number, now: number): void {
    this.initial = count >>> 0;
    this.#start = now;
    this.#fired = -Infinity;
    this.#stopped = false;
  }

  /**
   * Writes the divide configuration at time `now`. The ticks already counted
   * stand and later ones run at the new rate (the SDM does not say; QEMU
   * reinterprets the whole elapsed time, which makes the count jump).
   */
  setDivide(config: number, now: number): void {
    const ticks = this.#ticks(now);
    this.config = config & DIVIDE_CONFIG_MASK;
    this.#tickNs = timerDivisor(this.config) * NS_PER_TICK;
    this.#start = now - ticks * this.#tickNs;
  }

  /**
   * Sets the LVT timer mode at time `now`. Leaving periodic mode lets the
   * period under way run out once, as a one-shot count from the current
   * value. Entering it makes a running count reload when it reaches zero; a
   * one-shot count that already reached zero stays there until the next
   * initial-count write.
   */
  setPeriodic(periodic: boolean, now: number): void {
    if (periodic === this.periodic) return;
    if (this.initial > 0) {
      const ticks = this.#ticks(now);
      if (this.periodic) this.#start += (ticks - (ticks % this.initial)) * this.#tickNs;
      else if (ticks >= this.initial) this.#stopped = true;
    }
    this.periodic = periodic;
  }

  /** Nanoseconds from one expiry to the next in periodic mode (0 while stopped). */
  get periodNs(): number {
    return this.initial * this.#tickNs;
  }

  /** The current count register at time `now`. */
  current(now: number): number {
    const initial = this.initial;
    if (initial === 0 || this.#stopped) return 0;
    const ticks = this.#ticks(now);
    if (this.periodic) return initial - (ticks % initial);
    return ticks >= initial ? 0 : initial - ticks;
  }

  /**
   * The time of the first expiry (count reaching zero) at or after `now`
   * that has not yet been reported through `fired()`, or Infinity.
   */
  nextExpiry(now: number): number {
    const initial = this.initial;
    if (initial === 0 || this.#stopped) return Infinity;
    const period = initial * this.#tickNs;
    const first = this.#start + period;
    let due = first;
    if (this.periodic && now > first) {
      due = this.#start + Math.ceil((now - this.#start) / period) * period;
    }
    if (due <= this.#fired) due = this.periodic ? due + period : Infinity;
    return due >= now ? due : Infinity;
  }

  /** Records that the expiry at `deadline` raised its interrupt. */
  fired(deadline: number): void {
    this.#fired = deadline;
  }

  /** Power-on state: stopped, divide by 2, one-shot. */
  reset(): void {
    this.initial = 0;
    this.periodic = false;
    this.#start = 0;
    this.#fired = -Infinity;
    this.#stopped = false;
    this.setDivide(0, 0);
  }

  #ticks(now: number): number {
    return Math.floor(Math.max(0, now - this.#start) / this.#tickNs);
  }
}

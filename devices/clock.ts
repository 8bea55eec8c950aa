/**
 * Guest time. Every device timer reads one Clock so that all of them agree,
 * and a deterministic clock can replace the host one (QEMU's -icount idea).
 */
export interface Clock {
  /** Nanoseconds since the machine was created. Never goes backwards. */
  now(): number;
}

/**
 * Follows the host's monotonic time, except where the VMM could not run the guest: each step of
 * execution (a run slice and the timers after it) counts at most a bounded amount of host time
 * ({@link HostClock.settle}). A stall — translating a batch of blocks, a garbage collection, the
 * host descheduling the VMM — would otherwise show the guest a jump it never lived through: its
 * periodic timer edges merge into one interrupt, jiffies fall behind the TSC and Linux's
 * clocksource watchdog declares the TSC unstable. Guest time then runs behind wall time by the
 * stalls, as a paused VM's does.
 */
export class HostClock implements Clock {
  readonly #start = performance.now();
  #offset = 0;
  /** The latest time returned: dropping a stall never makes time go backwards. */
  #last = 0;
  /** Host time (ms) at the end of the previous step. */
  #mark = this.#start;

  now(): number {
    const t = (performance.now() - this.#start) * 1e6 + this.#offset;
    if (t > this.#last) this.#last = t;
    return this.#last;
  }

  /** Moves guest time forward without waiting, e.g. to skip an idle HLT. */
  advance(ns: number): void {
    this.#offset += ns;
  }

  /**
   * Ends a step of execution: of the host time since the previous step ended, at most `maxNs`
   * becomes guest time. Returns the nanoseconds dropped.
   */
  settle(maxNs: number): number {
    const host = performance.now();
    const step = (host - this.#mark) * 1e6;
    this.#mark = host;
    if (step <= maxNs) return 0;
    this.#offset -= step - maxNs;
    return step - maxNs;
  }

  /** Starts the next step without dropping anything: after a deliberate wait, such as HLT. */
  resync(): void {
    this.#mark = performance.now();
  }
}

/**
 * Guest time as a pure function of retired instructions: runs repeat exactly.
 * `nsPerInstruction` sets the apparent speed (1 = a 1 GHz one-IPC CPU).
 */
export class InstructionClock implements Clock {
  #idle = 0;

  constructor(
    readonly instructions: () => number,
    readonly nsPerInstruction = 1,
  ) {}

  now(): number {
    return this.instructions() * this.nsPerInstruction + this.#idle;
  }

  /** An idle CPU (HLT) skips straight to the next timer deadline. */
  advance(ns: number): void {
    this.#idle += ns;
  }
}

/** A manually driven clock for unit tests. */
export class ManualClock implements Clock {
  constructor(public time = 0) {}
  now(): number {
    return this.time;
  }
  advance(ns: number): void {
    this.time += ns;
  }
}

/**
 * Guest time. Every device timer reads one Clock so that all of them agree,
 * and a deterministic clock can replace the host one (QEMU's -icount idea).
 */
export interface Clock {
  /** Nanoseconds since the machine was created. Never goes backwards. */
  now(): number;
}

/** Follows the host's monotonic time. */
export class HostClock implements Clock {
  readonly #start = performance.now();
  #offset = 0;

  now(): number {
    return (performance.now() - this.#start) * 1e6 + this.#offset;
  }

  /** Moves guest time forward without waiting, e.g. to skip an idle HLT. */
  advance(ns: number): void {
    this.#offset += ns;
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

import type { Clock } from "./clock.ts";

/** A one-shot timer owned by a device; re-arm it from its callback for periodic use. */
export class Timer {
  /** Absolute deadline in clock nanoseconds, or Infinity when disarmed. */
  deadline = Infinity;

  constructor(readonly queue: TimerQueue, readonly callback: (now: number) => void) {}

  /** Fires once the clock reaches `deadline` (absolute nanoseconds). */
  arm(deadline: number): void {
    this.deadline = deadline;
    this.queue.changed();
  }

  disarm(): void {
    this.deadline = Infinity;
    this.queue.changed();
  }

  get armed(): boolean {
    return this.deadline !== Infinity;
  }
}

/**
 * Every device timer of a machine. The run loop calls `runDue()` between
 * instruction slices and sleeps until `next()` when the CPU halts.
 */
export class TimerQueue {
  #timers: Timer[] = [];
  #next = Infinity;
  #dirty = false;

  constructor(readonly clock: Clock) {}

  create(callback: (now: number) => void): Timer {
    const t = new Timer(this, callback);
    this.#timers.push(t);
    return t;
  }

  /** @internal called by Timer when its deadline moves. */
  changed(): void {
    this.#dirty = true;
  }

  /** The earliest deadline of any armed timer, or Infinity. */
  next(): number {
    if (this.#dirty) {
      let n = Infinity;
      for (const t of this.#timers) if (t.deadline < n) n = t.deadline;
      this.#next = n;
      this.#dirty = false;
    }
    return this.#next;
  }

  /** Fires every timer whose deadline has passed; returns how many fired. */
  runDue(now: number = this.clock.now()): number {
    let fired = 0;
    // Bounded: a timer re-armed in the past fires at most once per call.
    for (let round = 0; round < 4 && this.next() <= now; round++) {
      for (const t of this.#timers) {
        if (t.deadline <= now) {
          t.deadline = Infinity;
          this.#dirty = true;
          fired++;
          t.callback(now);
        }
      }
    }
    return fired;
  }
}

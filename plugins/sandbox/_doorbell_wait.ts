/**
 * How a device runtime waits for the VMM's doorbell (a word of its control block).
 *
 * Measured with Deno 2.9.6 on this 2-core machine, from `Atomics.notify` on one thread to a
 * `node:worker_threads` Worker running again, after the notifier idled 0.2–5 ms (medians; p90
 * while other processes kept both cores busy):
 *
 * | waiting in                            | other core free | both cores busy: p50, p90 |
 * | ------------------------------------- | --------------- | ------------------------- |
 * | `Atomics.waitAsync` (the event loop)  | 17–85 µs        | 46–112 µs, 0.06–4.3 ms    |
 * | `Atomics.wait`, one long wait         | 2–28 µs         | 11–41 µs, 17–530 µs       |
 * | `Atomics.wait` in 1 ms naps           |                 | 1.4–4.4 ms, 5.9–8 ms      |
 * | polling the word                      | < 1 µs          | 1–54 µs, 6.8–8.7 ms       |
 *
 * Deno resolves a `waitAsync` through its event loop, and only while the loop has something else
 * to wait for (denoland/deno#14786; the runtime's heartbeat timer is that). A thread that polls,
 * or that wakes by itself every millisecond, is under Linux's EEVDF scheduler not the one that
 * gets a core when every core is busy; one that slept through is. So each wait goes through:
 *
 * 1. **Poll** the word for a window that adapts to how soon the doorbell came back before (QEMU's
 *    adaptive polling, `util/aio-posix.c` `adjust_polling_time`), in short synchronous slices
 *    with a turn of the event loop between them, so that timers, messages and asynchronous
 *    backends run. A slice that finds it was preempted (the clock jumped) stops polling for a
 *    while: on an oversubscribed machine polling only delays the thread that would ring.
 * 2. **Nap** in `Atomics.wait` for up to `napMs` at a time, with a turn of the event loop between
 *    naps, while the backend has nothing asynchronous outstanding and the last doorbell is recent.
 * 3. **Sleep** in `Atomics.waitAsync`: an idle device costs nothing.
 *
 * @module
 */

/** Tuning of {@link DoorbellWait}. */
export interface DoorbellTuning {
  /** Longest the poll window grows, µs. */
  maxPollUs: number;
  /** The first non-zero poll window, µs; it doubles from there. */
  growFromUs: number;
  /** Longest one synchronous stretch of polling before the event loop gets a turn, µs. */
  sliceUs: number;
  /** A gap this long between two looks at the clock while polling means the thread was
   * preempted, µs. */
  preemptedUs: number;
  /** How long polling stays off after a preemption, ms. */
  backOffMs: number;
  /** Longest one nap in `Atomics.wait`, ms: the most an event of the backend waits for it. */
  napMs: number;
  /** How long after the last doorbell naps go on before the wait turns asynchronous, ms. */
  napForMs: number;
}

/** The tuning the device runtime uses. */
export const DOORBELL_TUNING: Readonly<DoorbellTuning> = Object.freeze({
  // QEMU's default poll-max-ns for an iothread. A driver that keeps the device busy rings within
  // a few µs of a completion when it has a core of its own; with 200 µs here and both cores
  // taken by others, back-to-back round trips took ten times as long as with no polling, the
  // polling device keeping the driver off a core.
  maxPollUs: 32,
  growFromUs: 4,
  sliceUs: 50,
  preemptedUs: 150,
  backOffMs: 100,
  napMs: 10,
  napForMs: 50,
});

/**
 * The next poll window after a wait that was not served by polling, from the window used and
 * how long the device went without a doorbell (QEMU `adjust_polling_time`): a doorbell within
 * reach of the largest window doubles the window (from `growFromUs`), a longer idle halves it
 * (to zero below `growFromUs`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DOORBELL_TUNING as tuning } from "./_doorbell_wait.ts";
 * assert.equal(tuning.maxPollUs, 32);
 * assert.equal(nextPollWindow(0, 20, tuning), 4); // would have been caught: start polling
 * assert.equal(nextPollWindow(8, 20, tuning), 16);
 * assert.equal(nextPollWindow(16, 5000, tuning), 8); // idle for long: poll less
 * assert.equal(nextPollWindow(3, 5000, tuning), 0);
 * ```
 */
export function nextPollWindow(pollUs: number, idleUs: number, tuning: DoorbellTuning): number {
  if (idleUs <= pollUs) return pollUs;
  if (idleUs > tuning.maxPollUs) {
    const half = pollUs / 2;
    return half < tuning.growFromUs ? 0 : half;
  }
  return Math.min(tuning.maxPollUs, pollUs === 0 ? tuning.growFromUs : 2 * pollUs);
}

/** What a {@link DoorbellWait} needs from its thread, taken before any plugin code runs. */
export interface DoorbellHooks {
  /** Monotonic clock, ms (`performance.now`). */
  now(): number;
  /** Resolves after one turn of the event loop: timers, messages and I/O callbacks run. */
  turn(): Promise<void>;
  /** Whether the thread may block in `Atomics.wait` now (nothing asynchronous outstanding). */
  mayBlock(): boolean;
}

/**
 * Waits for a change of `words[index]`, polling, napping or sleeping as described in the module
 * documentation. One per control block, used by one loop.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const words = new Int32Array(new SharedArrayBuffer(4));
 * const bell = new DoorbellWait(words, 0, {
 *   now: () => performance.now(),
 *   turn: () => new Promise((resolve) => setTimeout(resolve, 0)),
 *   mayBlock: () => true,
 * });
 * setTimeout(() => (Atomics.store(words, 0, 1), Atomics.notify(words, 0)), 5);
 * await bell.wait(0);
 * assert.equal(Atomics.load(words, 0), 1);
 * ```
 */
export class DoorbellWait {
  readonly #words: Int32Array;
  readonly #index: number;
  readonly #hooks: DoorbellHooks;
  readonly #tuning: DoorbellTuning;
  #pollUs = 0;
  #lastWork: number;
  /** No polling before this time (after a preemption). */
  #backOffUntil = -Infinity;

  /** Waits on `words[index]`; `tuning` defaults to {@link DOORBELL_TUNING}. */
  constructor(
    words: Int32Array,
    index: number,
    hooks: DoorbellHooks,
    tuning: DoorbellTuning = DOORBELL_TUNING,
  ) {
    this.#words = words;
    this.#index = index;
    this.#hooks = hooks;
    this.#tuning = tuning;
    this.#lastWork = hooks.now();
  }

  /** The current poll window, µs. */
  get pollUs(): number {
    return this.#pollUs;
  }

  /** Marks the end of a stretch of work: the poll window counts from here. */
  worked(): void {
    this.#lastWork = this.#hooks.now();
  }

  /**
   * Resolves once `words[index]` is no longer `seen`. It may also resolve early (the caller
   * looks at the word again anyway), never much later than the change.
   */
  async wait(seen: number): Promise<void> {
    const words = this.#words;
    const index = this.#index;
    const { now, turn, mayBlock } = this.#hooks;
    const { sliceUs, preemptedUs, napMs, napForMs } = this.#tuning;
    const pollEnd = this.#lastWork + this.#pollUs / 1000;
    const preempted = preemptedUs / 1000;
    for (let t = now(); t < pollEnd; t = now()) {
      const sliceEnd = Math.min(pollEnd, t + sliceUs / 1000);
      let last = t;
      // Caught while polling: the window is right, as QEMU leaves it then.
      while (Atomics.load(words, index) === seen) {
        const at = now();
        if (at - last > preempted) {
          this.#pollUs = 0;
          this.#backOffUntil = at + this.#tuning.backOffMs;
          break;
        }
        if (at >= sliceEnd) break;
        last = at;
      }
      if (Atomics.load(words, index) !== seen) return;
      if (this.#pollUs === 0) break;
      await turn();
      if (Atomics.load(words, index) !== seen) return;
    }
    while (Atomics.load(words, index) === seen) {
      if (mayBlock() && now() - this.#lastWork < napForMs) {
        Atomics.wait(words, index, seen, napMs);
        if (Atomics.load(words, index) !== seen) break;
        await turn();
        continue;
      }
      const waiting = Atomics.waitAsync(words, index, seen);
      if (waiting.async) await waiting.value;
      break;
    }
    const woke = now();
    if (woke < this.#backOffUntil) return;
    this.#pollUs = nextPollWindow(this.#pollUs, 1000 * (woke - this.#lastWork), this.#tuning);
  }
}

/**
 * The timing loop behind `BenchContext.measure`: untimed warm-up calls (so V8 has optimised the
 * code under test), then several samples, each a batch of calls long enough that the timer's own
 * cost and resolution do not matter.
 *
 * @module
 */

/** Turns one sample, `work` units done in `seconds`, into the reported value. */
export type SampleValue = (seconds: number, work: number) => number;

/** What the function under test returns: units of work done (bytes, instructions…), default 1. */
export type WorkResult = number | void;

/** The function under test; it may be async (then each call is awaited). */
export type WorkFn = () => WorkResult | Promise<WorkResult>;

/** Settings of {@link takeSamples}. */
export interface SamplingOptions {
  /** Samples to take. */
  samples: number;
  /** Milliseconds of untimed calls before sampling (at least one call). */
  warmupMs: number;
  /** Each sample repeats the call until it lasts at least this many milliseconds. */
  minSampleMs: number;
  /** Converts a sample to the reported unit. */
  value: SampleValue;
}

/** Work per second divided by `scale`: `perSecond(1e6)` turns instructions into MIPS. */
export function perSecond(scale = 1): SampleValue {
  return (seconds, work) => work / seconds / scale;
}

/** Time per unit of work in units of `unitSeconds`: `timePer(1e-6)` gives µs per call. */
export function timePer(unitSeconds = 1e-9): SampleValue {
  return (seconds, work) => seconds / work / unitSeconds;
}

function workOf(result: WorkResult): number {
  if (result === undefined) return 1;
  if (!Number.isFinite(result) || result <= 0) {
    throw new RangeError(`a measured function returned ${result}: work must be positive`);
  }
  return result;
}

function isPromise(x: unknown): x is Promise<WorkResult> {
  return typeof (x as Promise<WorkResult> | undefined)?.then === "function";
}

/** A function warmed up and with its batch size chosen. */
interface Prepared {
  fn: WorkFn;
  async: boolean;
  /** Calls per sample. */
  batch: number;
}

/** Warm-up calls; their pace also sets how many calls make one sample. */
async function prepare(fn: WorkFn, warmupMs: number, minSampleMs: number): Promise<Prepared> {
  const t0 = performance.now();
  const first = fn();
  const async = isPromise(first);
  if (async) workOf(await first);
  else workOf(first);
  let calls = 1;
  let t = performance.now();
  if (async) {
    while (t - t0 < warmupMs) {
      workOf(await fn());
      calls++;
      t = performance.now();
    }
  } else {
    const sync = fn as () => WorkResult;
    while (t - t0 < warmupMs) {
      workOf(sync());
      calls++;
      t = performance.now();
    }
  }
  const perCallMs = (t - t0) / calls;
  return { fn, async, batch: Math.max(1, Math.ceil(minSampleMs / Math.max(perCallMs, 1e-6))) };
}

/** Times one batch and converts it with `value`. */
async function sampleOnce(p: Prepared, value: SampleValue): Promise<number> {
  let work = 0;
  const start = performance.now();
  if (p.async) {
    for (let i = 0; i < p.batch; i++) work += workOf(await p.fn());
  } else {
    const sync = p.fn as () => WorkResult;
    for (let i = 0; i < p.batch; i++) work += workOf(sync());
  }
  const seconds = (performance.now() - start) / 1000;
  // A batch too fast for the clock would divide by zero; count it as one timer tick.
  return value(Math.max(seconds, 1e-9), work);
}

function checkSampleCount(samples: number): void {
  if (!Number.isInteger(samples) || samples < 1) {
    throw new RangeError(`samples must be a positive integer, got ${samples}`);
  }
}

/**
 * Times `fn` as {@link SamplingOptions} say and returns one value per sample. A synchronous `fn`
 * runs in a tight loop with no `await` between calls, so sub-microsecond operations are timed
 * without the cost of a microtask per call.
 */
export async function takeSamples(fn: WorkFn, options: SamplingOptions): Promise<number[]> {
  checkSampleCount(options.samples);
  const p = await prepare(fn, options.warmupMs, options.minSampleMs);
  const out: number[] = [];
  for (let s = 0; s < options.samples; s++) out.push(await sampleOnce(p, options.value));
  return out;
}

/** One function of {@link takeInterleavedSamples} and how its samples are converted. */
export interface InterleavedItem {
  /** The function under test. */
  fn: WorkFn;
  /** Converts its samples. */
  value: SampleValue;
}

/**
 * Times several functions in turn, sample by sample (A B C A B C …), after warming each up, and
 * returns their samples in `items` order. Figures meant to be read against each other (a queue
 * against the memcpy bound) are best taken so: a burst of other work on a shared machine hits a
 * neighbouring sample of each instead of all samples of one.
 */
export async function takeInterleavedSamples(
  items: readonly InterleavedItem[],
  options: Omit<SamplingOptions, "value">,
): Promise<number[][]> {
  checkSampleCount(options.samples);
  const prepared: Prepared[] = [];
  for (const item of items) {
    prepared.push(await prepare(item.fn, options.warmupMs, options.minSampleMs));
  }
  const out = items.map((): number[] => []);
  for (let s = 0; s < options.samples; s++) {
    for (let i = 0; i < items.length; i++) {
      out[i].push(await sampleOnce(prepared[i], items[i].value));
    }
  }
  return out;
}

/**
 * Summary statistics of benchmark samples. The median is the reported value: on a shared machine
 * a few samples are slowed by other work, and the median ignores them where the mean would not.
 *
 * @module
 */

/** Smallest, middle and largest of a set of samples. */
export interface Summary {
  /** Smallest sample. */
  min: number;
  /** Median: the middle sample, or the mean of the two middle ones. */
  median: number;
  /** Largest sample. */
  max: number;
}

/** Summarises `samples`; throws RangeError when there are none or one is not finite. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError("no samples to summarise");
  for (const s of samples) {
    if (!Number.isFinite(s)) throw new RangeError(`sample ${s} is not a finite number`);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/**
 * Geometric mean of positive values: the usual way to combine speeds of different workloads,
 * since a 2× change in any one of them moves it by the same factor.
 */
export function geometricMean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("no values to average");
  let logSum = 0;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) {
      throw new RangeError(`geometric mean needs positive finite values, got ${v}`);
    }
    logSum += Math.log(v);
  }
  return Math.exp(logSum / values.length);
}

/**
 * The `p`-th percentile of `samples` by the nearest-rank method: the smallest sample with at
 * least `p` % of the samples at or below it (so p99 of 10 samples is the largest). `p` is in
 * (0, 100]; throws RangeError for no samples or a `p` outside that range.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError("no samples for a percentile");
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in (0, 100]`);
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}

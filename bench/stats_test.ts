import assert from "node:assert/strict";
import { geometricMean, percentile, summarize } from "./stats.ts";

Deno.test("summarize takes the middle sample, or the mean of the middle two", () => {
  assert.deepEqual(summarize([5, 1, 3]), { min: 1, median: 3, max: 5 });
  assert.deepEqual(summarize([4, 1, 3, 10]), { min: 1, median: 3.5, max: 10 });
  assert.deepEqual(summarize([7]), { min: 7, median: 7, max: 7 });
});

Deno.test("summarize refuses no samples and non-finite ones", () => {
  assert.throws(() => summarize([]), RangeError);
  assert.throws(() => summarize([1, Number.NaN]), RangeError);
  assert.throws(() => summarize([Infinity]), RangeError);
});

Deno.test("geometricMean of speeds moves by the factor any one of them moves", () => {
  assert.ok(Math.abs(geometricMean([2, 8]) - 4) < 1e-12);
  const a = geometricMean([10, 20, 40]);
  const b = geometricMean([10, 20, 80]);
  assert.ok(Math.abs(b / a - Math.cbrt(2)) < 1e-12);
  assert.throws(() => geometricMean([1, 0]), RangeError);
  assert.throws(() => geometricMean([]), RangeError);
});

Deno.test("percentile is the nearest-rank sample: p50 of 1..100 is 50, p99 is 99, p100 the largest", () => {
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose
  assert.equal(percentile(samples, 50), 50);
  assert.equal(percentile(samples, 99), 99);
  assert.equal(percentile(samples, 100), 100);
  assert.equal(percentile(samples, 0.5), 1);
  assert.equal(percentile([3, 9, 1], 99), 9, "p99 of a few samples is the largest");
  assert.throws(() => percentile([], 50), RangeError);
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
});

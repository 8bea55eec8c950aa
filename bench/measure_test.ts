import assert from "node:assert/strict";
import { perSecond, takeInterleavedSamples, takeSamples, timePer } from "./measure.ts";

Deno.test("takeSamples takes the asked number of samples and feeds the returned work to value", async () => {
  const seen: number[] = [];
  const samples = await takeSamples(() => 3, {
    samples: 4,
    warmupMs: 0,
    minSampleMs: 0,
    value: (_seconds, work) => {
      seen.push(work);
      return work;
    },
  });
  assert.equal(samples.length, 4);
  // Each sample is a whole batch of calls, each reporting 3 units of work.
  for (const work of seen) assert.equal(work % 3, 0);
});

Deno.test("takeSamples batches calls until a sample lasts minSampleMs", async () => {
  let calls = 0;
  await takeSamples(() => {
    calls++;
  }, { samples: 2, warmupMs: 1, minSampleMs: 2, value: perSecond() });
  // Two samples of at least 2 ms of sub-microsecond calls cannot be a handful of calls.
  assert.ok(calls > 100, `${calls} calls`);
});

Deno.test("takeSamples awaits an async function on every call", async () => {
  let inFlight = 0;
  let overlapped = false;
  const samples = await takeSamples(async () => {
    inFlight++;
    overlapped ||= inFlight > 1;
    await Promise.resolve();
    inFlight--;
  }, { samples: 3, warmupMs: 1, minSampleMs: 1, value: timePer(1e-6) });
  assert.equal(samples.length, 3);
  assert.equal(overlapped, false);
});

Deno.test("takeSamples refuses work that is not a positive number", async () => {
  const options = { samples: 1, warmupMs: 0, minSampleMs: 0, value: perSecond() };
  await assert.rejects(takeSamples(() => 0, options), RangeError);
  await assert.rejects(takeSamples(() => Number.NaN, options), RangeError);
  await assert.rejects(takeSamples(() => 1, { ...options, samples: 0 }), RangeError);
});

Deno.test("perSecond and timePer convert a sample to rates and times", () => {
  assert.equal(perSecond(1e6)(2, 10e6), 5); // 10 M instructions in 2 s: 5 MIPS
  assert.ok(Math.abs(timePer(1e-6)(0.5, 1000) - 500) < 1e-9); // 1000 calls in 0.5 s: 500 µs each
});

Deno.test("takeInterleavedSamples alternates the functions sample by sample after warming each", async () => {
  const calls: string[] = [];
  const samples = await takeInterleavedSamples([
    { fn: () => void calls.push("A"), value: perSecond() },
    { fn: () => void calls.push("B"), value: timePer() },
  ], { samples: 3, warmupMs: 0, minSampleMs: 0 });
  assert.equal(calls.join(""), "AB" + "ABABAB");
  assert.deepEqual(samples.map((s) => s.length), [3, 3]);
});

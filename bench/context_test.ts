import assert from "node:assert/strict";
import { BenchmarkSkipped, formatValue, perSecond, Recorder } from "./context.ts";

Deno.test("figure records the median of its samples with min, max and direction", () => {
  const r = new Recorder();
  const f = r.figure("x", [3, 1, 2], { unit: "MIPS", better: "higher" });
  assert.deepEqual(f, {
    name: "x",
    value: 2,
    unit: "MIPS",
    better: "higher",
    samples: [3, 1, 2],
    min: 1,
    median: 2,
    max: 3,
  });
  assert.deepEqual(r.figures, [f]);
});

Deno.test("a figure name is recorded once and must not be blank", () => {
  const r = new Recorder();
  r.figure("x", 1, { unit: "s", better: "lower" });
  assert.throws(() => r.figure("x", 2, { unit: "s", better: "lower" }), /twice/);
  assert.throws(() => r.figure(" ", 2, { unit: "s", better: "lower" }), /needs a name/);
});

Deno.test("measure defaults to ns per call, lower is better", async () => {
  const r = new Recorder({ quick: true });
  const f = await r.measure("noop", () => {}, { warmup: 0, minSampleMs: 1 });
  assert.equal(f.unit, "ns");
  assert.equal(f.better, "lower");
  assert.equal(f.samples.length, 3);
});

Deno.test("measure with a custom value must say which direction is better", async () => {
  const r = new Recorder({ quick: true });
  await assert.rejects(
    r.measure("rate", () => 1, { value: perSecond(), warmup: 0, minSampleMs: 0 }),
    /better/,
  );
});

Deno.test("skip ends a benchmark with its reason", () => {
  const r = new Recorder();
  assert.throws(
    () => r.skip("no QEMU"),
    (e) => e instanceof BenchmarkSkipped && e.reason === "no QEMU",
  );
});

Deno.test("plot names are file-name safe and unique", () => {
  const r = new Recorder();
  const spec = { name: "a-b_1", title: "t", x: { label: "x" }, y: { label: "y" }, series: [] };
  r.plot(spec);
  assert.throws(() => r.plot(spec), /twice/);
  assert.throws(() => r.plot({ ...spec, name: "a/b" }), /must match/);
});

Deno.test("formatValue keeps four significant digits", () => {
  assert.deepEqual([12.3456, 0.0123456, 123456.7, 5e-5, 2e9].map(formatValue), [
    "12.35",
    "0.01235",
    "123457",
    "5.000e-5",
    "2.000e+9",
  ]);
});

Deno.test("measureInterleaved records one figure per function in the order given", async () => {
  const r = new Recorder({ quick: true });
  const figures = await r.measureInterleaved([
    { label: "a", fn: () => 10, unit: "B/s", better: "higher", value: perSecond() },
    { label: "b", fn: () => {} },
  ], { warmup: 0, minSampleMs: 1 });
  assert.deepEqual(figures.map((f) => [f.name, f.unit, f.better, f.samples.length]), [
    ["a", "B/s", "higher", 3],
    ["b", "ns", "lower", 3],
  ]);
  assert.deepEqual(r.figures.map((f) => f.name), ["a", "b"]);
  await assert.rejects(
    r.measureInterleaved([{ label: "c", fn: () => {} }, { label: "c", fn: () => {} }]),
    /measured twice/,
  );
});

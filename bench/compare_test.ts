import assert from "node:assert/strict";
import { fixtureFigure as fig, fixtureRun as run } from "./_fixtures.ts";
import { classifyChange, compareRuns, formatComparison, poolRuns } from "./compare.ts";

Deno.test("a change counts only when the bands are apart and the median moved past the threshold", () => {
  const before = fig("x", [95, 100, 105]);
  // 10 % lower and outside 95..105: worse for a higher-is-better figure.
  assert.equal(classifyChange(before, fig("x", [90])), "regression");
  assert.equal(classifyChange(before, fig("x", [111])), "improvement");
  // Outside the range but only 4 % away: noise.
  assert.equal(classifyChange(fig("x", [99, 100, 101]), fig("x", [96])), "within noise");
  // 20 % away but inside a wide old range: noise.
  assert.equal(classifyChange(fig("x", [70, 100, 130]), fig("x", [80])), "within noise");
  // The new median is 10 % lower and outside the old band, but the new band reaches into it.
  assert.equal(classifyChange(before, fig("x", [80, 90, 100])), "within noise");
});

Deno.test("for a lower-is-better figure a rise is the regression", () => {
  const before = fig("lat", [10, 10, 10], { unit: "µs", better: "lower" });
  assert.equal(
    classifyChange(before, fig("lat", [12], { unit: "µs", better: "lower" })),
    "regression",
  );
  assert.equal(
    classifyChange(before, fig("lat", [8], { unit: "µs", better: "lower" })),
    "improvement",
  );
});

Deno.test("compareRuns matches figures by name and reports new and gone ones", () => {
  const c = compareRuns(
    run([fig("a", [100]), fig("b", [100])]),
    run([fig("a", [80]), fig("c", [1])]),
  );
  assert.deepEqual(c.changes.map((ch) => [ch.figure, ch.verdict]), [
    ["a", "regression"],
    ["c", "new"],
    ["b", "gone"],
  ]);
  assert.ok(Math.abs(c.changes[0].changePercent! + 20) < 1e-9);
  assert.deepEqual(c.warnings.filter((w) => !w.includes("one process")), []);
});

Deno.test("a figure whose unit changed is not compared with the old one", () => {
  const c = compareRuns(
    run([fig("a", [100], { unit: "MIPS" })]),
    run([fig("a", [5], { unit: "GB/s" })]),
  );
  assert.equal(c.changes[0].verdict, "new");
  assert.equal(c.changes[0].changePercent, undefined);
});

Deno.test("compareRuns warns about other machines, quick passes and uncommitted trees", () => {
  const base = run([fig("a", [1])]);
  const other = run([fig("a", [1])], {
    quick: true,
    dirty: true,
    machine: { ...base.machine, cpuModel: "Other CPU" },
  });
  const warnings = compareRuns(base, other).warnings.join("\n");
  assert.match(warnings, /cpuModel differs: Test CPU → Other CPU/);
  assert.match(warnings, /quick/);
  assert.match(warnings, /uncommitted/);
});

Deno.test("formatComparison flags regressions and counts them", () => {
  const text = formatComparison(compareRuns(run([fig("a", [100])]), run([fig("a", [50])])));
  assert.match(text, /cpu\s+a\s+100\s+50\s+MIPS\s+-50\.0%\s+REGRESSION/);
  assert.match(text, /1 regression\(s\), 0 improvement\(s\)/);
});

Deno.test("pooling runs widens the band to every process's samples, so a shift between processes is noise", () => {
  const a = run([fig("alu", [29.0, 29.1, 29.2])]);
  const b = run([fig("alu", [26.1, 26.2, 26.3])]);
  const pooled = poolRuns([a, b]);
  const f = pooled.benchmarks[0].figures[0];
  assert.deepEqual([f.min, f.max, f.samples.length, pooled.pooledRuns], [26.1, 29.2, 6, 2]);
  // 26.2 is 10 % below one process but inside the pooled band.
  assert.equal(compareRuns(a, run([fig("alu", [26.2])])).changes[0].verdict, "regression");
  assert.equal(compareRuns(pooled, run([fig("alu", [26.2])])).changes[0].verdict, "within noise");
  assert.ok(!compareRuns(pooled, a).warnings.some((w) => w.includes("one process")));
  assert.ok(compareRuns(a, b).warnings.some((w) => w.includes("one process")));
});

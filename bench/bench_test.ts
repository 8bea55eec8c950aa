import assert from "node:assert/strict";
import { checkWellFormedXml } from "./_xml_check.ts";
import "./benchmarks.ts";
import { escapeXml } from "./svg_plot.ts";
import { registeredBenchmarks } from "./registry.ts";
import { readResult } from "./results_file.ts";
import { runBenchmarks } from "./runner.ts";

/** Peers may be absent on a machine; everything else must run. */
const PEER = /_(qemu|v86)$/;

Deno.test("a --quick pass of every benchmark writes finite positive figures, JSON, table and SVG", async () => {
  const outDir = await Deno.makeTempDir({ prefix: "deno-vmm-bench-test-" });
  try {
    const lines: string[] = [];
    const { result, files, table } = await runBenchmarks(registeredBenchmarks(), {
      quick: true,
      outDir,
      log: (line) => lines.push(line),
    });
    assert.deepEqual(
      result.benchmarks.map((b) => b.name),
      registeredBenchmarks().map((b) => b.name),
    );
    for (const b of result.benchmarks) {
      if (b.status === "skipped") {
        assert.match(b.name, PEER, `${b.name} skipped: ${b.reason}`);
        assert.ok(b.reason, `${b.name} says why it was skipped`);
        continue;
      }
      assert.equal(b.status, "ok", `${b.name}: ${b.reason}`);
      assert.ok(b.figures.length > 0, `${b.name} has figures`);
      for (const f of b.figures) {
        for (const v of [f.value, f.min, f.median, f.max, ...f.samples]) {
          assert.ok(Number.isFinite(v) && v > 0, `${b.name} / ${f.name}: ${v}`);
        }
        assert.ok(f.min <= f.median && f.median <= f.max);
        assert.ok(table.includes(f.name), `the table shows ${f.name}`);
      }
    }
    assert.ok(result.quick);
    assert.match(files.json, /\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-[A-Za-z0-9]+\.json$/);
    assert.deepEqual(await readResult(files.json), result);

    const plots = result.benchmarks.flatMap((b) => b.plots);
    assert.ok(plots.length >= 3, "memcpy and virtqueue draw their curves");
    assert.equal(files.svgs.length, plots.length);
    for (const plot of plots) {
      const svg = await Deno.readTextFile(`${outDir}/${plot.file}`);
      const elements = checkWellFormedXml(svg);
      assert.equal(elements[0], "svg");
      for (const series of plot.series) {
        assert.ok(svg.includes(escapeXml(series.name)), `${plot.file} shows ${series.name}`);
      }
      const lines = elements.filter((e) => e === "polyline").length;
      assert.equal(lines, plot.series.filter((s) => s.points.length > 1).length);
    }
  } finally {
    await Deno.remove(outDir, { recursive: true });
  }
});

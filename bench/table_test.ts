import assert from "node:assert/strict";
import { fixtureFigure as fig, fixtureRun as run } from "./_fixtures.ts";
import { alignColumns, formatRunTable } from "./table.ts";

Deno.test("alignColumns pads left and right aligned columns to the widest cell", () => {
  assert.deepEqual(alignColumns([["a", "1"], ["bbb", "100"]], ["left", "right"]), [
    "a      1",
    "bbb  100",
  ]);
});

Deno.test("the run table names machine and commit and has one aligned row per figure", () => {
  const result = run([fig("alu", [10, 20, 30]), fig("lat", [2], { unit: "µs", better: "lower" })], {
    dirty: true,
  });
  const lines = formatRunTable(result).split("\n");
  assert.match(lines[0], /commit abc1234 \(dirty\)/);
  assert.match(lines[1], /Test CPU, 2 cores, 16\.0 GiB, linux 6\.1 x86_64, Deno 2\.9\.6/);
  const rows = lines.filter((l) => l.startsWith("cpu "));
  assert.equal(rows.length, 2);
  assert.match(rows[0], /alu\s+20\s+MIPS\s+10\s+30\s+±50\.0%\s+3\s+higher/);
  assert.match(rows[1], /lat\s+2\s+µs\s+2\s+2\s+1\s+lower/);
  // Columns line up: the unit column starts at the same place in both rows.
  assert.equal(rows[0].indexOf("MIPS"), rows[1].indexOf("µs"));
});

Deno.test("skipped and failed benchmarks are listed under the table with their reason", () => {
  const result = run([]);
  result.benchmarks = [
    { ...result.benchmarks[0], name: "peer", status: "skipped", reason: "not installed" },
    { ...result.benchmarks[0], name: "bad", status: "failed", reason: "Error: boom" },
  ];
  const text = formatRunTable(result);
  assert.match(text, /skipped {2}peer: not installed/);
  assert.match(text, /FAILED {2}bad: Error: boom/);
});

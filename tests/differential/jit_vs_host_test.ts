import assert from "node:assert/strict";
import { flatJitStats, runFlat32, runFlat32Jit } from "../../cpu/testing/run_flat.ts";
import { compareResults } from "./compare.ts";
import { directedCases } from "./directed.ts";
import { generateCases } from "./generator.ts";
import { failureHistogram, perCase, runDifferential } from "./run_differential.ts";

// Compiled code (every block compiled on first sight) against the host CPU, and against the
// interpreter, on the same cases the interpreter is held to.
const SEED = 7;
const COUNT = 2000;
const SHOWN = 8;

function verdict(failures: Awaited<ReturnType<typeof runDifferential>>, total: number): void {
  if (failures.length === 0) return;
  const hist = failureHistogram(failures).slice(0, 12).map(([m, n]) => `${m}×${n}`).join(" ");
  assert.fail(
    `${failures.length} of ${total} cases differ from the host CPU under the JIT (mnemonics in failing cases: ${hist})\n\n` +
      failures.slice(0, SHOWN).map((f) => f.report).join("\n\n"),
  );
}

Deno.test("JIT matches the host CPU on every directed edge case", async () => {
  const cases = directedCases();
  verdict(await runDifferential(cases, perCase(runFlat32Jit)), cases.length);
});

Deno.test(`JIT matches the host CPU on ${COUNT} random cases (seed ${SEED})`, async () => {
  const cases = generateCases(SEED, COUNT);
  const failures = await runDifferential(cases, perCase(runFlat32Jit), {
    title: (i) => `seed ${SEED} case ${i} (regenerate: generateCaseAt(${SEED}, ${i}))`,
  });
  verdict(failures, cases.length);
  const stats = flatJitStats()!;
  // The comparison means something only if compiled code did most of the work.
  assert.ok(stats.blocksCompiled > COUNT / 2, JSON.stringify(stats));
  assert.ok(stats.instructions > COUNT * 2, JSON.stringify(stats));
});

Deno.test("JIT and interpreter agree on 2000 random cases, faults included", () => {
  const cases = generateCases(SEED + 1, 2000);
  const differing: string[] = [];
  cases.forEach((tc, i) => {
    const interp = runFlat32(tc);
    const jit = runFlat32Jit(tc);
    const diffs = compareResults(interp, jit);
    if (diffs.length > 0) differing.push(`case ${i}: ${JSON.stringify(diffs.slice(0, 3))}`);
  });
  assert.deepEqual(differing.slice(0, SHOWN), []);
});

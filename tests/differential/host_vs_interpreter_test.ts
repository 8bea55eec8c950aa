import assert from "node:assert/strict";
import { runFlat32 } from "../../cpu/testing/run_flat.ts";
import { directedCases } from "./directed.ts";
import { generateCases } from "./generator.ts";
import { failureHistogram, perCase, runDifferential } from "./run_differential.ts";

const SEED = 1;
const COUNT = 2000;
const SHOWN = 8;

function verdict(failures: Awaited<ReturnType<typeof runDifferential>>, total: number): void {
  if (failures.length === 0) return;
  const hist = failureHistogram(failures).slice(0, 12).map(([m, n]) => `${m}×${n}`).join(" ");
  assert.fail(
    `${failures.length} of ${total} cases differ from the host CPU (mnemonics in failing cases: ${hist})\n\n` +
      failures.slice(0, SHOWN).map((f) => f.report).join("\n\n"),
  );
}

Deno.test("interpreter matches the host CPU on every directed edge case", async () => {
  const cases = directedCases();
  verdict(await runDifferential(cases, perCase(runFlat32)), cases.length);
});

Deno.test(`interpreter matches the host CPU on ${COUNT} random cases (seed ${SEED})`, async () => {
  const cases = generateCases(SEED, COUNT);
  const failures = await runDifferential(cases, perCase(runFlat32), {
    title: (i) => `seed ${SEED} case ${i} (regenerate: generateCaseAt(${SEED}, ${i}))`,
  });
  verdict(failures, cases.length);
});

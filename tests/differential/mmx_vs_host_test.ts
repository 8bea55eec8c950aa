import assert from "node:assert/strict";
import { runFlat32 } from "../../cpu/testing/run_flat.ts";
import { mmxAliasingCases, mmxCases, mmxUndefinedCases } from "./gen_mmx.ts";
import { failureHistogram, perCase, runDifferential } from "./run_differential.ts";
import type { FlatResult, FlatTestCase } from "./types.ts";

const SEED = 1;
const COUNT = 500;
const SHOWN = 6;

/** The signal the host process dies of for each exception the interpreter reports. */
const HOST_SIGNAL: Record<string, string> = { "#UD": "SIGILL", "#GP": "SIGSEGV", "#PF": "SIGSEGV" };

/** The interpreter, with its exceptions named as the host reports them. */
const interpreter = perCase((tc: FlatTestCase): FlatResult => {
  const r = runFlat32(tc);
  return r.fault === undefined ? r : { ...r, fault: HOST_SIGNAL[r.fault] ?? r.fault };
});

function verdict(failures: Awaited<ReturnType<typeof runDifferential>>, total: number): void {
  if (failures.length === 0) return;
  const hist = failureHistogram(failures).slice(0, 12).map(([m, n]) => `${m}×${n}`).join(" ");
  assert.fail(
    `${failures.length} of ${total} MMX cases differ from the host CPU (mnemonics: ${hist})\n\n` +
      failures.slice(0, SHOWN).map((f) => f.report).join("\n\n"),
  );
}

Deno.test("MMX aliasing (TOP, tag word, exponents in FNSTENV/FNSAVE/FXSAVE) matches the host", async () => {
  const cases = mmxAliasingCases();
  verdict(await runDifferential(cases, interpreter), cases.length);
});

Deno.test("MMX encodings with F2/F3/LOCK prefixes or undefined group members are #UD as on the host", async () => {
  const cases = mmxUndefinedCases();
  verdict(await runDifferential(cases, interpreter), cases.length);
});

Deno.test(`interpreter matches the host CPU on ${COUNT} random MMX sequences (seed ${SEED})`, async () => {
  const cases = mmxCases(SEED, COUNT);
  const failures = await runDifferential(cases, interpreter, {
    title: (i) => `seed ${SEED} case ${i} (regenerate: mmxCaseAt(${SEED}, ${i}))`,
  });
  verdict(failures, cases.length);
});

import assert from "node:assert/strict";
import { Cpu } from "../../cpu/cpu.ts";
import { CPU_MODELS } from "../../cpu/cpu_model.ts";
import { CR4_OSFXSR, CR4_OSXMMEXCPT } from "../../cpu/ops/sse_common.ts";
import { runFlat32 } from "../../cpu/testing/run_flat.ts";
import { sseCases, sseEdgeCases, sseFaultCases, sseFxsaveCase } from "./gen_sse.ts";
import { failureHistogram, perCase, runDifferential } from "./run_differential.ts";
import type { FlatResult, FlatTestCase } from "./types.ts";

const SEED = Number(Deno.env.get("SSE_SEED") ?? 1);
const COUNT = Number(Deno.env.get("SSE_CASES") ?? 400);
const SHOWN = 6;

/** The signal the host process dies of for each exception the interpreter reports. */
const HOST_SIGNAL: Record<string, string> = { "#UD": "SIGILL", "#GP": "SIGSEGV", "#PF": "SIGSEGV" };

// The flat runner resets the CPU to CR4 = 0 on the first model; the host runs under an OS that
// enabled SSE (CR4.OSFXSR, CR4.OSXMMEXCPT) on a processor that has it. Do the same here.
const MAX = CPU_MODELS.find((m) => m.name === "max")!;
const reset = Cpu.prototype.reset;
Cpu.prototype.reset = function (this: Cpu): void {
  reset.call(this);
  this.model = MAX;
  this.mmu.cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT;
};

/** The interpreter, with its exceptions named as the host reports them. */
const interpreter = perCase((tc: FlatTestCase): FlatResult => {
  const r = runFlat32(tc);
  return r.fault === undefined ? r : { ...r, fault: HOST_SIGNAL[r.fault] ?? r.fault };
});

Deno.test(`interpreter matches the host CPU on ${COUNT} random SSE sequences (seed ${SEED})`, async () => {
  const cases = sseCases(SEED, COUNT);
  const failures = await runDifferential(cases, interpreter, {
    title: (i) => `seed ${SEED} case ${i} (regenerate: sseCaseAt(${SEED}, ${i}))`,
  });
  if (failures.length === 0) return;
  const hist = failureHistogram(failures).slice(0, 12).map(([m, n]) => `${m}×${n}`).join(" ");
  assert.fail(
    `${failures.length} of ${cases.length} SSE cases differ from the host CPU (mnemonics: ${hist})\n\n` +
      failures.slice(0, SHOWN).map((f) => f.report).join("\n\n"),
  );
});

Deno.test("MULSS/DIVSS/ADDSS next to 2^-126 and the largest value match the host in every rounding mode, FTZ off and on", async () => {
  const cases = sseEdgeCases(SEED);
  const failures = await runDifferential(cases, interpreter);
  if (failures.length === 0) return;
  assert.fail(
    `${failures.length} of ${cases.length} edge cases differ from the host CPU\n\n` +
      failures.slice(0, SHOWN).map((f) => f.report).join("\n\n"),
  );
});

Deno.test("undefined SSE encodings are #UD and misaligned m128 operands #GP, as on the host", async () => {
  const cases = sseFaultCases();
  const failures = await runDifferential(cases, interpreter);
  if (failures.length === 0) return;
  assert.fail(failures.map((f) => f.report).join("\n\n"));
});

Deno.test("FXSAVE/FXRSTOR carry MXCSR and XMM0–7 in the layout the host uses", async () => {
  const cases = [1, 2, 3, 4].map((s) => sseFxsaveCase(SEED * 100 + s));
  const failures = await runDifferential(cases, interpreter);
  if (failures.length === 0) return;
  assert.fail(failures.map((f) => f.report).join("\n\n"));
});

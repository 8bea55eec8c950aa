import assert from "node:assert/strict";
import { Cpu } from "../../cpu/cpu.ts";
import { CPU_MODELS, type CpuModel, FEAT2_HYPERVISOR, FEAT2_PNI } from "../../cpu/cpu_model.ts";
import { CR4_OSFXSR, CR4_OSXMMEXCPT } from "../../cpu/ops/sse_common.ts";
import { runFlat32 } from "../../cpu/testing/run_flat.ts";
import { sse2Cases, sse2EdgeCases, sse2FaultCases, sse3Cases } from "./gen_sse2.ts";
import { failureHistogram, perCase, runDifferential } from "./run_differential.ts";
import type { FlatResult, FlatTestCase } from "./types.ts";

const SEED = Number(Deno.env.get("SSE2_SEED") ?? 1);
const COUNT = Number(Deno.env.get("SSE2_CASES") ?? 400);
const SHOWN = 6;

/** The signal the host process dies of for each exception the interpreter reports. */
const HOST_SIGNAL: Record<string, string> = { "#UD": "SIGILL", "#GP": "SIGSEGV", "#PF": "SIGSEGV" };

// The flat runner resets the CPU to CR4 = 0 on the first model; the host runs under an OS that
// enabled SSE (CR4.OSFXSR, CR4.OSXMMEXCPT) on a processor that has it. Do the same here.
// The host has SSE3; so does this model (as QEMU's qemu32, qemu64 and max report it).
const MAX: CpuModel = {
  ...CPU_MODELS.find((m) => m.name === "max")!,
  leaf1Ecx: FEAT2_HYPERVISOR | FEAT2_PNI,
};
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

Deno.test(`interpreter matches the host CPU on ${COUNT} random SSE2 sequences (seed ${SEED})`, async () => {
  const cases = sse2Cases(SEED, COUNT);
  const failures = await runDifferential(cases, interpreter, {
    title: (i) => `seed ${SEED} case ${i} (regenerate: sse2CaseAt(${SEED}, ${i}))`,
  });
  if (failures.length === 0) return;
  const hist = failureHistogram(failures).slice(0, 12).map(([m, n]) => `${m}×${n}`).join(" ");
  assert.fail(
    `${failures.length} of ${cases.length} SSE2 cases differ from the host CPU (mnemonics: ${hist})\n\n` +
      failures.slice(0, SHOWN).map((f) => f.report).join("\n\n"),
  );
});

Deno.test("MULSD/DIVSD/ADDSD next to 2^-1022 and the largest value, CVTSD2SS next to the binary32 limits, CVT(T)SD2SI next to ties and ±2^31 match the host in every rounding mode, FTZ off and on", async () => {
  const cases = sse2EdgeCases(SEED);
  const failures = await runDifferential(cases, interpreter);
  if (failures.length === 0) return;
  assert.fail(
    `${failures.length} of ${cases.length} edge cases differ from the host CPU\n\n` +
      failures.slice(0, SHOWN).map((f) => f.report).join("\n\n"),
  );
});

Deno.test("undefined SSE2 encodings are #UD and misaligned m128 operands #GP, as on the host", async () => {
  const cases = sse2FaultCases();
  const failures = await runDifferential(cases, interpreter);
  if (failures.length === 0) return;
  assert.fail(failures.map((f) => f.report).join("\n\n"));
});

Deno.test(`interpreter matches the host CPU on ${COUNT / 2} random SSE3 sequences with FISTTP (seed ${SEED})`, async () => {
  const cases = sse3Cases(SEED, COUNT / 2);
  const failures = await runDifferential(cases, interpreter, {
    title: (i) => `seed ${SEED} case ${i} (regenerate: sse3CaseAt(${SEED}, ${i}))`,
  });
  if (failures.length === 0) return;
  const hist = failureHistogram(failures).slice(0, 12).map(([m, n]) => `${m}×${n}`).join(" ");
  assert.fail(
    `${failures.length} of ${cases.length} SSE3 cases differ from the host CPU (mnemonics: ${hist})\n\n` +
      failures.slice(0, SHOWN).map((f) => f.report).join("\n\n"),
  );
});

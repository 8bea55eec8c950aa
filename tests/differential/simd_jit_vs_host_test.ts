/**
 * MMX, SSE, SSE2 and SSE3 streams (with the x87 state MMX aliases) under the JIT, every block
 * compiled on first sight: compiled code hands these instructions to the interpreter's handlers
 * inside the block (cpu/jit/interpreted.ts), so what is checked here is the hand-over — registers
 * stored and reloaded around the call, flags written by COMISS/UCOMISD and read after it, faults
 * in the middle of a block, EIP and the count of retired instructions — against the host CPU, and
 * compiled code against the interpreter on the same cases.
 */
import assert from "node:assert/strict";
import { flatJitStats, runFlat32, runFlat32Jit } from "../../cpu/testing/run_flat.ts";
import { compareResults } from "./compare.ts";
import { mmxAliasingCases, mmxCases } from "./gen_mmx.ts";
import { sseCases, sseEdgeCases, sseFaultCases } from "./gen_sse.ts";
import {
  sse2Cases,
  sse2EdgeCases,
  sse2FaultCases,
  sse2ImmediateCases,
  sse3Cases,
} from "./gen_sse2.ts";
import type { GeneratedCase } from "./generator.ts";
import { assertMatchesHost, SSE_MACHINE } from "./simd_host.ts";

const SEED = 11;
const COUNT = 150;

/** Runs `cases` and checks that compiled code, not the interpreter alone, ran the SIMD work. */
async function underJit(
  label: string,
  cases: GeneratedCase[],
  machine = SSE_MACHINE,
): Promise<void> {
  const before = { ...flatJitStats() ?? { runtimeCalls: 0, blocksCompiled: 0 } };
  await assertMatchesHost(cases, { machine, label, mnemonics: true, jit: true });
  const after = flatJitStats()!;
  assert.ok(
    after.blocksCompiled - before.blocksCompiled >= cases.length / 2,
    JSON.stringify(after),
  );
  // Each case runs several SIMD instructions: most of them must have been calls from compiled code.
  assert.ok(after.runtimeCalls - before.runtimeCalls >= cases.length * 2, JSON.stringify(after));
}

Deno.test(`JIT matches the host CPU on ${COUNT} random MMX sequences and the aliasing cases`, async () => {
  await underJit("MMX", [...mmxCases(SEED, COUNT), ...mmxAliasingCases()], {});
});

Deno.test(`JIT matches the host CPU on ${COUNT} random SSE sequences and the SSE fault and edge cases`, async () => {
  await underJit("SSE", [...sseCases(SEED, COUNT), ...sseFaultCases(), ...sseEdgeCases(SEED)]);
});

Deno.test(`JIT matches the host CPU on ${COUNT} random SSE2 and ${COUNT / 2} SSE3 sequences, and the SSE2 fault, immediate and edge cases`, async () => {
  await underJit("SSE2/SSE3", [
    ...sse2Cases(SEED, COUNT),
    ...sse3Cases(SEED, COUNT / 2),
    ...sse2FaultCases(),
    ...sse2ImmediateCases(SEED),
    ...sse2EdgeCases(SEED),
  ]);
});

Deno.test("JIT and interpreter agree on random MMX/SSE/SSE2/SSE3 sequences, faults included", () => {
  const cases = [
    ...mmxCases(SEED + 1, 100),
    ...sseCases(SEED + 1, 100),
    ...sse2Cases(SEED + 1, 100),
    ...sse3Cases(SEED + 1, 50),
  ];
  const differing: string[] = [];
  cases.forEach((tc, i) => {
    const diffs = compareResults(runFlat32(tc, SSE_MACHINE), runFlat32Jit(tc, SSE_MACHINE));
    if (diffs.length > 0) differing.push(`case ${i}: ${JSON.stringify(diffs.slice(0, 3))}`);
  });
  assert.deepEqual(differing.slice(0, 6), []);
});

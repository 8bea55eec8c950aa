/**
 * Random x87 sequences (gen_x87.ts) on the host CPU, on the interpreter and under the JIT with
 * every block compiled on first sight: registers, status, control and tag words and memory must
 * end as on the host. Most instructions of the mix run the x87 kernels in the interpreter and
 * inline in compiled code (cpu/fpu/x87_semantics.ts); the rest, and every case those decline,
 * run the exact path.
 */
import assert from "node:assert/strict";
import { flatJitStats } from "../../cpu/testing/run_flat.ts";
import { x87Cases } from "./gen_x87.ts";
import { assertMatchesHost } from "./simd_host.ts";

const SEED = 87;
const COUNT = 400;

Deno.test(`interpreter matches the host CPU on ${COUNT} random x87 sequences`, async () => {
  await assertMatchesHost(x87Cases(SEED, COUNT), { label: "x87", mnemonics: true });
});

Deno.test(`JIT matches the host CPU on ${COUNT} random x87 sequences`, async () => {
  const before = flatJitStats()?.blocksCompiled ?? 0;
  await assertMatchesHost(x87Cases(SEED + 1, COUNT), { label: "x87", mnemonics: true, jit: true });
  assert.ok(flatJitStats()!.blocksCompiled - before >= COUNT / 2, JSON.stringify(flatJitStats()));
});

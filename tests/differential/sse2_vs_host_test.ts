import {
  sse2Cases,
  sse2EdgeCases,
  sse2FaultCases,
  sse2ImmediateCases,
  sse3Cases,
} from "./gen_sse2.ts";
import { assertMatchesHost, SSE_MACHINE } from "./simd_host.ts";

const SEED = Number(Deno.env.get("SSE2_SEED") ?? 1);
const COUNT = Number(Deno.env.get("SSE2_CASES") ?? 400);

Deno.test(`interpreter matches the host CPU on ${COUNT} random SSE2 sequences (seed ${SEED})`, async () => {
  await assertMatchesHost(sse2Cases(SEED, COUNT), {
    machine: SSE_MACHINE,
    label: "SSE2",
    mnemonics: true,
    title: (i) => `seed ${SEED} case ${i} (regenerate: sse2CaseAt(${SEED}, ${i}))`,
  });
});

Deno.test("MULSD/DIVSD/ADDSD next to 2^-1022 and the largest value, CVTSD2SS next to the binary32 limits, CVT(T)SD2SI next to ties and ±2^31 match the host in every rounding mode, FTZ off and on", async () => {
  await assertMatchesHost(sse2EdgeCases(SEED), { machine: SSE_MACHINE, label: "edge" });
});

Deno.test("SSE2 shifts by every edge count and PSHUFD/LW/HW over many immediates match the host", async () => {
  await assertMatchesHost(sse2ImmediateCases(SEED), { machine: SSE_MACHINE, shown: 3 });
});

Deno.test("undefined SSE2 encodings are #UD and misaligned m128 operands #GP, as on the host", async () => {
  await assertMatchesHost(sse2FaultCases(), { machine: SSE_MACHINE, shown: Infinity });
});

Deno.test(`interpreter matches the host CPU on ${COUNT / 2} random SSE3 sequences with FISTTP (seed ${SEED})`, async () => {
  await assertMatchesHost(sse3Cases(SEED, COUNT / 2), {
    machine: SSE_MACHINE,
    label: "SSE3",
    mnemonics: true,
    title: (i) => `seed ${SEED} case ${i} (regenerate: sse3CaseAt(${SEED}, ${i}))`,
  });
});

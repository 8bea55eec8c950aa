import { sseCases, sseEdgeCases, sseFaultCases, sseFxsaveCase } from "./gen_sse.ts";
import { assertMatchesHost, SSE_MACHINE } from "./simd_host.ts";

const SEED = Number(Deno.env.get("SSE_SEED") ?? 1);
const COUNT = Number(Deno.env.get("SSE_CASES") ?? 400);

Deno.test(`interpreter matches the host CPU on ${COUNT} random SSE sequences (seed ${SEED})`, async () => {
  await assertMatchesHost(sseCases(SEED, COUNT), {
    machine: SSE_MACHINE,
    label: "SSE",
    mnemonics: true,
    title: (i) => `seed ${SEED} case ${i} (regenerate: sseCaseAt(${SEED}, ${i}))`,
  });
});

Deno.test("MULSS/DIVSS/ADDSS next to 2^-126 and the largest value match the host in every rounding mode, FTZ off and on", async () => {
  await assertMatchesHost(sseEdgeCases(SEED), { machine: SSE_MACHINE, label: "edge" });
});

Deno.test("undefined SSE encodings are #UD and misaligned m128 operands #GP, as on the host", async () => {
  await assertMatchesHost(sseFaultCases(), { machine: SSE_MACHINE, shown: Infinity });
});

Deno.test("FXSAVE/FXRSTOR carry MXCSR and XMM0–7 in the layout the host uses", async () => {
  const cases = [1, 2, 3, 4].map((s) => sseFxsaveCase(SEED * 100 + s));
  await assertMatchesHost(cases, { machine: SSE_MACHINE, shown: Infinity });
});

import { mmxAliasingCases, mmxCases, mmxUndefinedCases } from "./gen_mmx.ts";
import { assertMatchesHost } from "./simd_host.ts";

const SEED = 1;
const COUNT = 500;

Deno.test("MMX aliasing (TOP, tag word, exponents in FNSTENV/FNSAVE/FXSAVE) matches the host", async () => {
  await assertMatchesHost(mmxAliasingCases(), { label: "MMX", mnemonics: true });
});

Deno.test("MMX encodings with F2/F3/LOCK prefixes or undefined group members are #UD as on the host", async () => {
  await assertMatchesHost(mmxUndefinedCases(), { label: "MMX", mnemonics: true });
});

Deno.test(`interpreter matches the host CPU on ${COUNT} random MMX sequences (seed ${SEED})`, async () => {
  await assertMatchesHost(mmxCases(SEED, COUNT), {
    label: "MMX",
    mnemonics: true,
    title: (i) => `seed ${SEED} case ${i} (regenerate: mmxCaseAt(${SEED}, ${i}))`,
  });
});

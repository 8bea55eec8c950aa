/**
 * Floating-point and SIMD guest speed on the loops of fp_loops.ts, interpreter and JIT: x87
 * MFLOPS on the exact 80-bit path, SSE2 scalar and packed double MFLOPS (float64 arithmetic),
 * SSE2 integer throughput in millions of 128-bit operations per second, guest MIPS of every loop,
 * and the ratio of x87 to SSE2 scalar double under the JIT.
 *
 * FLOPs and 128-bit operations are counted from each loop's structure (per iteration × iterations);
 * a sample's MFLOPS is its MIPS times the run's FLOPs per instruction retired.
 *
 * @module
 */

import type { BenchContext } from "./context.ts";
import { perSecond } from "./context.ts";
import { createLoopMachine, loopCost } from "./cpu_mips.ts";
import { FP_LOOPS, type FpLoop, SSE2_SD_LOOP, X87_LOOP } from "./fp_loops.ts";
import { registerBenchmark } from "./registry.ts";

/** Target of exact x87 MFLOPS over SSE2 scalar double MFLOPS, both under the JIT. */
export const TARGET_X87_RATIO = 0.25;

/** Instructions each timed call runs: long enough to dwarf the setup, short enough to sample. */
const CALL_INSTRUCTIONS = { full: 2_000_000, quick: 100_000 };

type Tier = "interpreter" | "jit";

/** MIPS samples of every loop on one tier, taken in turn so that drift hits them alike. */
async function measureTier(
  ctx: BenchContext,
  tier: Tier,
): Promise<Map<FpLoop, number[]>> {
  const budget = ctx.quick ? CALL_INSTRUCTIONS.quick : CALL_INSTRUCTIONS.full;
  const runs = FP_LOOPS.map((loop) => {
    const cost = loopCost(loop);
    const iterations = Math.max(1, Math.round(budget / cost.perIteration));
    const instructions = cost.fixed + iterations * cost.perIteration;
    const machine = createLoopMachine(loop.code(iterations), {
      limit: instructions + 1,
      jit: tier === "jit",
    });
    return { loop, iterations, instructions, machine };
  });
  const figures = await ctx.measureInterleaved(
    runs.map(({ loop, machine }) => ({
      label: `${tier} ${loop.name} MIPS`,
      fn: () => machine.runOnce(),
      unit: "MIPS",
      better: "higher" as const,
      value: perSecond(1e6),
    })),
    { minSampleMs: ctx.quick ? 5 : 100 },
  );
  const out = new Map<FpLoop, number[]>();
  runs.forEach(({ loop, iterations, instructions, machine }, i) => {
    const mips = figures[i].samples;
    const perInstruction = (perIteration: number) => (iterations * perIteration) / instructions;
    if (loop.flopsPerIteration > 0) {
      const ratio = perInstruction(loop.flopsPerIteration);
      out.set(loop, mips.map((v) => v * ratio));
      ctx.figure(`${tier} ${loop.name} MFLOPS`, out.get(loop)!, {
        unit: "MFLOPS",
        better: "higher",
      });
    }
    if (loop.vectorOpsPerIteration > 0) {
      const ratio = perInstruction(loop.vectorOpsPerIteration);
      ctx.figure(`${tier} ${loop.name} 128-bit ops`, mips.map((v) => v * ratio), {
        unit: "M ops/s",
        better: "higher",
      });
    }
    const jit = machine.cpu.jit;
    if (jit) {
      // How much of the loop ran as compiled code, so a slow figure can be told from a fallback.
      const share = jit.stats.instructions / machine.cpu.instructions;
      ctx.log(
        `${tier} ${loop.name}: ${(100 * share).toFixed(0)}% of instructions in compiled blocks`,
      );
    }
  });
  return out;
}

registerBenchmark({
  name: "fp",
  description: "x87 (exact 80-bit) and SSE2 scalar/packed double MFLOPS, SSE2 integer 128-bit " +
    `ops/s, interpreter and JIT (target: x87 ≥ ${TARGET_X87_RATIO}× SSE2 scalar under the JIT)`,
  async run(ctx) {
    await measureTier(ctx, "interpreter");
    const jit = await measureTier(ctx, "jit");
    const x87 = jit.get(X87_LOOP)!, sd = jit.get(SSE2_SD_LOOP)!;
    // Sample i of each was taken in the same round, so their quotient pairs like with like.
    const ratio = ctx.figure("jit x87 / sse2_sd MFLOPS", x87.map((v, i) => v / sd[i]), {
      unit: "×",
      better: "higher",
    }).value;
    ctx.log(
      `jit x87 target ≥ ${TARGET_X87_RATIO}× SSE2 scalar double: ` +
        `${ratio >= TARGET_X87_RATIO ? "met" : "NOT met"} (${ratio.toFixed(2)})`,
    );
  },
});

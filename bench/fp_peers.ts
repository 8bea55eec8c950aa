/**
 * The fp loops under QEMU with TCG (when qemu-system-i386 is installed), for figures side by side
 * with `fp`: MFLOPS, 128-bit operations per second and guest MIPS, timed as cpu_mips_peers times
 * the integer loops. Instructions, FLOPs and 128-bit operations per iteration come from our
 * interpreter and the loops' structure; the loops are deterministic, so they mean the same there.
 *
 * @module
 */

import type { BenchContext } from "./context.ts";
import { loopCost } from "./cpu_mips.ts";
import { NoisyPeerError, PEER_PLANS, peerIterationRates } from "./cpu_mips_peers.ts";
import { FP_LOOPS } from "./fp_loops.ts";
import { findQemu, QemuRunner, qemuVersion } from "./qemu_runner.ts";
import { registerBenchmark } from "./registry.ts";

async function runQemu(ctx: BenchContext): Promise<void> {
  const qemu = await findQemu();
  if (!qemu) ctx.skip("qemu-system-i386 not found on PATH (or $QEMU_SYSTEM_I386)");
  ctx.log(`${await qemuVersion(qemu)} (${qemu}), -accel tcg`);
  const runner = await QemuRunner.open(qemu);
  const plan = ctx.quick ? PEER_PLANS.quick : PEER_PLANS.full;
  try {
    for (const loop of FP_LOOPS) {
      let rates: number[];
      try {
        rates = await peerIterationRates("qemu-tcg", runner, loop, plan);
      } catch (e) {
        // A busy machine can make the peer unmeasurable; that is a skip, not a failure.
        if (e instanceof NoisyPeerError) ctx.skip(e.message);
        throw e;
      }
      const per = (count: number) => rates.map((r) => (r * count) / 1e6);
      ctx.figure(`qemu-tcg ${loop.name} MIPS`, per(loopCost(loop).perIteration), {
        unit: "MIPS",
        better: "higher",
      });
      if (loop.flopsPerIteration > 0) {
        ctx.figure(`qemu-tcg ${loop.name} MFLOPS`, per(loop.flopsPerIteration), {
          unit: "MFLOPS",
          better: "higher",
        });
      }
      if (loop.vectorOpsPerIteration > 0) {
        ctx.figure(`qemu-tcg ${loop.name} 128-bit ops`, per(loop.vectorOpsPerIteration), {
          unit: "M ops/s",
          better: "higher",
        });
      }
    }
  } finally {
    await runner.close();
  }
}

registerBenchmark({
  name: "fp_qemu",
  description:
    "the fp loops under QEMU TCG (qemu-system-i386 -kernel): MFLOPS, 128-bit ops/s, MIPS",
  run: runQemu,
});

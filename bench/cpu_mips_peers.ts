/**
 * The cpu_mips loops on peers, for side-by-side figures: QEMU with TCG (when qemu-system-i386 is
 * installed) and v86 (when installed). An absent peer is reported as skipped, never as an error.
 * Instructions are counted by our interpreter on the same bytes (the loops are deterministic), so
 * a peer's MIPS means the same instructions as ours.
 *
 * @module
 */

import type { BenchContext } from "./context.ts";
import { CPU_LOOPS, type CpuLoop } from "./cpu_loops.ts";
import { loopCost } from "./cpu_mips.ts";
import { findQemu, QemuRunner, qemuVersion } from "./qemu_runner.ts";
import { registerBenchmark } from "./registry.ts";
import { geometricMean } from "./stats.ts";

/** Timing plan of one peer measurement. */
interface PeerPlan {
  /** Seconds of loop work per sample (on top of the peer's start-up). */
  targetSeconds: number;
  /** Samples per loop. */
  samples: number;
}

const FULL: PeerPlan = { targetSeconds: 0.3, samples: 5 };
const QUICK: PeerPlan = { targetSeconds: 0.1, samples: 1 };

/**
 * MIPS samples of `loop` under QEMU. The iteration count is found by growing it until the loop
 * clearly outlasts start-up noise, then scaled to the target time; each sample is a pair of runs
 * (one iteration, n iterations) taken back to back.
 */
async function qemuSamples(runner: QemuRunner, loop: CpuLoop, plan: PeerPlan): Promise<number[]> {
  const { perIteration } = loopCost(loop);
  const base = await runner.image(loop.code(1));
  const baseTime = await runner.time(base);
  let n = 1 << 20;
  let dt = 0;
  for (; n < 2 ** 31; n *= 4) {
    dt = (await runner.time(await runner.image(loop.code(n)))) - baseTime;
    if (dt > plan.targetSeconds / 2) break;
  }
  n = Math.min(2 ** 32 - 1, Math.max(2, Math.round((n * plan.targetSeconds) / Math.max(dt, 1e-3))));
  const big = await runner.image(loop.code(n));
  const out: number[] = [];
  for (let i = 0, tries = 0; i < plan.samples;) {
    const t0 = await runner.time(base);
    const t1 = await runner.time(big);
    if (t1 > t0) {
      out.push((perIteration * (n - 1)) / (t1 - t0) / 1e6);
      i++;
    } else if (++tries >= 3) {
      // Other work on the machine delayed the short runs more than the loop lasts.
      throw new NoisyPeerError(`QEMU start-up noise swamped ${loop.name} (${t1} s ≤ ${t0} s)`);
    }
  }
  return out;
}

/** The peer could not be measured above the noise of process start-up. */
class NoisyPeerError extends Error {}

async function runQemu(ctx: BenchContext): Promise<void> {
  const qemu = await findQemu();
  if (!qemu) ctx.skip("qemu-system-i386 not found on PATH (or $QEMU_SYSTEM_I386)");
  ctx.log(`${await qemuVersion(qemu)} (${qemu}), -accel tcg`);
  const plan = ctx.quick ? QUICK : FULL;
  const runner = await QemuRunner.open(qemu);
  try {
    const perLoop: number[][] = [];
    for (const loop of CPU_LOOPS) {
      let samples: number[];
      try {
        samples = await qemuSamples(runner, loop, plan);
      } catch (e) {
        // A busy machine can make the peer unmeasurable; that is a skip, not a failure.
        if (e instanceof NoisyPeerError) ctx.skip(e.message);
        throw e;
      }
      ctx.figure(`qemu-tcg ${loop.name}`, samples, { unit: "MIPS", better: "higher" });
      perLoop.push(samples);
    }
    const means = perLoop[0].map((_, i) => geometricMean(perLoop.map((s) => s[i])));
    ctx.figure("qemu-tcg geometric mean", means, { unit: "MIPS", better: "higher" });
  } finally {
    await runner.close();
  }
}

/** Where a v86 build would be: `$V86_DIR`, or the npm package in node_modules. */
async function findV86(): Promise<string | undefined> {
  const dirs = [
    Deno.env.get("V86_DIR"),
    new URL("../node_modules/v86", import.meta.url).pathname,
  ].filter((d): d is string => !!d);
  for (const dir of dirs) {
    try {
      if ((await Deno.stat(`${dir}/build/libv86.js`)).isFile) return dir;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

registerBenchmark({
  name: "cpu_mips_qemu",
  description: "the cpu_mips loops under QEMU TCG (qemu-system-i386 -kernel), guest MIPS",
  run: runQemu,
});

registerBenchmark({
  name: "cpu_mips_v86",
  description: "the cpu_mips loops under v86, guest MIPS",
  async run(ctx) {
    const dir = await findV86();
    if (!dir) ctx.skip("v86 not installed (no $V86_DIR, no node_modules/v86/build/libv86.js)");
    // The loops boot as a Multiboot image (multiboot_image.ts); v86 accepts one through its
    // `multiboot` option but has no isa-debug-exit, so its runner must watch for HLT instead.
    ctx.skip(`v86 found at ${dir}, but the v86 runner is not written yet`);
  },
});

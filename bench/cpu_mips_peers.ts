/**
 * The cpu_mips loops on peers, for side-by-side figures: QEMU with TCG (when qemu-system-i386 is
 * installed) and v86 (when installed, see bench/v86_setup.sh). An absent peer is reported as
 * skipped, never as an error. Instructions are counted by our interpreter on the same bytes (the
 * loops are deterministic), so a peer's MIPS means the same instructions as ours.
 *
 * @module
 */

import type { BenchContext } from "./context.ts";
import { CPU_LOOPS, type CpuLoop } from "./cpu_loops.ts";
import { loopCost } from "./cpu_mips.ts";
import { findQemu, QemuRunner, qemuVersion } from "./qemu_runner.ts";
import { registerBenchmark } from "./registry.ts";
import { geometricMean } from "./stats.ts";
import { V86LoopRunner } from "./v86_loop_runner.ts";
import { v86Setup } from "./v86_peer.ts";

/** A peer that boots a loop as a Multiboot image and says how long the whole run took. */
export interface LoopRunner {
  /** Writes `code` as a Multiboot kernel and returns its path. */
  image(code: Uint8Array): Promise<string>;
  /** Runs the kernel at `path` to the loop's exit; returns the seconds it took. */
  time(path: string): Promise<number>;
  /** Releases the peer and its images. */
  close(): Promise<void>;
}

/** Timing plan of one peer measurement. */
export interface PeerPlan {
  /** Seconds of loop work per sample (on top of the peer's start-up). */
  targetSeconds: number;
  /** Samples per loop. */
  samples: number;
}

/** The plan of a full run and of a `--quick` one. */
export const PEER_PLANS: { full: PeerPlan; quick: PeerPlan } = {
  full: { targetSeconds: 0.3, samples: 5 },
  quick: { targetSeconds: 0.1, samples: 1 },
};

/**
 * Iterations per second of `loop` on a peer, one per sample. The iteration count is found by
 * growing it until the loop clearly outlasts start-up noise, then scaled to the target time; each
 * sample is a pair of runs (one iteration, n iterations) taken back to back. Throws
 * {@link NoisyPeerError} when the short runs keep outlasting the long one.
 */
export async function peerIterationRates(
  peer: string,
  runner: LoopRunner,
  loop: Pick<CpuLoop, "name" | "code">,
  plan: PeerPlan,
): Promise<number[]> {
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
      out.push((n - 1) / (t1 - t0));
      i++;
    } else if (++tries >= 3) {
      // Other work on the machine delayed the short runs more than the loop lasts.
      throw new NoisyPeerError(`${peer} start-up noise swamped ${loop.name} (${t1} s ≤ ${t0} s)`);
    }
  }
  return out;
}

/** The peer could not be measured above the noise of process start-up. */
export class NoisyPeerError extends Error {}

/** Figures `<label> <loop>` and `<label> geometric mean` for every loop on `runner`. */
async function runLoops(ctx: BenchContext, label: string, runner: LoopRunner): Promise<void> {
  const plan = ctx.quick ? PEER_PLANS.quick : PEER_PLANS.full;
  try {
    const perLoop: number[][] = [];
    for (const loop of CPU_LOOPS) {
      let samples: number[];
      try {
        const { perIteration } = loopCost(loop);
        const rates = await peerIterationRates(label, runner, loop, plan);
        samples = rates.map((r) => (r * perIteration) / 1e6);
      } catch (e) {
        // A busy machine can make the peer unmeasurable; that is a skip, not a failure.
        if (e instanceof NoisyPeerError) ctx.skip(e.message);
        throw e;
      }
      ctx.figure(`${label} ${loop.name}`, samples, { unit: "MIPS", better: "higher" });
      perLoop.push(samples);
    }
    const means = perLoop[0].map((_, i) => geometricMean(perLoop.map((s) => s[i])));
    ctx.figure(`${label} geometric mean`, means, { unit: "MIPS", better: "higher" });
  } finally {
    await runner.close();
  }
}

async function runQemu(ctx: BenchContext): Promise<void> {
  const qemu = await findQemu();
  if (!qemu) ctx.skip("qemu-system-i386 not found on PATH (or $QEMU_SYSTEM_I386)");
  ctx.log(`${await qemuVersion(qemu)} (${qemu}), -accel tcg`);
  await runLoops(ctx, "qemu-tcg", await QemuRunner.open(qemu));
}

async function runV86(ctx: BenchContext): Promise<void> {
  const setup = await v86Setup();
  if (!setup.ok) ctx.skip(setup.reason);
  ctx.log(`v86 ${setup.version} (${setup.dir}), ${setup.seabios.bios}`);
  await runLoops(ctx, "v86", await V86LoopRunner.open(setup.dir, setup.seabios));
}

registerBenchmark({
  name: "cpu_mips_qemu",
  description: "the cpu_mips loops under QEMU TCG (qemu-system-i386 -kernel), guest MIPS",
  run: runQemu,
});

registerBenchmark({
  name: "cpu_mips_v86",
  description: "the cpu_mips loops under v86 (npm v86, Multiboot behind SeaBIOS), guest MIPS",
  run: runV86,
});

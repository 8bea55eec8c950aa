/**
 * Guest CPU speed inside Linux: a CPU-bound busybox shell loop (`while [ $i -lt N ]; do
 * i=$((i+1)); done`) in the default guest, timed by the host from typing the command to the
 * prompt's return. Reported as loop iterations per second and, where the guest's instructions can
 * be counted (our CPU in-process, v86's counter), guest MIPS. Our interpreter and JIT take turns
 * on one guest in this process; peers (QEMU TCG, v86) boot the same guest.
 *
 * @module
 */

import type { BenchContext } from "./context.ts";
import { LocalGuest } from "./guest_machine.ts";
import { findQemu, qemuVersion } from "./qemu_runner.ts";
import { QemuGuest } from "./qemu_guest.ts";
import { registerBenchmark } from "./registry.ts";
import { V86Guest } from "./v86_guest.ts";
import { v86Setup } from "./v86_peer.ts";

/** A booted guest at its shell prompt that runs commands and says what they cost. */
export interface ShellGuest {
  /** Types `cmd`, waits for the prompt; host seconds and, if known, guest instructions. */
  run(cmd: string): Promise<{ output: string; seconds: number; instructions?: number }>;
}

/** The shell loop of `n` iterations; it ends by printing `loop-done N`. */
export function shellLoopCommand(n: number): string {
  return `i=0; while [ $i -lt ${n} ]; do i=$((i+1)); done; echo loop-done $i`;
}

/** One timed run of the shell loop. */
export interface ShellLoopSample {
  /** Iterations run. */
  iterations: number;
  /** Host seconds the command took. */
  seconds: number;
  /** Guest instructions retired meanwhile, when the guest can count them. */
  instructions?: number;
}

/** Runs the loop for `n` iterations on `guest`; throws an Error if it did not finish. */
export async function timeShellLoop(guest: ShellGuest, n: number): Promise<ShellLoopSample> {
  const r = await guest.run(shellLoopCommand(n));
  const done = r.output.match(/^loop-done (\d+)$/m);
  if (!done || Number(done[1]) !== n) {
    throw new Error(`the shell loop of ${n} did not finish: ${JSON.stringify(r.output)}`);
  }
  return { iterations: n, seconds: r.seconds, instructions: r.instructions };
}

/** How long samples last and how many are taken. */
interface LoopPlan {
  /** Iterations of the first, untimed run (warm-up for the JIT, calibration for the rest). */
  warmup: number;
  /** Seconds each timed run should last. */
  targetSeconds: number;
  /** Timed runs per guest. */
  samples: number;
}

const FULL: LoopPlan = { warmup: 200, targetSeconds: 3, samples: 5 };
const QUICK: LoopPlan = { warmup: 30, targetSeconds: 0.3, samples: 1 };

/** Runs the warm-up and returns the iteration count that lasts about `plan.targetSeconds`. */
async function calibrate(guest: ShellGuest, plan: LoopPlan): Promise<number> {
  const w = await timeShellLoop(guest, plan.warmup);
  const rate = w.iterations / w.seconds;
  return Math.max(plan.warmup, Math.min(10_000_000, Math.round(rate * plan.targetSeconds)));
}

/** Records `<label> shell loop iterations per second` and, if counted, guest MIPS and insns. */
function recordLoop(ctx: BenchContext, label: string, samples: ShellLoopSample[]): void {
  ctx.figure(`${label}shell loop iterations per second`, samples.map(itPerSecond), {
    unit: "it/s",
    better: "higher",
  });
  const counted = samples.filter((s) => s.instructions !== undefined);
  if (counted.length === 0) return;
  ctx.figure(`${label}guest MIPS in the shell loop`, counted.map(mips), {
    unit: "MIPS",
    better: "higher",
  });
  ctx.figure(
    `${label}guest instructions per shell loop iteration`,
    counted.map((s) => s.instructions! / s.iterations),
    { unit: "insns", better: "lower" },
  );
}

function itPerSecond(s: ShellLoopSample): number {
  return s.iterations / s.seconds;
}

function mips(s: ShellLoopSample): number {
  return s.instructions! / s.seconds / 1e6;
}

/** Runs the plan on a peer's guest and records its figures under `label`. */
async function peerLoop(ctx: BenchContext, label: string, guest: ShellGuest): Promise<void> {
  const plan = ctx.quick ? QUICK : FULL;
  const n = await calibrate(guest, plan);
  const samples: ShellLoopSample[] = [];
  for (let i = 0; i < plan.samples; i++) samples.push(await timeShellLoop(guest, n));
  ctx.log(`${n} iterations per sample`);
  recordLoop(ctx, `${label} `, samples);
}

registerBenchmark({
  name: "guest_cpu",
  description: "busybox shell loop in the default guest, interpreter and JIT taking turns: " +
    "iterations/s, guest MIPS, and the JIT's speed-up",
  async run(ctx: BenchContext) {
    const plan = ctx.quick ? QUICK : FULL;
    const tiers = ["interp", "jit"] as const;
    // One guest, booted under the JIT, runs every sample: the tier is switched between samples,
    // so both run the same loop in the same guest state, and drift on the machine hits both.
    const guest = await LocalGuest.boot({ accel: "jit" });
    try {
      const n: number[] = [];
      for (const tier of tiers) {
        guest.setAccel(tier);
        n.push(await calibrate(guest, plan));
      }
      ctx.log(`iterations per sample: interp ${n[0]}, jit ${n[1]}`);
      const samples: ShellLoopSample[][] = [[], []];
      for (let i = 0; i < plan.samples; i++) {
        for (const t of [0, 1]) {
          guest.setAccel(tiers[t]);
          samples[t].push(await timeShellLoop(guest, n[t]));
        }
      }
      tiers.forEach((tier, t) => {
        ctx.figure(`shell loop iterations per second (${tier})`, samples[t].map(itPerSecond), {
          unit: "it/s",
          better: "higher",
        });
      });
      tiers.forEach((tier, t) => {
        ctx.figure(`guest MIPS in the shell loop (${tier})`, samples[t].map(mips), {
          unit: "MIPS",
          better: "higher",
        });
      });
      ctx.figure(
        "guest instructions per shell loop iteration",
        samples.flat().map((s) => s.instructions! / s.iterations),
        { unit: "insns", better: "lower" },
      );
      const speedup = samples[1].map((s, i) => itPerSecond(s) / itPerSecond(samples[0][i]));
      ctx.figure("jit speed-up over the interpreter, shell loop", speedup, {
        unit: "×",
        better: "higher",
      });
    } finally {
      await guest.close();
    }
  },
});

registerBenchmark({
  name: "guest_cpu_qemu",
  description: "the guest_cpu shell loop under QEMU TCG: iterations/s",
  async run(ctx: BenchContext) {
    const qemu = await findQemu();
    if (!qemu) ctx.skip("qemu-system-i386 not found on PATH (or $QEMU_SYSTEM_I386)");
    ctx.log(`${await qemuVersion(qemu)} (${qemu}), -accel tcg`);
    const guest = await QemuGuest.boot(qemu);
    try {
      await peerLoop(ctx, "qemu-tcg", guest);
    } finally {
      await guest.close();
    }
  },
});

registerBenchmark({
  name: "guest_cpu_v86",
  description: "the guest_cpu shell loop under v86: iterations/s and guest MIPS (v86's count)",
  async run(ctx: BenchContext) {
    const setup = await v86Setup();
    if (!setup.ok) ctx.skip(setup.reason);
    ctx.log(`v86 ${setup.version} (${setup.dir})`);
    const guest = await V86Guest.boot(setup.dir, setup.seabios);
    try {
      await peerLoop(ctx, "v86", guest);
    } finally {
      await guest.close();
    }
  },
});

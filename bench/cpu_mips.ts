/**
 * Guest CPU speed of the interpreter in MIPS (millions of guest instructions retired per second,
 * counted by `cpu.instructions`; a REP string instruction counts once per batch the interpreter
 * runs, as it retires) on the loops of cpu_loops.ts, and their geometric mean.
 *
 * @module
 */

import { RangeBus } from "../devices/bus/range_bus.ts";
import { PhysicalMemory } from "../devices/memory/mod.ts";
import { Cpu } from "../cpu/cpu.ts";
import "../cpu/ops/mod.ts";
import { run } from "../cpu/run.ts";
import { Jit } from "../cpu/jit/jit.ts";
import { CS, DS, ES, S_EIP, SS } from "../cpu/state_layout.ts";
import { writeCr0 } from "../cpu/ops/system.ts";
import { perSecond } from "./context.ts";
import { CPU_LOOPS, type CpuLoop } from "./cpu_loops.ts";
import { registerBenchmark } from "./registry.ts";
import { geometricMean } from "./stats.ts";

/**
 * Guest-physical address the loop code is placed at. Not 0x1000: the CPU's fetch cache starts
 * with the page marker 1, which makes a first fetch from linear 1…0x1000 read a stale byte.
 */
export const CODE_BASE = 0x2000;

/** Target of the interpreter, in guest MIPS (geometric mean over the loops). */
export const TARGET_MIPS = 60;

/** Instructions each timed call runs: long enough to dwarf the setup, short enough to sample. */
const CALL_INSTRUCTIONS = { full: 4_000_000, quick: 200_000 };

/** A CPU with `code` loaded, ready to run it from the start as often as asked. */
export interface LoopMachine {
  /** The CPU, for inspecting registers after a run. */
  readonly cpu: Cpu;
  /**
   * Runs the code from CODE_BASE until HLT; returns the instructions retired. Throws an Error
   * past the instruction limit, so a loop that does not end fails instead of hanging.
   */
  runOnce(): number;
}

/** Options of {@link createLoopMachine}. */
export interface LoopMachineOptions {
  /** Most instructions one `runOnce` may retire. @default 2 ** 32 */
  limit?: number;
  /** Compile hot blocks to WebAssembly (`-accel jit`). @default false */
  jit?: boolean;
}

/**
 * A CPU in 32-bit protected mode with flat 4 GiB code and data segments, paging off, 16 MiB of
 * RAM and an empty I/O bus, with `code` at {@link CODE_BASE}.
 */
export function createLoopMachine(code: Uint8Array, options: LoopMachineOptions = {}): LoopMachine {
  const limit = options.limit ?? 2 ** 32;
  const phys = new PhysicalMemory({ ramSize: 16 << 20 });
  const cpu = new Cpu(phys, new RangeBus("io", 0x10000));
  if (options.jit) cpu.jit = new Jit(cpu);
  writeCr0(cpu, 0x11); // PE, and ET as on every i686
  cpu.setSegment(CS, 8, 0, 0xffffffff, 0xc09b);
  for (const s of [SS, DS, ES]) cpu.setSegment(s, 0x10, 0, 0xffffffff, 0xc093);
  phys.writeBytes(CODE_BASE, code);
  return {
    cpu,
    runOnce() {
      cpu.halted = false;
      cpu.st[S_EIP] = CODE_BASE;
      const before = cpu.instructions;
      while (!cpu.halted) {
        if (cpu.instructions - before >= limit) {
          throw new Error(`the loop did not halt within ${limit} instructions`);
        }
        run(cpu, Math.min(1_000_000, limit));
      }
      return cpu.instructions - before;
    },
  };
}

/** How many instructions a loop retires: a fixed part plus a part per iteration. */
export interface LoopCost {
  /** Instructions outside the loop (setup and exit). */
  fixed: number;
  /** Instructions per iteration. */
  perIteration: number;
}

/** Counts `loop`'s instructions on the interpreter from two short runs (they are exact). */
export function loopCost(loop: CpuLoop): LoopCost {
  const limit = 1_000_000;
  const a = createLoopMachine(loop.code(100), { limit }).runOnce();
  const b = createLoopMachine(loop.code(200), { limit }).runOnce();
  const perIteration = (b - a) / 100;
  return { fixed: a - 100 * perIteration, perIteration };
}

registerBenchmark({
  name: "cpu_mips",
  description: `guest MIPS on integer loops, interpreter (target ≥ ${TARGET_MIPS} MIPS, ` +
    "geometric mean) and JIT (target ≥ 5× the interpreter)",
  async run(ctx) {
    const means: Record<string, number> = {};
    for (const tier of ["interpreter", "jit"] as const) {
      const perLoop: number[][] = [];
      for (const loop of CPU_LOOPS) {
        const budget = ctx.quick ? CALL_INSTRUCTIONS.quick : CALL_INSTRUCTIONS.full;
        const cost = loopCost(loop);
        const iterations = Math.max(1, Math.round(budget / cost.perIteration));
        const expected = cost.fixed + iterations * cost.perIteration;
        const machine = createLoopMachine(loop.code(iterations), {
          limit: expected + 1,
          jit: tier === "jit",
        });
        const figure = await ctx.measure(`${tier} ${loop.name}`, () => {
          return machine.runOnce();
        }, {
          unit: "MIPS",
          better: "higher",
          value: perSecond(1e6),
          minSampleMs: ctx.quick ? 5 : 100,
        });
        perLoop.push(figure.samples);
      }
      // Sample i of the mean combines sample i of every loop, so its spread is the run's noise.
      const samples = perLoop[0].map((_, i) => geometricMean(perLoop.map((s) => s[i])));
      means[tier] = ctx.figure(`${tier} geometric mean`, samples, {
        unit: "MIPS",
        better: "higher",
      }).value;
    }
    ctx.log(
      `interpreter target ≥ ${TARGET_MIPS} MIPS: ` +
        `${means.interpreter >= TARGET_MIPS ? "met" : "NOT met"} (${means.interpreter.toFixed(1)})`,
    );
    const speedup = means.jit / means.interpreter;
    ctx.figure("jit speed-up over the interpreter", [speedup], { unit: "×", better: "higher" });
    ctx.log(`jit target ≥ 5× the interpreter: ${speedup >= 5 ? "met" : "NOT met"}`);
  },
});

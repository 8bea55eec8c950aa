/**
 * What JIT translation costs on a real workload: the default guest's boot to its shell prompt
 * under `accel: "jit"`, with every compiled module seen through the JIT's `onModule` hook. Time
 * per block is amortised (a module's time, from decoding its batch to an instantiated module,
 * shared equally by its blocks: they are built and instantiated together); memory is the size of
 * the WebAssembly binaries.
 *
 * @module
 */

import type { CompiledModule } from "../cpu/jit/jit.ts";
import type { BenchContext } from "./context.ts";
import { LocalGuest } from "./guest_machine.ts";
import { registerBenchmark } from "./registry.ts";
import { percentile, summarize } from "./stats.ts";

/** Translation cost over a set of compiled modules. */
export interface CompileCost {
  /** Modules and blocks compiled. */
  modules: number;
  blocks: number;
  /** Guest instructions in the compiled blocks. */
  instructions: number;
  /** Bytes of WebAssembly produced. */
  bytes: number;
  /** Milliseconds spent compiling, in all. */
  ms: number;
  /** Median and 99th percentile of the amortised time per block, in microseconds. */
  blockMedianUs: number;
  blockP99Us: number;
  /** Median and 99th percentile of the time per module, in milliseconds. */
  moduleMedianMs: number;
  moduleP99Ms: number;
}

/** Sums up `modules`, as reported by the JIT's `onModule`; throws RangeError for none. */
export function compileCost(modules: readonly CompiledModule[]): CompileCost {
  if (modules.length === 0) throw new RangeError("no module was compiled");
  const perBlockUs: number[] = [];
  let blocks = 0, instructions = 0, bytes = 0, ms = 0;
  for (const m of modules) {
    for (const b of m.blocks) {
      perBlockUs.push((1000 * m.ms) / m.blocks.length);
      instructions += b.instructions;
    }
    blocks += m.blocks.length;
    bytes += m.bytes.length;
    ms += m.ms;
  }
  const perModuleMs = modules.map((m) => m.ms);
  return {
    modules: modules.length,
    blocks,
    instructions,
    bytes,
    ms,
    blockMedianUs: summarize(perBlockUs).median,
    blockP99Us: percentile(perBlockUs, 99),
    moduleMedianMs: summarize(perModuleMs).median,
    moduleP99Ms: percentile(perModuleMs, 99),
  };
}

/** One boot under the JIT: the modules compiled up to the prompt, and the boot's seconds. */
async function bootAndCollect(): Promise<{ cost: CompileCost; bootSeconds: number }> {
  const modules: CompiledModule[] = [];
  const guest = await LocalGuest.boot({ accel: "jit", onModule: (m) => modules.push(m) });
  // Modules compiled after the prompt (the idle shell) are not part of the workload.
  const upToPrompt = modules.slice();
  await guest.close();
  return { cost: compileCost(upToPrompt), bootSeconds: guest.bootSeconds };
}

registerBenchmark({
  name: "jit_compile",
  description: "JIT translation cost over the default guest's boot: µs per block (amortised, " +
    "median and p99), ms per module, blocks per module, wasm bytes per block",
  async run(ctx: BenchContext) {
    const boots = ctx.quick ? 1 : 3;
    const runs: { cost: CompileCost; bootSeconds: number }[] = [];
    for (let i = 0; i < boots; i++) {
      const r = await bootAndCollect();
      const c = r.cost;
      ctx.log(
        `boot ${i + 1}: ${c.blocks} blocks in ${c.modules} modules, ${c.ms.toFixed(0)} ms ` +
          `compiling of ${r.bootSeconds.toFixed(1)} s, ${(c.bytes / 1024).toFixed(0)} KiB of wasm`,
      );
      runs.push(r);
    }
    // One sample per boot: the spread across boots is the noise of the machine.
    const per = (f: (r: (typeof runs)[number]) => number) => runs.map(f);
    const lower = { better: "lower" } as const;
    ctx.figure("compile per block, median", per((r) => r.cost.blockMedianUs), {
      unit: "µs",
      ...lower,
    });
    ctx.figure("compile per block, p99", per((r) => r.cost.blockP99Us), { unit: "µs", ...lower });
    ctx.figure("compile per module, median", per((r) => r.cost.moduleMedianMs), {
      unit: "ms",
      ...lower,
    });
    ctx.figure("compile per module, p99", per((r) => r.cost.moduleP99Ms), {
      unit: "ms",
      ...lower,
    });
    ctx.figure("blocks per module", per((r) => r.cost.blocks / r.cost.modules), {
      unit: "blocks",
      better: "higher",
    });
    ctx.figure("guest instructions per block", per((r) => r.cost.instructions / r.cost.blocks), {
      unit: "insns",
      better: "higher",
    });
    ctx.figure("wasm bytes per block", per((r) => r.cost.bytes / r.cost.blocks), {
      unit: "B",
      ...lower,
    });
    ctx.figure("wasm bytes per guest instruction", per((r) => r.cost.bytes / r.cost.instructions), {
      unit: "B",
      ...lower,
    });
    ctx.figure("wasm produced during boot", per((r) => r.cost.bytes / 1024), {
      unit: "KiB",
      ...lower,
    });
    ctx.figure("blocks compiled during boot", per((r) => r.cost.blocks), {
      unit: "blocks",
      ...lower,
    });
    ctx.figure("compile time share of the boot", per((r) => (r.cost.ms / 10) / r.bootSeconds), {
      unit: "%",
      ...lower,
    });
  },
});

/**
 * The benchmark registry: each benchmark file registers itself in the default registry when
 * imported, and the runner takes them in registration order.
 *
 * @module
 */

import type { BenchContext } from "./context.ts";

/** A benchmark: a name to select it by, what it measures, and the code that measures it. */
export interface Benchmark {
  /** Selection name: lower case letters, digits and `_`, e.g. "cpu_mips". */
  name: string;
  /** One line on what it measures and, if it has one, its target. */
  description: string;
  /** Takes the figures through `ctx`; may call `ctx.skip(reason)` when a tool is absent. */
  run(ctx: BenchContext): void | Promise<void>;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** An ordered set of benchmarks with unique names. */
export class BenchmarkRegistry {
  readonly #benchmarks: Benchmark[] = [];

  /** Adds a benchmark; a malformed or already registered name throws an Error. */
  register(benchmark: Benchmark): void {
    if (!NAME.test(benchmark.name)) {
      throw new Error(`benchmark name "${benchmark.name}" must match ${NAME}`);
    }
    if (this.#benchmarks.some((b) => b.name === benchmark.name)) {
      throw new Error(`benchmark "${benchmark.name}" is registered twice`);
    }
    this.#benchmarks.push(benchmark);
  }

  /** Every benchmark, in registration order. */
  all(): readonly Benchmark[] {
    return this.#benchmarks;
  }

  /**
   * The benchmarks `words` select, in registration order: a word selects the benchmark of that
   * name and those whose name starts with it followed by `_` ("cpu" selects "cpu_mips" and
   * "cpu_mips_qemu"). No words select everything; a word that selects nothing throws an Error.
   */
  select(words: readonly string[]): Benchmark[] {
    const all = this.#benchmarks;
    if (words.length === 0) return [...all];
    const chosen = new Set<Benchmark>();
    for (const word of words) {
      const hits = all.filter((b) => b.name === word || b.name.startsWith(word + "_"));
      if (hits.length === 0) {
        throw new Error(
          `no benchmark named "${word}" (known: ${all.map((b) => b.name).join(", ")})`,
        );
      }
      for (const b of hits) chosen.add(b);
    }
    return all.filter((b) => chosen.has(b));
  }
}

/** The registry `deno task bench` runs. */
export const defaultRegistry: BenchmarkRegistry = new BenchmarkRegistry();

/**
 * Adds a benchmark to the default registry (see {@link BenchmarkRegistry.register}). A benchmark
 * file calls it at top level and is imported from bench/benchmarks.ts.
 *
 * @example
 * ```ts
 * import { perSecond } from "./context.ts";
 * registerBenchmark({
 *   name: "example_fill",
 *   description: "Uint8Array.fill of 4 KiB, GB/s",
 *   async run(ctx) {
 *     const bytes = new Uint8Array(4096);
 *     await ctx.measure("fill 4 KiB", () => {
 *       bytes.fill(1);
 *       return bytes.length; // work done: bytes
 *     }, { unit: "GB/s", better: "higher", value: perSecond(1e9) });
 *   },
 * });
 * ```
 */
export function registerBenchmark(benchmark: Benchmark): void {
  defaultRegistry.register(benchmark);
}

/** Every benchmark of the default registry, in registration order. */
export function registeredBenchmarks(): readonly Benchmark[] {
  return defaultRegistry.all();
}

/** Selects from the default registry (see {@link BenchmarkRegistry.select}). */
export function selectBenchmarks(words: readonly string[]): Benchmark[] {
  return defaultRegistry.select(words);
}

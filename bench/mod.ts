/**
 * deno-vmm's benchmark infrastructure: the registry, the context benchmarks measure through, the
 * runner that writes results files, SVG plots and tables, and run comparison. The benchmarks
 * themselves register on import (bench/benchmarks.ts imports them all); `deno task bench` runs
 * them.
 *
 * @module
 */

export * from "./cli.ts";
export * from "./compare.ts";
export * from "./context.ts";
export * from "./machine_info.ts";
export * from "./registry.ts";
export * from "./result_types.ts";
export * from "./results_file.ts";
export * from "./runner.ts";
export * from "./sizes.ts";
export * from "./stats.ts";
export * from "./svg_plot.ts";
export * from "./table.ts";

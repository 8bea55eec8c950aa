/**
 * Hand-made runs for the tests of comparison, tables and results files.
 *
 * @module
 */

import { summarize } from "./stats.ts";
import { type Better, type Figure, RESULTS_SCHEMA, type RunResult } from "./result_types.ts";

/** A figure from its samples. */
export function fixtureFigure(
  name: string,
  samples: number[],
  options: { unit?: string; better?: Better } = {},
): Figure {
  const { min, median, max } = summarize(samples);
  return {
    name,
    value: median,
    unit: options.unit ?? "MIPS",
    better: options.better ?? "higher",
    samples,
    min,
    median,
    max,
  };
}

/** A run of one "cpu" benchmark holding `figures`, on a fixed machine. */
export function fixtureRun(figures: Figure[], overrides: Partial<RunResult> = {}): RunResult {
  return {
    schema: RESULTS_SCHEMA,
    date: "2025-03-01T09:30:05.000Z",
    commit: "abc1234",
    dirty: false,
    quick: false,
    machine: {
      cpuModel: "Test CPU",
      cores: 2,
      memoryBytes: 2 ** 34,
      os: "linux 6.1",
      arch: "x86_64",
      deno: "2.9.6",
      v8: "15.0",
      typescript: "6.0.3",
      loadAverage: [0.5, 0.4, 0.3],
    },
    benchmarks: [{
      name: "cpu",
      description: "test",
      status: "ok",
      durationMs: 1,
      figures,
      plots: [],
    }],
    ...overrides,
  };
}

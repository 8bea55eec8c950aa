/**
 * Runs benchmarks and keeps their results: a results file (JSON) with the machine and commit, SVG
 * plots beside it, and the readable table.
 *
 * @module
 */

import { BenchmarkSkipped, Recorder } from "./context.ts";
import { machineInfo } from "./machine_info.ts";
import type { Benchmark } from "./registry.ts";
import {
  type BenchmarkResult,
  type PlotRecord,
  RESULTS_SCHEMA,
  type RunResult,
} from "./result_types.ts";
import {
  DEFAULT_RESULTS_DIR,
  freeStem,
  gitCommit,
  writeResult,
  type WrittenFiles,
} from "./results_file.ts";
import { renderSvgPlot } from "./svg_plot.ts";
import { formatRunTable } from "./table.ts";

/** Options of {@link runBenchmarks}. */
export interface RunOptions {
  /** Short smoke pass: few samples, fewer sizes. @default false */
  quick?: boolean;
  /** Directory for the JSON and SVG files. @default bench/results/ */
  outDir?: string;
  /** Directory whose git commit is recorded. @default the repository holding bench/ */
  repoDir?: string;
  /** Progress output. @default console.log */
  log?: (line: string) => void;
}

/** What a run produced. */
export interface RunOutcome {
  /** The results, as written to the JSON file. */
  result: RunResult;
  /** Paths of the JSON and SVG files. */
  files: WrittenFiles;
  /** The readable table. */
  table: string;
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * Runs `benchmarks` in order and writes the results. A benchmark that calls `ctx.skip` is reported
 * as skipped; one that throws, or records no figure, as failed; neither stops the others.
 */
export async function runBenchmarks(
  benchmarks: readonly Benchmark[],
  options: RunOptions = {},
): Promise<RunOutcome> {
  const quick = options.quick ?? false;
  const outDir = options.outDir ?? DEFAULT_RESULTS_DIR;
  const log = options.log ?? ((line: string) => console.log(line));
  const started = new Date();
  const { commit, dirty } = await gitCommit(
    options.repoDir ?? new URL("..", import.meta.url).pathname,
  );
  const machine = machineInfo();
  const results: BenchmarkResult[] = [];
  const plots = new Map<string, PlotRecord[]>();

  for (const benchmark of benchmarks) {
    log(`▶ ${benchmark.name}: ${benchmark.description}`);
    const recorder = new Recorder({ quick, log: (line) => log(`    ${line}`) });
    const t0 = performance.now();
    let status: BenchmarkResult["status"] = "ok";
    let reason: string | undefined;
    try {
      await benchmark.run(recorder);
      if (recorder.figures.length === 0) {
        status = "failed";
        reason = "recorded no figure";
      }
    } catch (err) {
      status = err instanceof BenchmarkSkipped ? "skipped" : "failed";
      reason = err instanceof BenchmarkSkipped ? err.reason : errorText(err);
      log(`    ${status}: ${reason.split("\n")[0]}`);
    }
    const ok = status === "ok";
    results.push({
      name: benchmark.name,
      description: benchmark.description,
      status,
      ...(reason === undefined ? {} : { reason }),
      durationMs: Math.round(performance.now() - t0),
      // Figures of a benchmark that did not finish are partial: they are not kept for comparison.
      figures: ok ? recorder.figures : [],
      plots: [],
    });
    if (ok) plots.set(benchmark.name, recorder.plots.map((p) => ({ ...p, file: "" })));
  }

  const stem = await freeStem(outDir, { date: started, commit });
  const svgs = new Map<string, string>();
  for (const result of results) {
    for (const plot of plots.get(result.name) ?? []) {
      plot.file = `${stem}-${result.name}-${plot.name}.svg`;
      svgs.set(plot.file, renderSvgPlot(plot));
      result.plots.push(plot);
    }
  }
  const result: RunResult = {
    schema: RESULTS_SCHEMA,
    date: started.toISOString(),
    commit,
    dirty,
    quick,
    machine,
    benchmarks: results,
  };
  const files = await writeResult(result, outDir, { stem, svgs });
  return { result, files, table: formatRunTable(result) };
}

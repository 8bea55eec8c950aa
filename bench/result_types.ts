/**
 * The shape of a results file, bench/results/DATE-COMMIT.json. Readers check `schema` and refuse
 * files of another version rather than guess.
 *
 * @module
 */

/** Which direction of a figure is an improvement. */
export type Better = "higher" | "lower";

/** Version of the results-file format written by this code. */
export const RESULTS_SCHEMA = 1;

/** The machine a run was taken on: figures from different machines are not comparable. */
export interface MachineInfo {
  /** CPU model name from /proc/cpuinfo, or "unknown". */
  cpuModel: string;
  /** Logical processors visible to Deno. */
  cores: number;
  /** Total physical memory in bytes (0 when unknown). */
  memoryBytes: number;
  /** Operating system and kernel release, e.g. "linux 6.1.0". */
  os: string;
  /** Host architecture, e.g. "x86_64". */
  arch: string;
  /** Deno version (`Deno.version.deno`). */
  deno: string;
  /** V8 version (`Deno.version.v8`). */
  v8: string;
  /** TypeScript version (`Deno.version.typescript`). */
  typescript: string;
  /** 1, 5 and 15 minute load averages when the run started: other work on a shared machine. */
  loadAverage: number[];
}

/** One measured or computed value. */
export interface Figure {
  /** Name, unique within its benchmark, e.g. "Uint8Array.set 4 KiB". */
  name: string;
  /** The reported value: the median of the samples. */
  value: number;
  /** Unit of `value` and of the samples, e.g. "GB/s", "MIPS", "µs". */
  unit: string;
  /** Whether a higher or a lower value is an improvement. */
  better: Better;
  /** Every sample, in the order taken. */
  samples: number[];
  /** Smallest sample. */
  min: number;
  /** Median sample (equal to `value`). */
  median: number;
  /** Largest sample. */
  max: number;
}

/** One line of a plot: points (x, y) in increasing x. */
export interface PlotSeries {
  /** Legend text. */
  name: string;
  /** Points as [x, y] pairs. */
  points: [number, number][];
}

/** Axis description of a plot. */
export interface PlotAxis {
  /** Axis label, with its unit, e.g. "request size (bytes)". */
  label: string;
  /** Logarithmic base-2 scale (for sizes). @default false */
  log2?: boolean;
  /** Tick labels formatted as byte sizes (512, 4K, 1M). @default false */
  bytes?: boolean;
}

/** A curve worth drawing, as recorded in the results file. */
export interface PlotSpec {
  /** Short name, used in the SVG file name: letters, digits, `-` and `_`. */
  name: string;
  /** Title drawn above the plot. */
  title: string;
  /** Horizontal axis. */
  x: PlotAxis;
  /** Vertical axis. */
  y: PlotAxis;
  /** One line per series. */
  series: PlotSeries[];
}

/** A plot as stored in the results file: its data and the SVG written beside the JSON. */
export interface PlotRecord extends PlotSpec {
  /** File name of the SVG, in the same directory as the JSON. */
  file: string;
}

/** What became of one benchmark in a run. */
export type BenchmarkStatus = "ok" | "skipped" | "failed";

/** Results of one benchmark. */
export interface BenchmarkResult {
  /** Registered name. */
  name: string;
  /** What it measures, and its target if it has one. */
  description: string;
  /** "ok", "skipped" (a peer or tool is absent) or "failed" (it threw). */
  status: BenchmarkStatus;
  /** Why it was skipped or how it failed. */
  reason?: string;
  /** Wall time of the whole benchmark in milliseconds. */
  durationMs: number;
  /** Figures in the order they were taken. */
  figures: Figure[];
  /** Plots written beside the JSON. */
  plots: PlotRecord[];
}

/** A whole results file. */
export interface RunResult {
  /** Format version, {@link RESULTS_SCHEMA}. */
  schema: number;
  /** ISO date and time the run started (UTC). */
  date: string;
  /** Short git commit of the tree measured, or "nogit". */
  commit: string;
  /** The work tree had uncommitted changes (false when unknown). */
  dirty: boolean;
  /** A `--quick` smoke pass: too few samples to compare against. */
  quick: boolean;
  /** Where the run was taken. */
  machine: MachineInfo;
  /** One entry per benchmark run. */
  benchmarks: BenchmarkResult[];
  /** Set only in memory when several runs were pooled for comparison: how many. */
  pooledRuns?: number;
}

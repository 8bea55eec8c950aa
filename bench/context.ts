/**
 * What a benchmark sees while it runs: timing with warm-up and several samples, figures computed
 * by other means, plots, and a way to say it cannot run here.
 *
 * @module
 */

import {
  perSecond,
  type SampleValue,
  takeInterleavedSamples,
  timePer,
  type WorkFn,
} from "./measure.ts";
import type { Better, Figure, PlotSpec } from "./result_types.ts";
import { summarize } from "./stats.ts";

export { perSecond, timePer };
export type { SampleValue, WorkFn };

/** How long and how often to time. */
export interface TimingOptions {
  /** Samples to take. @default 7, or 3 with `quick` */
  samples?: number;
  /** Milliseconds of untimed warm-up calls. @default 100, or 10 with `quick` */
  warmup?: number;
  /** Shortest sample in milliseconds; calls are batched to reach it. @default 50, or 5 with `quick` */
  minSampleMs?: number;
}

/** How a timed figure is reported. */
export interface ReportOptions {
  /** Unit of the reported value. @default "ns" (time per unit of work) */
  unit?: string;
  /** Which direction is an improvement; required with `value`. @default "lower" (time per unit) */
  better?: Better;
  /**
   * Turns a sample (seconds, work units returned by the function) into the reported value, e.g.
   * `perSecond(1e9)` for GB/s when the function returns bytes. @default timePer(1e-9): ns per unit
   */
  value?: SampleValue;
}

/** Options of {@link BenchContext.measure}. */
export interface MeasureOptions extends TimingOptions, ReportOptions {}

/** One figure of {@link BenchContext.measureInterleaved}. */
export interface InterleavedMeasure extends ReportOptions {
  /** Figure name. */
  label: string;
  /** The function under test, as for `measure`. */
  fn: WorkFn;
}

/** Options of {@link BenchContext.figure}. */
export interface FigureOptions {
  /** Unit of the value, e.g. "MIPS". */
  unit: string;
  /** Which direction is an improvement. */
  better: Better;
}

/** The handle a benchmark's `run` receives. */
export interface BenchContext {
  /** A short smoke pass: take few, short samples and fewer sizes. */
  readonly quick: boolean;
  /**
   * Times `fn` (high-resolution clock, warm-up, several samples) and records the median as figure
   * `label`. `fn` returns the units of work it did (bytes, instructions), or nothing for 1.
   */
  measure(label: string, fn: WorkFn, options?: MeasureOptions): Promise<Figure>;
  /**
   * Times several functions sample by sample in turn (A B A B …) and records one figure each:
   * for figures read against each other, so that drift on the machine hits them alike.
   */
  measureInterleaved(
    measures: readonly InterleavedMeasure[],
    options?: TimingOptions,
  ): Promise<Figure[]>;
  /** Records a figure computed otherwise, from one value or several samples. */
  figure(label: string, value: number | readonly number[], options: FigureOptions): Figure;
  /** Records a plot; the runner writes it as SVG beside the results file. */
  plot(spec: PlotSpec): void;
  /** Ends the benchmark as "skipped" (a peer or tool is absent); never an error. */
  skip(reason: string): never;
  /** Prints a progress line under the benchmark's name. */
  log(line: string): void;
}

/** Thrown by `skip` and caught by the runner. */
export class BenchmarkSkipped extends Error {
  /** Wraps the reason a benchmark cannot run. */
  constructor(readonly reason: string) {
    super(reason);
    this.name = "BenchmarkSkipped";
  }
}

/** Options of {@link Recorder}. */
export interface RecorderOptions {
  /** Smoke-pass mode. @default false */
  quick?: boolean;
  /** Where progress lines go. @default no output */
  log?: (line: string) => void;
}

const PLOT_NAME = /^[A-Za-z0-9_-]+$/;

/** The {@link BenchContext} the runner hands to one benchmark; it keeps what was recorded. */
export class Recorder implements BenchContext {
  /** Smoke-pass mode. */
  readonly quick: boolean;
  /** Figures in the order recorded. */
  readonly figures: Figure[] = [];
  /** Plots in the order recorded. */
  readonly plots: PlotSpec[] = [];
  readonly #log: (line: string) => void;

  /** A fresh recorder with no figures. */
  constructor(options: RecorderOptions = {}) {
    this.quick = options.quick ?? false;
    this.#log = options.log ?? (() => {});
  }

  /** See {@link BenchContext.measure}. */
  async measure(label: string, fn: WorkFn, options: MeasureOptions = {}): Promise<Figure> {
    const [figure] = await this.measureInterleaved([{ ...options, label, fn }], options);
    return figure;
  }

  /** See {@link BenchContext.measureInterleaved}. */
  async measureInterleaved(
    measures: readonly InterleavedMeasure[],
    options: TimingOptions = {},
  ): Promise<Figure[]> {
    const labels = new Set<string>();
    const reports = measures.map((m) => {
      this.#checkLabel(m.label);
      if (labels.has(m.label)) throw new Error(`figure "${m.label}" is measured twice`);
      labels.add(m.label);
      // A custom `value` may be a rate or a time: its direction must be said, not guessed.
      const better = m.better ?? (m.value ? undefined : "lower");
      if (better === undefined) {
        throw new Error(`figure "${m.label}": with a custom value, say which direction is better`);
      }
      return { unit: m.unit ?? "ns", better, value: m.value ?? timePer(1e-9) };
    });
    const samples = await takeInterleavedSamples(
      measures.map((m, i) => ({ fn: m.fn, value: reports[i].value })),
      {
        samples: options.samples ?? (this.quick ? 3 : 7),
        warmupMs: options.warmup ?? (this.quick ? 10 : 100),
        minSampleMs: options.minSampleMs ?? (this.quick ? 5 : 50),
      },
    );
    return measures.map((m, i) =>
      this.figure(m.label, samples[i], { unit: reports[i].unit, better: reports[i].better })
    );
  }

  /** See {@link BenchContext.figure}. */
  figure(label: string, value: number | readonly number[], options: FigureOptions): Figure {
    this.#checkLabel(label);
    if (options.better !== "higher" && options.better !== "lower") {
      throw new Error(`figure "${label}": better must be "higher" or "lower"`);
    }
    const samples = typeof value === "number" ? [value] : [...value];
    const { min, median, max } = summarize(samples);
    const figure: Figure = {
      name: label,
      value: median,
      unit: options.unit,
      better: options.better,
      samples,
      min,
      median,
      max,
    };
    this.figures.push(figure);
    this.#log(`${label}: ${formatValue(median)} ${options.unit}`);
    return figure;
  }

  /** See {@link BenchContext.plot}. */
  plot(spec: PlotSpec): void {
    if (!PLOT_NAME.test(spec.name)) {
      throw new Error(`plot name "${spec.name}" must match ${PLOT_NAME}`);
    }
    if (this.plots.some((p) => p.name === spec.name)) {
      throw new Error(`plot "${spec.name}" is recorded twice`);
    }
    this.plots.push(structuredClone(spec));
  }

  /** See {@link BenchContext.skip}. */
  skip(reason: string): never {
    throw new BenchmarkSkipped(reason);
  }

  /** See {@link BenchContext.log}. */
  log(line: string): void {
    this.#log(line);
  }

  #checkLabel(label: string): void {
    if (label.trim() === "") throw new Error("a figure needs a name");
    if (this.figures.some((f) => f.name === label)) {
      throw new Error(`figure "${label}" is recorded twice`);
    }
  }
}

/** Four significant digits, without exponent for everyday magnitudes. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e9 || abs < 1e-3)) return value.toExponential(3);
  if (abs >= 1000) return Math.round(value).toString();
  return Number(value.toPrecision(4)).toString();
}

/**
 * Comparing two runs figure by figure. A change counts only when it is beyond the measured noise
 * of both runs and large enough to matter:
 *
 * - every new sample lies outside the old run's min..max, on the same side (the two bands do not
 *   overlap, so the new median is outside the old band too). If the samples of both runs came
 *   from one distribution, two bands of 7 samples each would fall apart by chance with
 *   probability 2 / C(14, 7) ≈ 0.06 %, so on 90 figures a false flag is rare;
 * - and the median moved by more than a threshold (5 % by default): smaller shifts are real but
 *   not worth a flag on a shared machine.
 *
 * One process's samples do not show the variation between processes (JIT decisions, memory
 * placement, other work on the machine), which on a busy 2-core machine reaches 5-15 % for some
 * figures. `poolRuns` merges several runs of the baseline so their band includes it.
 *
 * @module
 */

import { formatValue } from "./context.ts";
import type { Figure, RunResult } from "./result_types.ts";
import { summarize } from "./stats.ts";
import { type Align, alignColumns } from "./table.ts";

/** What became of one figure between two runs. */
export type Verdict = "regression" | "improvement" | "within noise" | "new" | "gone";

/** One figure in both runs (or in one of them). */
export interface FigureChange {
  /** Benchmark name. */
  benchmark: string;
  /** Figure name. */
  figure: string;
  /** The figure in the older run, if it had it. */
  before?: Figure;
  /** The figure in the newer run, if it has it. */
  after?: Figure;
  /** Change of the median in percent of the old median (undefined unless in both runs). */
  changePercent?: number;
  /** Classification of the change. */
  verdict: Verdict;
}

/** Result of {@link compareRuns}. */
export interface Comparison {
  /** The older run. */
  before: RunResult;
  /** The newer run. */
  after: RunResult;
  /** Figures in the newer run's order, then those only the older run has. */
  changes: FigureChange[];
  /** Reasons to distrust the comparison (other machine, quick runs, uncommitted changes). */
  warnings: string[];
  /** The threshold used, in percent. */
  thresholdPercent: number;
}

/** Options of {@link compareRuns}. */
export interface CompareOptions {
  /** Smallest change in percent that can count as a regression or improvement. @default 5 */
  thresholdPercent?: number;
}

/** Classifies one figure's change; see the module comment for the rule. */
export function classifyChange(
  before: Figure,
  after: Figure,
  options: CompareOptions = {},
): Verdict {
  const thresholdPercent = options.thresholdPercent ?? 5;
  const change = before.median === 0
    ? (after.median === 0 ? 0 : Infinity)
    : ((after.median - before.median) / Math.abs(before.median)) * 100;
  const apart = after.max < before.min || after.min > before.max;
  if (!apart || Math.abs(change) <= thresholdPercent) return "within noise";
  const up = after.median > before.median;
  return up === (after.better === "higher") ? "improvement" : "regression";
}

/**
 * Pools several runs (of one commit, say) into one whose figures carry every run's samples, so
 * the min..max band includes the variation between processes (JIT decisions, memory placement,
 * other work on the machine), which one process's samples cannot show. Figures and benchmarks
 * are taken from the last run; machine, date and commit too.
 */
export function poolRuns(runs: readonly RunResult[]): RunResult {
  if (runs.length === 0) throw new RangeError("no runs to pool");
  const last = runs[runs.length - 1];
  if (runs.length === 1) return last;
  const samples = new Map<string, number[]>();
  for (const run of runs) {
    for (const b of run.benchmarks) {
      for (const f of b.figures) {
        const key = `${b.name}\u0000${f.name}`;
        samples.set(key, [...(samples.get(key) ?? []), ...f.samples]);
      }
    }
  }
  return {
    ...last,
    quick: runs.some((r) => r.quick),
    dirty: runs.some((r) => r.dirty),
    pooledRuns: runs.reduce((n, r) => n + (r.pooledRuns ?? 1), 0),
    benchmarks: last.benchmarks.map((b) => ({
      ...b,
      figures: b.figures.map((f) => {
        const all = samples.get(`${b.name}\u0000${f.name}`)!;
        const s = summarize(all);
        return { ...f, samples: all, ...s, value: s.median };
      }),
    })),
  };
}

/** Compares `before` with `after`, matching figures by benchmark and figure name. */
export function compareRuns(
  before: RunResult,
  after: RunResult,
  options: CompareOptions = {},
): Comparison {
  const threshold = options.thresholdPercent ?? 5;
  const index = (run: RunResult) => {
    const map = new Map<string, { benchmark: string; figure: Figure }>();
    for (const b of run.benchmarks) {
      for (const f of b.figures) {
        map.set(`${b.name}\u0000${f.name}`, { benchmark: b.name, figure: f });
      }
    }
    return map;
  };
  const old = index(before);
  const changes: FigureChange[] = [];
  for (const [key, { benchmark, figure }] of index(after)) {
    const prior = old.get(key);
    old.delete(key);
    if (!prior) {
      changes.push({ benchmark, figure: figure.name, after: figure, verdict: "new" });
      continue;
    }
    const p = prior.figure;
    const changePercent = p.median === 0
      ? undefined
      : ((figure.median - p.median) / Math.abs(p.median)) * 100;
    const sameKind = p.unit === figure.unit && p.better === figure.better;
    changes.push({
      benchmark,
      figure: figure.name,
      before: p,
      after: figure,
      changePercent: sameKind ? changePercent : undefined,
      // A figure whose unit or direction changed is a different figure under the same name.
      verdict: sameKind ? classifyChange(p, figure, { thresholdPercent: threshold }) : "new",
    });
  }
  for (const { benchmark, figure } of old.values()) {
    changes.push({ benchmark, figure: figure.name, before: figure, verdict: "gone" });
  }
  return {
    before,
    after,
    changes,
    warnings: comparisonWarnings(before, after),
    thresholdPercent: threshold,
  };
}

function comparisonWarnings(before: RunResult, after: RunResult): string[] {
  const warnings: string[] = [];
  const a = before.machine, b = after.machine;
  for (const key of ["cpuModel", "cores", "memoryBytes", "os", "deno", "v8"] as const) {
    if (a[key] !== b[key]) warnings.push(`${key} differs: ${a[key]} → ${b[key]}`);
  }
  if (before.quick || after.quick) warnings.push("a quick smoke pass is compared: samples are few");
  for (const [label, run] of [["older", before], ["newer", after]] as const) {
    if (run.dirty) warnings.push(`the ${label} run had uncommitted changes (${run.commit})`);
  }
  if ((before.pooledRuns ?? 1) === 1) {
    warnings.push(
      "the older side is one process: its min..max leaves out process-to-process variation " +
        "(often 5-15 % for JIT-compiled code); run the baseline several times and compare by " +
        "commit (--compare OLD NEW) to pool them",
    );
  }
  return warnings;
}

const MARK: Record<Verdict, string> = {
  "regression": "REGRESSION",
  "improvement": "improved",
  "within noise": "~",
  "new": "new",
  "gone": "gone",
};

/** Renders a comparison: header, warnings, aligned rows, and a count of regressions. */
export function formatComparison(c: Comparison): string {
  const side = (r: RunResult) =>
    `${r.date}  ${r.commit}${r.dirty ? " (dirty)" : ""}` +
    (r.pooledRuns ? `, ${r.pooledRuns} runs pooled` : "");
  const lines = [
    `before: ${side(c.before)}`,
    `after:  ${side(c.after)}`,
    ...c.warnings.map((w) => `warning: ${w}`),
    "",
  ];
  const rows: string[][] = [[
    "benchmark",
    "figure",
    "before",
    "after",
    "unit",
    "change",
    "verdict",
  ]];
  for (const ch of c.changes) {
    const f = ch.after ?? ch.before!;
    rows.push([
      ch.benchmark,
      ch.figure,
      ch.before ? formatValue(ch.before.median) : "",
      ch.after ? formatValue(ch.after.median) : "",
      f.unit,
      ch.changePercent === undefined
        ? ""
        : `${ch.changePercent >= 0 ? "+" : ""}${ch.changePercent.toFixed(1)}%`,
      MARK[ch.verdict],
    ]);
  }
  const align: Align[] = ["left", "left", "right", "right", "left", "right", "left"];
  const body = alignColumns(rows, align);
  body.splice(1, 0, "-".repeat(Math.max(...body.map((l) => l.length))));
  const count = (v: Verdict) => c.changes.filter((ch) => ch.verdict === v).length;
  lines.push(...body, "");
  lines.push(
    `${count("regression")} regression(s), ${count("improvement")} improvement(s), ` +
      `${count("within noise")} within noise (rule: new min..max clear of old min..max and ` +
      `median more than ${c.thresholdPercent} % away)`,
  );
  return lines.join("\n");
}

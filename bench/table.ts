/**
 * The readable form of a run: a header naming the machine and commit, then one aligned row per
 * figure with its median, range, spread and direction.
 *
 * @module
 */

import { formatValue } from "./context.ts";
import type { MachineInfo, RunResult } from "./result_types.ts";
import type { Summary } from "./stats.ts";

/** Column alignment of {@link alignColumns}. */
export type Align = "left" | "right";

/** Pads the cells of `rows` into columns separated by two spaces; trailing blanks are trimmed. */
export function alignColumns(rows: readonly string[][], align: readonly Align[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => widths[i] = Math.max(widths[i] ?? 0, [...cell].length));
  }
  return rows.map((row) =>
    row.map((cell, i) => {
      const pad = " ".repeat(widths[i] - [...cell].length);
      return align[i] === "right" ? pad + cell : cell + pad;
    }).join("  ").trimEnd()
  );
}

/** One line describing the machine. */
export function describeMachine(m: MachineInfo): string {
  const gib = m.memoryBytes ? `${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB` : "memory unknown";
  const load = m.loadAverage.length ? `, load ${m.loadAverage.join(" ")}` : "";
  return `${m.cpuModel}, ${m.cores} cores, ${gib}, ${m.os} ${m.arch}, Deno ${m.deno} ` +
    `(V8 ${m.v8}, TypeScript ${m.typescript})${load}`;
}

/** Spread of the samples (max − min) relative to the median, in percent: a rough noise figure. */
export function spreadPercent(summary: Summary): number {
  const { min, median, max } = summary;
  return median === 0 ? 0 : ((max - min) / Math.abs(median)) * 100;
}

/** Renders a run as text: header lines, the aligned figure table, then skipped and failed. */
export function formatRunTable(run: RunResult): string {
  const lines = [
    `deno-vmm benchmarks — ${run.date}, commit ${run.commit}${run.dirty ? " (dirty)" : ""}` +
    (run.quick ? ", QUICK smoke pass (not for comparison)" : ""),
    describeMachine(run.machine),
    "",
  ];
  const rows: string[][] = [
    ["benchmark", "figure", "median", "unit", "min", "max", "spread", "n", "better"],
  ];
  const notes: string[] = [];
  for (const b of run.benchmarks) {
    // Reasons go under the table: one long reason would otherwise widen a column for all rows.
    if (b.status !== "ok") {
      notes.push(`${b.status === "failed" ? "FAILED" : "skipped"}  ${b.name}: ${b.reason ?? ""}`);
      continue;
    }
    for (const f of b.figures) {
      rows.push([
        b.name,
        f.name,
        formatValue(f.median),
        f.unit,
        formatValue(f.min),
        formatValue(f.max),
        f.samples.length > 1 ? `±${(spreadPercent(f) / 2).toFixed(1)}%` : "",
        String(f.samples.length),
        f.better,
      ]);
    }
  }
  const align: Align[] = ["left", "left", "right", "left", "right", "right", "right", "right"];
  const body = alignColumns(rows, align);
  body.splice(1, 0, "-".repeat(Math.max(...body.map((l) => l.length))));
  if (notes.length) body.push("", ...notes);
  return [...lines, ...body].join("\n");
}

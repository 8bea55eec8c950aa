/**
 * Runs generated cases on the host CPU and on an implementation under test, and collects
 * the cases whose final states differ (ignoring each case's undefined flags).
 */

import { compareResults, type Difference, formatReport } from "./compare.ts";
import type { GeneratedCase } from "./generator.ts";
import { type HostRunOptions, runOnHost } from "./host_runner.ts";
import type { FlatResult, FlatTestCase } from "./types.ts";

/** Runs a batch of cases; results are in the order of the cases. */
export type BatchRunner = (cases: readonly FlatTestCase[]) => Promise<FlatResult[]> | FlatResult[];

/** Adapts a one-case runner (such as runFlat32); an exception becomes a `fault`. */
export function perCase(run: (tc: FlatTestCase) => FlatResult): BatchRunner {
  return (cases) =>
    cases.map((tc) => {
      try {
        return run(tc);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        return {
          regs: Uint32Array.from(tc.regs),
          eflags: tc.eflags,
          data: Uint8Array.from(tc.data),
          fault: `threw: ${message}`,
        };
      }
    });
}

/** One case on which the two sides disagree. */
export interface DifferentialFailure {
  index: number;
  testCase: GeneratedCase;
  host: FlatResult;
  actual: FlatResult;
  diffs: Difference[];
  /** Readable report (formatReport). */
  report: string;
}

/** Options of runDifferential. */
export interface DifferentialOptions {
  /** Heading of case `i` in reports. @default the case's name or "case i" */
  title?: (i: number, tc: GeneratedCase) => string;
  /** Name of the side under test. @default "interpreter" */
  label?: string;
  /** Passed to runOnHost. @default {} */
  host?: HostRunOptions;
}

/** Runs `cases` on the host and through `run`, and returns every disagreement. */
export async function runDifferential(
  cases: readonly GeneratedCase[],
  run: BatchRunner,
  options: DifferentialOptions = {},
): Promise<DifferentialFailure[]> {
  const host = await runOnHost(cases, options.host);
  const actual = await run(cases);
  const failures: DifferentialFailure[] = [];
  cases.forEach((tc, i) => {
    const diffs = compareResults(host[i], actual[i], { undefinedFlags: tc.undefinedFlags });
    if (diffs.length === 0) return;
    const title = options.title?.(i, tc) ?? tc.name ?? `case ${i}`;
    const report = formatReport(tc, diffs, {
      title,
      labels: ["host", options.label ?? "interpreter"],
    });
    failures.push({ index: i, testCase: tc, host: host[i], actual: actual[i], diffs, report });
  });
  return failures;
}

/** Mnemonics that occur in failing cases, most frequent first (a hint at the culprit). */
export function failureHistogram(failures: readonly DifferentialFailure[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const f of failures) {
    const mnemonic = (line: string) =>
      line.replace(/^(?:[0-9a-f]{2} )*[0-9a-f]{2}\s+/, "").replace(/^(lock|rep|repe|repne) /, "")
        .split(" ")[0];
    const seen = new Set(f.testCase.listing.map(mnemonic));
    for (const m of seen) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1]);
}

/**
 * Field-by-field comparison of two FlatResults (registers, EFLAGS bit by bit, data area byte
 * runs, faults) and a readable report of a failing case: code bytes, listing, initial state
 * and each difference side by side.
 */

import { COMPARED_FLAGS, FLAG_NAMES, flagList } from "./flags.ts";
import type { FlatResult, FlatTestCase } from "./types.ts";

const REG_NAMES = ["EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"];

/** One differing field, with both sides already rendered as text. */
export interface Difference {
  field: string;
  expected: string;
  actual: string;
}

/** Options of compareResults. */
export interface CompareOptions {
  /** EFLAGS bits to ignore (architecturally undefined at the end of the case). @default 0 */
  undefinedFlags?: number;
  /** Memory runs to list before summarising the rest. @default 8 */
  maxMemoryRuns?: number;
}

function h32(v: number): string {
  return "0x" + (v >>> 0).toString(16).padStart(8, "0");
}

function bytesHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}

/** Differences between `expected` and `actual`; an empty list means they agree. */
export function compareResults(
  expected: FlatResult,
  actual: FlatResult,
  options: CompareOptions = {},
): Difference[] {
  const out: Difference[] = [];
  if (expected.fault !== actual.fault) {
    out.push({
      field: "fault",
      expected: expected.fault ?? "none",
      actual: actual.fault ?? "none",
    });
  }
  for (let r = 0; r < 8; r++) {
    if (expected.regs[r] !== actual.regs[r]) {
      out.push({
        field: REG_NAMES[r],
        expected: h32(expected.regs[r]),
        actual: h32(actual.regs[r]),
      });
    }
  }
  const mask = COMPARED_FLAGS & ~(options.undefinedFlags ?? 0);
  const flagDiff = (expected.eflags ^ actual.eflags) & mask;
  for (const [bit, name] of FLAG_NAMES) {
    if ((flagDiff & bit) !== 0) {
      const shift = 31 - Math.clz32(bit & -bit); // lowest bit of the field (IOPL is two bits)
      const val = (f: number) => String((f & bit) >>> shift);
      out.push({ field: name, expected: val(expected.eflags), actual: val(actual.eflags) });
    }
  }
  const covered = FLAG_NAMES.reduce((m, [bit]) => m | bit, 0);
  if ((flagDiff & ~covered) !== 0) {
    out.push({ field: "EFLAGS", expected: h32(expected.eflags), actual: h32(actual.eflags) });
  }
  out.push(...compareData(expected.data, actual.data, options.maxMemoryRuns ?? 8));
  return out;
}

/** Byte runs that differ (gaps under 4 bytes are merged into one run). */
function compareData(expected: Uint8Array, actual: Uint8Array, maxRuns: number): Difference[] {
  if (expected.length !== actual.length) {
    return [{
      field: "data length",
      expected: String(expected.length),
      actual: String(actual.length),
    }];
  }
  const runs: [number, number][] = [];
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === actual[i]) continue;
    const last = runs[runs.length - 1];
    if (last && i - last[1] <= 4) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  const out = runs.slice(0, maxRuns).map(([a, b]) => ({
    field: `data[0x${a.toString(16)}..0x${(b - 1).toString(16)}]`,
    expected: bytesHex(expected.subarray(a, Math.min(b, a + 16))) + (b - a > 16 ? " …" : ""),
    actual: bytesHex(actual.subarray(a, Math.min(b, a + 16))) + (b - a > 16 ? " …" : ""),
  }));
  if (runs.length > maxRuns) {
    out.push({ field: "data", expected: `${runs.length - maxRuns} more runs`, actual: "differ" });
  }
  return out;
}

/** A case as reports show it: a FlatTestCase, optionally with a listing and undefined flags. */
export type ReportedCase = FlatTestCase & { listing?: readonly string[]; undefinedFlags?: number };

/** Options of formatReport. */
export interface ReportOptions {
  /** Heading, e.g. "seed 1 case 42". @default "case" */
  title?: string;
  /** Names of the two sides. @default ["host", "interpreter"] */
  labels?: readonly [string, string];
}

/** A multi-line report of one failing case. */
export function formatReport(
  tc: ReportedCase,
  diffs: readonly Difference[],
  options: ReportOptions = {},
): string {
  const [left, right] = options.labels ?? ["host", "interpreter"];
  const lines = [`${options.title ?? "case"}: ${diffs.length} difference(s)`];
  lines.push(`  code @${h32(tc.codeAddress)}: ${bytesHex(tc.code)}`);
  for (const l of tc.listing ?? []) lines.push(`    ${l}`);
  lines.push(
    "  initial: " + REG_NAMES.map((n, r) => `${n}=${h32(tc.regs[r])}`).join(" ") +
      ` EFLAGS=${h32(tc.eflags)} (${flagList(tc.eflags)})`,
  );
  lines.push(`  data @${h32(tc.dataAddress)}, ${tc.data.length} bytes`);
  if (tc.undefinedFlags) lines.push(`  ignored (undefined) flags: ${flagList(tc.undefinedFlags)}`);
  const width = Math.max(5, ...diffs.map((d) => d.field.length));
  const valWidth = Math.max(left.length, ...diffs.map((d) => d.expected.length));
  lines.push(`  ${"".padEnd(width)}  ${left.padEnd(valWidth)}  ${right}`);
  for (const d of diffs) {
    lines.push(`  ${d.field.padEnd(width)}  ${d.expected.padEnd(valWidth)}  ${d.actual}`);
  }
  return lines.join("\n");
}

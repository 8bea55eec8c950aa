/**
 * The interpreter as the SIMD host comparisons (MMX, SSE, SSE2 and SSE3) run it, and their
 * verdict: every case must end as it does on the host CPU.
 */
import assert from "node:assert/strict";
import { CPU_MODELS } from "../../cpu/cpu_model.ts";
import { CR4_OSFXSR, CR4_OSXMMEXCPT } from "../../cpu/ops/sse_common.ts";
import { type FlatRunOptions, runFlat32, runFlat32Jit } from "../../cpu/testing/run_flat.ts";
import type { GeneratedCase } from "./generator.ts";
import {
  type BatchRunner,
  type DifferentialOptions,
  failureHistogram,
  perCase,
  runDifferential,
} from "./run_differential.ts";

/** The signal the host process dies of for each exception the interpreter reports. */
const HOST_SIGNAL: Record<string, string> = { "#UD": "SIGILL", "#GP": "SIGSEGV", "#PF": "SIGSEGV" };

/**
 * The machine the host runs SSE code on: a processor with SSE, SSE2 and SSE3 (the `max` model
 * reports them all, as QEMU's qemu32, qemu64 and max do) under an OS that enabled SSE
 * (CR4.OSFXSR, CR4.OSXMMEXCPT). The flat runner's own default is the first model with CR4 = 0.
 */
export const SSE_MACHINE: FlatRunOptions = {
  model: CPU_MODELS.find((m) => m.name === "max")!,
  cr4: CR4_OSFXSR | CR4_OSXMMEXCPT,
};

/**
 * The interpreter (or, with `jit`, compiled code with every block compiled on first sight) on
 * `machine`, with its exceptions named as the host reports them.
 */
export function hostLikeInterpreter(machine: FlatRunOptions = {}, jit = false): BatchRunner {
  const runner = jit ? runFlat32Jit : runFlat32;
  return perCase((tc) => {
    const r = runner(tc, machine);
    return r.fault === undefined ? r : { ...r, fault: HOST_SIGNAL[r.fault] ?? r.fault };
  });
}

/** Options of {@link assertMatchesHost}. */
export interface SimdHostOptions {
  /** The machine the interpreter runs on. @default the flat runner's (first model, CR4 = 0) */
  machine?: FlatRunOptions;
  /** What the cases are, in the failure message ("SSE", "edge"). @default "" */
  label?: string;
  /** Heading of case `i` in reports (see runDifferential). @default the case's name or "case i" */
  title?: DifferentialOptions["title"];
  /** Whether the message names the mnemonics of the failing cases, most frequent first. @default false */
  mnemonics?: boolean;
  /** How many failure reports the message shows. @default 6 */
  shown?: number;
  /** Run the cases under the JIT instead of the interpreter alone. @default false */
  jit?: boolean;
}

/** Runs `cases` on the host and on the interpreter and fails with a report of every difference. */
export async function assertMatchesHost(
  cases: readonly GeneratedCase[],
  options: SimdHostOptions = {},
): Promise<void> {
  const runner = hostLikeInterpreter(options.machine, options.jit);
  const failures = await runDifferential(cases, runner, {
    title: options.title,
  });
  if (failures.length === 0) return;
  const what = options.label ? `${options.label} cases` : "cases";
  const hist = failureHistogram(failures).slice(0, 12).map(([m, n]) => `${m}×${n}`).join(" ");
  assert.fail(
    `${failures.length} of ${cases.length} ${what} differ from the host CPU` +
      (options.jit ? " under the JIT" : "") +
      (options.mnemonics ? ` (mnemonics: ${hist})` : "") + "\n\n" +
      failures.slice(0, options.shown ?? 6).map((f) => f.report).join("\n\n"),
  );
}

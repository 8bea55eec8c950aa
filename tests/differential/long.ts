/**
 * Long differential run: many random cases against the host CPU, printed as readable reports.
 *
 *   deno run -A tests/differential/long.ts --cases 100000 --seed 7
 *   options: --families alu,shift   only these families ("branch" included by name)
 *            --against host        compare the host with itself (checks the harness)
 *            --directed            also run the directed edge cases
 *            --chunk 5000          cases generated and run at a time
 *            --max-reports 20      full reports printed (all failures are counted)
 *
 * Exits with status 1 when any case differs.
 */

import { directedCases } from "./directed.ts";
import { generateCases, type GeneratedCase } from "./generator.ts";
import { runOnHost } from "./host_runner.ts";
import {
  type BatchRunner,
  type DifferentialFailure,
  failureHistogram,
  perCase,
  runDifferential,
} from "./run_differential.ts";

function parseArgs(args: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument ${a}`);
    const next = args[i + 1];
    if (next === undefined || next.startsWith("--")) out.set(a.slice(2), "true");
    else out.set(a.slice(2), args[++i]);
  }
  return out;
}

async function main(): Promise<number> {
  const args = parseArgs(Deno.args);
  const total = Number(args.get("cases") ?? 100000);
  const seed = Number(args.get("seed") ?? 1);
  const chunk = Number(args.get("chunk") ?? 5000);
  const maxReports = Number(args.get("max-reports") ?? 20);
  const families = args.get("families")?.split(",");
  const against = args.get("against") ?? "interpreter";
  let run: BatchRunner;
  if (against === "host") {
    run = (cases) => runOnHost(cases);
  } else {
    // Loaded lazily so that `--against host` works before the interpreter exists.
    const { runFlat32 } = await import("../../cpu/testing/run_flat.ts");
    run = perCase(runFlat32);
  }

  const failures: DifferentialFailure[] = [];
  let printed = 0;
  const report = (batch: DifferentialFailure[]) => {
    for (const f of batch) {
      failures.push(f);
      if (printed++ < maxReports) console.log(f.report + "\n");
    }
  };
  const started = performance.now();
  if (args.has("directed")) {
    const cases = directedCases();
    report(await runDifferential(cases, run, { label: against }));
  }
  for (let first = 0; first < total; first += chunk) {
    const cases: GeneratedCase[] = generateCases(seed, Math.min(chunk, total - first), {
      first,
      families,
    });
    report(
      await runDifferential(cases, run, {
        label: against,
        title: (i) => `seed ${seed} case ${first + i} (generateCaseAt(${seed}, ${first + i}))`,
      }),
    );
    const done = Math.min(total, first + chunk);
    const secs = ((performance.now() - started) / 1000).toFixed(1);
    console.error(`${done}/${total} cases, ${failures.length} failing, ${secs} s`);
  }
  if (failures.length > 0) {
    const hist = failureHistogram(failures).slice(0, 20).map(([m, n]) => `${m}×${n}`).join(" ");
    console.log(`${failures.length} failing case(s); mnemonics in failing cases: ${hist}`);
    return 1;
  }
  console.log(`all ${total} cases agree (seed ${seed})`);
  return 0;
}

if (import.meta.main) Deno.exit(await main());

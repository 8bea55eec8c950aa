/**
 * `deno task bench`: runs the registered benchmarks, lists them, or compares two runs.
 * See {@link USAGE} for the options.
 *
 * @module
 */

import "./benchmarks.ts";
import { type Command, parseCommandLine, USAGE } from "./cli.ts";
import { compareRuns, formatComparison, poolRuns } from "./compare.ts";
import { registeredBenchmarks, selectBenchmarks } from "./registry.ts";
import { DEFAULT_RESULTS_DIR, listResultFiles, readResult } from "./results_file.ts";
import { runBenchmarks } from "./runner.ts";
import { alignColumns } from "./table.ts";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The results files meant by what the user typed: a path (that file), or a commit, stem or date
 * fragment matching files in `dir` (all full runs that match, pooled by `--compare`; quick runs
 * only when nothing else matches), or several of these separated by commas.
 */
export async function resolveResultFiles(arg: string, dir: string): Promise<string[]> {
  if (arg.includes(",")) {
    const parts = await Promise.all(
      arg.split(",").filter(Boolean).map((a) => resolveResultFiles(a, dir)),
    );
    return [...new Set(parts.flat())];
  }
  if (await isFile(arg)) return [arg];
  const matches = (await listResultFiles(dir)).filter((p) =>
    p.slice(p.lastIndexOf("/") + 1).includes(arg)
  );
  if (matches.length === 0) throw new Error(`no results file matches "${arg}" in ${dir}`);
  const full: string[] = [];
  for (const path of matches) if (!(await readResult(path)).quick) full.push(path);
  return full.length ? full : matches;
}

/** The last two full (not `--quick`) runs in `dir`, oldest first. */
export async function lastTwoRuns(dir: string): Promise<[string, string]> {
  const full: string[] = [];
  for (const path of await listResultFiles(dir)) {
    if (!(await readResult(path)).quick) full.push(path);
  }
  if (full.length < 2) {
    throw new Error(
      `--compare needs two full runs in ${dir} (found ${full.length}); run deno task bench`,
    );
  }
  return [full[full.length - 2], full[full.length - 1]];
}

async function execute(command: Command): Promise<number> {
  switch (command.kind) {
    case "help":
      console.log(USAGE);
      return 0;
    case "list": {
      const rows = registeredBenchmarks().map((b) => [b.name, b.description]);
      console.log(alignColumns(rows, ["left", "left"]).join("\n"));
      return 0;
    }
    case "compare": {
      const dir = command.outDir ?? DEFAULT_RESULTS_DIR;
      const [a, b] = command.files.length === 2
        ? [
          await resolveResultFiles(command.files[0], dir),
          await resolveResultFiles(command.files[1], dir),
        ]
        : (await lastTwoRuns(dir)).map((p) => [p]);
      const shared = a.filter((p) => b.includes(p));
      if (shared.length) throw new Error(`${shared[0]} is on both sides of the comparison`);
      const read = async (paths: string[]) =>
        poolRuns(await Promise.all(paths.map((p) => readResult(p))));
      const comparison = compareRuns(await read(a), await read(b), {
        thresholdPercent: command.thresholdPercent,
      });
      console.log(`${a.join("\n")}\n  → ${b.join("\n    ")}\n`);
      console.log(formatComparison(comparison));
      return 0;
    }
    case "run": {
      const chosen = selectBenchmarks(command.names);
      const outDir = command.outDir ?? DEFAULT_RESULTS_DIR;
      const outcome = await runBenchmarks(chosen, { quick: command.quick, outDir });
      console.log("\n" + outcome.table + "\n");
      console.log(`results: ${outcome.files.json}`);
      for (const svg of outcome.files.svgs) console.log(`plot:    ${svg}`);
      const failed = outcome.result.benchmarks.filter((b) => b.status === "failed");
      return failed.length ? 1 : 0;
    }
  }
}

/** Runs the command line `args` and returns the exit status. */
export async function main(args: readonly string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommandLine(args);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  try {
    return await execute(command);
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));

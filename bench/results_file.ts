/**
 * Results files: naming (DATE-COMMIT.json), the git commit of the measured tree, writing a run
 * with its SVG plots, and reading runs back for comparison.
 *
 * @module
 */

import { RESULTS_SCHEMA, type RunResult } from "./result_types.ts";

/** The default results directory, bench/results/ beside this file. */
export const DEFAULT_RESULTS_DIR: string = new URL("./results/", import.meta.url).pathname;

/** The commit a run measures. */
export interface CommitInfo {
  /** Short commit hash, or "nogit" when git or the repository is unavailable. */
  commit: string;
  /** Uncommitted changes to tracked files: the figures are not those of `commit` alone. */
  dirty: boolean;
}

async function git(dir: string, args: string[]): Promise<string | undefined> {
  try {
    const out = await new Deno.Command("git", {
      args: ["-C", dir, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : undefined;
  } catch {
    return undefined; // no git binary, or no permission to run it
  }
}

/** The short commit of the repository holding `dir`, and whether its tracked files changed. */
export async function gitCommit(dir: string): Promise<CommitInfo> {
  const commit = await git(dir, ["rev-parse", "--short", "HEAD"]);
  if (!commit) return { commit: "nogit", dirty: false };
  const status = await git(dir, ["status", "--porcelain", "--untracked-files=no"]);
  return { commit, dirty: status !== undefined && status !== "" };
}

/**
 * The file stem of a run: ISO 8601 date and UTC time, with `-` for `:` (which some file systems
 * refuse), then the commit, e.g. "2025-03-01T09-30-05Z-ab0a60b". Stems sort by time.
 */
export function resultStem(date: Date, commit: string): string {
  const iso = date.toISOString().replace(/\.\d{3}Z$/, "Z").replaceAll(":", "-");
  return `${iso}-${commit}`;
}

const STEM = /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ-[A-Za-z0-9]+(-\d+)?$/;

/** The results files in `dir`, oldest first (empty when the directory does not exist). */
export async function listResultFiles(dir: string = DEFAULT_RESULTS_DIR): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".json") && STEM.test(entry.name.slice(0, -5))) {
        names.push(entry.name);
      }
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return names.sort().map((n) => joinPath(dir, n));
}

/** Reads and checks a results file; a file of another schema version throws an Error. */
export async function readResult(path: string): Promise<RunResult> {
  const data = JSON.parse(await Deno.readTextFile(path));
  if (data?.schema !== RESULTS_SCHEMA || !Array.isArray(data.benchmarks)) {
    throw new Error(`${path} is not a results file of schema ${RESULTS_SCHEMA}`);
  }
  return data as RunResult;
}

/** What {@link writeResult} wrote. */
export interface WrittenFiles {
  /** Path of the JSON file. */
  json: string;
  /** Paths of the SVG files. */
  svgs: string[];
}

/**
 * A stem for a run started at `run.date` on `run.commit` that no results file in `dir` uses yet: the
 * plain {@link resultStem}, or with a `-2`, `-3`… suffix. Files are never overwritten.
 */
export async function freeStem(
  dir: string,
  run: { date: Date; commit: string },
): Promise<string> {
  const base = resultStem(run.date, run.commit);
  let stem = base;
  for (let n = 2; await exists(joinPath(dir, `${stem}.json`)); n++) stem = `${base}-${n}`;
  return stem;
}

/** Options of {@link writeResult}. */
export interface WriteResultOptions {
  /** File stem, from {@link freeStem}. */
  stem: string;
  /** SVG files to write beside the JSON: file name → SVG text. @default none */
  svgs?: Map<string, string>;
}

/** Writes `result` as `<stem>.json` in `dir` (created if needed), and the SVGs beside it. */
export async function writeResult(
  result: RunResult,
  dir: string,
  options: WriteResultOptions,
): Promise<WrittenFiles> {
  await Deno.mkdir(dir, { recursive: true });
  const svgs: string[] = [];
  for (const [name, text] of options.svgs ?? []) {
    const path = joinPath(dir, name);
    await Deno.writeTextFile(path, text);
    svgs.push(path);
  }
  const json = joinPath(dir, `${options.stem}.json`);
  await Deno.writeTextFile(json, JSON.stringify(result, null, 2) + "\n");
  return { json, svgs };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/** Joins a directory and a file name with exactly one `/`. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/**
 * Whether this Deno process may give Workers their own permissions.
 *
 * `new Worker(url, { deno: { permissions } })` is unstable in Deno 2.x: without
 * `--unstable-worker-options` (or `"unstable": ["worker-options"]` in the deno.json Deno used)
 * Deno does not throw, it ends the whole process with status 70. So the sandbox looks first, at
 * the command line and at the configuration file, and refuses to start a plugin rather than
 * take the VMM down.
 *
 * @module
 */

const FEATURE = "worker-options";
const FLAG = "--unstable-worker-options";
let assumed = false;

/**
 * Declares that this process was started with `--unstable-worker-options`. Deno grants reading
 * its own command line (`/proc/self/cmdline`) only with `--allow-all`, so a program run with
 * narrower permissions and the flag on its command line (not in deno.json) says so here.
 *
 * @example
 * ```ts ignore
 * // main.ts of a program always launched as `deno run --unstable-worker-options ...`
 * assumeWorkerPermissions();
 * ```
 */
export function assumeWorkerPermissions(): void {
  assumed = true;
}

/**
 * True when Deno was started so that Worker permissions are allowed: declared by
 * {@link assumeWorkerPermissions}, or found in `/proc/self/cmdline` (readable under
 * `--allow-all` only) or in the deno.json Deno uses. Answers false when it cannot tell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(typeof workerPermissionsEnabled(), "boolean");
 * ```
 */
export function workerPermissionsEnabled(): boolean {
  if (assumed) return true;
  const args = commandLine();
  if (args.includes(FLAG)) return true;
  if (args.includes("--no-config")) return false;
  const configFlag = args.findIndex((a) => a === "--config" || a === "-c");
  const explicit = configFlag >= 0
    ? args[configFlag + 1]
    : args.find((a) => a.startsWith("--config="))?.slice("--config=".length);
  if (explicit !== undefined) return configEnables(explicit);
  // Deno looks for deno.json(c) from the main module's directory upwards (and for `deno test`
  // from the working directory); the nearest file wins.
  for (const start of startDirs()) {
    const found = nearestConfig(start);
    if (found !== undefined) return configEnables(found);
  }
  return false;
}

/** Throws a clear Error unless {@link workerPermissionsEnabled}. */
export function assertWorkerPermissions(): void {
  if (!workerPermissionsEnabled()) {
    throw new Error(
      `device plugins need Worker permissions: run Deno with ${FLAG} or add ` +
        `"unstable": ["${FEATURE}"] to deno.json`,
    );
  }
}

function commandLine(): string[] {
  try {
    return Deno.readTextFileSync("/proc/self/cmdline").split("\0");
  } catch {
    return [];
  }
}

function startDirs(): string[] {
  const dirs: string[] = [];
  try {
    const main = new URL(Deno.mainModule);
    if (main.protocol === "file:") {
      dirs.push(decodeURIComponent(main.pathname).replace(/\/[^/]*$/, ""));
    }
  } catch { /* no main module */ }
  try {
    dirs.push(Deno.cwd());
  } catch { /* no read permission for the cwd */ }
  return dirs;
}

function nearestConfig(dir: string): string | undefined {
  for (let d = dir; d !== ""; d = d.replace(/\/[^/]*$/, "")) {
    for (const name of ["deno.json", "deno.jsonc"]) {
      const path = `${d}/${name}`;
      try {
        if (Deno.statSync(path).isFile) return path;
      } catch { /* absent or unreadable */ }
    }
  }
  return undefined;
}

function configEnables(path: string): boolean {
  try {
    const text = Deno.readTextFileSync(path)
      // JSONC: drop comments (outside strings, which deno.json files rarely put them in).
      .replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_, s) => s ?? "")
      .replace(/,(\s*[}\]])/g, "$1");
    const unstable = JSON.parse(text).unstable;
    return Array.isArray(unstable) && unstable.includes(FEATURE);
  } catch {
    return false;
  }
}

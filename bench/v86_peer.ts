/**
 * v86 as a peer: where the npm package and SeaBIOS are, or why the v86 benchmarks skip.
 * bench/v86_setup.sh installs v86 into /tmp (or `$V86_PREFIX`); nothing goes into the repository.
 *
 * @module
 */

/** Where bench/v86_setup.sh installs v86 by default (`$V86_PREFIX` overrides it). */
export const V86_DEFAULT_PREFIX = "/tmp/deno-vmm-v86";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * The directory of the v86 package: `$V86_DIR`, else where bench/v86_setup.sh puts it
 * (`$V86_PREFIX` or /tmp/deno-vmm-v86, then node_modules/v86), else the repository's
 * node_modules/v86. Undefined when none holds build/libv86.mjs and build/v86.wasm.
 */
export async function findV86(): Promise<string | undefined> {
  const prefix = Deno.env.get("V86_PREFIX") ?? V86_DEFAULT_PREFIX;
  const dirs = [
    Deno.env.get("V86_DIR"),
    `${prefix}/node_modules/v86`,
    new URL("../node_modules/v86", import.meta.url).pathname,
  ].filter((d): d is string => !!d);
  for (const dir of dirs) {
    if (await isFile(`${dir}/build/libv86.mjs`) && await isFile(`${dir}/build/v86.wasm`)) {
      return dir;
    }
  }
  return undefined;
}

/** Why v86 is missing, as a skip reason. */
export const V86_MISSING =
  "v86 not installed (no $V86_DIR, no /tmp/deno-vmm-v86/node_modules/v86/build/libv86.mjs); " +
  "run bench/v86_setup.sh";

/** The version in the package's package.json, e.g. "0.5.462+g5f9a90f". */
export async function v86Version(dir: string): Promise<string> {
  try {
    const pkg = JSON.parse(await Deno.readTextFile(`${dir}/package.json`));
    return String(pkg.version);
  } catch {
    return "unknown version";
  }
}

/** SeaBIOS images for v86. */
export interface Seabios {
  bios: string;
  vgaBios: string;
}

/**
 * Debian's SeaBIOS (package `seabios`), or the directory `$SEABIOS_DIR`: bios.bin, and the
 * Bochs-VBE VGA BIOS v86 emulates (vgabios-stdvga.bin, else vgabios.bin). Undefined if absent.
 */
export async function findSeabios(): Promise<Seabios | undefined> {
  const dir = Deno.env.get("SEABIOS_DIR") ?? "/usr/share/seabios";
  const bios = `${dir}/bios.bin`;
  if (!(await isFile(bios))) return undefined;
  for (const vga of ["vgabios-stdvga.bin", "vgabios.bin"]) {
    if (await isFile(`${dir}/${vga}`)) return { bios, vgaBios: `${dir}/${vga}` };
  }
  return undefined;
}

/** Why SeaBIOS is missing, as a skip reason. */
export const SEABIOS_MISSING =
  "SeaBIOS not found (no $SEABIOS_DIR, no /usr/share/seabios/bios.bin; apt-get install seabios)";

/** The v86 package and SeaBIOS, found; or the reason a v86 benchmark must skip. */
export type V86Setup =
  | { ok: true; dir: string; version: string; seabios: Seabios }
  | { ok: false; reason: string };

/** Finds v86 and SeaBIOS (see {@link findV86} and {@link findSeabios}). */
export async function v86Setup(): Promise<V86Setup> {
  const dir = await findV86();
  if (!dir) return { ok: false, reason: V86_MISSING };
  const seabios = await findSeabios();
  if (!seabios) return { ok: false, reason: SEABIOS_MISSING };
  return { ok: true, dir, version: await v86Version(dir), seabios };
}

/** Arguments of `deno run` for a v86 child script: read access to v86, SeaBIOS and `paths`. */
export function v86ChildArgs(dir: string, seabios: Seabios, paths: string[]): string[] {
  return [
    "run",
    "--quiet",
    "--no-config",
    `--allow-read=${[dir, seabios.bios, seabios.vgaBios, ...paths].join(",")}`,
  ];
}

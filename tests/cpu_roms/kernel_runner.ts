import { createMachine, parseArgs } from "../../mod.ts";

/** What a kernel wrote to the debug console (port 0xe9) and the VMM's exit status. */
export interface KernelRun {
  /** Exit status: isa-debug-exit's `(value << 1) | 1`, 0 after a reset under -no-reboot. */
  status: number;
  /** Everything written to the debug console, decoded as UTF-8. */
  output: string;
}

/** Options of the runners. */
export interface RunOptions {
  /** Wall-clock limit for one run in milliseconds. @default 20000 */
  timeoutMs?: number;
}

/** The status a run reports when it hit its time limit (no VMM exits with it). */
export const TIMED_OUT = -1;

/** QEMU's name for the emulator the kernels are proven on. */
export const QEMU = "qemu-system-i386";

const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * The command line both VMMs run a test kernel with, in QEMU's spelling:
 * no default devices, no reboot on a triple fault, the debug console in
 * `debugcon` (e.g. `file:/tmp/out`) and isa-debug-exit at port 0xf4.
 */
export function kernelArgs(kernel: string, debugcon: string): string[] {
  return [
    "-nographic",
    "-no-reboot",
    "-display",
    "none",
    "-nodefaults",
    "-kernel",
    kernel,
    "-device",
    "isa-debug-exit,iobase=0xf4,iosize=0x04",
    "-debugcon",
    debugcon,
  ];
}

/** True when `program` can be started from PATH (checked once per name). */
export function hasProgram(program: string): boolean {
  let found = programCache.get(program);
  if (found === undefined) {
    try {
      const out = new Deno.Command(program, { args: ["--version"], stdout: "null", stderr: "null" })
        .outputSync();
      found = out.success;
    } catch {
      found = false;
    }
    programCache.set(program, found);
  }
  return found;
}
const programCache = new Map<string, boolean>();

/** Runs a command with the debug console in a temporary file; kills it after the limit. */
async function runCommand(
  program: string,
  args: (debugcon: string) => string[],
  options: RunOptions,
): Promise<KernelRun> {
  const file = await Deno.makeTempFile({ prefix: "cpu_roms_", suffix: ".debugcon" });
  try {
    const child = new Deno.Command(program, {
      args: args(`file:${file}`),
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const result = await child.output();
    clearTimeout(timer);
    const output = await Deno.readTextFile(file);
    return { status: timedOut ? TIMED_OUT : result.code, output };
  } finally {
    await Deno.remove(file);
  }
}

/** Runs `kernel` on qemu-system-i386 (which must be installed: see {@link hasProgram}). */
export function runQemu(kernel: string, options: RunOptions = {}): Promise<KernelRun> {
  return runCommand(QEMU, (debugcon) => kernelArgs(kernel, debugcon), options);
}

/** Runs `kernel` through deno-vmm's command line (`deno run -A main.ts ...`) in a child. */
export function runCommandLine(kernel: string, options: RunOptions = {}): Promise<KernelRun> {
  const main = new URL("../../main.ts", import.meta.url).pathname;
  return runCommand(
    Deno.execPath(),
    (debugcon) => ["run", "-A", main, ...kernelArgs(kernel, debugcon)],
    options,
  );
}

/**
 * Runs `kernel` on deno-vmm inside this process: the same command line goes
 * through `parseArgs` and `createMachine` as in main.ts, so devices and
 * firmware state match the command-line run, without a process start per kernel.
 */
export async function runInProcess(kernel: string, options: RunOptions = {}): Promise<KernelRun> {
  const file = await Deno.makeTempFile({ prefix: "cpu_roms_", suffix: ".debugcon" });
  try {
    const { machine, close } = await createMachine(parseArgs(kernelArgs(kernel, `file:${file}`)), {
      log: () => {},
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      machine.stop(0);
    }, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    let status: number;
    try {
      status = await machine.run();
    } finally {
      clearTimeout(timer);
      close();
    }
    const output = await Deno.readTextFile(file);
    return { status: timedOut ? TIMED_OUT : status, output };
  } finally {
    await Deno.remove(file);
  }
}

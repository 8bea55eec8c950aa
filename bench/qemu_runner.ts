/**
 * Running a benchmark loop under QEMU (TCG) as a peer. QEMU's own start-up (firmware, option ROM,
 * process creation) dwarfs a short loop, so each sample pairs a run of the loop with one of a
 * single iteration and divides the difference in instructions by the difference in wall time.
 *
 * @module
 */

import { LOOP_EXIT_STATUS } from "./cpu_loops.ts";
import { multibootImage } from "./multiboot_image.ts";

/** The QEMU binary to use: `$QEMU_SYSTEM_I386` if set, else `qemu-system-i386` on PATH. */
export async function findQemu(): Promise<string | undefined> {
  const explicit = Deno.env.get("QEMU_SYSTEM_I386");
  const candidates = explicit ? [explicit] : pathCandidates("qemu-system-i386");
  for (const path of candidates) {
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

function pathCandidates(name: string): string[] {
  const path = Deno.env.get("PATH") ?? "";
  return path.split(":").filter(Boolean).map((dir) => `${dir}/${name}`);
}

/** The version line QEMU prints, e.g. "QEMU emulator version 7.2.22". */
export async function qemuVersion(qemu: string): Promise<string> {
  const out = await new Deno.Command(qemu, { args: ["--version"], stdin: "null" }).output();
  return new TextDecoder().decode(out.stdout).split("\n")[0].trim();
}

/** A temporary directory holding kernel images; remove it with `close`. */
export class QemuRunner {
  readonly #qemu: string;
  readonly #dir: string;
  #images = 0;

  private constructor(qemu: string, dir: string) {
    this.#qemu = qemu;
    this.#dir = dir;
  }

  /** A runner for the QEMU binary at `qemu`. */
  static async open(qemu: string): Promise<QemuRunner> {
    return new QemuRunner(qemu, await Deno.makeTempDir({ prefix: "deno-vmm-bench-" }));
  }

  /** Writes `code` as a Multiboot kernel and returns its path. */
  async image(code: Uint8Array): Promise<string> {
    const path = `${this.#dir}/loop${this.#images++}.bin`;
    await Deno.writeFile(path, multibootImage(code));
    return path;
  }

  /**
   * Boots `kernel` under TCG with no devices but isa-debug-exit and returns the wall time in
   * seconds. Throws an Error unless the guest left through the loop's exit sequence.
   */
  async time(kernel: string): Promise<number> {
    const start = performance.now();
    const out = await new Deno.Command(this.#qemu, {
      args: [
        "-accel",
        "tcg",
        "-nodefaults",
        "-display",
        "none",
        "-no-reboot",
        "-m",
        "32",
        "-kernel",
        kernel,
        "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x04",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - start) / 1000;
    if (out.code !== LOOP_EXIT_STATUS) {
      const err = new TextDecoder().decode(out.stderr).trim();
      throw new Error(`QEMU exited with ${out.code}, not ${LOOP_EXIT_STATUS}: ${err}`);
    }
    return seconds;
  }

  /** Removes the images. */
  async close(): Promise<void> {
    await Deno.remove(this.#dir, { recursive: true });
  }
}

/**
 * Runs Multiboot images (the cpu_mips loops, bench/multiboot_image.ts) under v86 one after the
 * other and times each, for the cpu_mips_v86 peer. Reads one image path per line on stdin and
 * answers each with one JSON line on stdout, `{"seconds":0.5,"instructions":123}`: seconds from
 * v86's start (SeaBIOS, then the option ROM that loads the image) to the loop's exit, and v86's
 * instruction count by then. Other lines on stdout are v86's own messages.
 *
 * The loops end with `out 0xf4, al; hlt`; v86 treats a write to port 0xf4 after a Multiboot boot
 * as kvm-unit-tests' exit and throws the string "HALT" out of its run loop, which is caught here.
 * A HLT with interrupts off ends a run too, in case the port write passes unnoticed.
 *
 * Usage: deno run --allow-read bench/v86_multiboot.ts V86_DIR BIOS VGA_BIOS
 *
 * @module
 */

import { baseOptions, loadV86, type V86Constructor, v86Image } from "./_v86_emulator.ts";

/** What one run of an image took. */
export interface V86LoopRun {
  /** Seconds from v86's start to the loop's exit. */
  seconds: number;
  /** v86's instruction counter at the exit (32 bits: it wraps). */
  instructions: number;
}

async function runImage(
  V86: V86Constructor,
  options: Record<string, unknown>,
  path: string,
): Promise<V86LoopRun> {
  const multiboot = await v86Image(path);
  return await new Promise((resolve) => {
    let t0 = performance.now();
    let done = false;
    const emulator = new V86({ ...options, multiboot });
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = (performance.now() - t0) / 1000;
      globalThis.removeEventListener("error", onError);
      const instructions = emulator.get_instruction_counter();
      // Not awaited: destroy waits for the run loop to stop, and a "HALT" has already left it.
      emulator.destroy().catch(() => {});
      resolve({ seconds, instructions });
    };
    const onError = (e: ErrorEvent) => {
      if (e.error !== "HALT") return;
      e.preventDefault();
      finish();
    };
    globalThis.addEventListener("error", onError);
    emulator.add_listener("emulator-started", () => t0 = performance.now());
    emulator.add_listener("cpu-event-halt", finish);
  });
}

async function main([dir, bios, vgaBios]: string[]): Promise<void> {
  const V86 = await loadV86(dir);
  const options = {
    ...baseOptions(dir, 32 << 20),
    bios: await v86Image(bios),
    vga_bios: await v86Image(vgaBios),
  };
  const encoder = new TextEncoder();
  const lines = Deno.stdin.readable.pipeThrough(new TextDecoderStream());
  let partial = "";
  for await (const chunk of lines) {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const path of parts.filter(Boolean)) {
      const run = await runImage(V86, options, path);
      Deno.stdout.writeSync(encoder.encode(JSON.stringify(run) + "\n"));
    }
  }
  Deno.exit(0);
}

if (import.meta.main) await main(Deno.args);

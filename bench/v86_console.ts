/**
 * Boots a Linux guest under v86 (npm package `v86`, run through Deno's Node compatibility) with
 * its first serial port on this process's stdin and stdout, for the v86 peer benchmarks. Each time
 * the shell prompt appears, one JSON line goes to stderr with v86's instruction counter, so the
 * parent can report guest MIPS: `{"prompt":0,"instructions":123,"ms":4567}`.
 *
 * Usage: deno run --allow-read bench/v86_console.ts CONFIG_JSON (see {@link V86ConsoleConfig}).
 *
 * @module
 */

import { baseOptions, extendedCounter, loadV86, v86Image } from "./_v86_emulator.ts";

/** What to boot; passed as the first argument, as JSON. */
export interface V86ConsoleConfig {
  /** Directory of the v86 package (holding build/libv86.mjs and build/v86.wasm). */
  v86Dir: string;
  /** SeaBIOS image. */
  bios: string;
  /** VGA BIOS image. */
  vgaBios: string;
  /** Linux bzImage. */
  bzimage: string;
  /** Initial RAM disk. */
  initrd: string;
  /** Kernel command line. */
  cmdline: string;
  /** Guest RAM in bytes. */
  memoryBytes: number;
  /** The prompt to report. */
  prompt: string;
}

async function main(config: V86ConsoleConfig): Promise<void> {
  const V86 = await loadV86(config.v86Dir);
  const t0 = performance.now();
  const emulator = new V86({
    ...baseOptions(config.v86Dir, config.memoryBytes),
    bios: await v86Image(config.bios),
    vga_bios: await v86Image(config.vgaBios),
    bzimage: await v86Image(config.bzimage),
    initrd: await v86Image(config.initrd),
    cmdline: config.cmdline,
  });
  const counter = extendedCounter(emulator);
  const prompt = config.prompt;
  const last = prompt.charCodeAt(prompt.length - 1);
  const tail: number[] = [];
  let prompts = 0;
  const byte = new Uint8Array(1);
  const encoder = new TextEncoder();
  emulator.add_listener("serial0-output-byte", (b) => {
    byte[0] = b;
    Deno.stdout.writeSync(byte);
    tail.push(b);
    if (tail.length > prompt.length) tail.shift();
    if (b === last && String.fromCharCode(...tail) === prompt) {
      const mark = { prompt: prompts++, instructions: counter.read(), ms: performance.now() - t0 };
      Deno.stderr.writeSync(encoder.encode(JSON.stringify(mark) + "\n"));
    }
  });
  for await (const chunk of Deno.stdin.readable) emulator.serial_send_bytes(0, chunk);
  // The host closed the console: the guest is no longer wanted.
  counter.stop();
  Deno.exit(0);
}

if (import.meta.main) await main(JSON.parse(Deno.args[0]) as V86ConsoleConfig);

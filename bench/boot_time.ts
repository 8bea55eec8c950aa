/**
 * Boot time of the default guest: wall-clock seconds from creating the machine to the busybox
 * prompt on the serial console, and the guest instructions retired on the way. Guest time follows
 * host time, so this is what a user waits for after `deno task boot`.
 *
 * @module
 */

import { MemoryChardev } from "../devices/chardev/mod.ts";
import { PcMachine } from "../devices/board/pc_machine.ts";
import type { BenchContext } from "./context.ts";
import { registerBenchmark } from "./registry.ts";

const guest = (f: string) => new URL(`../guests/${f}`, import.meta.url);
const PROMPT = "/root # ";

/** Boots once; returns seconds to the prompt and the instructions retired by then. */
export async function bootToPrompt(
  timeoutMs = 300_000,
): Promise<{ seconds: number; instructions: number }> {
  const serial = new MemoryChardev();
  const t0 = performance.now();
  const machine = new PcMachine({
    memoryBytes: 128 << 20,
    kernel: { name: "bzImage", data: await Deno.readFile(guest("bzImage")) },
    initrd: [{ name: "initramfs.cpio", data: await Deno.readFile(guest("initramfs.cpio")) }],
    append: "console=ttyS0",
    serial: [serial],
    noReboot: true,
    log: () => {},
  });
  const exit = machine.run();
  try {
    while (!serial.text().includes(PROMPT)) {
      if (performance.now() - t0 > timeoutMs) throw new Error("no shell prompt");
      await new Promise((r) => setTimeout(r, 20));
    }
    return { seconds: (performance.now() - t0) / 1000, instructions: machine.cpu.instructions };
  } finally {
    machine.stop(0);
    await exit;
  }
}

registerBenchmark({
  name: "boot",
  description: "default guest (Linux 6.1 + busybox): seconds to the shell prompt",
  async run(ctx: BenchContext) {
    const runs = ctx.quick ? 1 : 3;
    const seconds: number[] = [];
    const instructions: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await bootToPrompt();
      seconds.push(r.seconds);
      instructions.push(r.instructions / 1e6);
      ctx.log(
        `boot ${i + 1}: ${r.seconds.toFixed(2)} s, ${
          (r.instructions / 1e6).toFixed(0)
        } M instructions`,
      );
    }
    ctx.figure("boot to shell prompt", seconds, { unit: "s", better: "lower" });
    ctx.figure("instructions to shell prompt", instructions, { unit: "M", better: "lower" });
  },
});

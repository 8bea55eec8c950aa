/**
 * Boot time of the default guest: wall-clock seconds from creating the machine to the busybox
 * prompt on the serial console, under the interpreter and under the JIT (boots taken in turn, so
 * drift on the machine hits both), the guest instructions retired on the way, and the JIT's
 * speed-up. Guest time follows host time, so this is what a user waits for after `deno task boot`.
 * The same guest is booted by peers when they are installed: QEMU (TCG) and v86.
 *
 * @module
 */

import type { BenchContext } from "./context.ts";
import { LocalGuest } from "./guest_machine.ts";
import { findQemu, qemuVersion } from "./qemu_runner.ts";
import { QemuGuest } from "./qemu_guest.ts";
import { registerBenchmark } from "./registry.ts";
import { V86Guest } from "./v86_guest.ts";
import { v86Setup } from "./v86_peer.ts";

/** The CPU tiers, in the order each round boots them. */
const TIERS = ["interp", "jit"] as const;

/** Boots once under `accel`; returns seconds to the prompt and the instructions retired by then. */
export async function bootToPrompt(
  accel: "jit" | "interp" = "jit",
): Promise<{ seconds: number; instructions: number }> {
  const guest = await LocalGuest.boot({ accel });
  await guest.close();
  return { seconds: guest.bootSeconds, instructions: guest.bootInstructions };
}

registerBenchmark({
  name: "boot",
  description: "default guest (Linux 6.1 + busybox): seconds to the shell prompt, interpreter " +
    "and JIT, and the JIT's speed-up",
  async run(ctx: BenchContext) {
    const rounds = ctx.quick ? 1 : 3;
    const seconds = { interp: [] as number[], jit: [] as number[] };
    const instructions = { interp: [] as number[], jit: [] as number[] };
    for (let i = 0; i < rounds; i++) {
      for (const tier of TIERS) {
        const r = await bootToPrompt(tier);
        seconds[tier].push(r.seconds);
        instructions[tier].push(r.instructions / 1e6);
        ctx.log(
          `${tier} boot ${i + 1}: ${r.seconds.toFixed(2)} s, ` +
            `${(r.instructions / 1e6).toFixed(0)} M instructions`,
        );
      }
    }
    for (const tier of TIERS) {
      ctx.figure(`boot to shell prompt (${tier})`, seconds[tier], { unit: "s", better: "lower" });
    }
    for (const tier of TIERS) {
      ctx.figure(`instructions to shell prompt (${tier})`, instructions[tier], {
        unit: "M",
        better: "lower",
      });
    }
    // Round by round, so that each ratio compares boots taken under the same load.
    const speedup = seconds.interp.map((s, i) => s / seconds.jit[i]);
    ctx.figure("jit speed-up over the interpreter, boot", speedup, { unit: "×", better: "higher" });
  },
});

registerBenchmark({
  name: "boot_qemu",
  description: "the default guest under QEMU TCG (qemu-system-i386 -kernel): seconds to the " +
    "shell prompt",
  async run(ctx: BenchContext) {
    const qemu = await findQemu();
    if (!qemu) ctx.skip("qemu-system-i386 not found on PATH (or $QEMU_SYSTEM_I386)");
    ctx.log(`${await qemuVersion(qemu)} (${qemu}), -accel tcg`);
    const seconds: number[] = [];
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
      const guest = await QemuGuest.boot(qemu);
      await guest.close();
      seconds.push(guest.bootSeconds);
      ctx.log(`boot ${i + 1}: ${guest.bootSeconds.toFixed(2)} s`);
    }
    ctx.figure("qemu-tcg boot to shell prompt", seconds, { unit: "s", better: "lower" });
  },
});

registerBenchmark({
  name: "boot_v86",
  description: "the default guest under v86 (npm v86, SeaBIOS first): seconds and v86's " +
    "instruction count to the shell prompt",
  async run(ctx: BenchContext) {
    const setup = await v86Setup();
    if (!setup.ok) ctx.skip(setup.reason);
    ctx.log(`v86 ${setup.version} (${setup.dir}), ${setup.seabios.bios}`);
    const seconds: number[] = [];
    const instructions: number[] = [];
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
      const guest = await V86Guest.boot(setup.dir, setup.seabios);
      await guest.close();
      seconds.push(guest.bootSeconds);
      if (guest.bootInstructions !== undefined) instructions.push(guest.bootInstructions / 1e6);
      ctx.log(`boot ${i + 1}: ${guest.bootSeconds.toFixed(2)} s`);
    }
    ctx.figure("v86 boot to shell prompt", seconds, { unit: "s", better: "lower" });
    if (instructions.length > 0) {
      ctx.figure("v86 instructions to shell prompt", instructions, { unit: "M", better: "lower" });
    }
  },
});

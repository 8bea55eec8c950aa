/**
 * The default guest booted by this VMM's command line in a child process (`deno run main.ts`, as
 * a user starts it), its serial console on the child's stdio: the same harness as the QEMU peer
 * (qemu_guest.ts), for figures taken on both sides by the same commands. Guests that need the
 * CPU's counters run in the benchmark's process instead (guest_machine.ts).
 *
 * @module
 */

import { ConsoleProcess } from "./console_process.ts";
import { GUEST_CMDLINE, GUEST_MEMORY, GUEST_PROMPT, guestFilePath } from "./guest_machine.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

/** Options of {@link VmmGuest.boot}. */
export interface VmmGuestOptions {
  /** More VMM options, such as a disk's `-drive` and `-device`. @default none */
  args?: string[];
  /** Longest wait for the first prompt, in milliseconds. @default 300000 */
  timeoutMs?: number;
}

/** The default guest running under this VMM in a child process, at its shell prompt. */
export class VmmGuest {
  readonly #console: ConsoleProcess;

  private constructor(console: ConsoleProcess) {
    this.#console = console;
  }

  /** Starts the VMM on the default guest (the default `-accel`) and waits for the prompt. */
  static async boot(options: VmmGuestOptions = {}): Promise<VmmGuest> {
    return new VmmGuest(
      await ConsoleProcess.start({
        command: Deno.execPath(),
        args: [
          ["run", "--quiet", "--allow-all", "--config", CONFIG, MAIN],
          ["-nographic", "-no-reboot"],
          ["-m", `${GUEST_MEMORY >> 20}`],
          ["-kernel", guestFilePath("bzImage"), "-initrd", guestFilePath("initramfs.cpio")],
          ["-append", GUEST_CMDLINE],
          options.args ?? [],
        ].flat(),
        prompt: GUEST_PROMPT,
        bootTimeoutMs: options.timeoutMs ?? 300_000,
      }),
    );
  }

  /** Host seconds from starting the process to the first prompt. */
  get bootSeconds(): number {
    return this.#console.bootSeconds;
  }

  /** Types `cmd` and waits for the prompt: host seconds and output. */
  run(cmd: string, timeoutMs = 600_000): Promise<{ output: string; seconds: number }> {
    return this.#console.run(cmd, timeoutMs);
  }

  /** Stops the VMM. */
  close(): Promise<void> {
    return this.#console.kill();
  }
}

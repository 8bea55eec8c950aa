/**
 * The default guest booted under QEMU with TCG, as a peer of the in-guest benchmarks: Linux
 * direct boot (`-kernel`, `-initrd`, `-append`, SeaBIOS and QEMU's linuxboot option ROM first),
 * the same RAM size, and the first serial port on the child's stdio.
 *
 * @module
 */

import { ConsoleProcess } from "./console_process.ts";
import { GUEST_CMDLINE, GUEST_MEMORY, GUEST_PROMPT } from "./guest_machine.ts";

/** The default guest running under QEMU, at its shell prompt. */
export class QemuGuest {
  readonly #console: ConsoleProcess;

  private constructor(console: ConsoleProcess) {
    this.#console = console;
  }

  /** Boots the default guest under the QEMU binary `qemu` and waits for the prompt. */
  static async boot(qemu: string, timeoutMs = 300_000): Promise<QemuGuest> {
    const guest = (f: string) => new URL(`../guests/${f}`, import.meta.url).pathname;
    return new QemuGuest(
      await ConsoleProcess.start({
        command: qemu,
        args: [
          ["-accel", "tcg"],
          ["-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot"],
          ["-m", `${GUEST_MEMORY >> 20}`],
          ["-kernel", guest("bzImage"), "-initrd", guest("initramfs.cpio")],
          ["-append", GUEST_CMDLINE],
        ].flat(),
        prompt: GUEST_PROMPT,
        bootTimeoutMs: timeoutMs,
      }),
    );
  }

  /** Host seconds from starting QEMU to the first prompt. */
  get bootSeconds(): number {
    return this.#console.bootSeconds;
  }

  /** Types `cmd` and waits for the prompt: host seconds and output. */
  run(cmd: string, timeoutMs = 600_000): Promise<{ output: string; seconds: number }> {
    return this.#console.run(cmd, timeoutMs);
  }

  /** Stops QEMU. */
  close(): Promise<void> {
    return this.#console.kill();
  }
}

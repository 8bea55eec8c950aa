/**
 * The default guest booted under QEMU with TCG, as a peer of the in-guest benchmarks: Linux
 * direct boot (`-kernel`, `-initrd`, `-append`, SeaBIOS and QEMU's linuxboot option ROM first),
 * the same RAM size, and the first serial port on the child's stdio.
 *
 * @module
 */

import { ConsoleProcess } from "./console_process.ts";
import { GUEST_CMDLINE, GUEST_MEMORY, GUEST_PROMPT, guestFilePath } from "./guest_machine.ts";

/** Options of {@link QemuGuest.boot}. */
export interface QemuGuestOptions {
  /** More QEMU options, such as a disk's `-drive` and `-device`. @default none */
  args?: string[];
  /** Longest wait for the first prompt, in milliseconds. @default 300000 */
  timeoutMs?: number;
}

/** The default guest running under QEMU, at its shell prompt. */
export class QemuGuest {
  readonly #console: ConsoleProcess;

  private constructor(console: ConsoleProcess) {
    this.#console = console;
  }

  /** Boots the default guest under the QEMU binary `qemu` and waits for the prompt. */
  static async boot(qemu: string, options: QemuGuestOptions = {}): Promise<QemuGuest> {
    return new QemuGuest(
      await ConsoleProcess.start({
        command: qemu,
        args: [
          ["-accel", "tcg"],
          ["-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot"],
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

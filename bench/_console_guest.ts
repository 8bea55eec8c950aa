/**
 * The default guest booted by Linux direct boot in a child process whose stdio is the guest's
 * serial console: what the VMM and QEMU harnesses (vmm_guest.ts, qemu_guest.ts) share, so that
 * both boot the same kernel, initrd, command line and RAM size and are driven the same way.
 *
 * @module
 */

import { ConsoleProcess } from "./console_process.ts";
import { GUEST_CMDLINE, GUEST_MEMORY, GUEST_PROMPT, guestFilePath } from "./guest_machine.ts";

/** Options of a console guest's `boot`. */
export interface ConsoleGuestOptions {
  /** More options for the child, such as a disk's `-drive` and `-device`. @default none */
  args?: string[];
  /** Longest wait for the first prompt, in milliseconds. @default 300000 */
  timeoutMs?: number;
}

/**
 * Starts `command` with `leadingArgs`, then the default guest's RAM size, kernel, initrd and
 * command line in QEMU's spelling, then `options.args`; resolves at the first prompt.
 */
export function startConsoleGuest(
  command: string,
  leadingArgs: string[],
  options: ConsoleGuestOptions = {},
): Promise<ConsoleProcess> {
  return ConsoleProcess.start({
    command,
    args: [
      leadingArgs,
      ["-m", `${GUEST_MEMORY >> 20}`],
      ["-kernel", guestFilePath("bzImage"), "-initrd", guestFilePath("initramfs.cpio")],
      ["-append", GUEST_CMDLINE],
      options.args ?? [],
    ].flat(),
    prompt: GUEST_PROMPT,
    bootTimeoutMs: options.timeoutMs ?? 300_000,
  });
}

/** The default guest at its shell prompt on a child process's console. */
export class ConsoleGuest {
  readonly #console: ConsoleProcess;

  /** Wraps a console that {@link startConsoleGuest} started. */
  protected constructor(console: ConsoleProcess) {
    this.#console = console;
  }

  /** Host seconds from starting the child process to the first prompt. */
  get bootSeconds(): number {
    return this.#console.bootSeconds;
  }

  /** Types `cmd` and waits for the prompt: host seconds and output. */
  run(cmd: string, timeoutMs = 600_000): Promise<{ output: string; seconds: number }> {
    return this.#console.run(cmd, timeoutMs);
  }

  /** Stops the child process. */
  close(): Promise<void> {
    return this.#console.kill();
  }
}

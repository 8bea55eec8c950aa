/**
 * The default guest booted under QEMU with TCG, as a peer of the in-guest benchmarks: Linux
 * direct boot (`-kernel`, `-initrd`, `-append`, SeaBIOS and QEMU's linuxboot option ROM first),
 * the same RAM size, and the first serial port on the child's stdio.
 *
 * @module
 */

import { ConsoleGuest, type ConsoleGuestOptions, startConsoleGuest } from "./_console_guest.ts";

/** Options of {@link QemuGuest.boot}: `args` are more QEMU options. */
export type QemuGuestOptions = ConsoleGuestOptions;

/** The default guest running under QEMU, at its shell prompt. */
export class QemuGuest extends ConsoleGuest {
  /** Boots the default guest under the QEMU binary `qemu` and waits for the prompt. */
  static async boot(qemu: string, options: QemuGuestOptions = {}): Promise<QemuGuest> {
    return new QemuGuest(
      await startConsoleGuest(qemu, [
        ...["-accel", "tcg"],
        ...["-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot"],
      ], options),
    );
  }
}

/**
 * The default guest booted by this VMM's command line in a child process (`deno run main.ts`, as
 * a user starts it), its serial console on the child's stdio: the same harness as the QEMU peer
 * (qemu_guest.ts), for figures taken on both sides by the same commands. Guests that need the
 * CPU's counters run in the benchmark's process instead (guest_machine.ts).
 *
 * @module
 */

import { ConsoleGuest, type ConsoleGuestOptions, startConsoleGuest } from "./_console_guest.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;

/** Options of {@link VmmGuest.boot}: `args` are more VMM options. */
export type VmmGuestOptions = ConsoleGuestOptions;

/** The default guest running under this VMM in a child process, at its shell prompt. */
export class VmmGuest extends ConsoleGuest {
  /** Starts the VMM on the default guest (the default `-accel`) and waits for the prompt. */
  static async boot(options: VmmGuestOptions = {}): Promise<VmmGuest> {
    return new VmmGuest(
      await startConsoleGuest(Deno.execPath(), [
        ...["run", "--quiet", "--allow-all", "--config", CONFIG, MAIN],
        ...["-nographic", "-no-reboot"],
      ], options),
    );
  }
}

/**
 * The default guest (guests/bzImage + guests/initramfs.cpio) booted in the benchmark's own
 * process, for figures that need the CPU's counters: guest instructions retired and what the JIT
 * compiled. Commands are typed on the serial console; a command ends when the shell prompt comes
 * back, and the host time and instruction count are read when the prompt reaches the console, not
 * when the benchmark next looks (the count is the one at the start of the CPU's current slice, at
 * most 20 000 instructions behind).
 *
 * @module
 */

import { type CompiledModule, Jit } from "../cpu/jit/jit.ts";
import { PcMachine } from "../devices/board/pc_machine.ts";
import type { Chardev, ChardevReceiver } from "../devices/chardev/mod.ts";

/** The busybox shell prompt of the default guest (its init starts `sh -l` in /root). */
export const GUEST_PROMPT = "/root # ";

/** Kernel command line of the default guest: the console on COM1, as `deno task boot`. */
export const GUEST_CMDLINE = "console=ttyS0";

/** Guest RAM of the default guest, in bytes (as the boot tests and `deno task boot`). */
export const GUEST_MEMORY = 128 << 20;

/** A terminal control sequence (CSI) such as the shell's cursor-position query. */
const ESCAPE_SEQUENCE = new RegExp(String.fromCharCode(27) + "\\[[0-9;?]*[A-Za-z]", "g");

/** The path of a file of guests/ (the default guest's kernel and initramfs). */
export function guestFilePath(name: string): string {
  return new URL(`../guests/${name}`, import.meta.url).pathname;
}

/** Reads a file of guests/ (the default guest's kernel and initramfs). */
export function readGuestFile(name: string): Promise<Uint8Array> {
  return Deno.readFile(guestFilePath(name));
}

/** Where an event happened: host time and the guest's instruction count. */
export interface Mark {
  /** `performance.now()` at the event, in milliseconds. */
  ms: number;
  /** Guest instructions retired by then. */
  instructions: number;
}

/** What one command cost. */
export interface CommandResult {
  /** Console output between the command and the next prompt (echo included, escapes removed). */
  output: string;
  /** Host seconds from typing the command to the prompt's return. */
  seconds: number;
  /** Guest instructions retired over the same span. */
  instructions: number;
}

/** Options of {@link LocalGuest.boot}. */
export interface LocalGuestOptions {
  /** CPU tier, as `-accel`. */
  accel: "jit" | "interp";
  /** With `accel: "jit"`: called with every module the JIT compiles. */
  onModule?: (module: CompiledModule) => void;
  /** Longest wait for the first prompt, in milliseconds. @default 300000 */
  timeoutMs?: number;
}

/**
 * The serial console of a benchmark guest: keeps the output as text and marks the moment the
 * prompt appears after a given position.
 */
class PromptWatcher implements Chardev {
  text = "";
  #receiver: ChardevReceiver | undefined;
  #decoder = new TextDecoder();
  #from = 0;
  #waiter: ((at: number) => void) | undefined;

  /** Reads the guest's instruction count (set once the machine exists). */
  instructions: () => number = () => 0;

  write(data: Uint8Array): void {
    this.text += this.#decoder.decode(data, { stream: true });
    if (this.#waiter === undefined) return;
    const at = this.text.indexOf(GUEST_PROMPT, Math.max(this.#from, this.text.length - 64));
    if (at < 0) return;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter(at);
  }

  setReceiver(cb: ChardevReceiver): void {
    this.#receiver = cb;
  }

  close(): void {}

  /** Types `text` on the guest's console. */
  type(text: string): void {
    if (this.#receiver === undefined) throw new Error("the guest has not opened its console");
    this.#receiver(new TextEncoder().encode(text));
  }

  /** The mark and text position of the next prompt after position `from`. */
  nextPrompt(from: number, timeoutMs: number): Promise<{ mark: Mark; at: number }> {
    this.#from = from;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new Error(`no shell prompt within ${timeoutMs} ms; console:\n${this.text}`));
      }, timeoutMs);
      this.#waiter = (at) => {
        clearTimeout(timer);
        resolve({ mark: { ms: performance.now(), instructions: this.instructions() }, at });
      };
      // The prompt may have arrived before this wait began.
      const at = this.text.indexOf(GUEST_PROMPT, from);
      if (at >= 0) this.#waiter(at);
    });
  }
}

/** The default guest running in this process, at its shell prompt. */
export class LocalGuest {
  /** Host seconds from creating the machine to the first prompt. */
  readonly bootSeconds: number;
  /** Guest instructions retired by the first prompt. */
  readonly bootInstructions: number;
  readonly #machine: PcMachine;
  readonly #console: PromptWatcher;
  readonly #exit: Promise<number>;
  readonly #jit: Jit | undefined;

  private constructor(
    machine: PcMachine,
    console: PromptWatcher,
    exit: Promise<number>,
    boot: { seconds: number; instructions: number },
  ) {
    this.#machine = machine;
    this.#console = console;
    this.#exit = exit;
    this.#jit = machine.cpu.jit;
    this.bootSeconds = boot.seconds;
    this.bootInstructions = boot.instructions;
  }

  /** Boots the default guest under `options.accel` and waits for its shell prompt. */
  static async boot(options: LocalGuestOptions): Promise<LocalGuest> {
    const [kernel, initrd] = await Promise.all([
      readGuestFile("bzImage"),
      readGuestFile("initramfs.cpio"),
    ]);
    const console = new PromptWatcher();
    const t0 = performance.now();
    const machine = new PcMachine({
      memoryBytes: GUEST_MEMORY,
      kernel: { name: "bzImage", data: kernel },
      initrd: [{ name: "initramfs.cpio", data: initrd }],
      append: GUEST_CMDLINE,
      serial: [console],
      noReboot: true,
      // The JIT is attached below, with the caller's module hook.
      accel: "interp",
      log: () => {},
    });
    console.instructions = () => machine.cpu.instructions;
    if (options.accel === "jit") {
      machine.cpu.jit = new Jit(machine.cpu, { onModule: options.onModule });
    }
    const exit = machine.run();
    try {
      const { mark } = await console.nextPrompt(0, options.timeoutMs ?? 300_000);
      return new LocalGuest(machine, console, exit, {
        seconds: (mark.ms - t0) / 1000,
        instructions: mark.instructions,
      });
    } catch (e) {
      machine.stop(0);
      await exit;
      throw e;
    }
  }

  /** The JIT, when the guest runs under `accel: "jit"`. */
  get jit(): Jit | undefined {
    return this.#machine.cpu.jit;
  }

  /**
   * Switches the tier the CPU runs from now on, for A/B figures on one guest: "interp" detaches
   * the JIT, "jit" attaches it again. The run loop takes `cpu.jit` afresh at every slice, and a
   * detached JIT keeps its translations and still hears of writes to their pages (the hook is on
   * guest memory), so what it runs when attached again is current. Only for a guest booted under
   * `accel: "jit"`.
   */
  setAccel(accel: "jit" | "interp"): void {
    if (this.#jit === undefined) throw new Error("the guest was not booted with the JIT");
    this.#machine.cpu.jit = accel === "jit" ? this.#jit : undefined;
  }

  /** Types `cmd` and waits for the prompt to return; throws an Error after `timeoutMs`. */
  async run(cmd: string, timeoutMs = 600_000): Promise<CommandResult> {
    const start: Mark = { ms: performance.now(), instructions: this.#machine.cpu.instructions };
    const from = this.#console.text.length;
    this.#console.type(cmd + "\n");
    const { mark, at } = await this.#console.nextPrompt(from, timeoutMs);
    return {
      output: this.#console.text.slice(from, at).replaceAll("\r", "").replace(ESCAPE_SEQUENCE, ""),
      seconds: (mark.ms - start.ms) / 1000,
      instructions: mark.instructions - start.instructions,
    };
  }

  /** Stops the machine. */
  async close(): Promise<void> {
    this.#machine.stop(0);
    await this.#exit;
  }
}

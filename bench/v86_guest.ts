/**
 * The default guest booted under v86 in a child Deno process (bench/v86_console.ts), with the
 * guest's console on the child's stdio and v86's instruction counter reported at each prompt.
 *
 * @module
 */

import { ConsoleProcess } from "./console_process.ts";
import { GUEST_CMDLINE, GUEST_MEMORY, GUEST_PROMPT } from "./guest_machine.ts";
import type { V86ConsoleConfig } from "./v86_console.ts";
import { type Seabios, v86ChildArgs } from "./v86_peer.ts";

/** A prompt v86 reported: its index and v86's instruction counter there. */
interface PromptMark {
  prompt: number;
  instructions: number;
}

/** The default guest running under v86, at its shell prompt. */
export class V86Guest {
  readonly #console: ConsoleProcess;
  readonly #marks: Map<number, number>;

  private constructor(console: ConsoleProcess, marks: Map<number, number>) {
    this.#console = console;
    this.#marks = marks;
  }

  /** Boots the default guest under the v86 package in `v86Dir` with `seabios`. */
  static async boot(v86Dir: string, seabios: Seabios, timeoutMs = 600_000): Promise<V86Guest> {
    const guest = (f: string) => new URL(`../guests/${f}`, import.meta.url).pathname;
    const config: V86ConsoleConfig = {
      v86Dir,
      bios: seabios.bios,
      vgaBios: seabios.vgaBios,
      bzimage: guest("bzImage"),
      initrd: guest("initramfs.cpio"),
      cmdline: GUEST_CMDLINE,
      memoryBytes: GUEST_MEMORY,
      prompt: GUEST_PROMPT,
    };
    const marks = new Map<number, number>();
    const console = await ConsoleProcess.start({
      command: Deno.execPath(),
      args: [
        ...v86ChildArgs(v86Dir, seabios, [guest("")]),
        new URL("./v86_console.ts", import.meta.url).pathname,
        JSON.stringify(config),
      ],
      prompt: GUEST_PROMPT,
      bootTimeoutMs: timeoutMs,
      onStderrLine(line) {
        try {
          const mark = JSON.parse(line) as PromptMark;
          marks.set(mark.prompt, mark.instructions);
        } catch {
          // v86's own diagnostics: not ours to judge.
        }
      },
    });
    const guestUnderV86 = new V86Guest(console, marks);
    await guestUnderV86.#markOf(0);
    return guestUnderV86;
  }

  /** Host seconds from starting the child (v86 start-up, SeaBIOS, Linux) to the first prompt. */
  get bootSeconds(): number {
    return this.#console.bootSeconds;
  }

  /** Instructions v86 counted by the first prompt (SeaBIOS included), when it said. */
  get bootInstructions(): number | undefined {
    return this.#marks.get(0);
  }

  /**
   * Types `cmd` and waits for the prompt: host seconds, output and, when v86 reported both ends,
   * the instructions it counted in between.
   */
  async run(
    cmd: string,
    timeoutMs = 600_000,
  ): Promise<{ output: string; seconds: number; instructions?: number }> {
    const r = await this.#console.run(cmd, timeoutMs);
    const before = this.#marks.get(r.promptIndex - 1);
    const after = await this.#markOf(r.promptIndex);
    return {
      output: r.output,
      seconds: r.seconds,
      ...(before !== undefined && after !== undefined ? { instructions: after - before } : {}),
    };
  }

  /** v86's count at prompt `index`; the mark travels on stderr and may trail the prompt a moment. */
  async #markOf(index: number): Promise<number | undefined> {
    for (let i = 0; i < 50 && !this.#marks.has(index); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.#marks.get(index);
  }

  /** Stops v86. */
  close(): Promise<void> {
    return this.#console.kill();
  }
}

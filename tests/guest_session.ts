/**
 * Drives the default guest through the command line as a user would: starts
 * `main.ts` with QEMU options, waits for the busybox prompt on the serial
 * console (stdio), types commands and collects their output.
 */

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const GUEST = new URL("../guests/", import.meta.url).pathname;
const PROMPT = "/root # ";
/** A terminal control sequence (CSI): ESC [ parameters final-byte. */
const ESCAPE_SEQUENCE = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*[A-Za-z]", "g");

/** QEMU options that boot the default guest on the serial console. */
export function defaultGuestArgs(): string[] {
  return [
    "-nographic",
    "-no-reboot",
    "-kernel",
    `${GUEST}bzImage`,
    "-initrd",
    `${GUEST}initramfs.cpio`,
    "-append",
    "console=ttyS0",
  ];
}

/** Whether `command` runs at all (`command --version` succeeds), such as an optional QEMU. */
export function installed(command: string): boolean {
  try {
    return new Deno.Command(command, { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

/** How a {@link GuestSession} starts. */
export interface GuestSessionOptions {
  /**
   * A program to run with the QEMU options instead of the VMM, such as `qemu-system-i386`, to
   * compare the two on the same command line.
   * @default the VMM: `deno run -A main.ts`
   */
  command?: string;
}

/** A running VMM process with the guest's console on its stdin/stdout. */
export class GuestSession {
  #child: Deno.ChildProcess;
  #writer: WritableStreamDefaultWriter<Uint8Array>;
  #out = "";
  #at = 0;
  #done: Promise<Deno.CommandStatus>;

  constructor(args: string[], options: GuestSessionOptions = {}) {
    const { command } = options;
    const child = new Deno.Command(command ?? Deno.execPath(), {
      args: command === undefined ? ["run", "-A", MAIN, ...args] : args,
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    const decoder = new TextDecoder();
    (async () => {
      for await (const chunk of child.stdout) this.#out += decoder.decode(chunk);
    })();
    this.#done = child.status;
  }

  /** Everything the console printed so far. */
  get output(): string {
    return this.#out;
  }

  /** Waits until the console prints `text` after the last consumed position. */
  async waitFor(text: string, ms = 120_000): Promise<void> {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const i = this.#out.indexOf(text, this.#at);
      if (i >= 0) {
        this.#at = i + text.length;
        return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${JSON.stringify(text)}; output:\n${this.#out}`);
  }

  /** Waits for the first prompt. */
  booted(ms = 240_000): Promise<void> {
    return this.waitFor(PROMPT, ms);
  }

  /** Types `cmd` and returns what it printed before the next prompt (echo included). */
  async run(cmd: string, ms = 60_000): Promise<string> {
    const from = this.#at;
    await this.#writer.write(new TextEncoder().encode(cmd + "\n"));
    await this.waitFor(PROMPT, ms);
    return this.#out.slice(from, this.#at - PROMPT.length).replaceAll("\r", "")
      .replace(ESCAPE_SEQUENCE, "");
  }

  /** Types `poweroff` and returns the VMM's exit status. */
  async powerOff(): Promise<number> {
    await this.#writer.write(new TextEncoder().encode("poweroff\n"));
    const status = await this.#done;
    await this.#writer.close().catch(() => {});
    return status.code;
  }

  /** Kills the VMM if it is still running. */
  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.#done;
    await this.#writer.close().catch(() => {});
  }
}

/**
 * A guest running in a child process (a peer emulator) whose serial console is the child's stdin
 * and stdout: waits for the shell prompt, types commands and times them from the host. A command
 * ends when the prompt comes back after it.
 *
 * @module
 */

/** A terminal control sequence (CSI) such as the shell's cursor-position query. */
const ESCAPE_SEQUENCE = new RegExp(String.fromCharCode(27) + "\\[[0-9;?]*[A-Za-z]", "g");

/** What one command cost, seen from the host. */
export interface ConsoleCommandResult {
  /** Console output between the command and the next prompt (echo included, escapes removed). */
  output: string;
  /** Host seconds from typing the command to the prompt's return. */
  seconds: number;
  /** The prompt's position among the prompts printed so far (the first is 0). */
  promptIndex: number;
}

/** Options of {@link ConsoleProcess.start}. */
export interface ConsoleProcessOptions {
  /** Program and arguments of the child. */
  command: string;
  args: string[];
  /** The prompt that ends the boot and every command. */
  prompt: string;
  /** Longest wait for the first prompt, in milliseconds. @default 300000 */
  bootTimeoutMs?: number;
  /** Receives each line the child writes on stderr. @default kept, shown in errors */
  onStderrLine?: (line: string) => void;
}

/** A child process with a guest console on its stdio, at the guest's shell prompt. */
export class ConsoleProcess {
  /** Host seconds from spawning the child to the first prompt. */
  bootSeconds = 0;
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #prompt: string;
  readonly #status: Promise<Deno.CommandStatus>;
  readonly #reading: Promise<void>;
  #text = "";
  #stderr = "";
  #prompts = 0;
  /** Text position after the last prompt seen. */
  #at = 0;
  #waiter: (() => void) | undefined;
  #exited = false;

  private constructor(options: ConsoleProcessOptions) {
    this.#prompt = options.prompt;
    const child = new Deno.Command(options.command, {
      args: options.args,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#status = child.status;
    const decoder = new TextDecoder();
    const stdout = (async () => {
      for await (const chunk of child.stdout) {
        this.#text += decoder.decode(chunk, { stream: true });
        this.#waiter?.();
      }
    })();
    const stderr = (async () => {
      const lines = child.stderr.pipeThrough(new TextDecoderStream());
      let partial = "";
      for await (const chunk of lines) {
        const parts = (partial + chunk).split("\n");
        partial = parts.pop()!;
        for (const line of parts) {
          if (options.onStderrLine) options.onStderrLine(line);
          else this.#stderr = (this.#stderr + line + "\n").slice(-4000);
        }
      }
    })();
    this.#reading = Promise.all([stdout, stderr]).then(() => {});
    // Gone for good once it has exited and everything it wrote has been read.
    Promise.all([this.#status, this.#reading]).catch(() => {}).then(() => {
      this.#exited = true;
      this.#waiter?.();
    });
  }

  /** Starts the child and waits for the first prompt; throws an Error if it does not come. */
  static async start(options: ConsoleProcessOptions): Promise<ConsoleProcess> {
    const t0 = performance.now();
    const p = new ConsoleProcess(options);
    try {
      await p.#nextPrompt(0, options.bootTimeoutMs ?? 300_000);
    } catch (e) {
      await p.kill();
      throw e;
    }
    p.bootSeconds = (performance.now() - t0) / 1000;
    return p;
  }

  /** Everything the console printed so far. */
  get output(): string {
    return this.#text;
  }

  /** Types `cmd` and waits for the prompt; throws an Error after `timeoutMs`. */
  async run(cmd: string, timeoutMs = 600_000): Promise<ConsoleCommandResult> {
    const from = this.#text.length;
    const t0 = performance.now();
    await this.#writer.write(new TextEncoder().encode(cmd + "\n"));
    const at = await this.#nextPrompt(from, timeoutMs);
    const seconds = (performance.now() - t0) / 1000;
    return {
      output: this.#text.slice(from, at).replaceAll("\r", "").replace(ESCAPE_SEQUENCE, ""),
      seconds,
      promptIndex: this.#prompts - 1,
    };
  }

  /** Kills the child if it is still running and waits for it and its pipes. */
  async kill(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.#status;
    await this.#writer.close().catch(() => {});
    await this.#reading.catch(() => {});
  }

  /** Resolves with the position of the next prompt after `from`, checking as output arrives. */
  #nextPrompt(from: number, timeoutMs: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error, at = 0) => {
        clearTimeout(timer);
        this.#waiter = undefined;
        if (error) reject(error);
        else resolve(at);
      };
      const timer = setTimeout(
        () => finish(new Error(`no prompt within ${timeoutMs} ms${this.#tail()}`)),
        timeoutMs,
      );
      this.#waiter = () => {
        const at = this.#text.indexOf(this.#prompt, Math.max(from, this.#at));
        if (at >= 0) {
          this.#prompts++;
          this.#at = at + this.#prompt.length;
          finish(undefined, at);
        } else if (this.#exited) {
          finish(new Error(`the child exited before the prompt${this.#tail()}`));
        }
      };
      this.#waiter();
    });
  }

  #tail(): string {
    const out = this.#text.slice(-2000);
    return `; console ends:\n${out}${this.#stderr ? `\nstderr:\n${this.#stderr}` : ""}`;
  }
}

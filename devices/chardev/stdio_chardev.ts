import type { Chardev, ChardevReceiver } from "./chardev.ts";
import { CTRL_A, EscapeDecoder } from "./escape_decoder.ts";
import { HeldInput } from "./_held_input.ts";

/** The process streams a {@link StdioChardev} uses; tests substitute their own. */
export interface StdioStreams {
  /** Host input (standard input). */
  readonly input: ReadableStream<Uint8Array>;
  /** Writes some of `data` synchronously and returns how many bytes were written. */
  writeSync(data: Uint8Array): number;
  /** Whether input is an interactive terminal. */
  isTerminal(): boolean;
  /** Switches the input terminal in or out of raw mode. */
  setRaw(raw: boolean): void;
}

/** Options of {@link StdioChardev}. */
export interface StdioChardevOptions {
  /**
   * Called after Ctrl-A x, once the terminal has been restored.
   * @default closes the chardev and exits the process with status 0, as QEMU does
   */
  onQuit?: () => void;
  /**
   * Interpret Ctrl-A escape commands in the input.
   * @default true when standard input is a terminal
   */
  escapes?: boolean;
  /**
   * Opened as `mon:stdio`: Ctrl-A c would switch to the monitor.
   * @default false
   */
  monitor?: boolean;
  /**
   * Streams to use instead of the process's standard input and output.
   * @default Deno.stdin and Deno.stdout
   */
  streams?: StdioStreams;
}

/** Consecutive refused writes (a non-blocking output that stays full) before output is dropped. */
const MAX_WRITE_RETRIES = 1000;

const HELP = [
  "C-a h    print this help",
  "C-a x    exit emulator",
  "C-a c    switch between console and monitor",
  "C-a C-a  sends C-a",
  "",
].join("\r\n");

/**
 * Guest console on the process's standard input and output (QEMU's `stdio`
 * and `mon:stdio`). A terminal is put in raw mode so that every key reaches
 * the guest, with QEMU's Ctrl-A escapes to leave. Output is written
 * synchronously so that the last lines before an exit are not lost.
 */
export class StdioChardev implements Chardev {
  readonly #streams: StdioStreams;
  readonly #onQuit: () => void;
  readonly #monitor: boolean;
  readonly #decoder: EscapeDecoder | undefined;
  readonly #held = new HeldInput();
  #reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  #raw = false;
  #closed = false;
  #outputBroken = false;
  readonly #restoreAtExit = () => this.#restoreTerminal();

  /** Starts reading input at once; input before `setReceiver` is held (up to 64 KiB). */
  constructor(options: StdioChardevOptions = {}) {
    this.#streams = options.streams ?? denoStdio();
    this.#monitor = options.monitor ?? false;
    this.#onQuit = options.onQuit ?? (() => {
      this.close();
      Deno.exit(0);
    });
    const terminal = this.#streams.isTerminal();
    if (options.escapes ?? terminal) this.#decoder = new EscapeDecoder(CTRL_A);
    if (terminal) {
      this.#streams.setRaw(true);
      this.#raw = true;
      // Deno.exit() dispatches "unload", so an exit from anywhere restores the terminal.
      globalThis.addEventListener("unload", this.#restoreAtExit);
    }
    this.#readLoop();
  }

  /** Writes all of `data` to the output before returning. */
  write(data: Uint8Array): void {
    if (this.#outputBroken) return;
    let at = 0;
    let retries = 0;
    while (at < data.length) {
      try {
        at += this.#streams.writeSync(data.subarray(at));
        retries = 0;
      } catch (e) {
        if (e instanceof Deno.errors.WouldBlock && ++retries < MAX_WRITE_RETRIES) continue;
        // A closed pipe or a reader gone for good: drop guest output from now on, as QEMU does.
        this.#outputBroken = true;
        return;
      }
    }
  }

  /** Routes input to `cb`, first delivering input held since the chardev opened. */
  setReceiver(cb: ChardevReceiver): void {
    this.#held.setReceiver(cb);
  }

  /** Restores the terminal and stops reading, so input no longer keeps the process alive. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#restoreTerminal();
    this.#reader?.cancel().catch(() => {});
    this.#reader = undefined;
  }

  #restoreTerminal(): void {
    if (!this.#raw) return;
    this.#raw = false;
    globalThis.removeEventListener("unload", this.#restoreAtExit);
    try {
      this.#streams.setRaw(false);
    } catch {
      // The terminal went away (hang-up); there is nothing left to restore.
    }
  }

  async #readLoop(): Promise<void> {
    let reader: ReadableStreamDefaultReader<Uint8Array>;
    try {
      reader = this.#streams.input.getReader();
    } catch {
      return; // input already locked or closed: run without input
    }
    this.#reader = reader;
    while (!this.#closed) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return; // cancelled by close() or a read error: input ends, as at EOF
      }
      if (chunk.done || this.#closed) return;
      this.#input(chunk.value);
    }
  }

  #input(data: Uint8Array): void {
    const decoder = this.#decoder;
    if (!decoder) {
      this.#deliver(data);
      return;
    }
    for (const ev of decoder.decode(data)) {
      if (ev.kind === "data") this.#deliver(ev.data);
      else if (this.#command(ev.key)) return;
    }
  }

  /** Runs an escape command; returns true when the rest of the input must be ignored. */
  #command(key: number): boolean {
    switch (String.fromCharCode(key)) {
      case "x":
        this.write(new TextEncoder().encode("deno-vmm: Terminated\r\n"));
        this.close();
        this.#onQuit();
        return true;
      case "h":
      case "?":
        this.write(new TextEncoder().encode("\r\n" + HELP));
        return false;
      case "c":
        this.write(
          new TextEncoder().encode(
            this.#monitor
              ? "\r\ndeno-vmm: the monitor is not available\r\n"
              : "\r\ndeno-vmm: no monitor on this terminal (use mon:stdio)\r\n",
          ),
        );
        return false;
      default:
        return false; // QEMU swallows unknown escape commands
    }
  }

  #deliver(data: Uint8Array): void {
    if (data.length > 0) this.#held.deliver(data);
  }
}

function denoStdio(): StdioStreams {
  return {
    get input() {
      return Deno.stdin.readable;
    },
    writeSync: (data) => Deno.stdout.writeSync(data),
    isTerminal: () => Deno.stdin.isTerminal(),
    setRaw: (raw) => Deno.stdin.setRaw(raw),
  };
}

/**
 * Running the cpu_mips loops under v86 as a peer: one child Deno process (bench/v86_multiboot.ts)
 * boots each loop as a Multiboot image behind SeaBIOS and reports the time to the loop's exit.
 * Same interface as QemuRunner, so the same pairing of short and long runs cancels start-up.
 *
 * @module
 */

import { multibootImage } from "./multiboot_image.ts";
import type { V86LoopRun } from "./v86_multiboot.ts";
import { type Seabios, v86ChildArgs } from "./v86_peer.ts";

/** Longest a single loop run may take before the runner gives up on v86. */
const RUN_TIMEOUT_MS = 120_000;

/** A v86 child process and a temporary directory of loop images; `close` ends both. */
export class V86LoopRunner {
  readonly #dir: string;
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #lines: AsyncIterator<string>;
  #images = 0;

  private constructor(dir: string, child: Deno.ChildProcess) {
    this.#dir = dir;
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.#lines = lines(child.stdout)[Symbol.asyncIterator]();
  }

  /** Starts v86 from the package in `v86Dir` with `seabios`. */
  static async open(v86Dir: string, seabios: Seabios): Promise<V86LoopRunner> {
    const dir = await Deno.makeTempDir({ prefix: "deno-vmm-bench-v86-" });
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        ...v86ChildArgs(v86Dir, seabios, [dir]),
        new URL("./v86_multiboot.ts", import.meta.url).pathname,
        v86Dir,
        seabios.bios,
        seabios.vgaBios,
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    return new V86LoopRunner(dir, child);
  }

  /** Writes `code` as a Multiboot kernel and returns its path. */
  async image(code: Uint8Array): Promise<string> {
    const path = `${this.#dir}/loop${this.#images++}.bin`;
    await Deno.writeFile(path, multibootImage(code));
    return path;
  }

  /** Runs `kernel` and returns the seconds from v86's start to the loop's exit. */
  async time(kernel: string): Promise<number> {
    await this.#writer.write(new TextEncoder().encode(kernel + "\n"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`v86 did not finish ${kernel} within ${RUN_TIMEOUT_MS} ms`)),
        RUN_TIMEOUT_MS,
      );
    });
    try {
      for (;;) {
        const next = await Promise.race([this.#lines.next(), timeout]);
        if (next.done) throw new Error(`v86 exited while running ${kernel}`);
        if (!next.value.startsWith("{")) continue; // v86's own messages
        return (JSON.parse(next.value) as V86LoopRun).seconds;
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops v86 and removes the images. */
  async close(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await this.#child.status;
    await this.#writer.close().catch(() => {});
    await this.#lines.return?.();
    await Deno.remove(this.#dir, { recursive: true });
  }
}

/** The lines of a byte stream. */
async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let partial = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    yield* parts;
  }
  if (partial) yield partial;
}

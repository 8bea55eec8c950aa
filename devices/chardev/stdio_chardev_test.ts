import assert from "node:assert/strict";
import { StdioChardev, type StdioStreams } from "./stdio_chardev.ts";

/** A fake terminal: input the test pushes, output it captures, raw-mode calls it records. */
class FakeTerminal implements StdioStreams {
  readonly input: ReadableStream<Uint8Array>;
  output = "";
  rawCalls: boolean[] = [];
  #push!: ReadableStreamDefaultController<Uint8Array>;
  cancelled = false;

  constructor(readonly terminal: boolean) {
    this.input = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.#push = c;
      },
      cancel: () => {
        this.cancelled = true;
      },
    });
  }

  type(s: string): Promise<void> {
    this.#push.enqueue(new TextEncoder().encode(s));
    // Let the chardev's read loop take the chunk.
    return new Promise((r) => setTimeout(r, 0));
  }

  writeSync(data: Uint8Array): number {
    // Accept at most 3 bytes per call, as a pipe may, to exercise the write loop.
    const n = Math.min(3, data.length);
    this.output += new TextDecoder().decode(data.subarray(0, n));
    return n;
  }

  isTerminal(): boolean {
    return this.terminal;
  }

  setRaw(raw: boolean): void {
    this.rawCalls.push(raw);
  }
}

Deno.test("stdio chardev writes all output through short writes", () => {
  const t = new FakeTerminal(false);
  const c = new StdioChardev({ streams: t, onQuit: () => {} });
  c.write(new TextEncoder().encode("Linux version 6.x\r\n"));
  assert.equal(t.output, "Linux version 6.x\r\n");
  c.close();
});

Deno.test("stdio chardev on a terminal goes raw and Ctrl-A x restores it, then quits", async () => {
  const t = new FakeTerminal(true);
  const got: string[] = [];
  let quits = 0;
  const c = new StdioChardev({
    streams: t,
    onQuit: () => {
      quits++;
      // The terminal is back to normal before the VMM is told to quit.
      assert.deepEqual(t.rawCalls, [true, false]);
    },
  });
  c.setReceiver((d) => got.push(new TextDecoder().decode(d)));
  await t.type("ls\r\x01xafter");
  assert.deepEqual(got, ["ls\r"]);
  assert.equal(quits, 1);
  assert.equal(t.cancelled, true);
  assert.match(t.output, /Terminated/);
  c.close();
  assert.deepEqual(t.rawCalls, [true, false]);
});

Deno.test("stdio chardev Ctrl-A h prints help and Ctrl-A Ctrl-A sends one Ctrl-A", async () => {
  const t = new FakeTerminal(true);
  const got: number[] = [];
  const c = new StdioChardev({ streams: t, onQuit: () => assert.fail("must not quit") });
  c.setReceiver((d) => got.push(...d));
  await t.type("\x01h");
  assert.match(t.output, /C-a x {4}exit emulator/);
  await t.type("\x01\x01");
  assert.deepEqual(got, [0x01]);
  c.close();
});

Deno.test("mon:stdio Ctrl-A c says that the monitor is not available", async () => {
  const t = new FakeTerminal(true);
  const c = new StdioChardev({ streams: t, monitor: true, onQuit: () => {} });
  c.setReceiver(() => {});
  await t.type("\x01c");
  assert.match(t.output, /the monitor is not available/);
  c.close();
});

Deno.test("stdio chardev on a pipe passes Ctrl-A through and never touches raw mode", async () => {
  const t = new FakeTerminal(false);
  const got: number[] = [];
  const c = new StdioChardev({ streams: t, onQuit: () => assert.fail("must not quit") });
  await t.type("\x01x"); // before a receiver: held
  c.setReceiver((d) => got.push(...d));
  assert.deepEqual(got, [0x01, 0x78]);
  c.close();
  assert.deepEqual(t.rawCalls, []);
});

Deno.test("stdio chardev reading a never-ending stdin lets the process exit after close", async () => {
  const script = new URL("./stdio_chardev.ts", import.meta.url).href;
  const code = `
    import { StdioChardev } from ${JSON.stringify(script)};
    const c = new StdioChardev({ onQuit: () => {} });
    c.setReceiver((d) => {
      c.write(new TextEncoder().encode("got:" + new TextDecoder().decode(d) + "\\n"));
      c.close();
    });
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("hi"));
  // stdin stays open: the child must end on its own once the chardev is closed.
  const timeout = setTimeout(() => child.kill(), 8000);
  const out = await child.output();
  clearTimeout(timeout);
  await writer.close().catch(() => {});
  assert.equal(new TextDecoder().decode(out.stderr), "");
  assert.equal(new TextDecoder().decode(out.stdout), "got:hi\n");
  assert.equal(out.code, 0);
});

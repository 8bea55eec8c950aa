import assert from "node:assert/strict";
import { parseSocketChardev } from "./chardev_spec.ts";
import { openSocketChardev, SocketChardev } from "./socket_chardev.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** A listening server chardev on a port the system picks, and that port. */
function server(extra: Record<string, string> = {}): { chardev: SocketChardev; port: number } {
  const chardev = new SocketChardev(
    parseSocketChardev({ host: "127.0.0.1", port: "0", server: "on", wait: "off", ...extra }),
  );
  return { chardev, port: (chardev.localAddress as Deno.NetAddr).port };
}

/** Waits until `done()` holds (polling), or fails after five seconds naming `what`. */
async function until(done: () => boolean, what: string): Promise<void> {
  const end = performance.now() + 5000;
  while (!done()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Reads from `conn` until `text` has arrived whole; returns what was read. */
async function readUntil(conn: Deno.Conn, text: string): Promise<string> {
  let got = "";
  const buf = new Uint8Array(1024);
  while (!got.includes(text)) {
    const n = await conn.read(buf);
    if (n === null) break;
    got += decode(buf.subarray(0, n));
  }
  return got;
}

Deno.test("a socket server drops output while nobody is connected and serves one client at a time", async () => {
  const { chardev, port } = server();
  const events: boolean[] = [];
  const input: string[] = [];
  chardev.onConnection((c) => events.push(c));
  chardev.setReceiver((data) => input.push(decode(data)));
  try {
    await chardev.ready;
    chardev.write(encode("lost: nobody listens\n"));
    const first = await Deno.connect({ hostname: "127.0.0.1", port });
    await until(() => chardev.connected, "the first client");
    chardev.write(encode("to the first\n"));
    assert.equal(await readUntil(first, "\n"), "to the first\n");
    await first.write(encode("from the first"));
    await until(() => input.join("") === "from the first", "the first client's bytes");

    // A second client waits in the backlog while the first is served.
    const second = await Deno.connect({ hostname: "127.0.0.1", port });
    chardev.write(encode("still the first\n"));
    assert.equal(await readUntil(first, "\n"), "still the first\n");
    first.close();
    await until(() => events.length === 3, "the second client");
    assert.deepEqual(events, [true, false, true]);
    chardev.write(encode("to the second\n"));
    assert.equal(await readUntil(second, "\n"), "to the second\n");
    second.close();
    await until(() => !chardev.connected, "the second client to leave");
  } finally {
    chardev.close();
  }
});

Deno.test("a socket server holds input that arrives before a receiver is set", async () => {
  const { chardev, port } = server();
  try {
    const client = await Deno.connect({ hostname: "127.0.0.1", port });
    await client.write(encode("early"));
    await until(() => chardev.connected, "the client");
    await new Promise((r) => setTimeout(r, 50));
    const input: string[] = [];
    chardev.setReceiver((data) => input.push(decode(data)));
    await until(() => input.join("") === "early", "the held input");
    client.close();
  } finally {
    chardev.close();
  }
});

Deno.test("a wait=on server is ready only once a client connects, and says so as QEMU does", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const lines: string[] = [];
  const spec = parseSocketChardev({ host: "127.0.0.1", port: String(port), server: "on" });
  const opening = openSocketChardev(spec, { log: (line) => lines.push(line) });
  let ready = false;
  opening.then(() => ready = true);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(ready, false);
  assert.deepEqual(lines, [
    `info: QEMU waiting for connection on: disconnected:tcp:127.0.0.1:${port},server=on`,
  ]);
  const client = await Deno.connect({ hostname: "127.0.0.1", port });
  const chardev = await opening;
  try {
    assert.equal(chardev.connected, true);
    client.close();
  } finally {
    chardev.close();
  }
});

Deno.test("a socket client connects to a server, and fails with QEMU's message when refused", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const chardev = await openSocketChardev(
    parseSocketChardev({ host: "127.0.0.1", port: String(port) }),
  );
  try {
    const peer = await listener.accept();
    const input: string[] = [];
    chardev.setReceiver((data) => input.push(decode(data)));
    chardev.write(encode("hello server\n"));
    assert.equal(await readUntil(peer, "\n"), "hello server\n");
    await peer.write(encode("hello client"));
    await until(() => input.join("") === "hello client", "the server's bytes");
    // The server going away leaves the client disconnected (no reconnect=).
    peer.close();
    await until(() => !chardev.connected, "the disconnection");
  } finally {
    chardev.close();
    listener.close();
  }
  await assert.rejects(
    openSocketChardev(parseSocketChardev({ host: "127.0.0.1", port: String(port) })),
    new RegExp(`^Error: Failed to connect to '127\\.0\\.0\\.1:${port}': Connection refused$`),
  );
});

Deno.test("a socket server refuses a port in use with QEMU's message", () => {
  const { chardev, port } = server();
  try {
    assert.throws(
      () =>
        new SocketChardev(
          parseSocketChardev({ host: "127.0.0.1", port: String(port), server: "on", wait: "off" }),
        ),
      /^Error: Failed to find an available port: Address already in use$/,
    );
  } finally {
    chardev.close();
  }
});

Deno.test("a UNIX socket server listens on its path and removes it when closed", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/serial.sock`;
  const chardev = new SocketChardev(parseSocketChardev({ path, server: "on", wait: "off" }));
  try {
    assert.equal(chardev.filename, `disconnected:unix:${path},server=on`);
    const client = await Deno.connect({ transport: "unix", path });
    await until(() => chardev.connected, "the client");
    chardev.write(encode("over unix\n"));
    assert.equal(await readUntil(client, "\n"), "over unix\n");
    client.close();
  } finally {
    chardev.close();
  }
  assert.throws(() => Deno.statSync(path), Deno.errors.NotFound);
  assert.throws(
    () => new SocketChardev(parseSocketChardev({ path: `${dir}/no/such`, server: "on" })),
    new RegExp(`Failed to bind socket to ${dir}/no/such: No such file or directory`),
  );
  await Deno.remove(dir, { recursive: true });
});

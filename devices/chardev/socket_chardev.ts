import type { Chardev, ChardevConnection, ChardevReceiver } from "./chardev.ts";
import type { SocketAddress, SocketChardevSpec } from "./chardev_spec.ts";
import { HeldInput } from "./_held_input.ts";

/** Output queued for a peer that reads slower than the guest writes; more is dropped. */
const MAX_QUEUED_OUTPUT = 1024 * 1024;
/** Bytes read from the peer at a time. */
const READ_BYTES = 64 * 1024;

/**
 * QEMU's `-chardev socket` (chardev/char-socket.c): a TCP or UNIX stream socket that either
 * listens for one client at a time (`server=on`) or connects to a server. Output written while
 * no peer is connected is dropped, as QEMU drops it; input is delivered as it arrives. The
 * connection is reported through {@link ChardevConnection}, so that a virtserialport tells the
 * guest when the host side opens and closes.
 *
 * A client connects once (QEMU's `reconnect=` is not offered): when the server goes, the
 * chardev stays disconnected. A server accepts the next client once the current one leaves.
 */
export class SocketChardev implements Chardev, ChardevConnection {
  /** What was opened. */
  readonly spec: SocketChardevSpec;
  /**
   * Settles when the machine may start: at once for a server with `wait=off`, when the first
   * client connects for a server with `wait=on`, when the connection is made for a client.
   * Rejects with QEMU's message when a client cannot connect.
   */
  readonly ready: Promise<void>;
  readonly #listener: Deno.Listener | undefined;
  #conn: Deno.Conn | undefined;
  readonly #held = new HeldInput();
  #out: Uint8Array[] = [];
  #outBytes = 0;
  #writer: Deno.Conn | undefined;
  readonly #listeners = new Set<(connected: boolean) => void>();
  #firstClient: (() => void) | undefined;
  #closed = false;

  /**
   * Listens at once (a server) or starts connecting (a client). A server that cannot listen
   * throws an Error with QEMU's message ("Failed to find an available port: Address already in
   * use").
   */
  constructor(spec: SocketChardevSpec) {
    this.spec = spec;
    if (spec.server) {
      this.#listener = listen(spec.address);
      const first = Promise.withResolvers<void>();
      this.#firstClient = first.resolve;
      this.ready = spec.wait ? first.promise : Promise.resolve();
      void this.#serve(this.#listener);
    } else {
      this.ready = this.#connect();
      // Callers await `ready`; a rejection nobody awaited yet must not end the process.
      this.ready.catch(() => {});
    }
  }

  /**
   * QEMU's name for the chardev before a peer connects, as its "waiting for connection" line
   * shows it: `disconnected:tcp:127.0.0.1:4555,server=on`.
   */
  get filename(): string {
    const a = this.spec.address;
    const where = a.transport === "tcp" ? `tcp:${a.host}:${a.port}` : `unix:${a.path}`;
    return `disconnected:${where}${this.spec.server ? ",server=on" : ""}`;
  }

  /** The address a server listens on (with the port the system chose for port 0). */
  get localAddress(): Deno.Addr | undefined {
    return this.#listener?.addr;
  }

  /** True while a peer is connected. */
  get connected(): boolean {
    return this.#conn !== undefined;
  }

  /** Calls `listener` with every connection and disconnection; returns a function that stops. */
  onConnection(listener: (connected: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends guest output to the peer; dropped while none is connected. */
  write(data: Uint8Array): void {
    const conn = this.#conn;
    if (!conn || data.length === 0) return;
    if (this.#outBytes + data.length > MAX_QUEUED_OUTPUT) return;
    this.#out.push(data.slice());
    this.#outBytes += data.length;
    if (this.#writer !== conn) void this.#flush(conn);
  }

  /** Routes the peer's bytes to `cb`, first delivering those that arrived before. */
  setReceiver(cb: ChardevReceiver): void {
    this.#held.setReceiver(cb);
  }

  /** Closes the connection and the listening socket (removing a UNIX socket's file). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#listener?.close();
    } catch {
      // Already closed.
    }
    if (this.#conn) this.#disconnect(this.#conn);
    this.#firstClient?.();
    const a = this.spec.address;
    if (this.spec.server && a.transport === "unix") {
      try {
        Deno.removeSync(a.path);
      } catch {
        // Gone already.
      }
    }
  }

  /** Accepts one client at a time: the next waits in the backlog until the current leaves. */
  async #serve(listener: Deno.Listener): Promise<void> {
    while (!this.#closed) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        if (this.#closed) return;
        // A transient failure (out of descriptors): try again shortly.
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      if (this.#closed) {
        conn.close();
        return;
      }
      await this.#session(conn);
    }
  }

  async #connect(): Promise<void> {
    const a = this.spec.address;
    let conn: Deno.Conn;
    try {
      conn = a.transport === "tcp"
        ? await Deno.connect({ hostname: a.host, port: a.port })
        : await Deno.connect({ transport: "unix", path: a.path });
    } catch (e) {
      throw new Error(addressError(a, e, "connect"));
    }
    if (this.#closed) {
      conn.close();
      return;
    }
    void this.#session(conn);
  }

  /** Serves one connection until the peer leaves or an error ends it. */
  async #session(conn: Deno.Conn): Promise<void> {
    this.#conn = conn;
    if (this.spec.address.transport === "tcp") {
      try {
        (conn as Deno.TcpConn).setNoDelay(this.spec.nodelay);
      } catch {
        // Not fatal: only latency changes.
      }
    }
    this.#emit(true);
    this.#firstClient?.();
    this.#firstClient = undefined;
    const buf = new Uint8Array(READ_BYTES);
    try {
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        this.#held.deliver(buf.subarray(0, n));
      }
    } catch {
      // A reset connection ends the session like a close.
    }
    this.#disconnect(conn);
  }

  /** Writes queued output to `conn` in order until the queue is empty or the peer is gone. */
  async #flush(conn: Deno.Conn): Promise<void> {
    this.#writer = conn;
    try {
      while (this.#conn === conn && this.#out.length > 0) {
        const chunk = this.#out[0];
        for (let at = 0; at < chunk.length;) at += await conn.write(chunk.subarray(at));
        if (this.#conn !== conn) break;
        this.#out.shift();
        this.#outBytes -= chunk.length;
      }
    } catch {
      this.#disconnect(conn);
    } finally {
      if (this.#writer === conn) this.#writer = undefined;
    }
    // Output queued for a client that connected while this one was being written to.
    const next = this.#conn;
    if (next && next !== conn && this.#out.length > 0 && this.#writer !== next) {
      void this.#flush(next);
    }
  }

  /** The peer is gone: unsent output goes with it. */
  #disconnect(conn: Deno.Conn): void {
    if (this.#conn !== conn) return;
    this.#conn = undefined;
    this.#out = [];
    this.#outBytes = 0;
    try {
      conn.close();
    } catch {
      // Already closed by the peer.
    }
    this.#emit(false);
  }

  #emit(connected: boolean): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(connected);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}

function listen(address: SocketAddress): Deno.Listener {
  try {
    if (address.transport === "tcp") {
      return Deno.listen({ hostname: address.host, port: address.port });
    }
    removeStaleSocket(address.path);
    return Deno.listen({ transport: "unix", path: address.path });
  } catch (e) {
    throw new Error(addressError(address, e, "listen"));
  }
}

/** QEMU unlinks the path before binding (unix_listen_saddr); only a socket is removed here. */
function removeStaleSocket(path: string): void {
  try {
    if (Deno.lstatSync(path).isSocket) Deno.removeSync(path);
  } catch {
    // Nothing there, or not ours to remove: binding reports it.
  }
}

/** QEMU's wording (util/qemu-sockets.c) for a socket that cannot listen or connect. */
function addressError(address: SocketAddress, e: unknown, what: "listen" | "connect"): string {
  const message = e instanceof Error ? e.message : String(e);
  const reason = message.replace(/ \(os error \d+\)$/, "");
  const lookup = /^failed to lookup address information: (.*)$/.exec(message);
  if (address.transport === "tcp" && lookup) {
    return `address resolution failed for ${address.host}:${address.port}: ${lookup[1]}`;
  }
  const where = address.transport === "tcp" ? `${address.host}:${address.port}` : address.path;
  if (what === "connect") return `Failed to connect to '${where}': ${reason}`;
  if (address.transport === "unix") return `Failed to bind socket to ${where}: ${reason}`;
  if (e instanceof Deno.errors.AddrInUse) return `Failed to find an available port: ${reason}`;
  return `Failed to bind socket: ${reason}`;
}

/** Options of {@link openSocketChardev}. */
export interface OpenSocketChardevOptions {
  /** Where the "waiting for connection" line of a `wait=on` server goes. @default stderr */
  log?: (line: string) => void;
}

/**
 * Opens a socket chardev and waits until the machine may start (see `ready`): a `wait=on`
 * server first says, as QEMU does, that it waits for a client. Throws an Error with QEMU's
 * message when it cannot listen or connect (and then leaves nothing open).
 */
export async function openSocketChardev(
  spec: SocketChardevSpec,
  options: OpenSocketChardevOptions = {},
): Promise<SocketChardev> {
  const chardev = new SocketChardev(spec);
  if (spec.server && spec.wait) {
    (options.log ?? ((line) => console.error(line)))(
      `info: QEMU waiting for connection on: ${chardev.filename}`,
    );
  }
  try {
    await chardev.ready;
  } catch (e) {
    chardev.close();
    throw e;
  }
  return chardev;
}

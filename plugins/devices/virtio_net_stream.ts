/**
 * `-netdev socket,listen=|connect=` and `-netdev stream`: frames over one TCP connection, each
 * preceded by its 4-byte big-endian length (QEMU's net/socket.c and net/stream.c). A listening
 * backend serves one peer at a time and takes the next when it leaves; a connecting one ends
 * with its connection. Frames sent while no peer is connected are dropped, as QEMU does.
 *
 * @module
 */

import type { NetdevAddress } from "../sandbox/permissions.ts";
import {
  formatAddress,
  NET_BUFSIZE,
  type NetBackend,
  type NetBackendHooks,
} from "./virtio_net_backend.ts";
import { FrameReader, lengthPrefixed } from "./virtio_net_framing.ts";

/** Bytes queued for the connection before `send` reports a full queue. */
const HIGH_WATER = 1 << 20;
/** Queued bytes below which the device may send again. */
const LOW_WATER = 1 << 18;
const READ_CHUNK = 1 << 16;

/** Where the stream goes. */
export interface StreamAddress {
  /** The address to connect to, or to listen on. */
  readonly address: NetdevAddress;
  /** Accept connections on `address` instead of connecting to it. */
  readonly listen: boolean;
}

/**
 * Listens, or connects, and returns the backend. Rejects when the address cannot be bound or
 * the peer refuses the connection (QEMU fails at start-up then too).
 */
export async function openStreamBackend(
  where: StreamAddress,
  hooks: NetBackendHooks,
): Promise<NetBackend> {
  const { address } = where;
  const backend = new StreamBackend(hooks);
  if (where.listen) {
    let listener: Deno.Listener;
    try {
      listener = Deno.listen({ hostname: address.hostname, port: address.port, transport: "tcp" });
    } catch (e) {
      throw new Error(`can't listen on ${formatAddress(address)}: ${(e as Error).message}`);
    }
    backend.acceptFrom(listener);
  } else {
    let conn: Deno.Conn;
    try {
      conn = await Deno.connect({ hostname: address.hostname, port: address.port });
    } catch (e) {
      throw new Error(`can't connect to ${formatAddress(address)}: ${(e as Error).message}`);
    }
    void backend.serve(conn);
  }
  return backend;
}

class StreamBackend implements NetBackend {
  readonly #hooks: NetBackendHooks;
  #conn: Deno.Conn | undefined;
  #listener: Deno.Listener | undefined;
  #writing: Promise<void> = Promise.resolve();
  #queued = 0;
  #blocked = false;
  #resume: (() => void) | undefined;
  #closed = false;

  constructor(hooks: NetBackendHooks) {
    this.#hooks = hooks;
  }

  /** Serves connections from `listener`, one after the other, until closed. */
  acceptFrom(listener: Deno.Listener): void {
    this.#listener = listener;
    void (async () => {
      while (!this.#closed) {
        let conn: Deno.Conn;
        try {
          conn = await listener.accept();
        } catch {
          return; // closed
        }
        await this.serve(conn);
      }
    })();
  }

  /** Reads frames from `conn` until it ends; frames sent meanwhile go to it. */
  async serve(conn: Deno.Conn): Promise<void> {
    this.#conn = conn;
    const reader = new FrameReader(NET_BUFSIZE);
    const chunk = new Uint8Array(READ_CHUNK);
    try {
      while (!this.#closed) {
        const n = await conn.read(chunk);
        if (n === null) break;
        for (const frame of reader.push(chunk.subarray(0, n))) {
          if (this.#hooks.receive(frame)) continue;
          // The device is full: stop reading, so that TCP holds the peer back.
          await new Promise<void>((resolve) => this.#resume = resolve);
        }
      }
    } catch (e) {
      if (!this.#closed) this.#hooks.log(`connection ended: ${(e as Error).message}`);
    } finally {
      if (this.#conn === conn) this.#conn = undefined;
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  }

  send(frame: Uint8Array): boolean {
    const conn = this.#conn;
    if (!conn) return true;
    const packet = lengthPrefixed(frame);
    this.#queued += packet.length;
    this.#writing = this.#writing
      .then(() => writeAll(conn, packet))
      // A write to a connection that went away loses the frame, as the wire would; the reader
      // sees the same end and reports it.
      .catch(() => {})
      .finally(() => {
        this.#queued -= packet.length;
        if (this.#blocked && this.#queued <= LOW_WATER) {
          this.#blocked = false;
          this.#hooks.writable();
        }
      });
    if (this.#queued >= HIGH_WATER) this.#blocked = true;
    return !this.#blocked;
  }

  resume(): void {
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.();
  }

  close(): void {
    this.#closed = true;
    try {
      this.#listener?.close();
    } catch { /* already closed */ }
    try {
      this.#conn?.close();
    } catch { /* already closed */ }
    this.resume();
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

/**
 * `-netdev socket,udp=PEER,localaddr=LOCAL`: one Ethernet frame per UDP datagram, sent to PEER
 * from a socket bound to LOCAL, as QEMU's net/socket.c `net_socket_udp_init`. Like QEMU, the
 * socket takes datagrams from any sender. Uses `node:dgram`, which Deno 2.9 offers without
 * `--unstable-net` and checks against the sandbox's net permissions (the peer for sends, the
 * local address for the bind).
 *
 * @module
 */

import dgram from "node:dgram";
import type { NetdevAddress } from "../sandbox/permissions.ts";
import {
  formatAddress,
  NET_BUFSIZE,
  type NetBackend,
  type NetBackendHooks,
} from "./virtio_net_backend.ts";

/** The largest UDP payload over IPv4 (65535 - 8 - 20): longer frames cannot be sent. */
export const MAX_DATAGRAM = 65507;
/** Sends in flight before `send` reports a full queue. */
const HIGH_WATER = 256;
/** In-flight sends below which the device may send again. */
const LOW_WATER = 64;
/** Distinct problems reported before the backend goes quiet. */
const MAX_REPORTED = 16;

/** Where datagrams go and arrive. */
export interface DatagramAddresses {
  /** Where frames are sent. */
  readonly peer: NetdevAddress;
  /** The address the socket is bound to. */
  readonly local: NetdevAddress;
}

/** Binds the socket and returns the backend; rejects when the local address cannot be bound. */
export async function openDatagramBackend(
  addresses: DatagramAddresses,
  hooks: NetBackendHooks,
): Promise<NetBackend> {
  const { local } = addresses;
  const socket = dgram.createSocket({ type: local.hostname.includes(":") ? "udp6" : "udp4" });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind({ address: local.hostname, port: local.port }, () => {
        socket.off("error", reject);
        resolve();
      });
    });
  } catch (e) {
    socket.close();
    throw new Error(`can't bind ip=${formatAddress(local)} to socket: ${(e as Error).message}`);
  }
  return new DatagramBackend(socket, addresses.peer, hooks);
}

class DatagramBackend implements NetBackend {
  readonly #socket: dgram.Socket;
  readonly #peer: NetdevAddress;
  readonly #hooks: NetBackendHooks;
  readonly #reported = new Set<string>();
  #inFlight = 0;
  #blocked = false;

  constructor(socket: dgram.Socket, peer: NetdevAddress, hooks: NetBackendHooks) {
    this.#socket = socket;
    this.#peer = peer;
    this.#hooks = hooks;
    socket.on("message", (message: Uint8Array) => {
      if (message.length > 0 && message.length <= NET_BUFSIZE) hooks.receive(message);
    });
    socket.on("error", (e: Error) => this.#logOnce(`socket error: ${e.message}`));
  }

  send(frame: Uint8Array): boolean {
    if (frame.length > MAX_DATAGRAM) {
      this.#logOnce(`frames longer than ${MAX_DATAGRAM} bytes do not fit a datagram; dropped`);
      return true;
    }
    this.#inFlight++;
    const done = (e: Error | null) => {
      this.#inFlight--;
      // A datagram lost on the way is a frame lost on the wire: the guest's protocols cope.
      if (e) this.#logOnce(`send to ${formatAddress(this.#peer)}: ${e.message}`);
      if (this.#blocked && this.#inFlight <= LOW_WATER) {
        this.#blocked = false;
        this.#hooks.writable();
      }
    };
    try {
      this.#socket.send(frame, this.#peer.port, this.#peer.hostname, done);
    } catch (e) {
      done(e as Error);
    }
    if (this.#inFlight >= HIGH_WATER) this.#blocked = true;
    return !this.#blocked;
  }

  resume(): void {
    // Datagrams are not held back: what the device cannot take is dropped.
  }

  close(): void {
    try {
      this.#socket.close();
    } catch { /* already closed */ }
  }

  /** Each distinct problem once: a guest sending in a loop must not flood the VMM's log. */
  #logOnce(message: string): void {
    if (this.#reported.has(message) || this.#reported.size >= MAX_REPORTED) return;
    this.#reported.add(message);
    this.#hooks.log(message);
  }
}

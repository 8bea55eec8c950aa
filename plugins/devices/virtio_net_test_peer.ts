/**
 * The far end of a `-netdev socket,udp=` link, for tests: a UDP socket on 127.0.0.1 that
 * queues the datagrams (frames) it receives and sends frames to the device.
 *
 * @module
 */

import dgram from "node:dgram";

/** A datagram and the port it came from. */
export interface ReceivedDatagram {
  /** The frame. */
  readonly data: Uint8Array;
  /** The sender's port. */
  readonly port: number;
}

/** A UDP socket bound to 127.0.0.1 that hands out what it receives in order. */
export class UdpPeer {
  /** The bound port. */
  readonly port: number;
  readonly #socket: dgram.Socket;
  readonly #queue: ReceivedDatagram[] = [];
  #waiter: (() => void) | undefined;

  private constructor(socket: dgram.Socket) {
    this.#socket = socket;
    this.port = socket.address().port;
    socket.on("message", (msg: Uint8Array, from: { port: number }) => {
      this.#queue.push({ data: new Uint8Array(msg), port: from.port });
      this.#waiter?.();
    });
  }

  /** Binds a socket to 127.0.0.1 on `port` (a free one by default). */
  static async open(port = 0): Promise<UdpPeer> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, "127.0.0.1", () => resolve());
    });
    return new UdpPeer(socket);
  }

  /** Sends `frame` to 127.0.0.1:`port`. */
  send(frame: Uint8Array, port: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.#socket.send(frame, port, "127.0.0.1", (e) => e ? reject(e) : resolve())
    );
  }

  /** Datagrams received and not taken yet. */
  get queued(): number {
    return this.#queue.length;
  }

  /** The next datagram, waiting up to `ms` for it. */
  async next(ms = 30_000): Promise<ReceivedDatagram> {
    const deadline = performance.now() + ms;
    while (this.#queue.length === 0) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no datagram arrived on port ${this.port} within ${ms} ms`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.#waiter = undefined;
    }
    return this.#queue.shift()!;
  }

  /** Closes the socket. */
  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort(): Promise<number> {
  const peer = await UdpPeer.open();
  const port = peer.port;
  await peer.close();
  return port;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freeTcpPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

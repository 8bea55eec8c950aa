/**
 * The transmit queue of a virtio-net device (virtio 1.1 §5.1.6.2): each chain the driver
 * offers is one frame behind its header, in any framing (the device reads the readable part as
 * one byte string, §2.6.4). The frame is copied out of guest RAM, handed to the backend and
 * the chain returned with nothing written. While the backend's send queue is full, chains stay
 * in the ring, which holds the guest back as a busy wire would.
 *
 * @module
 */

import type { DescriptorChain, DeviceEnv, Virtqueue } from "../sdk/mod.ts";
import { NET_BUFSIZE, type NetBackend } from "./virtio_net_backend.ts";
import { TX_QUEUE } from "./virtio_net_config.ts";
import { VirtioNetError } from "./virtio_net_error.ts";
import { netHeaderSize } from "./virtio_net_header.ts";

/** Moves frames from the transmit queue to the backend. */
export class NetTransmitter {
  readonly #env: DeviceEnv;
  readonly #backend: () => NetBackend;
  readonly #log: (message: string) => void;
  #queue: Virtqueue | undefined;
  #headerSize = 0;
  #blocked = false;
  #warnedSize = false;

  /** A transmitter from `env`'s transmit queue to the backend `backend()` returns. */
  constructor(env: DeviceEnv, backend: () => NetBackend, log: (message: string) => void) {
    this.#env = env;
    this.#backend = backend;
    this.#log = log;
  }

  /** The driver set DRIVER_OK with `features`; `queue` is the transmit queue. */
  activate(queue: Virtqueue, features: bigint): void {
    this.#queue = queue.ready ? queue : undefined;
    this.#headerSize = netHeaderSize(features);
    this.flush();
  }

  /** The device was reset. The backend's send queue stays as full as it was. */
  reset(): void {
    this.#queue = undefined;
  }

  /** The backend has room again. */
  writable(): void {
    this.#blocked = false;
    this.flush();
  }

  /**
   * Sends every frame the driver offers, as long as the backend takes them, and interrupts the
   * driver if it wants to know. Throws `VirtqueueError` or {@link VirtioNetError} for a driver
   * that broke the protocol.
   */
  flush(): void {
    const queue = this.#queue;
    if (!queue) return;
    let used = 0;
    while (!this.#blocked) {
      const chain = queue.pop();
      if (!chain) break;
      this.#send(chain);
      queue.addUsed(chain.head, 0);
      used++;
    }
    if (used > 0) this.#env.signalUsed(TX_QUEUE);
  }

  #send(chain: DescriptorChain): void {
    const length = chain.readableLength();
    // QEMU: "virtio-net header incorrect" when the chain is shorter than the header.
    if (length < this.#headerSize) {
      throw new VirtioNetError(
        `virtio-net header incorrect: ${length} bytes to send, the header alone has ` +
          this.#headerSize,
      );
    }
    const frameLength = length - this.#headerSize;
    if (frameLength === 0) return;
    if (frameLength > NET_BUFSIZE) {
      if (!this.#warnedSize) {
        this.#warnedSize = true;
        this.#log(`frames longer than ${NET_BUFSIZE} bytes are dropped (${frameLength} sent)`);
      }
      return;
    }
    const frame = new Uint8Array(frameLength);
    chain.copyFromReadable(frame, { offset: this.#headerSize });
    if (!this.#backend().send(frame)) this.#blocked = true;
  }
}

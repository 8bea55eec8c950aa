/**
 * The receive queue of a virtio-net device (virtio 1.1 §5.1.6.3, §5.1.6.4): frames from the
 * backend wait, a bounded number of them, until the driver offers buffers; each frame goes
 * into one buffer behind its header. A frame larger than the buffer is dropped and the buffer
 * kept for the next frame, as QEMU does without mergeable buffers (`virtqueue_unpop`).
 *
 * With VIRTIO_NET_F_MRG_RXBUF a frame could also span several buffers. The SDK's `Virtqueue`
 * publishes `used.idx` with every element, so a driver polling meanwhile could see the first
 * buffer of a frame without the others, which Linux takes for a broken packet; such frames are
 * dropped instead. Linux sizes mergeable buffers for a whole frame of the MTU, so only frames
 * longer than the guest's MTU are concerned.
 *
 * @module
 */

import { type DescriptorChain, type DeviceEnv, hasFeature, type Virtqueue } from "../sdk/mod.ts";
import { RX_QUEUE, VIRTIO_NET_F_MRG_RXBUF } from "./virtio_net_config.ts";
import { VirtioNetError } from "./virtio_net_error.ts";
import { netHeaderSize, receiveHeader } from "./virtio_net_header.ts";

/** Frames held while the driver has no buffers, as a NIC's FIFO would. */
export const PENDING_FRAMES = 256;

/** What the receiver reports to the rest of the device. */
export interface ReceiverHooks {
  /** Room for frames again after `receive` returned false. */
  room(): void;
  /** A line for the VMM's log. */
  log(message: string): void;
}

/** Moves frames from the backend into the receive queue. */
export class NetReceiver {
  readonly #env: DeviceEnv;
  readonly #hooks: ReceiverHooks;
  #queue: Virtqueue | undefined;
  #headerSize = 0;
  #mergeable = false;
  /** Frames waiting for buffers, oldest first. */
  #pending: Uint8Array[] = [];
  /** Buffers taken from the ring that the last frames did not fit, to be used first. */
  #kept: DescriptorChain[] = [];
  #full = false;
  #warnedSize = false;

  /** A receiver for `env`'s receive queue. */
  constructor(env: DeviceEnv, hooks: ReceiverHooks) {
    this.#env = env;
    this.#hooks = hooks;
  }

  /** Frames waiting for buffers. */
  get pending(): number {
    return this.#pending.length;
  }

  /** The driver set DRIVER_OK with `features`; `queue` is the receive queue. */
  activate(queue: Virtqueue, features: bigint): void {
    this.#queue = queue.ready ? queue : undefined;
    this.#headerSize = netHeaderSize(features);
    this.#mergeable = hasFeature(features, VIRTIO_NET_F_MRG_RXBUF);
    this.flush();
  }

  /** The device was reset: frames and buffers held are dropped. */
  reset(): void {
    this.#queue = undefined;
    this.#pending = [];
    this.#kept = [];
    this.#setFull(false);
  }

  /**
   * A frame from the backend. Before the driver is ready it is dropped. Returns false when no
   * more frames can be held (this one is dropped if it did not fit either).
   */
  receive(frame: Uint8Array): boolean {
    if (!this.#queue) return true;
    if (this.#pending.length >= PENDING_FRAMES) return false;
    this.#pending.push(frame);
    this.flush();
    if (this.#pending.length >= PENDING_FRAMES) this.#setFull(true);
    return !this.#full;
  }

  /**
   * Delivers held frames into the buffers the driver offers (after a notification of the
   * receive queue, or a frame's arrival) and interrupts the driver if it wants to know. Throws
   * `VirtqueueError` or {@link VirtioNetError} for a driver that broke the protocol.
   */
  flush(): void {
    const queue = this.#queue;
    if (!queue) return;
    let used = 0;
    while (this.#pending.length > 0) {
      const n = this.#deliver(queue, this.#pending[0]);
      if (n < 0) break;
      this.#pending.shift();
      used += n;
    }
    if (used > 0) this.#env.signalUsed(RX_QUEUE);
    if (this.#pending.length < PENDING_FRAMES) this.#setFull(false);
  }

  /** Used elements added for `frame` (0 when it was dropped), or -1 when no buffer is free. */
  #deliver(queue: Virtqueue, frame: Uint8Array): number {
    const chain = this.#kept.shift() ?? queue.pop();
    if (!chain) return -1;
    const room = chain.writableLength();
    // QEMU: "virtio-net receive queue contains no in buffers".
    if (room === 0) {
      throw new VirtioNetError("virtio-net receive queue contains no in buffers");
    }
    // §5.1.6.3.1: with MRG_RXBUF "each buffer MUST be at least the size of the struct
    // virtio_net_hdr"; without it a small buffer only means that the frame does not fit.
    if (this.#mergeable && room < this.#headerSize) {
      throw new VirtioNetError(
        `virtio-net receive buffer of ${room} bytes is shorter than the ` +
          `${this.#headerSize}-byte header`,
      );
    }
    const size = this.#headerSize + frame.length;
    if (room < size) {
      this.#kept.unshift(chain);
      if (!this.#warnedSize) {
        this.#warnedSize = true;
        this.#hooks.log(
          `a ${frame.length}-byte frame does not fit a ${room}-byte receive buffer; ` +
            "such frames are dropped",
        );
      }
      return 0;
    }
    chain.copyToWritable(receiveHeader(this.#headerSize, 1));
    chain.copyToWritable(frame, { offset: this.#headerSize });
    queue.addUsed(chain.head, size);
    return 1;
  }

  #setFull(full: boolean): void {
    if (this.#full === full) return;
    this.#full = full;
    if (!full) this.#hooks.room();
  }
}

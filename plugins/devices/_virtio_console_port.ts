/**
 * One port of a virtio console (virtio 1.1 §5.3.6): its receiveq carries host input to the
 * guest, its transmitq guest output to the host, both through the chardev of the port. Without
 * a chardev, output is discarded and no input ever comes, as QEMU's virtconsole does when its
 * chardev is not connected.
 *
 * The single-port `virtio-console-pci` uses port 0 alone, always open on both sides. A
 * multiport device (`virtio-serial-pci`) gives each port its own pair of queues (§5.3.2) and
 * opens and closes its sides as the control queue says (§5.3.6.2): input waits until the guest
 * opened the port, and output while the host side is closed is dropped, as in QEMU
 * (hw/char/virtio-serial-bus.c, `handle_output`, `virtio_serial_close`).
 *
 * @module
 */

import type { ChardevPort, DescriptorChain, DeviceEnv, DeviceHandlers } from "../sdk/mod.ts";

/** §5.3.2: queue 0 is receiveq(port0), queue 1 transmitq(port0). */
export const RECEIVEQ = 0;
/** §5.3.2: the guest's output. */
export const TRANSMITQ = 1;

/** Bytes moved per copy between guest buffers and the chardev. */
const CHUNK = 0x1000;

/** A transmit chain whose bytes the host has only partly taken. */
interface Transmission {
  readonly chain: DescriptorChain;
  readonly total: number;
  offset: number;
}

/** Options of {@link ConsolePort}. */
export interface ConsolePortOptions {
  /** Index of the port's receiveq. @default RECEIVEQ */
  receiveq?: number;
  /** Index of the port's transmitq. @default TRANSMITQ */
  transmitq?: number;
  /** The guest has the port open (it takes input). @default true */
  guestConnected?: boolean;
  /** The host has the port open (it takes output). @default true */
  hostConnected?: boolean;
}

/**
 * Serves the receiveq and transmitq of one port. Guest output is copied to the chardev as the
 * host takes it: a chain is returned to the driver only once all its bytes are with the host, so
 * a host that falls behind slows the guest down instead of losing its output.
 */
export class ConsolePort implements DeviceHandlers {
  /** Index of the port's receiveq. */
  readonly receiveq: number;
  /** Index of the port's transmitq. */
  readonly transmitq: number;
  readonly #env: DeviceEnv;
  readonly #chardev: ChardevPort | undefined;
  readonly #scratch = new Uint8Array(CHUNK);
  #active = false;
  #guestConnected: boolean;
  #hostConnected: boolean;
  #partial: Transmission | undefined;
  /** Bumped by reset, so that a wait for the host begun before it does not resume after. */
  #generation = 0;
  #waiting = false;

  /** Serves the queues of `env` over `chardev` (none: output is dropped, no input comes). */
  constructor(env: DeviceEnv, chardev: ChardevPort | undefined, options: ConsolePortOptions = {}) {
    this.#env = env;
    this.#chardev = chardev;
    this.receiveq = options.receiveq ?? RECEIVEQ;
    this.transmitq = options.transmitq ?? TRANSMITQ;
    this.#guestConnected = options.guestConnected ?? true;
    this.#hostConnected = options.hostConnected ?? true;
    chardev?.onInput(() => this.#receive());
  }

  /** True when the port has a chardev behind it. */
  get hasChardev(): boolean {
    return this.#chardev !== undefined;
  }

  /** Whether the host side is open (QEMU's `host_connected`). */
  get hostConnected(): boolean {
    return this.#hostConnected;
  }

  /** Whether the guest side is open (QEMU's `guest_connected`). */
  get guestConnected(): boolean {
    return this.#guestConnected;
  }

  /** The driver is ready: deliver input that waited for it. */
  activate(): void {
    this.#active = true;
    this.#receive();
  }

  /** New receive buffers, or new output. */
  notify(index: number): void {
    if (index === this.receiveq) this.#receive();
    else if (index === this.transmitq) this.#transmit();
  }

  /** Forgets a half-sent chain (its queue is gone); host input stays for the next driver. */
  reset(): void {
    this.#active = false;
    this.#partial = undefined;
    this.#waiting = false;
    this.#generation++;
  }

  /** The guest opened (true) or closed the port: input flows only while it is open. */
  setGuestConnected(open: boolean): void {
    this.#guestConnected = open;
    if (open) this.#receive();
  }

  /**
   * The host side opened or closed. Closing drops the output the host had not taken and any the
   * guest queued since (QEMU's `virtio_serial_close` discards the transmitq).
   */
  setHostConnected(open: boolean): void {
    this.#hostConnected = open;
    if (!open) {
      this.#partial = undefined;
      this.#waiting = false;
      this.#generation++;
    }
    this.#transmit();
  }

  /** Writes one byte straight to the host (the emergency write of §5.3.4), if it fits. */
  writeByte(byte: number): void {
    this.#chardev?.write(Uint8Array.of(byte & 0xff));
  }

  /** Fills receive buffers with pending host input, one chain per pass while input lasts. */
  #receive(): void {
    const chardev = this.#chardev;
    if (!this.#active || !this.#guestConnected || !chardev) return;
    const queue = this.#env.queue(this.receiveq);
    let returned = 0;
    while (chardev.pending > 0) {
      const chain = queue.pop();
      if (!chain) break;
      // §5.3.6.1: receive buffers are device-writable; a chain with none gets nothing.
      const room = chain.writableLength();
      let written = 0;
      while (written < room) {
        const n = chardev.read(this.#scratch.subarray(0, Math.min(CHUNK, room - written)));
        if (n === 0) break;
        written += chain.copyToWritable(this.#scratch.subarray(0, n), { offset: written });
      }
      queue.addUsed(chain.head, written);
      returned++;
    }
    if (returned > 0) this.#env.signalUsed(this.receiveq);
  }

  /** Moves output chains to the host until the queue is empty or the host is full. */
  #transmit(): void {
    if (!this.#active || this.#waiting) return;
    const queue = this.#env.queue(this.transmitq);
    let returned = 0;
    for (;;) {
      let job = this.#partial;
      if (!job) {
        const chain = queue.pop();
        if (!chain) break;
        // §5.3.6.1: transmit buffers are device-readable; writable ones are ignored.
        job = { chain, total: chain.readableLength(), offset: 0 };
      }
      if (!this.#send(job)) {
        this.#partial = job;
        this.#waitForHost();
        break;
      }
      this.#partial = undefined;
      queue.addUsed(job.chain.head, 0);
      returned++;
    }
    if (returned > 0) this.#env.signalUsed(this.transmitq);
  }

  /** Copies what the host takes of `job`; true once all of it is sent (or dropped). */
  #send(job: Transmission): boolean {
    const chardev = this.#chardev;
    if (!chardev || !this.#hostConnected) return true;
    while (job.offset < job.total) {
      const want = Math.min(CHUNK, job.total - job.offset);
      const n = job.chain.copyFromReadable(this.#scratch.subarray(0, want), { offset: job.offset });
      if (n === 0) break;
      const taken = chardev.write(this.#scratch.subarray(0, n));
      job.offset += taken;
      if (taken < n) return false;
    }
    return true;
  }

  #waitForHost(): void {
    const generation = this.#generation;
    this.#waiting = true;
    this.#chardev!.writable().then(() => {
      if (generation !== this.#generation) return;
      this.#waiting = false;
      this.#transmit();
    });
  }
}

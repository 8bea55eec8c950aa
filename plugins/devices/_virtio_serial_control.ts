/**
 * The control queues of a multiport virtio console (virtio 1.1 §5.3.6.2): `struct
 * virtio_console_control` messages, and the pair of queues that carries them. The device's
 * messages wait for receive buffers instead of being lost when the driver has none posted yet
 * (QEMU drops them then: hw/char/virtio-serial-bus.c, `send_control_msg`).
 *
 * @module
 */

import type { DeviceEnv } from "../sdk/mod.ts";

/** §5.3.6.2: the events of a control message, by name. */
export const ControlEvent = {
  /** Driver → device: the driver is ready (value 1) or failed (0). */
  DEVICE_READY: 0,
  /** Device → driver: a port was added (Linux calls it PORT_ADD). */
  DEVICE_ADD: 1,
  /** Device → driver: a port was removed. */
  DEVICE_REMOVE: 2,
  /** Driver → device: the port is ready (1) or failed (0). */
  PORT_READY: 3,
  /** Device → driver: the port is a console (hvc). */
  CONSOLE_PORT: 4,
  /** Device → driver: the console was resized. */
  RESIZE: 5,
  /** Both ways: the sender opened (1) or closed (0) the port. */
  PORT_OPEN: 6,
  /** Device → driver: the port's name follows the header. */
  PORT_NAME: 7,
} as const;

/** Bytes of `struct virtio_console_control`: le32 id, le16 event, le16 value. */
export const CONTROL_HEADER_BYTES = 8;

/** §5.3.2: with VIRTIO_CONSOLE_F_MULTIPORT, queue 2 is the control receiveq... */
export const CONTROL_RECEIVEQ = 2;
/** ...and queue 3 the control transmitq. */
export const CONTROL_TRANSMITQ = 3;

/** One control message. */
export interface ControlMessage {
  /** Port number. */
  readonly id: number;
  /** One of {@link ControlEvent}. */
  readonly event: number;
  /** Event argument, usually 1 or 0. */
  readonly value: number;
}

/** Messages the device keeps while the driver posts no receive buffer; more are dropped. */
const MAX_PENDING = 1024;
/** Most bytes of a driver's control message the device reads (they are 8). */
const MAX_INCOMING = 256;

/**
 * The bytes of a control message, little-endian (virtio 1.x, and legacy x86 guests), followed
 * by `payload` (a port name).
 */
export function encodeControl(message: ControlMessage, payload?: Uint8Array): Uint8Array {
  const out = new Uint8Array(CONTROL_HEADER_BYTES + (payload?.length ?? 0));
  const view = new DataView(out.buffer);
  view.setUint32(0, message.id >>> 0, true);
  view.setUint16(4, message.event & 0xffff, true);
  view.setUint16(6, message.value & 0xffff, true);
  if (payload) out.set(payload, CONTROL_HEADER_BYTES);
  return out;
}

/** The control message at the start of `bytes`, or undefined when it is too short (as QEMU). */
export function decodeControl(bytes: Uint8Array): ControlMessage | undefined {
  if (bytes.length < CONTROL_HEADER_BYTES) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    id: view.getUint32(0, true),
    event: view.getUint16(4, true),
    value: view.getUint16(6, true),
  };
}

/**
 * The device's end of the control receiveq and transmitq: sends messages as receive buffers
 * allow, and hands each message the driver sends to `onMessage`.
 */
export class ControlQueues {
  readonly #env: DeviceEnv;
  readonly #onMessage: (message: ControlMessage, bytes: Uint8Array) => void;
  readonly #scratch = new Uint8Array(MAX_INCOMING);
  #pending: Uint8Array[] = [];
  #active = false;

  /** Serves queues 2 and 3 of `env`; `onMessage` gets each well-formed driver message. */
  constructor(env: DeviceEnv, onMessage: (message: ControlMessage, bytes: Uint8Array) => void) {
    this.#env = env;
    this.#onMessage = onMessage;
  }

  /** The driver negotiated multiport and is ready: start serving. */
  activate(): void {
    this.#active = true;
    this.#flush();
  }

  /** Forgets messages not yet delivered: the driver that would read them is gone. */
  reset(): void {
    this.#active = false;
    this.#pending = [];
  }

  /** Queues a message for the driver. */
  send(message: ControlMessage, payload?: Uint8Array): void {
    if (this.#pending.length >= MAX_PENDING) return;
    this.#pending.push(encodeControl(message, payload));
    this.#flush();
  }

  /** The driver posted receive buffers or sent messages. */
  notify(index: number): void {
    if (index === CONTROL_RECEIVEQ) this.#flush();
    else if (index === CONTROL_TRANSMITQ) this.#receive();
  }

  #flush(): void {
    if (!this.#active || this.#pending.length === 0) return;
    const queue = this.#env.queue(CONTROL_RECEIVEQ);
    let returned = 0;
    while (this.#pending.length > 0) {
      const chain = queue.pop();
      if (!chain) break;
      // A buffer too small for a name gets what fits, as the driver can only read that much.
      const written = chain.copyToWritable(this.#pending.shift()!);
      queue.addUsed(chain.head, written);
      returned++;
    }
    if (returned > 0) this.#env.signalUsed(CONTROL_RECEIVEQ);
  }

  #receive(): void {
    if (!this.#active) return;
    const queue = this.#env.queue(CONTROL_TRANSMITQ);
    let returned = 0;
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      const n = chain.copyFromReadable(this.#scratch);
      queue.addUsed(chain.head, 0);
      returned++;
      const bytes = this.#scratch.subarray(0, n);
      const message = decodeControl(bytes);
      if (message) this.#onMessage(message, bytes);
    }
    if (returned > 0) this.#env.signalUsed(CONTROL_TRANSMITQ);
  }
}

/**
 * What a device backend sees inside its sandbox ({@link DeviceEnv}) and what it answers with
 * ({@link DeviceHandlers}).
 *
 * @module
 */

import type { GuestRam, Virtqueue } from "../virtqueue/mod.ts";
import type { DriveFile } from "./drive_file.ts";

/**
 * A host endpoint granted through a `netdev` property: the one address the sandbox may reach.
 *
 * @example
 * ```ts
 * import type { NetdevEndpoint } from "./device_env.ts";
 * const peer: NetdevEndpoint = { hostname: "127.0.0.1", port: 5555 };
 * ```
 */
export interface NetdevEndpoint {
  /** Host name or address, as granted. */
  readonly hostname: string;
  /** TCP or UDP port. */
  readonly port: number;
}

/**
 * The host side of a `chardev` property (a terminal, a file), as a backend sees it: a byte
 * stream each way. The chardev stays with the VMM; bytes cross in shared memory, so the sandbox
 * needs no permission for it.
 *
 * @example
 * ```ts
 * import type { ChardevPort } from "./device_env.ts";
 *
 * // Echoes host input back to the host, waiting when the host is behind.
 * async function echo(port: ChardevPort): Promise<void> {
 *   const buf = new Uint8Array(256);
 *   for (let n = port.read(buf); n > 0; n = port.read(buf)) {
 *     for (let at = 0; at < n;) {
 *       const done = port.write(buf.subarray(at, n));
 *       if (done === 0) await port.writable();
 *       at += done;
 *     }
 *   }
 * }
 * const silent: ChardevPort = {
 *   write: (data) => data.length,
 *   writable: () => Promise.resolve(),
 *   pending: 0,
 *   read: () => 0,
 *   onInput() {},
 * };
 * await echo(silent);
 * ```
 */
export interface ChardevPort {
  /** Queues bytes for the host; returns how many fit (fewer, or 0, while the host is behind). */
  write(data: Uint8Array): number;
  /** Resolves once `write` can take at least one byte. */
  writable(): Promise<void>;
  /** Bytes of host input waiting to be read. */
  readonly pending: number;
  /** Moves up to `into.length` bytes of host input into `into`; returns how many. */
  read(into: Uint8Array): number;
  /**
   * Calls `listener` whenever host input arrives, and soon after this call if some is already
   * waiting; replaces any earlier listener. Input the backend does not read stays pending.
   */
  onInput(listener: () => void): void;
}

/**
 * Everything a backend may use, handed to `backend(props, env)` inside the device's Worker.
 * Nothing else of the VMM is reachable from there.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DeviceEnv, DeviceHandlers } from "./device_env.ts";
 *
 * // A backend that completes every request on queue 0 without touching it.
 * function sink(env: DeviceEnv): DeviceHandlers {
 *   return {
 *     activate() {},
 *     notify(index) {
 *       const queue = env.queue(index);
 *       for (let chain = queue.pop(); chain; chain = queue.pop()) queue.addUsed(chain.head, 0);
 *       env.signalUsed(index);
 *     },
 *     reset() {},
 *   };
 * }
 * assert.equal(typeof sink, "function");
 * ```
 */
export interface DeviceEnv {
  /**
   * Guest RAM: guest-physical address == offset, limited to `[0, memory.size)`. Writes made
   * through the queue's copy methods are reported to the VMM (for translated-code invalidation);
   * a backend writing `memory.u8` directly calls `memory.onWrite` itself.
   */
  readonly memory: GuestRam;
  /** Queue `index`, set up from the driver's activation (not ready before `activate`). */
  queue(index: number): Virtqueue;
  /** Raises the used-buffer interrupt of queue `index` unconditionally. */
  interrupt(index: number): void;
  /**
   * Raises queue `index`'s interrupt if the driver wants one for the buffers used since the last
   * call (`Virtqueue.needsNotification`, §2.6.7.2); returns whether it did.
   */
  signalUsed(index: number): boolean;
  /** Tells the driver the configuration space changed (configuration interrupt). */
  configChanged(): void;
  /**
   * Device configuration space, `configSize` bytes, little-endian fields. The VMM reads it in
   * place, synchronously, whenever the guest does: keep it current.
   */
  readonly config: Uint8Array;
  /** DataView over `config`. */
  readonly configView: DataView;
  /** Drive files by property name: the only files this sandbox can open. */
  readonly files: Readonly<Record<string, DriveFile>>;
  /** Network endpoints by property name: the only addresses this sandbox can reach. */
  readonly netdevs: Readonly<Record<string, NetdevEndpoint>>;
  /** Character devices by property name (`chardev` properties that name a `-chardev`). */
  readonly chardevs: Readonly<Record<string, ChardevPort>>;
  /** Negotiated features (0n before `activate`). */
  readonly features: bigint;
  /** Writes a line to the VMM's log (stderr), prefixed with the device id. */
  log(message: string): void;
}

/**
 * A backend's answers to the transport, called inside its Worker. An exception (or a rejected
 * promise) from any handler stops the device: it is set to NEEDS_RESET and its Worker ended.
 *
 * @example
 * ```ts
 * import type { DeviceHandlers } from "./device_env.ts";
 * const idle: DeviceHandlers = { activate() {}, notify() {}, reset() {} };
 * ```
 */
export interface DeviceHandlers {
  /** The driver set DRIVER_OK: `queues[i]` is queue i, ready when the driver configured it. */
  activate(features: bigint, queues: readonly Virtqueue[]): void | Promise<void>;
  /** The driver notified queue `queueIndex`. */
  notify(queueIndex: number): void | Promise<void>;
  /** The device was reset: forget in-flight requests; queues are already reset. */
  reset(): void | Promise<void>;
  /**
   * The driver wrote configuration space. `config` keeps its bytes unless this handler changes
   * them; without a handler, writes are ignored (read-only fields, as most devices have).
   */
  writeConfig?(offset: number, size: 1 | 2 | 4, value: number): void;
}

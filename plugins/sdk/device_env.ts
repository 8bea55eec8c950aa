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

/**
 * The balloon's statistics queue (virtio 1.1 §5.5.6.3): the driver puts one buffer of
 * statistics on statsq; the device keeps it until it wants fresher figures, then returns it and
 * the driver answers with a new one. As QEMU, the device asks every
 * `guest-stats-polling-interval` seconds, and never when that is 0.
 *
 * @module
 */

import type { DescriptorChain, DeviceEnv } from "../sdk/mod.ts";

/** statsq is queue 2 (§5.5.2), present with VIRTIO_BALLOON_F_STATS_VQ. */
export const STATSQ = 2;

/** §5.5.6.3: tags of `struct virtio_balloon_stat`, with QEMU's names (`stat-...`). */
export const STAT_NAMES: readonly string[] = [
  "swap-in",
  "swap-out",
  "major-faults",
  "minor-faults",
  "free-memory",
  "total-memory",
  "available-memory",
  "disk-caches",
  "htlb-pgalloc",
  "htlb-pgfail",
];

/** §5.5.6.3: `struct virtio_balloon_stat { le16 tag; le64 val; }`, packed. */
const STAT_BYTES = 10;
/** Entries read from one buffer at most: every tag a few times over. */
const MAX_STATS = 64;

/**
 * Reads the statistics a buffer holds: name → value for known tags, in order; unknown tags are
 * skipped and a trailing partial entry is ignored (QEMU does the same).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const bytes = new Uint8Array(20);
 * const view = new DataView(bytes.buffer);
 * view.setUint16(0, 4, true);
 * view.setBigUint64(2, 1234n, true);
 * view.setUint16(10, 99, true); // unknown tag
 * assert.deepEqual(parseStats(bytes), new Map([["free-memory", 1234n]]));
 * ```
 */
export function parseStats(bytes: Uint8Array): Map<string, bigint> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stats = new Map<string, bigint>();
  for (let at = 0; at + STAT_BYTES <= bytes.length; at += STAT_BYTES) {
    const name = STAT_NAMES[view.getUint16(at, true)];
    if (name !== undefined) stats.set(name, view.getBigUint64(at + 2, true));
  }
  return stats;
}

/** Serves statsq: keeps the driver's buffer, returns it when the polling interval comes. */
export class BalloonStats {
  readonly #env: DeviceEnv;
  readonly #intervalMs: number;
  #held: DescriptorChain | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #latest = new Map<string, bigint>();

  /** Polls every `intervalSeconds` (0: never; the first buffer is kept for good). */
  constructor(env: DeviceEnv, intervalSeconds: number) {
    this.#env = env;
    this.#intervalMs = intervalSeconds * 1000;
  }

  /** The last statistics the driver sent. */
  get latest(): ReadonlyMap<string, bigint> {
    return this.#latest;
  }

  /** Takes the driver's new statistics buffer. */
  notify(): void {
    const queue = this.#env.queue(STATSQ);
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      // A driver that follows §5.5.6.3 has one buffer out at a time; QEMU returns an older one.
      if (this.#held) this.#giveBack();
      const bytes = new Uint8Array(Math.min(chain.readableLength(), MAX_STATS * STAT_BYTES));
      chain.copyFromReadable(bytes);
      this.#latest = parseStats(bytes);
      this.#held = chain;
      if (this.#intervalMs > 0) {
        this.#env.log(
          `guest stats: ${[...this.#latest].map(([k, v]) => `${k}=${v}`).join(" ")}`,
        );
        this.#arm();
      }
    }
  }

  /** Drops the held buffer (its queue is gone) and stops polling. */
  reset(): void {
    this.#held = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#held) this.#giveBack();
    }, this.#intervalMs);
  }

  /** Returns the held buffer: the driver refills it with fresh statistics. */
  #giveBack(): void {
    const chain = this.#held!;
    this.#held = undefined;
    const queue = this.#env.queue(STATSQ);
    queue.addUsed(chain.head, 0);
    this.#env.signalUsed(STATSQ);
  }
}

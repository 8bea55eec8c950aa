/**
 * `virtio-rng-pci`: the entropy device (virtio 1.1 §5.4), as QEMU's hw/virtio/virtio-rng.c
 * behaves toward a guest. One request queue; every chain the driver offers gets random bytes from
 * the host's CSPRNG in its device-writable buffers. `max-bytes` and `period` rate-limit the
 * bytes delivered per period of milliseconds, as in QEMU.
 *
 * @module
 */

import { defineDevice, type DescriptorChain, type DeviceEnv } from "../sdk/mod.ts";

/** QEMU's default and largest `max-bytes`: INT64_MAX, i.e. no limit in practice. */
const INT64_MAX = (1n << 63n) - 1n;
/** QEMU's default `period`: 2^16 ms. */
const DEFAULT_PERIOD_MS = 1 << 16;
/** `crypto.getRandomValues` fills at most 64 KiB per call (WebCrypto). */
const ENTROPY_CHUNK = 0x10000;
/** Longest delay `setTimeout` takes as given (HTML timers: a signed 32-bit millisecond count). */
const MAX_TIMER_MS = 0x7fff_ffff;

/** The virtio-rng-pci device type: its default export is what `loadPlugin` reads. */
export default defineDevice({
  name: "virtio-rng-pci",
  aliases: ["virtio-rng"],
  category: "Misc",
  deviceId: 4,
  // PCI_CLASS_OTHERS, as QEMU's virtio-rng-pci (class 0x00, subclass 0xff).
  pciClass: 0x00ff,
  // §5.4.2: one queue, requestq. QEMU adds it with 8 entries (virtio_add_queue(vdev, 8, ...)).
  queueSizes: [8],
  // §5.4.4: the device has no configuration space.
  configSize: 0,
  properties: {
    // QEMU refuses values of 2^63 and above ("must be non-negative, and less than 2^63").
    "max-bytes": { type: "u64", default: INT64_MAX, max: INT64_MAX },
    // QEMU refuses 0 ("'period' parameter expects a positive integer").
    period: { type: "u32", default: DEFAULT_PERIOD_MS, min: 1 },
  },
  backend(props, env) {
    const maxBytes = BigInt(props["max-bytes"] ?? INT64_MAX);
    const periodMs = props.period ?? DEFAULT_PERIOD_MS;
    if (maxBytes < 0n || maxBytes > INT64_MAX) {
      throw new Error("'max-bytes' parameter must be non-negative, and less than 2^63");
    }
    if (!Number.isInteger(periodMs) || periodMs < 1) {
      throw new Error("'period' parameter expects a positive integer");
    }
    return new RngBackend(env, maxBytes, periodMs);
  },
});

/**
 * Serves the request queue within the byte quota of the current period. The first delivery
 * after a refill opens a period; when it ends the quota is refilled and chains left waiting are
 * served (QEMU's `check_rate_limit`). Unlike QEMU, that delivery opens the next period at once,
 * so a driver that is waiting without notifying again is not left stalled.
 */
class RngBackend {
  readonly #env: DeviceEnv;
  readonly #maxBytes: bigint;
  readonly #periodMs: number;
  readonly #scratch = new Uint8Array(ENTROPY_CHUNK);
  #quota: bigint;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #active = false;

  constructor(env: DeviceEnv, maxBytes: bigint, periodMs: number) {
    this.#env = env;
    this.#maxBytes = maxBytes;
    this.#periodMs = periodMs;
    this.#quota = maxBytes;
  }

  activate(): void {
    this.#active = true;
    // Chains offered before DRIVER_OK wait for the driver's first notification, as in QEMU.
  }

  notify(index: number): void {
    if (index === 0) this.#serve();
  }

  reset(): void {
    this.#active = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#quota = this.#maxBytes;
  }

  #serve(): void {
    if (!this.#active) return;
    const queue = this.#env.queue(0);
    let delivered = 0;
    let returned = 0;
    while (this.#quota > 0n) {
      const chain = queue.pop();
      if (!chain) break;
      const quota = this.#quota > BigInt(Number.MAX_SAFE_INTEGER)
        ? Number.MAX_SAFE_INTEGER
        : Number(this.#quota);
      const written = this.#fill(chain, quota);
      queue.addUsed(chain.head, written);
      this.#quota -= BigInt(written);
      delivered += written;
      returned++;
    }
    if (returned > 0) this.#env.signalUsed(0);
    if (delivered > 0 && this.#timer === undefined) this.#arm(performance.now() + this.#periodMs);
  }

  /** Refills at `deadline`; timers overflow past 2^31 - 1 ms, and `period` may be 2^32 - 1. */
  #arm(deadline: number): void {
    const wait = Math.min(deadline - performance.now(), MAX_TIMER_MS);
    this.#timer = setTimeout(() => {
      if (performance.now() < deadline) {
        this.#arm(deadline);
        return;
      }
      this.#timer = undefined;
      this.#quota = this.#maxBytes;
      this.#serve();
    }, Math.max(0, wait));
  }

  /** Writes up to `limit` random bytes into the chain's writable part; returns how many. */
  #fill(chain: DescriptorChain, limit: number): number {
    // §5.4.6.1: the device writes into the device-writable buffers only; a chain without any
    // is returned with nothing written.
    const total = Math.min(chain.writableLength(), limit);
    let done = 0;
    while (done < total) {
      const n = Math.min(ENTROPY_CHUNK, total - done);
      const bytes = this.#scratch.subarray(0, n);
      crypto.getRandomValues(bytes);
      const written = chain.copyToWritable(bytes, { offset: done });
      if (written === 0) break;
      done += written;
    }
    return done;
  }
}

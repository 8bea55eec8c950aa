/**
 * Virtqueue throughput and latency with the driver mock in-process (plugins/virtqueue), request
 * sizes 512 B … 1 MiB, read against the memcpy bound measured sample by sample alongside (so drift
 * on a shared machine moves both).
 *
 * Each request is what a block write looks like on the ring: a device-readable buffer of the
 * request size and a one-byte device-writable status. The device copies the request out of guest
 * RAM into its own shared buffer (the one copy a backend cannot avoid), writes the status and
 * returns the chain. The driver's buffers are posted once and re-offered, as a driver recycles
 * its request slots, so the figures are the queue's and the device's cost, not the mock's
 * allocator. All requests of one size share one data buffer: the working set equals the memcpy
 * reference's, and the ratio between the two isolates the cost of the ring protocol.
 *
 * @module
 */

import { createGuestRam, type GuestRam, MockDriver, Virtqueue } from "../plugins/virtqueue/mod.ts";
import { VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from "../plugins/virtqueue/mod.ts";
import { type BenchContext, perSecond, timePer } from "./context.ts";
import { CopyBuffers, GBPS } from "./memcpy.ts";
import { registerBenchmark } from "./registry.ts";
import { benchSizes, sizeLabel } from "./sizes.ts";

/** How a rig is set up. */
export interface RigOptions {
  /** Bytes in the device-readable part of each request. */
  requestSize: number;
  /** VIRTIO_F_EVENT_IDX on both sides. */
  eventIdx: boolean;
  /** Requests the driver offers before one kick; also the number of posted request slots. */
  batch: number;
}

/** Notification counts since a rig was opened. */
export interface RigCounts {
  /** Requests completed. */
  requests: number;
  /** Kicks the driver had to send (available-buffer notifications, §2.6.10). */
  kicks: number;
  /** Interrupts the device had to send (used-buffer notifications, §2.6.7). */
  interrupts: number;
}

/** A driver and a device wired to one queue, ready to exchange requests. */
export interface QueueRig {
  /** Exchanges `count` requests in batches; returns the request bytes the device consumed. */
  exchange(count: number): number;
  /** Notification counts so far. */
  readonly counts: RigCounts;
  /** Releases the rig's resources. */
  close(): void;
}

/**
 * Where the device half runs. Only "in-process" exists today; the sandboxed-Worker variant (the
 * device in a plugin Worker, an Atomics doorbell each way) joins {@link VIRTQUEUE_VARIANTS} when
 * the plugin sandbox provides it, and every figure below is then taken for it too.
 */
export interface VirtqueueVariant {
  /** Name used in figure labels, e.g. "in-process". */
  readonly name: string;
  /** Builds a rig; throws when the variant cannot run here. */
  open(options: RigOptions): QueueRig;
}

const QUEUE_SIZE = 256;
const RING_BASE = 0x1000;
const STATUS_OK = new Uint8Array([0]);

/**
 * Fills the request buffer with a pattern and writes `slots` request chains: slot i is
 * descriptors 2i (the request, readable) → 2i+1 (one status byte, writable), §2.6.5.
 */
export function writeRequestSlots(
  ram: GuestRam,
  driver: MockDriver,
  at: { data: number; status: number; requestSize: number; slots: number },
): void {
  for (let i = 0; i < at.requestSize; i++) ram.u8[at.data + i] = (i * 13 + 1) & 0xff;
  for (let i = 0; i < at.slots; i++) {
    driver.writeDescriptor(2 * i, {
      addrLow: at.data,
      addrHigh: 0,
      len: at.requestSize,
      flags: VIRTQ_DESC_F_NEXT,
      next: 2 * i + 1,
    });
    driver.writeDescriptor(2 * i + 1, {
      addrLow: at.status + i,
      addrHigh: 0,
      len: 1,
      flags: VIRTQ_DESC_F_WRITE,
      next: 0,
    });
  }
}

/** The device and the driver mock in the same thread: the queue's cost without any crossing. */
export const IN_PROCESS: VirtqueueVariant = {
  name: "in-process",
  open(options: RigOptions): QueueRig {
    const { requestSize, eventIdx, batch } = options;
    if (batch < 1 || 2 * batch > QUEUE_SIZE) throw new RangeError(`batch ${batch} out of range`);
    const ram = createGuestRam(0x20000 + requestSize);
    const driver = new MockDriver(ram, { size: QUEUE_SIZE, base: RING_BASE, eventIdx });
    const queue = new Virtqueue(ram, QUEUE_SIZE, { eventIdx });
    queue.setLayout(driver.layout);
    const data = driver.alloc(requestSize);
    const status = driver.alloc(batch);
    writeRequestSlots(ram, driver, { data, status, requestSize, slots: batch });
    const deviceBuffer = new Uint8Array(new SharedArrayBuffer(requestSize));
    const counts: RigCounts = { requests: 0, kicks: 0, interrupts: 0 };

    // The device's loop, as QEMU's virtio-blk runs it: notifications off while draining, back
    // on, then one more look, since the driver may have added work before it saw them on
    // (§2.6.10.2).
    const service = () => {
      queue.setNotificationSuppression(true);
      for (;;) {
        for (let chain = queue.pop(); chain !== null; chain = queue.pop()) {
          chain.copyFromReadable(deviceBuffer);
          queue.addUsed(chain.head, chain.copyToWritable(STATUS_OK));
        }
        if (!queue.setNotificationSuppression(false)) break;
        queue.setNotificationSuppression(true);
      }
      if (queue.needsNotification()) counts.interrupts++;
    };

    const exchange = (count: number): number => {
      for (let done = 0; done < count;) {
        const n = Math.min(batch, count - done);
        for (let i = 0; i < n; i++) driver.pushAvail(2 * i);
        if (driver.kick()) counts.kicks++;
        service();
        const used = driver.getUsed().length;
        if (used !== n) throw new Error(`${n} requests offered, ${used} returned`);
        done += n;
      }
      counts.requests += count;
      return count * requestSize;
    };

    // One exchange checked end to end, so a broken queue fails here rather than measuring fast.
    exchange(1);
    if (deviceBuffer.some((b, i) => b !== ram.u8[data + i]) || ram.u8[status] !== 0) {
      throw new Error("the device did not receive the request bytes");
    }
    counts.requests = counts.kicks = counts.interrupts = 0;
    return { exchange, counts, close() {} };
  },
};

/** The device-side variants measured; see {@link VirtqueueVariant}. */
export const VIRTQUEUE_VARIANTS: VirtqueueVariant[] = [IN_PROCESS];

/** Requests per batch in the throughput figures (EVENT_IDX on). */
export const BATCH = 32;

async function requestRate(
  ctx: BenchContext,
  variant: VirtqueueVariant,
  label: string,
  options: RigOptions,
): Promise<void> {
  const rig = variant.open(options);
  try {
    await ctx.measure(
      `${label} requests/s`,
      () => rig.exchange(options.batch) / options.requestSize,
      {
        unit: "req/s",
        better: "higher",
        value: perSecond(1),
      },
    );
    const { requests, kicks, interrupts } = rig.counts;
    ctx.figure(`${label} kicks/request`, kicks / requests, { unit: "kicks", better: "lower" });
    ctx.figure(`${label} interrupts/request`, interrupts / requests, {
      unit: "irqs",
      better: "lower",
    });
  } finally {
    rig.close();
  }
}

async function sizeSweep(ctx: BenchContext, variant: VirtqueueVariant): Promise<void> {
  const sizes = benchSizes(ctx.quick);
  const copies = new CopyBuffers(sizes[sizes.length - 1]);
  const throughput: [number, number][] = [];
  const bound: [number, number][] = [];
  const latency: [number, number][] = [];
  const v = variant.name;
  for (const size of sizes) {
    const s = sizeLabel(size);
    const batched = variant.open({ requestSize: size, eventIdx: true, batch: BATCH });
    const single = variant.open({ requestSize: size, eventIdx: true, batch: 1 });
    try {
      const [ref, tp, lat] = await ctx.measureInterleaved([
        {
          label: `memcpy reference ${s}`,
          fn: () => copies.set(size),
          unit: "GB/s",
          better: "higher",
          value: GBPS,
        },
        {
          label: `${v} throughput ${s}`,
          fn: () => batched.exchange(BATCH),
          unit: "GB/s",
          better: "higher",
          value: GBPS,
        },
        {
          label: `${v} latency ${s}`,
          fn: () => {
            single.exchange(1);
          },
          unit: "µs",
          better: "lower",
          value: timePer(1e-6),
        },
      ]);
      // Sample i of the queue against sample i of the reference, taken next to each other.
      ctx.figure(`${v} % of memcpy ${s}`, tp.samples.map((x, i) => (100 * x) / ref.samples[i]), {
        unit: "%",
        better: "higher",
      });
      throughput.push([size, tp.value]);
      bound.push([size, ref.value]);
      latency.push([size, lat.value]);
    } finally {
      batched.close();
      single.close();
    }
  }
  ctx.plot({
    name: `throughput-${v}`,
    title: `virtqueue throughput (${v}, batches of ${BATCH}, EVENT_IDX) vs memcpy`,
    x: { label: "request size (bytes)", log2: true, bytes: true },
    y: { label: "throughput (GB/s)" },
    series: [
      { name: `virtqueue ${v}`, points: throughput },
      { name: "memcpy bound (Uint8Array.set)", points: bound },
    ],
  });
  ctx.plot({
    name: `latency-${v}`,
    title: `virtqueue round-trip latency (${v}, one request at a time)`,
    x: { label: "request size (bytes)", log2: true, bytes: true },
    y: { label: "latency (µs)", log2: true },
    series: [{ name: `virtqueue ${v}`, points: latency }],
  });
}

registerBenchmark({
  name: "virtqueue",
  description: "split virtqueue + driver mock: throughput/latency 512 B … 1 MiB vs memcpy, " +
    "512 B requests/s with and without EVENT_IDX batching",
  async run(ctx) {
    for (const variant of VIRTQUEUE_VARIANTS) {
      const v = variant.name;
      await requestRate(ctx, variant, `${v} 512 B one per kick, no EVENT_IDX`, {
        requestSize: 512,
        eventIdx: false,
        batch: 1,
      });
      await requestRate(ctx, variant, `${v} 512 B batches of ${BATCH}, EVENT_IDX`, {
        requestSize: 512,
        eventIdx: true,
        batch: BATCH,
      });
      await sizeSweep(ctx, variant);
    }
  },
});

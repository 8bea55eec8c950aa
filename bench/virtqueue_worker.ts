/**
 * Virtqueue throughput and latency with the device in a sandboxed plugin Worker
 * ({@link WorkerVariant}), read against the memcpy bound measured sample by sample alongside, as
 * bench/virtqueue.ts reads the in-process device. A benchmark of its own because
 * `VirtqueueVariant.open` is synchronous while a Worker starts asynchronously, and the virtqueue
 * benchmark has no step to start and stop one around its figures.
 *
 * Requests are block writes as there (a readable buffer of the request size and a one-byte
 * status). A device in another thread overlaps with the driver only when the driver offers more
 * work before the last is back, so throughput is taken with two batches in flight; requests/s
 * at 512 B is taken both that way and one batch at a time (each batch then pays one wake-up of
 * the Worker, which the in-process figures do not have). Latency is taken back to back, as for
 * the in-process device, and once more at 512 B after the driver idled long enough for the Worker
 * to fall asleep.
 *
 * @module
 */

import { type BenchContext, perSecond, timePer } from "./context.ts";
import { CopyBuffers, GBPS } from "./memcpy.ts";
import { registerBenchmark } from "./registry.ts";
import { benchSizes, sizeLabel } from "./sizes.ts";
import { BATCH } from "./virtqueue.ts";
import { type WorkerRigOptions, WorkerVariant } from "./worker_variant.ts";

/** Batches kept offered in the throughput figures. */
export const IN_FLIGHT = 2;
/** Batches exchanged per timed call, so that a call keeps the pipeline full for a while. */
const BATCHES_PER_CALL = 8;
/** The size the throughput target is set at. */
const TARGET_SIZE = 64 << 10;
/** Targets, printed with the figures they concern. */
const TARGET_PERCENT_OF_MEMCPY = 50;
const TARGET_REQUESTS_PER_SECOND = 1e6;
/** Driver idle time before each request of the wake-up figure, ms. */
const IDLE_MS = 0.2;
/** A word nobody notifies, to sleep on. */
const IDLE = new Int32Array(new SharedArrayBuffer(4));

async function requestRate(
  ctx: BenchContext,
  variant: WorkerVariant,
  label: string,
  options: WorkerRigOptions,
): Promise<number> {
  const rig = variant.open(options);
  try {
    const count = options.batch * BATCHES_PER_CALL;
    const figure = await ctx.measure(`${label} requests/s`, () => {
      rig.exchange(count);
      return count;
    }, { unit: "req/s", better: "higher", value: perSecond(1) });
    const { requests, kicks, interrupts } = rig.counts;
    ctx.figure(`${label} kicks/request`, kicks / requests, { unit: "kicks", better: "lower" });
    // A driver polling the used ring may read every completion before the device looks at
    // used_event, and then no interrupt is due (§2.6.7.2): a count of zero is possible.
    if (interrupts > 0) {
      ctx.figure(`${label} interrupts/request`, interrupts / requests, {
        unit: "irqs",
        better: "lower",
      });
    } else {
      ctx.log(`${label}: no interrupt was due in ${requests} requests`);
    }
    return figure.value;
  } finally {
    rig.close();
  }
}

/**
 * Round trip of one 512 B request after the driver has been idle for {@link IDLE_MS}: by then
 * the Worker has stopped polling for the doorbell (its poll window is at most 32 µs,
 * plugins/sandbox/_doorbell_wait.ts) and sleeps, and waking a sleeping thread costs more than
 * the back-to-back figures of the sweep show. A guest issuing requests now and then pays this.
 */
function wakeLatency(ctx: BenchContext, variant: WorkerVariant): void {
  const rig = variant.open({ requestSize: 512, eventIdx: true, batch: 1 });
  try {
    const rounds = ctx.quick ? 10 : 100;
    const samples: number[] = [];
    for (let s = 0; s < (ctx.quick ? 3 : 7); s++) {
      let total = 0;
      for (let i = 0; i < rounds; i++) {
        Atomics.wait(IDLE, 0, 0, IDLE_MS);
        const t0 = performance.now();
        rig.exchange(1);
        total += performance.now() - t0;
      }
      samples.push((1000 * total) / rounds);
    }
    ctx.figure(`worker latency 512 B after ${IDLE_MS} ms idle`, samples, {
      unit: "µs",
      better: "lower",
    });
  } finally {
    rig.close();
  }
}

async function sizeSweep(ctx: BenchContext, variant: WorkerVariant): Promise<void> {
  const sizes = [...new Set([...benchSizes(ctx.quick), TARGET_SIZE])].sort((a, b) => a - b);
  const copies = new CopyBuffers(sizes[sizes.length - 1]);
  const throughput: [number, number][] = [];
  const bound: [number, number][] = [];
  const latency: [number, number][] = [];
  const count = BATCH * BATCHES_PER_CALL;
  for (const size of sizes) {
    const s = sizeLabel(size);
    const batched = variant.open({
      requestSize: size,
      eventIdx: true,
      batch: BATCH,
      inFlight: IN_FLIGHT,
    });
    const [ref, tp] = await ctx.measureInterleaved([
      {
        label: `memcpy reference ${s}`,
        fn: () => copies.set(size),
        unit: "GB/s",
        better: "higher",
        value: GBPS,
      },
      {
        label: `worker throughput ${s}`,
        fn: () => batched.exchange(count),
        unit: "GB/s",
        better: "higher",
        value: GBPS,
      },
    ]).finally(() => batched.close());
    // Sample i of the queue against sample i of the reference, taken next to each other.
    const percent = ctx.figure(
      `worker % of memcpy ${s}`,
      tp.samples.map((x, i) => (100 * x) / ref.samples[i]),
      { unit: "%", better: "higher" },
    );
    if (size === TARGET_SIZE) {
      ctx.log(
        `${s}: ${percent.value.toFixed(0)} % of memcpy (target ≥ ${TARGET_PERCENT_OF_MEMCPY} %)`,
      );
    }
    const single = variant.open({ requestSize: size, eventIdx: true, batch: 1 });
    try {
      const lat = await ctx.measure(`worker latency ${s}`, () => {
        single.exchange(1);
      }, { unit: "µs", better: "lower", value: timePer(1e-6) });
      latency.push([size, lat.value]);
    } finally {
      single.close();
    }
    throughput.push([size, tp.value]);
    bound.push([size, ref.value]);
  }
  ctx.plot({
    name: "throughput-worker",
    title: `virtqueue throughput (device in a plugin Worker, ${IN_FLIGHT} batches of ${BATCH} ` +
      "in flight, EVENT_IDX) vs memcpy",
    x: { label: "request size (bytes)", log2: true, bytes: true },
    y: { label: "throughput (GB/s)" },
    series: [
      { name: "virtqueue worker", points: throughput },
      { name: "memcpy bound (Uint8Array.set)", points: bound },
    ],
  });
  ctx.plot({
    name: "latency-worker",
    title: "virtqueue round-trip latency (device in a plugin Worker, one request at a time)",
    x: { label: "request size (bytes)", log2: true, bytes: true },
    y: { label: "latency (µs)", log2: true },
    series: [{ name: "virtqueue worker", points: latency }],
  });
}

async function run(ctx: BenchContext): Promise<void> {
  const t0 = performance.now();
  await using variant = await WorkerVariant.start();
  ctx.log(`sink plugin loaded and started in ${(performance.now() - t0).toFixed(0)} ms`);
  await requestRate(ctx, variant, "worker 512 B one per kick, no EVENT_IDX", {
    requestSize: 512,
    eventIdx: false,
    batch: 1,
  });
  await requestRate(ctx, variant, `worker 512 B batches of ${BATCH}, EVENT_IDX`, {
    requestSize: 512,
    eventIdx: true,
    batch: BATCH,
  });
  const rate = await requestRate(
    ctx,
    variant,
    `worker 512 B ${IN_FLIGHT} batches of ${BATCH} in flight, EVENT_IDX`,
    { requestSize: 512, eventIdx: true, batch: BATCH, inFlight: IN_FLIGHT },
  );
  ctx.log(
    `512 B: ${(rate / 1e6).toFixed(2)} M requests/s with ${IN_FLIGHT} batches in flight ` +
      `(target ≥ ${TARGET_REQUESTS_PER_SECOND / 1e6} M)`,
  );
  wakeLatency(ctx, variant);
  await sizeSweep(ctx, variant);
}

registerBenchmark({
  name: "virtqueue_worker",
  description: "virtqueue with the device in a sandboxed plugin Worker: throughput 512 B … 1 MiB " +
    `vs memcpy (target ≥ ${TARGET_PERCENT_OF_MEMCPY} % at 64 KiB), latency, 512 B requests/s ` +
    `with EVENT_IDX batching (target ≥ ${TARGET_REQUESTS_PER_SECOND / 1e6} M/s)`,
  run,
});

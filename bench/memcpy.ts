/**
 * The memcpy bound of this machine: how fast JavaScript copies bytes in shared memory, with
 * `Uint8Array.set` between two SharedArrayBuffers (guest RAM to a device buffer, as a virtio
 * backend copies a request) and `copyWithin` inside one. No device path can move bytes faster
 * than this, so the virtqueue figures are read against it.
 *
 * @module
 */

import { type BenchContext, perSecond } from "./context.ts";
import type { Figure } from "./result_types.ts";
import { registerBenchmark } from "./registry.ts";
import { benchSizes, sizeLabel } from "./sizes.ts";

/** Where the source and destination live: apart, and page aligned. */
const DEST_OFFSET = 2 << 20;

/** A source and a destination of up to `maxSize` bytes, each in shared memory. */
export class CopyBuffers {
  /** Source bytes (guest RAM's stand-in), filled with a pattern. */
  readonly src: Uint8Array;
  /** A separate shared buffer (a device's). */
  readonly dst: Uint8Array;
  /** One shared buffer holding a source at 0 and a destination further on, for copyWithin. */
  readonly both: Uint8Array;

  /** Allocates the three views; `maxSize` above 2 MiB throws RangeError. */
  constructor(readonly maxSize: number) {
    if (maxSize > DEST_OFFSET) throw new RangeError(`copies above ${DEST_OFFSET} bytes`);
    this.src = new Uint8Array(new SharedArrayBuffer(maxSize));
    this.dst = new Uint8Array(new SharedArrayBuffer(maxSize));
    this.both = new Uint8Array(new SharedArrayBuffer(DEST_OFFSET + maxSize));
    for (let i = 0; i < maxSize; i++) this.src[i] = this.both[i] = (i * 31 + 7) & 0xff;
  }

  /** Copies `size` bytes src → dst with `Uint8Array.set`; returns the bytes copied. */
  set(size: number): number {
    this.dst.set(this.src.subarray(0, size));
    return size;
  }

  /** Copies `size` bytes forward inside one buffer with `copyWithin`; returns the bytes copied. */
  copyWithin(size: number): number {
    this.both.copyWithin(DEST_OFFSET, 0, size);
    return size;
  }
}

/** Bytes per second as GB/s (10^9), the unit of every bandwidth figure here. */
export const GBPS = perSecond(1e9);

/** What {@link measureSetBandwidth} copies and how the figure is named. */
export interface SetBandwidthOptions {
  /** Figure name. */
  label: string;
  /** Bytes per copy. */
  size: number;
  /** Where to copy from and to. */
  buffers: CopyBuffers;
}

/** Measures `Uint8Array.set` of `size` bytes as figure `label`, in GB/s. */
export function measureSetBandwidth(
  ctx: BenchContext,
  options: SetBandwidthOptions,
): Promise<Figure> {
  const { label, size, buffers } = options;
  return ctx.measure(label, () => buffers.set(size), {
    unit: "GB/s",
    better: "higher",
    value: GBPS,
  });
}

registerBenchmark({
  name: "memcpy",
  description: "memcpy bound in shared memory (Uint8Array.set, copyWithin), 512 B … 1 MiB, GB/s",
  async run(ctx) {
    const sizes = benchSizes(ctx.quick);
    const buffers = new CopyBuffers(sizes[sizes.length - 1]);
    const set: [number, number][] = [];
    const within: [number, number][] = [];
    for (const size of sizes) {
      const a = await measureSetBandwidth(ctx, {
        label: `Uint8Array.set ${sizeLabel(size)}`,
        size,
        buffers,
      });
      const b = await ctx.measure(
        `copyWithin ${sizeLabel(size)}`,
        () => buffers.copyWithin(size),
        { unit: "GB/s", better: "higher", value: GBPS },
      );
      set.push([size, a.value]);
      within.push([size, b.value]);
    }
    ctx.plot({
      name: "bandwidth",
      title: "memcpy bound in shared memory",
      x: { label: "copy size (bytes)", log2: true, bytes: true },
      y: { label: "bandwidth (GB/s)" },
      series: [
        { name: "Uint8Array.set, SAB → SAB", points: set },
        { name: "copyWithin, inside one SAB", points: within },
      ],
    });
  },
});

/**
 * Request and copy sizes shared by the memcpy and virtqueue benchmarks, so their figures line up
 * size for size.
 *
 * @module
 */

/** Every power of two from 512 B to 1 MiB. */
export const BENCH_SIZES: readonly number[] = Array.from({ length: 12 }, (_, i) => 512 << i);

/** The sizes a `--quick` pass uses: both ends and one in the middle. */
export const QUICK_SIZES: readonly number[] = [512, 16 << 10, 1 << 20];

/** The sizes for a full or a quick run. */
export function benchSizes(quick: boolean): readonly number[] {
  return quick ? QUICK_SIZES : BENCH_SIZES;
}

/** A byte size as "512 B", "4 KiB", "1 MiB". */
export function sizeLabel(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} B`;
}

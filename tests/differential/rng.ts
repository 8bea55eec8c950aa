/**
 * A small seeded PRNG (mulberry32: a 32-bit state Weyl sequence through an avalanche mix).
 * Fast, reproducible across platforms, good enough for test generation.
 */
export class Rng {
  #state: number;

  /** Starts the sequence at `seed` (any integer; only the low 32 bits matter). */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next 32-bit unsigned value. */
  u32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform integer in [0, n) for 0 < n ≤ 2^32. */
  below(n: number): number {
    return Math.floor((this.u32() / 0x100000000) * n);
  }

  /** A uniform integer in [lo, hi] (inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }

  /** A uniformly chosen element. */
  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)];
  }

  /**
   * A value of `bits` width biased toward edge cases (0, 1, all-ones, sign boundaries, small
   * numbers, single bits), which is where flag logic goes wrong.
   */
  interesting(bits: 8 | 16 | 32): number {
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    return (this.#interesting(bits, mask) & mask) >>> 0;
  }

  #interesting(bits: number, mask: number): number {
    const sign = 2 ** (bits - 1);
    switch (this.below(10)) {
      case 0:
        return this.pick([0, 1, 2, mask, mask - 1, sign, sign - 1, sign + 1]);
      case 1:
        return this.below(16);
      case 2:
        return mask - this.below(16);
      case 3:
        return 2 ** this.below(bits);
      case 4:
        return sign + this.range(-4, 4);
      case 5:
        return this.pick([0x0f, 0x10, 0x99, 0x9a, 0xf9, 0xfa, 0x80, 0x7f]);
      default:
        return this.u32();
    }
  }
}

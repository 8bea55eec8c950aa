/** Seeded random and edge x87 operands shared by the fast-path and kernel tests. */
import { type F80, f80, f80Hex } from "./f80.ts";
import type { RoundEnv } from "./rounding.ts";

/** xorshift32, seeded: the same cases every run. */
export function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

const EDGE_WORDS = [
  0,
  1,
  0x7ff,
  0x800,
  0x400,
  0x3ff,
  0xffffffff,
  0x80000000,
  0x7fffffff,
  0xfffff800,
];
const GAPS = [0, 1, 2, 3, 11, 31, 32, 33, 40, 52, 53, 63, 64, 65, 66, 95, 96, 97, 150];

/** A normal value near exponent `around` (or a random one), with a random or edge significand. */
export function operand(next: () => number, around?: number): F80 {
  const pick = next() % 4;
  const word = () => (next() % 3 === 0 ? EDGE_WORDS[next() % EDGE_WORDS.length] : next());
  const hi = (pick === 0 ? 0x80000000 : word() | 0x80000000) >>> 0;
  const lo = pick === 0 ? word() : pick === 1 ? 0xffffffff : word();
  let e = around ?? 1 + (next() % 0x7ffe);
  if (around !== undefined && next() % 2 === 0) e -= GAPS[next() % GAPS.length];
  e = Math.min(0x7ffe, Math.max(1, e));
  return f80(((next() & 1) << 15) | e, hi, lo);
}

export function envs(): RoundEnv[] {
  const out: RoundEnv[] = [];
  for (const rc of [0, 1, 2, 3]) {
    for (const precision of [24, 53, 64]) out.push({ rc, precision, masks: 0x3f });
  }
  return out;
}

export function text(r: { value: F80; flags: number; up: boolean }): string {
  return `${f80Hex(r.value)} flags ${r.flags.toString(16)} up ${r.up}`;
}

/**
 * The bigint-free fast path (fast_path.ts) against the exact bigint reference it stands in for
 * (arith.ts addExact/mulExact, convert.ts fromIeee/toIeee/fromInteger/toInteger, the exact
 * order of compare.ts), which the recorded hardware vectors
 * hold to the host CPU: random and edge operands under every rounding control and precision
 * control, results compared bit for bit with their flags and C1.
 */
import assert from "node:assert/strict";
import { addExact, mulExact } from "./arith.ts";
import { fromIeee, fromInteger, toIeee, toInteger } from "./convert.ts";
import { type F80, f80, f80Hex } from "./f80.ts";
import {
  fastAdd,
  fastFromDouble,
  fastFromInt,
  fastFromSingle,
  fastMagnitudeOrder,
  fastMul,
  fastToDouble,
  fastToInt,
} from "./fast_path.ts";
import { DOUBLE, type RoundEnv, SINGLE } from "./rounding.ts";

/** xorshift32, seeded: the same cases every run. */
function rng(seed: number): () => number {
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
function operand(next: () => number, around?: number): F80 {
  const pick = next() % 4;
  const word = () => (next() % 3 === 0 ? EDGE_WORDS[next() % EDGE_WORDS.length] : next());
  const hi = (pick === 0 ? 0x80000000 : word() | 0x80000000) >>> 0;
  const lo = pick === 0 ? word() : pick === 1 ? 0xffffffff : word();
  let e = around ?? 1 + (next() % 0x7ffe);
  if (around !== undefined && next() % 2 === 0) e -= GAPS[next() % GAPS.length];
  e = Math.min(0x7ffe, Math.max(1, e));
  return f80(((next() & 1) << 15) | e, hi, lo);
}

function envs(): RoundEnv[] {
  const out: RoundEnv[] = [];
  for (const rc of [0, 1, 2, 3]) {
    for (const precision of [24, 53, 64]) out.push({ rc, precision, masks: 0x3f });
  }
  return out;
}

function text(r: { value: F80; flags: number; up: boolean }): string {
  return `${f80Hex(r.value)} flags ${r.flags.toString(16)} up ${r.up}`;
}

Deno.test("fast FADD/FSUB/FMUL equal the exact bigint path under every RC and PC", () => {
  const next = rng(0x5eed);
  const failures: string[] = [];
  let fast = 0, total = 0;
  for (let i = 0; i < 12000; i++) {
    const a = operand(next);
    // Mostly operands of nearby magnitude (where cancellation and rounding happen), some far.
    const b = operand(next, next() % 8 === 0 ? undefined : a.se & 0x7fff);
    for (const env of envs()) {
      for (
        const [name, f, ref] of [
          [
            "add",
            (x: F80, y: F80) => fastAdd(x, y, env, false),
            (x: F80, y: F80) => addExact(x, y, env),
          ],
          [
            "sub",
            (x: F80, y: F80) => fastAdd(x, y, env, true),
            (x: F80, y: F80) => addExact(x, y, env, true),
          ],
          ["mul", (x: F80, y: F80) => fastMul(x, y, env), (x: F80, y: F80) => mulExact(x, y, env)],
        ] as const
      ) {
        total++;
        const got = f(a, b);
        if (got === undefined) continue;
        fast++;
        const want = ref(a, b);
        if (text(got) !== text(want)) {
          failures.push(
            `${name} ${f80Hex(a)} ${f80Hex(b)} rc ${env.rc} pc ${env.precision}: ` +
              `got ${text(got)}, want ${text(want)}`,
          );
        }
      }
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
  // The comparison means something only if the fast path took most cases.
  assert.ok(fast > total * 0.8, `${fast} of ${total} taken by the fast path`);
});

Deno.test("fast path leaves tiny, overflowing and cancelling results to the bigint path", () => {
  const env: RoundEnv = { rc: 0, precision: 64, masks: 0x3f };
  const tiny = f80(0x0001, 0x80000000, 0), huge = f80(0x7ffe, 0xffffffff, 0xffffffff);
  assert.equal(fastMul(tiny, f80(0x3ffe, 0x80000000, 0), env), undefined); // 2^-16383
  assert.equal(fastAdd(huge, huge, env, false), undefined); // overflow
  assert.equal(fastAdd(huge, huge, env, true), undefined); // exact zero
  assert.equal(fastMul(huge, huge, env), undefined);
  // Tiny before rounding, normal after it (rounding up carries into the smallest normal):
  // tininess is judged before rounding, so UE is due and the bigint path must take it.
  const up53: RoundEnv = { rc: 2, precision: 53, masks: 0x3f };
  const almostTiny = f80(0x0001, 0xffffffff, 0xffffffff),
    half = f80(0x3ffd, 0xffffffff, 0xffffffff);
  assert.equal(fastMul(almostTiny, half, up53), undefined);
  assert.ok(mulExact(almostTiny, half, up53).flags & 0x10); // UE
  // A carry out of bit 63 whose shifted-out bit is all that tells the sum from a tie.
  const big = f80(0x3fff, 0xffffffff, 0xfffffffd), carry = f80(0x3fff - 32, 0x80000000, 1);
  assert.equal(text(fastAdd(big, carry, env, false)!), text(addExact(big, carry, env)));
  // All ones rounding up into the next binade is still fast, and right.
  const ones = f80(0x3fff, 0xffffffff, 0xffffffff), tail = f80(0x3fbf, 0x80000000, 0);
  assert.equal(text(fastAdd(ones, tail, env, false)!), text(addExact(ones, tail, env)));
});

Deno.test("fast FLD m64 and FST m64 equal the exact conversions", () => {
  const next = rng(0xd0b1e);
  const failures: string[] = [];
  let fast = 0;
  for (let i = 0; i < 20000; i++) {
    const lo = next(), hi = i % 10 === 0 ? (next() & 0x800fffff) | (next() % 3 << 20) : next();
    const got = fastFromDouble(lo, hi);
    if (got !== undefined) {
      fast++;
      const want = fromIeee((BigInt(hi) << 32n) | BigInt(lo), DOUBLE);
      if (f80Hex(got) !== f80Hex(want.value) || want.flags !== 0) {
        failures.push(
          `load ${hi.toString(16)}:${lo.toString(16)}: ${f80Hex(got)} vs ${f80Hex(want.value)}`,
        );
      }
    }
    const v = operand(next, 0x3fff + (next() % 2200) - 1100);
    for (const rc of [0, 1, 2, 3]) {
      // Stores round to the format alone: FpuState.roundEnv(false) gives precision 64.
      const env: RoundEnv = { rc, precision: 64, masks: 0x3f };
      const s = fastToDouble(v, env);
      if (s === undefined) continue;
      const want = toIeee(v, DOUBLE, env);
      const bits = (BigInt(s.hi) << 32n) | BigInt(s.lo);
      if (bits !== want.bits || s.flags !== want.flags || s.up !== want.up) {
        failures.push(
          `store ${f80Hex(v)} rc ${rc}: ${bits.toString(16)} vs ${want.bits.toString(16)}`,
        );
      }
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(fast > 15000, `${fast} loads took the fast path`);
});

/** ±0.5, ±1.5, ±2.5, 32767.5, ±32768, 2147483647.5, ±2^31: ties and the ends of m16 and m32. */
const EDGE_VALUES: F80[] = [
  f80(0x3ffe, 0x80000000, 0),
  f80(0xbffe, 0x80000000, 0),
  f80(0x3fff, 0xc0000000, 0),
  f80(0xbfff, 0xc0000000, 0),
  f80(0x4000, 0xa0000000, 0),
  f80(0xc000, 0xa0000000, 0),
  f80(0x400d, 0xffff0000, 0),
  f80(0x400e, 0x80000000, 0),
  f80(0xc00e, 0x80000000, 0),
  f80(0x401d, 0xffffffff, 0),
  f80(0x401e, 0x80000000, 0),
  f80(0xc01e, 0x80000000, 0),
];

Deno.test("fast FILD, FIST m16/m32, FLD m32 and magnitude order equal the exact paths", () => {
  const next = rng(0xf157);
  const failures: string[] = [];
  let fastStores = 0;
  const ints = [0, 1, -1, 2, 0x7fff, -0x8000, 0x7fffffff, -0x80000000, 12345, -98765];
  for (let i = 0; i < 20000; i++) {
    const n = i < ints.length ? ints[i] : (next() | 0) >> (next() % 32);
    if (f80Hex(fastFromInt(n)) !== f80Hex(fromInteger(BigInt(n)))) failures.push(`fild ${n}`);
    const single = next();
    const loaded = fastFromSingle(single);
    if (loaded !== undefined) {
      const want = fromIeee(BigInt(single), SINGLE);
      if (f80Hex(loaded) !== f80Hex(want.value) || want.flags !== 0) {
        failures.push(`fld m32 ${single}`);
      }
    }
    // Values around the integer range, halves and ties included, and the edges of each width.
    const e = 0x3fff + (next() % 40) - 4;
    const hi = next() % 4 === 0 ? 0x80000000 : (next() | 0x80000000) >>> 0;
    const v = i % 5 === 0
      ? EDGE_VALUES[(i / 5) % EDGE_VALUES.length]
      : f80(((next() & 1) << 15) | e, hi, next() % 4 === 0 ? 0 : next());
    for (const width of [16, 32] as const) {
      for (const rc of [0, 1, 2, 3]) {
        const got = fastToInt(v, width, rc);
        if (got === undefined) continue;
        fastStores++;
        const want = toInteger(v, width, rc);
        const bits = BigInt.asUintN(width, BigInt(got.value));
        if (bits !== want.bits || got.flags !== want.flags || got.up !== want.up) {
          failures.push(`fist${width} ${f80Hex(v)} rc ${rc}: ${bits} vs ${want.bits}`);
        }
      }
    }
    const a = operand(next), b = operand(next, next() % 2 ? a.se & 0x7fff : undefined);
    const order = fastMagnitudeOrder(a, b)!;
    const mag = (x: F80) => ((BigInt(x.se & 0x7fff) << 64n) | (BigInt(x.hi) << 32n) | BigInt(x.lo));
    const want = mag(a) === mag(b) ? 0 : mag(a) > mag(b) ? 1 : -1;
    if (order !== want) failures.push(`order ${f80Hex(a)} ${f80Hex(b)}: ${order} vs ${want}`);
  }
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(fastStores > 40000, `${fastStores} FIST cases took the fast path`);
});

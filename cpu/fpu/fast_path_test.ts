/**
 * The bigint-free integer conversions and ordering (fast_path.ts) against the exact bigint
 * reference they stand in for (convert.ts fromInteger/toInteger, the exact order of compare.ts),
 * which the recorded hardware vectors hold to the host CPU: random and edge operands under every
 * rounding control, results compared bit for bit with their flags and C1.
 */
import assert from "node:assert/strict";
import { fromInteger, toInteger } from "./convert.ts";
import { type F80, f80, f80Hex } from "./f80.ts";
import { fastFromInt, fastMagnitudeOrder, fastToInt } from "./fast_path.ts";
import { operand, rng } from "./_operands.ts";

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

Deno.test("fast FILD, FIST m16/m32 and magnitude order equal the exact paths", () => {
  const next = rng(0xf157);
  const failures: string[] = [];
  let fastStores = 0;
  const ints = [0, 1, -1, 2, 0x7fff, -0x8000, 0x7fffffff, -0x80000000, 12345, -98765];
  for (let i = 0; i < 20000; i++) {
    const n = i < ints.length ? ints[i] : (next() | 0) >> (next() % 32);
    if (f80Hex(fastFromInt(n)) !== f80Hex(fromInteger(BigInt(n)))) failures.push(`fild ${n}`);
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

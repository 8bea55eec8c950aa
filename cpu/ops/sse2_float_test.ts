/**
 * SSE2 double-precision lanes (cpu/ops/sse2_float.ts) against exact rational arithmetic:
 * results of + − × ÷ √ in every rounding mode bracket the exact value as IEEE 754 §4.3 and
 * Intel SDM vol. 1 §4.8.4 require, PE is set exactly when the result is inexact, and the
 * special cases follow SDM vol. 1 §4.8.3 and §4.9.
 */
import assert from "node:assert/strict";
import * as F from "./sse_float.ts";
import * as G from "./sse2_float.ts";

const env = (mxcsr = 0x1f80) => new F.SseEnv().begin(mxcsr);
const RC = (rc: number) => 0x1f80 | (rc << 13);
const p = (x: number): G.Pair => G.bits64(x);
const n = (q: G.Pair) => G.num64(q[0], q[1]);

/** x = big(x) / 2^1074, exactly, for every finite double. */
function big(x: number): bigint {
  const [lo, hi] = G.bits64(Math.abs(x));
  const e = (hi >>> 20) & 0x7ff;
  const m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  const v = e === 0 ? m : (m | (1n << 52n)) << BigInt(e - 1);
  return x < 0 || Object.is(x, -0) ? -v : v;
}

/** A random finite double with a moderate exponent (results stay normal). */
function random(seed: { s: number }, range = 60): number {
  seed.s = (Math.imul(seed.s, 1103515245) + 12345) >>> 0;
  const a = seed.s;
  seed.s = (Math.imul(seed.s, 1103515245) + 12345) >>> 0;
  const m = 1 + (a / 2 ** 32) + (seed.s & 0xfffff) / 2 ** 52;
  return (a & 1 ? -1 : 1) * m * 2 ** ((seed.s % (2 * range)) - range);
}

/** Sign of (exact − c), the exact value being num / den. */
type Exact = (c: number) => number;

function checkRounding(name: string, op: (e: F.SseEnv) => G.Pair, exact: Exact): void {
  const r = [0, 1, 2, 3].map((rc) => {
    const e = env(RC(rc));
    return { v: n(op(e)), pe: (e.post & F.PE) !== 0 };
  });
  const [near, down, up, zero] = r.map((x) => x.v);
  const inexact = exact(near) !== 0;
  for (const x of r) assert.equal(x.pe, inexact, `${name}: PE`);
  assert.ok(exact(down) >= 0 && exact(up) <= 0, `${name}: RD ≤ exact ≤ RU`);
  if (inexact) assert.equal(up, G.num64(...nextUpPair(down)), `${name}: RU is RD's successor`);
  else assert.ok(down === up && up === near, `${name}: exact results agree`);
  assert.equal(zero, Math.abs(down) < Math.abs(up) ? down : up, `${name}: RZ`);
  assert.ok(near === down || near === up, `${name}: RN is a neighbour`);
}

function nextUpPair(x: number): G.Pair {
  const v = BigInt.asUintN(64, (BigInt(G.bits64(x)[1]) << 32n) | BigInt(G.bits64(x)[0]));
  const s = x >= 0 ? v + 1n : v - 1n;
  return [Number(s & 0xffffffffn), Number(s >> 32n)];
}

const cmp = (a: bigint, b: bigint) => a > b ? 1 : a < b ? -1 : 0;

Deno.test("ADDSD/SUBSD/MULSD/DIVSD/SQRTSD bracket the exact result in every rounding mode, PE iff inexact", () => {
  const seed = { s: 7 };
  for (let i = 0; i < 400; i++) {
    const x = random(seed), y = i % 5 === 0 ? x * (1 + 2 ** -40) : random(seed);
    const X = big(x), Y = big(y);
    checkRounding(`${x} + ${y}`, (e) => G.add64(e, p(x), p(y)), (c) => cmp(X + Y, big(c)));
    checkRounding(`${x} − ${y}`, (e) => G.sub64(e, p(x), p(y)), (c) => cmp(X - Y, big(c)));
    // x·y = X·Y / 2^2148; c = C / 2^1074.
    checkRounding(`${x} × ${y}`, (e) => G.mul64(e, p(x), p(y)), (c) => cmp(X * Y, big(c) << 1074n));
    // x / y vs c: sign of (X − c·Y)·sign(Y), c·Y = C·Y / 2^1074.
    checkRounding(
      `${x} ÷ ${y}`,
      (e) => G.div64(e, p(x), p(y)),
      (c) => cmp(X << 1074n, big(c) * Y) * (Y < 0n ? -1 : 1),
    );
    const a = Math.abs(x);
    checkRounding(
      `√${a}`,
      (e) => G.sqrt64(e, p(a)),
      (c) => cmp(big(a) << 1074n, big(c) ** 2n),
    );
  }
});

Deno.test("round-to-nearest results equal the host's binary64 arithmetic", () => {
  const seed = { s: 99 };
  for (let i = 0; i < 500; i++) {
    const x = random(seed, 300), y = random(seed, 300);
    assert.equal(n(G.add64(env(), p(x), p(y))), x + y);
    assert.equal(n(G.mul64(env(), p(x), p(y))), x * y);
    assert.equal(n(G.div64(env(), p(x), p(y))), x / y);
    assert.equal(n(G.sqrt64(env(), p(Math.abs(x)))), Math.sqrt(Math.abs(x)));
  }
});

Deno.test("products below 2^-1022 land on the denormal grid: UE and PE when inexact, zero under FTZ", () => {
  const x = 3 * 2 ** -540, y = 5 * 2 ** -535; // 15·2^−1075: between two denormals, a tie
  for (let rc = 0; rc < 4; rc++) {
    const e = env(RC(rc));
    const r = n(G.mul64(e, p(x), p(y)));
    assert.ok(r === 7 * 2 ** -1074 || r === 8 * 2 ** -1074);
    assert.equal(e.post, F.UE | F.PE);
  }
  assert.equal(n(G.mul64(env(RC(0)), p(x), p(y))), x * y, "RN matches the host");
  const ftz = env(0x1f80 | F.FZ);
  assert.ok(Object.is(n(G.mul64(ftz, p(-x), p(y))), -0));
  assert.equal(ftz.post, F.UE | F.PE);
});

Deno.test("overflow: OE|PE, ±∞ or the largest value by rounding mode", () => {
  const big2 = 2 ** 1000;
  for (
    const [rc, expect] of [[0, Infinity], [1, Number.MAX_VALUE], [2, Infinity], [
      3,
      Number.MAX_VALUE,
    ]]
  ) {
    const e = env(RC(rc));
    assert.equal(n(G.mul64(e, p(big2), p(big2))), expect);
    assert.equal(e.post, F.OE | F.PE);
  }
  const neg = env(RC(1));
  assert.equal(n(G.add64(neg, p(-Number.MAX_VALUE), p(-Number.MAX_VALUE))), -Infinity);
});

Deno.test("NaNs, invalid operations, zero divisors and denormal operands", () => {
  const snan: G.Pair = [5, 0x7ff00000], qnan: G.Pair = [7, 0xfff80000];
  const e = env();
  assert.deepEqual(G.add64(e, snan, qnan), [5, 0x7ff80000]);
  assert.equal(e.pre, F.IE);
  const inv = env();
  assert.deepEqual(G.sub64(inv, p(Infinity), p(Infinity)), [0, G.DEFAULT_NAN_HI]);
  assert.equal(inv.pre, F.IE);
  const z = env();
  assert.equal(n(G.div64(z, p(-1), p(0))), -Infinity);
  assert.equal(z.pre, F.ZE);
  const d = env();
  assert.equal(n(G.add64(d, p(2 ** -1070), p(2 ** -1000))), 2 ** -1000 + 2 ** -1070);
  assert.equal(d.pre, F.DE);
  const daz = env(0x1f80 | F.DAZ);
  assert.equal(n(G.add64(daz, p(2 ** -1070), p(2 ** -1000))), 2 ** -1000);
  assert.equal(daz.pre, 0);
});

Deno.test("conversions to int32: RC or truncation, IE and 0x80000000 out of range", () => {
  for (const x of [2.5, -2.5, 3.5, 2 ** 31 - 0.5, -(2 ** 31) - 0.5]) {
    for (let rc = 0; rc < 4; rc++) {
      const e = env(RC(rc));
      const r = G.toInt64(e, p(x), false);
      const want = [
        (v: number) => v - Math.floor(v) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v),
        Math.floor,
        Math.ceil,
        Math.trunc,
      ][rc](x);
      if (want >= 2 ** 31 || want < -(2 ** 31)) {
        assert.equal(r, 0x80000000);
        assert.equal(e.pre, F.IE);
      } else {
        assert.equal(r | 0, want);
        assert.equal(e.post, F.PE);
      }
    }
  }
});

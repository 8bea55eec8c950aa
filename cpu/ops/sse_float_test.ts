/**
 * SSE lane arithmetic (cpu/ops/sse_float.ts, sse_approx.ts) against the rules of Intel SDM
 * vol. 1 §4.8.3 (NaNs), §4.9 (exceptions), §10.2.3 (MXCSR) and the RCPPS/RSQRTPS bounds.
 */
import assert from "node:assert/strict";
import { approxRcp, approxRsqrt } from "./sse_approx.ts";
import * as F from "./sse_float.ts";

const env = (mxcsr = 0x1f80) => new F.SseEnv().begin(mxcsr);
const RC = (rc: number) => 0x1f80 | (rc << 13);
const b = (x: number) => F.bits(Math.fround(x));
const QNAN = 0x7fc01234, SNAN = 0x7f801234, DENORMAL = 0x00000123;

Deno.test("NaN operands: the first operand's NaN wins, SNaN is quieted and raises IE", () => {
  const e = env();
  assert.equal(F.add(e, SNAN, QNAN), (SNAN | 0x400000) >>> 0);
  assert.equal(e.pre, F.IE);
  const q = env();
  assert.equal(F.mul(q, b(2), QNAN), QNAN);
  assert.equal(F.mul(q, 0xffc00001, QNAN), 0xffc00001);
  assert.equal(q.pre, 0, "QNaNs raise nothing");
});

Deno.test("invalid operations give the default NaN 0xFFC00000 with IE", () => {
  for (
    const [name, f] of [
      ["∞ − ∞", (e: F.SseEnv) => F.sub(e, 0x7f800000, 0x7f800000)],
      ["0 × ∞", (e: F.SseEnv) => F.mul(e, 0, 0xff800000)],
      ["0 ÷ 0", (e: F.SseEnv) => F.div(e, 0x80000000, 0)],
      ["√−1", (e: F.SseEnv) => F.sqrt(e, b(-1))],
    ] as const
  ) {
    const e = env();
    assert.equal(f(e), F.DEFAULT_NAN, name);
    assert.equal(e.pre, F.IE, name);
  }
});

Deno.test("division of a finite non-zero by zero: ZE and a signed infinity", () => {
  const e = env();
  assert.equal(F.div(e, b(-3), 0), 0xff800000);
  assert.equal(e.pre, F.ZE);
});

Deno.test("a denormal operand raises DE, or counts as zero (no DE) under DAZ", () => {
  const e = env();
  F.add(e, DENORMAL, b(1));
  assert.equal(e.pre, F.DE);
  const z = env(0x1f80 | F.DAZ);
  assert.equal(F.add(z, DENORMAL, DENORMAL), 0);
  assert.equal(z.pre, 0);
});

Deno.test("directed rounding picks the neighbour on the right side and sets PE", () => {
  const third = (rc: number) => {
    const e = env(RC(rc));
    const r = F.div(e, b(1), b(3));
    assert.equal(e.post, F.PE);
    return r;
  };
  const down = third(F.RC_DOWN), up = third(F.RC_UP);
  assert.equal(up - down, 1, "one ulp apart");
  assert.ok(F.num(down) < 1 / 3 && F.num(up) > 1 / 3);
  assert.equal(third(F.RC_ZERO), down);
  assert.equal(third(F.RC_NEAREST), b(1 / 3));
  const exact = env(RC(F.RC_UP));
  assert.equal(F.mul(exact, b(1.5), b(2)), b(3));
  assert.equal(exact.post, 0, "exact: no PE");
});

Deno.test("x − x is +0, except −0 when rounding down (IEEE 754 §6.3)", () => {
  assert.equal(F.sub(env(), b(5), b(5)), 0);
  assert.equal(F.sub(env(RC(F.RC_DOWN)), b(5), b(5)), 0x80000000);
});

Deno.test("overflow: ∞ or the largest finite value by rounding mode, OE and PE", () => {
  const big = b(3e38);
  const expect = [0x7f800000, 0x7f7fffff, 0x7f800000, 0x7f7fffff]; // RN, RD, RU, RZ for +
  for (let rc = 0; rc < 4; rc++) {
    const e = env(RC(rc));
    assert.equal(F.add(e, big, big), expect[rc], `RC ${rc}`);
    assert.equal(e.post, F.OE | F.PE);
  }
});

Deno.test("underflow: UE only when tiny and inexact; FTZ returns a signed zero with UE and PE", () => {
  const tinyExact = env();
  assert.equal(F.mul(tinyExact, b(2 ** -140), b(0.5)), b(2 ** -141));
  assert.equal(tinyExact.post, 0);
  const tinyInexact = env();
  F.mul(tinyInexact, b(3 * 2 ** -149), b(0.5));
  assert.equal(tinyInexact.post, F.UE | F.PE);
  const ftz = env(0x1f80 | F.FZ);
  assert.equal(F.mul(ftz, b(-(2 ** -140)), b(0.5)), 0x80000000);
  assert.equal(ftz.post, F.UE | F.PE);
});

Deno.test("MINPS/MAXPS return the second operand for NaNs (IE) and for two zeros", () => {
  const e = env();
  assert.equal(F.minMax(e, QNAN, b(1), false), b(1));
  assert.equal(e.pre, F.IE);
  assert.equal(F.minMax(env(), 0, 0x80000000, true), 0x80000000);
  assert.equal(F.minMax(env(), 0x80000000, 0, false), 0);
});

Deno.test("conversions to int32: MXCSR rounding or truncation, indefinite with IE out of range", () => {
  // Ties go to even under round-to-nearest (IEEE 754 roundTiesToEven).
  const cases: [number, number[]][] = [[2.5, [2, 2, 3, 2]], [-2.5, [-2, -3, -2, -2]], [3.5, [
    4,
    3,
    4,
    3,
  ]]];
  for (const [x, byRc] of cases) {
    for (let rc = 0; rc < 4; rc++) {
      const e = env(RC(rc));
      assert.equal(F.toInt(e, b(x), false), byRc[rc] >>> 0, `${x} RC ${rc}`);
      assert.equal(e.post, F.PE);
    }
    assert.equal(F.toInt(env(), b(x), true), Math.trunc(x) >>> 0);
  }
  const e = env();
  assert.equal(F.toInt(e, b(2 ** 31), false), F.INT_INDEFINITE);
  assert.equal(e.pre, F.IE);
  assert.equal(F.toInt(env(), SNAN, true), F.INT_INDEFINITE);
});

Deno.test("RCP and RSQRT stay within 1.5 × 2^-12 relative error over the normal range", () => {
  let seed = 12345;
  for (let i = 0; i < 20000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const x = F.num(((seed % 0xfc) + 1) << 23 | (seed >>> 9));
    if (!(x > 0) || !Number.isFinite(x)) continue;
    const r = F.num(approxRcp(F.bits(x)));
    if (r !== 0) assert.ok(Math.abs(r * x - 1) <= 1.5 * 2 ** -12, `rcp ${x}`);
    const s = F.num(approxRsqrt(F.bits(x)));
    assert.ok(Math.abs(s * Math.sqrt(x) - 1) <= 1.5 * 2 ** -12, `rsqrt ${x}`);
  }
  assert.equal(approxRcp(0x80000000), 0xff800000);
  assert.equal(approxRsqrt(b(-4)), F.DEFAULT_NAN);
  assert.equal(approxRsqrt(0x80000000), 0xff800000);
});

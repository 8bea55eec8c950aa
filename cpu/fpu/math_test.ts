import assert from "node:assert/strict";
import { f80Hex, parseF80 } from "./f80.ts";
import { push64, push80, run, setCw, setup } from "./_memory_host.ts";

/** A unit whose stack holds `values` (ST(0) first; numbers load as m64, strings as m80). */
function stack(values: (string | number)[], cw = 0x037f) {
  const { host, fpu } = setup();
  setCw(fpu, host, cw);
  for (const v of [...values].reverse()) {
    if (typeof v === "number") push64(fpu, host, v);
    else push80(fpu, host, parseF80(v));
  }
  return { host, fpu };
}

const st = (fpu: { register(i: number): ReturnType<typeof parseF80> }, i: number) =>
  f80Hex(fpu.register(i));

Deno.test("FPREM and FPREM1 return exact remainders and the quotient's low bits in C0 C3 C1", () => {
  // [dividend, divisor, FPREM result, its C3..C0 bits, FPREM1 result, its bits]; hardware values.
  const cases: [number, number, string, number, string, number][] = [
    [5, 3, "4000:8000000000000000", 0x0200, "bfff:8000000000000000", 0x4000],
    [-5, 3, "c000:8000000000000000", 0x0200, "3fff:8000000000000000", 0x4000],
    [7, 2, "3fff:8000000000000000", 0x4200, "bfff:8000000000000000", 0x0100],
    [14, 1.5, "3ffe:8000000000000000", 0x0200, "3ffe:8000000000000000", 0x0200],
    [-3, 1, "8000:0000000000000000", 0x4200, "8000:0000000000000000", 0x4200],
  ];
  for (const [a, b, rem, bits, rem1, bits1] of cases) {
    const p = stack([a, b]);
    run(p.fpu, 0xd9, 0xf8);
    assert.equal(st(p.fpu, 0), rem, `fprem ${a} ${b}`);
    assert.equal(p.fpu.statusWord & 0x4700, bits, `fprem ${a} ${b}`);
    const q = stack([a, b]);
    run(q.fpu, 0xd9, 0xf5);
    assert.equal(st(q.fpu, 0), rem1, `fprem1 ${a} ${b}`);
    assert.equal(q.fpu.statusWord & 0x4700, bits1, `fprem1 ${a} ${b}`);
  }
});

Deno.test("FPREM reduces exponent gaps of 64 or more partially and sets C2", () => {
  // 2^100 rem 1.5: reduced by 2^64 (N = 32 + 100 mod 32 = 36), measured result 2^64.
  const p = stack(["4063:8000000000000000", 1.5]);
  run(p.fpu, 0xd9, 0xf8);
  assert.equal(st(p.fpu, 0), "403f:8000000000000000");
  assert.equal(p.fpu.statusWord & 0x4700, 0x0400);
  const q = stack(["403f:8000000000000000", 1.5]); // 2^64: gap 64, reduced to 2^32
  run(q.fpu, 0xd9, 0xf5);
  assert.equal(st(q.fpu, 0), "401f:8000000000000000");
  assert.equal(q.fpu.statusWord & 0x4700, 0x0400);
});

Deno.test("FPREM special operands: x rem ∞ is x, x rem 0 and ∞ rem x are invalid", () => {
  const a = stack([1, Infinity]);
  run(a.fpu, 0xd9, 0xf8);
  assert.equal(st(a.fpu, 0), "3fff:8000000000000000");
  assert.equal(a.fpu.statusWord & 0x473f, 0);
  const b = stack([1, 0]);
  run(b.fpu, 0xd9, 0xf8);
  assert.equal(st(b.fpu, 0), "ffff:c000000000000000");
  assert.equal(b.fpu.statusWord & 0x3f, 0x01);
});

Deno.test("FSCALE truncates the scale, saturates huge scales and follows the ∞/0 table", () => {
  const cases: [number | string, number | string, string, number][] = [
    [1, 3.7, "4002:8000000000000000", 0x00],
    [1, -3.7, "3ffc:8000000000000000", 0x00],
    [1, 0.5, "3fff:8000000000000000", 0x00],
    [1, 1e10, "7fff:8000000000000000", 0x28],
    [1, -1e10, "0000:0000000000000000", 0x30],
    [0, Infinity, "ffff:c000000000000000", 0x01],
    [1, -Infinity, "0000:0000000000000000", 0x00],
    ["0000:0000000000000001", 1, "0000:0000000000000002", 0x02],
    ["0001:8000000000000001", -2, "0000:2000000000000000", 0x30],
  ];
  for (const [a, b, want, flags] of cases) {
    const s = stack([a, b]);
    run(s.fpu, 0xd9, 0xfd);
    assert.equal(st(s.fpu, 0), want, `${a} × 2^${b}`);
    assert.equal(s.fpu.statusWord & 0x3f, flags, `${a} × 2^${b}`);
  }
  // Unmasked overflow: scaled by 2^−24576 when that fits, else ∞ with PE and C1 (measured).
  const w = stack([1, 20000], 0x0377);
  run(w.fpu, 0xd9, 0xfd);
  assert.equal(st(w.fpu, 0), "2e1f:8000000000000000");
  assert.equal(w.fpu.statusWord & 0xff, 0x88);
  const x = stack([1, 1e10], 0x0377);
  run(x.fpu, 0xd9, 0xfd);
  assert.equal(st(x.fpu, 0), "7fff:8000000000000000");
  assert.equal(x.fpu.statusWord & 0x02ff, 0x02a8);
});

Deno.test("FXTRACT splits exponent and significand; zero raises ZE with −∞ exponent", () => {
  const cases: [number | string, string, string, number][] = [
    [-10, "bfff:a000000000000000", "4000:c000000000000000", 0x00],
    ["0000:0000000000000003", "3fff:c000000000000000", "c00d:8078000000000000", 0x02],
    [0, "0000:0000000000000000", "ffff:8000000000000000", 0x04],
    [-Infinity, "ffff:8000000000000000", "7fff:8000000000000000", 0x00],
  ];
  for (const [v, sig, exp, flags] of cases) {
    const s = stack([v]);
    run(s.fpu, 0xd9, 0xf4);
    assert.equal(st(s.fpu, 0), sig, String(v));
    assert.equal(st(s.fpu, 1), exp, String(v));
    assert.equal(s.fpu.statusWord & 0x3f, flags);
  }
});

Deno.test("FRNDINT rounds under RC, keeps the sign of zero results and reports PE and C1", () => {
  // [value, rc, result, C1]
  const cases: [number, number, string, number][] = [
    [2.5, 0, "4000:8000000000000000", 0],
    [2.5, 2, "4000:c000000000000000", 1],
    [-2.5, 1, "c000:c000000000000000", 1],
    [-0.4, 0, "8000:0000000000000000", 0],
    [-0.4, 1, "bfff:8000000000000000", 1],
    [0.4, 2, "3fff:8000000000000000", 1],
  ];
  for (const [v, rc, want, c1] of cases) {
    const s = stack([v], 0x037f | (rc << 10));
    run(s.fpu, 0xd9, 0xfc);
    assert.equal(st(s.fpu, 0), want, `${v} rc=${rc}`);
    assert.equal(s.fpu.statusWord & 0x023f, 0x20 | (c1 << 9), `${v} rc=${rc}`);
  }
});

Deno.test("FSIN, FCOS, FPTAN, FSINCOS leave |x| ≥ 2^63 alone and set C2", () => {
  for (const modrm of [0xfe, 0xff, 0xf2, 0xfb]) {
    const s = stack(["403e:8000000000000000"]);
    run(s.fpu, 0xd9, modrm);
    assert.equal(st(s.fpu, 0), "403e:8000000000000000");
    assert.ok(s.fpu.isEmpty(1));
    assert.equal(s.fpu.statusWord & 0x4700, 0x0400, modrm.toString(16));
  }
});

Deno.test("FSIN, FCOS, FSINCOS, FPTAN round as hardware does, 66-bit π reduction included", () => {
  // [x, ModR/M, result, status bits C1 and PE] as measured: 1.0, 2^63 − 1 (reduced against the
  // 66-bit π) and −231.57.
  const cases: [string, number, string, number][] = [
    ["3fff:8000000000000000", 0xfe, "3ffe:d76aa47848677021", 0x0220],
    ["3fff:8000000000000000", 0xff, "3ffe:8a51407da8345c92", 0x0220],
    ["403d:ffffffffffffffff", 0xfe, "3ffe:e0ab9300da6d2684", 0x0020],
    ["403d:ffffffffffffffff", 0xff, "3ffd:f56ec1e0a37c4176", 0x0020],
    ["c007:e792edbcf1d765a5", 0xfe, "3ffe:f8d77ef6c4fdb228", 0x0020],
  ];
  for (const [x, modrm, want, flags] of cases) {
    const s = stack([x]);
    run(s.fpu, 0xd9, modrm);
    assert.equal(st(s.fpu, 0), want, `${x} d9 ${modrm.toString(16)}`);
    assert.equal(s.fpu.statusWord & 0x0620, flags, `${x} d9 ${modrm.toString(16)}`);
  }
  const t = stack([0.5]);
  run(t.fpu, 0xd9, 0xf2); // FPTAN: ST(0) = 1.0, ST(1) = tan 0.5
  assert.equal(st(t.fpu, 0), "3fff:8000000000000000");
  assert.equal(st(t.fpu, 1), "3ffe:8bda7adf9a3a5219");
  assert.equal(t.fpu.statusWord & 0x0620, 0x0220);
  const sc = stack([1]);
  run(sc.fpu, 0xd9, 0xfb); // FSINCOS: ST(0) = cos, ST(1) = sin
  assert.equal(st(sc.fpu, 0), "3ffe:8a51407da8345c92");
  assert.equal(st(sc.fpu, 1), "3ffe:d76aa47848677021");
});

Deno.test("precision control does not apply to the transcendentals (SDM vol. 1 §8.1.5.2)", () => {
  for (const pc of [0, 2, 3]) {
    const s = stack([1], 0x007f | (pc << 8));
    run(s.fpu, 0xd9, 0xfe);
    assert.equal(st(s.fpu, 0), "3ffe:d76aa47848677021", `pc ${pc}`);
    const e = stack([0.5], 0x007f | (pc << 8));
    run(e.fpu, 0xd9, 0xf0);
    assert.equal(st(e.fpu, 0), "3ffd:d413cccfe7799211", `pc ${pc}`);
  }
});

Deno.test("tiny arguments round exactly: sin x just below x, cos x just below 1", () => {
  const s = stack(["0000:000000037faec16a"], 0x0f7f); // chop
  run(s.fpu, 0xd9, 0xfb);
  assert.equal(st(s.fpu, 1), "0000:000000037faec169");
  assert.equal(st(s.fpu, 0), "3ffe:ffffffffffffffff");
  const n = stack(["0000:0000000000000001"]);
  run(n.fpu, 0xd9, 0xfe);
  assert.equal(st(n.fpu, 0), "0000:0000000000000001");
  assert.equal(n.fpu.statusWord & 0x023f, 0x0232); // C1, DE, UE, PE as measured
});

Deno.test("FPATAN picks the quadrant from both signs; FYL2X, FYL2XP1 and F2XM1 compute", () => {
  const atan = (y: number | string, x: number | string, cw = 0x037f) => {
    const s = stack([x, y], cw);
    run(s.fpu, 0xd9, 0xf3);
    assert.ok(s.fpu.isEmpty(1));
    return `${st(s.fpu, 0)} ${(s.fpu.statusWord & 0x0220).toString(16)}`;
  };
  assert.equal(atan(0, -1), "4000:c90fdaa22168c235 220"); // π, rounded up to nearest
  assert.equal(atan(0, -1, 0x077f), "4000:c90fdaa22168c234 20"); // π rounded down
  assert.equal(atan(-0, -0), "c000:c90fdaa22168c235 220");
  assert.equal(atan(-0, 0), "8000:0000000000000000 0"); // signed zero, exact
  assert.equal(atan(1, 0), "3fff:c90fdaa22168c235 220"); // π/2
  assert.equal(atan(1, 1), "3ffe:c90fdaa22168c235 220"); // π/4
  assert.equal(atan(Infinity, -Infinity, 0x0b7f), "4000:96cbe3f9990e91a8 220"); // 3π/4 up
  assert.equal(atan(-1e-300, 0), "bfff:c90fdaa22168c235 220");
  const l = stack([8, 3]);
  run(l.fpu, 0xd9, 0xf1); // 3 × log2 8 = 9 exactly, yet PE (measured)
  assert.equal(st(l.fpu, 0), "4002:9000000000000000");
  assert.equal(l.fpu.statusWord & 0x023f, 0x20);
  const one = stack([1, -2]);
  run(one.fpu, 0xd9, 0xf1); // −2 × log2 1: an exact −0 without PE
  assert.equal(st(one.fpu, 0), "8000:0000000000000000");
  assert.equal(one.fpu.statusWord & 0x023f, 0);
  const z = stack([0, 3]);
  run(z.fpu, 0xd9, 0xf1); // log2 0: ZE, −∞
  assert.equal(st(z.fpu, 0), "ffff:8000000000000000");
  assert.equal(z.fpu.statusWord & 0x3f, 0x04);
  const zd = stack([0, "0000:92c5b8a22d96cb85"], 0x037d); // a denormal y: ZE but no DE
  run(zd.fpu, 0xd9, 0xf1);
  assert.equal(st(zd.fpu, 0), "ffff:8000000000000000");
  assert.equal(zd.fpu.statusWord & 0xbf, 0x04);
  const p = stack([0.5, 2]);
  run(p.fpu, 0xd9, 0xf9); // 2 × log2 1.5
  assert.equal(st(p.fpu, 0), "3fff:95c01a39fbd687a0");
  assert.equal(p.fpu.statusWord & 0x023f, 0x0220);
  const e = stack([-1]);
  run(e.fpu, 0xd9, 0xf0); // 2^−1 − 1, exact, PE set
  assert.equal(st(e.fpu, 0), "bffe:8000000000000000");
  assert.equal(e.fpu.statusWord & 0x023f, 0x20);
  // 2^1 − 1 comes out just below 1 on hardware: 1 with C1 to nearest, 1 − 2^−64 rounding down.
  const e1 = stack([1]);
  run(e1.fpu, 0xd9, 0xf0);
  assert.equal(st(e1.fpu, 0), "3fff:8000000000000000");
  assert.equal(e1.fpu.statusWord & 0x023f, 0x0220);
  const e2 = stack([1], 0x077f);
  run(e2.fpu, 0xd9, 0xf0);
  assert.equal(st(e2.fpu, 0), "3ffe:ffffffffffffffff");
  const big = stack([2]);
  run(big.fpu, 0xd9, 0xf0); // outside −1..1 hardware returns the operand
  assert.equal(st(big.fpu, 0), "4000:8000000000000000");
});

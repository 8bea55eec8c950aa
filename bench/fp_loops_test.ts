import assert from "node:assert/strict";
import {
  FP_A,
  FP_B,
  FP_C,
  FP_DATA,
  FP_INIT,
  FP_LOOPS,
  FP_X,
  FP_Y,
  type FpLoop,
  INT_D,
  INT_INIT,
  INT_S,
  SSE2_INT_LOOP,
  SSE2_PD_LOOP,
  SSE2_SD_LOOP,
  X87_LOOP,
} from "./fp_loops.ts";
import { createLoopMachine, loopCost } from "./cpu_mips.ts";

const TIERS = [{ tier: "interpreter", jit: false }, { tier: "jit", jit: true }] as const;

/**
 * Runs `loop` for `n` iterations on a fresh machine, twice (the second run starts from compiled
 * blocks under the JIT), checks that both halt having retired loopCost's count, and returns the
 * data area.
 */
function runLoop(loop: FpLoop, n: number, jit: boolean): DataView {
  const cost = loopCost(loop);
  const expected = cost.fixed + n * cost.perIteration;
  const m = createLoopMachine(loop.code(n), { limit: expected + 1, jit });
  for (let run = 0; run < 2; run++) assert.equal(m.runOnce(), expected, `${loop.name} run ${run}`);
  if (jit && n >= 1000) {
    assert.ok(m.cpu.jit!.stats.instructions > 0, `${loop.name}: compiled blocks ran`);
  }
  const bytes = m.cpu.phys.readBytes(FP_DATA, loop.dataBytes);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function doubles(view: DataView, offset: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => view.getFloat64(offset + 8 * i, true));
}

function dwords(view: DataView, offset: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => view.getUint32(offset + 4 * i, true));
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

// --- An exact model of the x87 loop -------------------------------------------------------------
// x87 arithmetic at 64-bit precision cannot be replayed with float64, so the reference is exact
// binary arithmetic on BigInt with round-to-nearest-even to 64 bits (each FMUL/FADD, SDM vol. 1
// §4.8.4) and to 53 bits (FSTP m64, rounding the 80-bit register value). Every value here is
// positive and normal, which keeps the model to a few lines.

/** m·2^e, m > 0. */
interface Exact {
  m: bigint;
  e: number;
}

function exactOf(v: number): Exact {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  assert.ok(v > 0 && biased > 0 && biased < 0x7ff, `${v} is positive and normal`);
  return { m: (bits & ((1n << 52n) - 1n)) | (1n << 52n), e: biased - 1075 };
}

function mul(a: Exact, b: Exact): Exact {
  return { m: a.m * b.m, e: a.e + b.e };
}

function add(a: Exact, b: Exact): Exact {
  const e = Math.min(a.e, b.e);
  return { m: (a.m << BigInt(a.e - e)) + (b.m << BigInt(b.e - e)), e };
}

/** Rounds to `bits` significant bits, to nearest, ties to even. */
function round(v: Exact, bits: number): Exact {
  const shift = v.m.toString(2).length - bits;
  if (shift <= 0) return v;
  const s = BigInt(shift);
  let q = v.m >> s;
  const rest = v.m & ((1n << s) - 1n);
  const half = 1n << (s - 1n);
  if (rest > half || (rest === half && (q & 1n) === 1n)) q++;
  return q >> BigInt(bits) === 1n ? { m: q >> 1n, e: v.e + shift + 1 } : { m: q, e: v.e + shift };
}

function doubleOf(v: Exact): number {
  const r = round(v, 53);
  return Number(r.m) * 2 ** r.e; // exact: r.m < 2^53 and the result is normal
}

/** The 80-bit extended format FSTP m80 writes (SDM vol. 1 §4.2.2): 64-bit significand, exponent. */
function extendedBytes(v: Exact): Uint8Array {
  const length = v.m.toString(2).length;
  assert.ok(length <= 64);
  const out = new DataView(new ArrayBuffer(10));
  out.setBigUint64(0, v.m << BigInt(64 - length), true);
  out.setUint16(8, v.e + length - 1 + 16383, true);
  return new Uint8Array(out.buffer);
}

/** What the x87 loop leaves after `n` iterations: x (80 bits) and y[0..3]. */
function x87Model(n: number): { x: Uint8Array; y: number[] } {
  const p64 = (v: Exact) => round(v, 64);
  let x = exactOf(FP_INIT.x[0]);
  const a = exactOf(FP_INIT.a[0]), b = exactOf(FP_INIT.b[0]);
  const c = FP_INIT.c.map(exactOf);
  const y = FP_INIT.y.slice(0, 4);
  for (let k = 0; k < n; k++) {
    x = p64(add(p64(mul(x, a)), b));
    const j = (2 * k) & 3;
    for (const t of [j, j + 1]) y[t] = doubleOf(p64(add(p64(mul(exactOf(y[t]), c[t])), x)));
  }
  return { x: extendedBytes(x), y };
}

Deno.test("every fp loop retires the instruction count its disassembly shows", () => {
  const costs = Object.fromEntries(FP_LOOPS.map((l) => [l.name, loopCost(l)]));
  // fixed: set-up (CR4 or FNINIT, ESI, the constant stores, register loads, ECX, EDI), then the
  // result stores and the three instructions of the exit.
  assert.deepEqual(costs, {
    x87: { fixed: 1 + 1 + 36 + 3 + 2 + 3 + 3, perIteration: 14 },
    sse2_sd: { fixed: 3 + 1 + 36 + 3 + 2 + 1 + 3, perIteration: 14 },
    sse2_pd: { fixed: 3 + 1 + 36 + 3 + 2 + 1 + 3, perIteration: 14 },
    sse2_int: { fixed: 3 + 1 + 28 + 2 + 2 + 1 + 3, perIteration: 13 },
  });
});

Deno.test("the x87 reference model reproduces the host CPU on the loop's own bytes", () => {
  // Obtained on the development machine (x86-64): X87_LOOP.code(1000) was run by a gcc -m32
  // program, in a 32-bit process, with the data page mapped at FP_DATA (mmap MAP_FIXED) and the
  // exit sequence replaced by RET; these are the bytes it left at FP_X (FSTP m80) and FP_Y.
  const hostX = "b4 55 ee a3 0a 8a 1b 8b ff 3f";
  const hostY = "3a 9d a9 91 4d bc 25 40 3d 9d a9 91 4d bc 15 40 " +
    "3f 1a 75 85 03 c3 06 40 6d e3 54 51 d5 bc fe 3f";
  const model = x87Model(1000);
  assert.equal(hex(model.x), hostX);
  assert.equal(hex(new Uint8Array(Float64Array.from(model.y).buffer)), hostY);
});

for (const { tier, jit } of TIERS) {
  Deno.test(`${tier}: x87 loop leaves the exact 80-bit x and the double-rounded y`, () => {
    for (const n of [1, 3, 1000, 3001]) {
      const view = runLoop(X87_LOOP, n, jit);
      const model = x87Model(n);
      const x = new Uint8Array(view.buffer, view.byteOffset + FP_X, 10);
      assert.equal(hex(x), hex(model.x), `x after ${n}`);
      assert.deepEqual(doubles(view, FP_Y, 4), model.y, `y after ${n}`);
    }
  });

  Deno.test(`${tier}: SSE2 scalar double loop matches float64 arithmetic`, () => {
    for (const n of [1, 3, 1000, 3001]) {
      const view = runLoop(SSE2_SD_LOOP, n, jit);
      let x = FP_INIT.x[0];
      const [a, b] = [FP_INIT.a[0], FP_INIT.b[0]];
      const c = FP_INIT.c, y = FP_INIT.y.slice(0, 4);
      for (let k = 0; k < n; k++) {
        x = x * a + b;
        const j = (2 * k) & 3;
        for (const t of [j, j + 1]) y[t] = y[t] * c[t] + x;
      }
      assert.equal(view.getFloat64(FP_X, true), x, `x after ${n}`);
      assert.deepEqual(doubles(view, FP_Y, 4), y, `y after ${n}`);
      assert.deepEqual(doubles(view, FP_Y + 32, 4), FP_INIT.y.slice(4), "y[4..7] untouched");
    }
  });

  Deno.test(`${tier}: SSE2 packed double loop matches float64 arithmetic lane by lane`, () => {
    for (const n of [1, 3, 1000, 3001]) {
      const view = runLoop(SSE2_PD_LOOP, n, jit);
      const x = FP_INIT.x.slice(), a = FP_INIT.a, b = FP_INIT.b;
      const c = FP_INIT.c, y = FP_INIT.y.slice();
      for (let k = 0; k < n; k++) {
        const j = (4 * k) & 7;
        for (const l of [0, 1]) {
          x[l] = x[l] * a[l] + b[l];
          y[j + l] = y[j + l] * c[l] + x[l];
          y[j + 2 + l] = y[j + 2 + l] * c[2 + l] + x[l];
        }
      }
      assert.deepEqual(doubles(view, FP_X, 2), x, `x after ${n}`);
      assert.deepEqual(doubles(view, FP_Y, 8), y, `y after ${n}`);
      assert.deepEqual(doubles(view, FP_A, 2), FP_INIT.a);
      assert.deepEqual(doubles(view, FP_B, 2), FP_INIT.b);
      assert.deepEqual(doubles(view, FP_C, 4), FP_INIT.c);
    }
  });

  Deno.test(`${tier}: SSE2 integer loop matches a lane-by-lane computation`, () => {
    for (const n of [1, 5, 1000, 3001]) {
      const view = runLoop(SSE2_INT_LOOP, n, jit);
      let s = INT_INIT.s.slice();
      const k = INT_INIT.k, m = INT_INIT.m, d = INT_INIT.d.slice();
      for (let it = 0; it < n; it++) {
        const j = 4 * (it & 3);
        const dj = d.slice(j, j + 4);
        s = s.map((v, l) => ((v + dj[l]) ^ k[l]) >>> 0);
        const swapped = [s[1], s[0], s[3], s[2]];
        const p0 = BigInt(swapped[0]) * BigInt(m[0]), p1 = BigInt(swapped[2]) * BigInt(m[2]);
        const products = [p0, p0 >> 32n, p1, p1 >> 32n].map((p) => Number(p & 0xffffffffn));
        s = s.map((v, l) => (v + products[l]) >>> 0);
        s = s.map((v, l) => (v === dj[l] ? (v + 1) >>> 0 : v));
        d.splice(j, 4, ...s);
      }
      assert.deepEqual(dwords(view, INT_S, 4), s, `s after ${n}`);
      assert.deepEqual(dwords(view, INT_D, 16), d, `d after ${n}`);
    }
  });
}

Deno.test("the floating-point loops stay bounded: the fixed points lie between 1 and 20", () => {
  const view = runLoop(SSE2_PD_LOOP, 5000, false);
  for (const v of [...doubles(view, FP_X, 2), ...doubles(view, FP_Y, 8)]) {
    assert.ok(v > 1 && v < 20, `${v}`);
  }
});

Deno.test("fp loop code refuses iteration counts the 32-bit counter cannot hold", () => {
  assert.throws(() => X87_LOOP.code(0), RangeError);
  assert.throws(() => SSE2_INT_LOOP.code(2 ** 32), RangeError);
});

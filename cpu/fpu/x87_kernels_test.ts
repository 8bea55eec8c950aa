/**
 * The x87 kernel (x87_kernels.ts) against the exact bigint path it runs ahead of (arith.ts
 * add/mul/div/sqrt, compare.ts, convert.ts fromIeee/toIeee), which the recorded hardware vectors hold to
 * the host CPU: random and edge operands under every rounding and precision control, results
 * compared bit for bit with PE and C1; every declined call leaves the x87 area unchanged.
 */
import assert from "node:assert/strict";
import "./x87_kernels.ts";
import { add as addExact, div, mul as mulExact, sqrt as sqrtExact } from "./arith.ts";
import { compare, conditionCodes } from "./compare.ts";
import { fromIeee, fromInteger, toIeee, toInteger } from "./convert.ts";
import { type F80, f80, f80Hex } from "./f80.ts";
import { DOUBLE, type Format, type RoundEnv, SINGLE } from "./rounding.ts";
import { C1, PE } from "./status.ts";
import { kernelExport, kernelForm } from "./x87_forms.ts";
import { x87KernelsFor } from "./x87_kernel_source.ts";
import {
  X87_AREA_BYTES,
  X87_CW,
  X87_EMPTY,
  X87_FDP,
  X87_FIP,
  X87_FOP,
  X87_SCRATCH,
  X87_SW,
  X87_TOP,
} from "./x87_layout.ts";
import { envs, operand, rng, text } from "./_operands.ts";

const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
const kernels = x87KernelsFor(memory);
const words = new Uint32Array(memory.buffer, 0, X87_AREA_BYTES >> 2);
const DST = X87_SCRATCH;

function setPhys(p: number, v: F80): void {
  words[4 * p] = v.lo;
  words[4 * p + 1] = v.hi;
  words[4 * p + 2] = v.se;
}
function phys(p: number): F80 {
  return f80(words[4 * p + 2], words[4 * p + 1], words[4 * p]);
}

/** Control word with every exception masked, the given RC and precision (24, 53, 64). */
function controlWord(env: { rc: number; precision: number }): number {
  const pc = env.precision === 24 ? 0 : env.precision === 53 ? 2 : 3;
  return 0x3f | 0x40 | (pc << 8) | (env.rc << 10);
}

/** TOP = 2, ST(0..n−1) = `stack`, the rest empty; SW = C1 set (to see it cleared). */
function load(stack: F80[], cw: number): void {
  words.fill(0);
  words[X87_TOP >> 2] = 2;
  let empty = 0xff;
  stack.forEach((v, i) => {
    setPhys((2 + i) & 7, v);
    empty &= ~(1 << ((2 + i) & 7));
  });
  words[X87_EMPTY >> 2] = empty;
  words[X87_CW >> 2] = cw;
  words[X87_SW >> 2] = C1;
}

/** Runs `opcode modrm` through the kernel; declined calls must leave the area as it was. */
function run(opcode: number, modrm: number, lo = 0, hi = 0, ext = 0): boolean {
  const before = words.slice();
  const form = kernelForm(opcode, modrm);
  assert.ok(form >= 0, `${opcode.toString(16)} ${modrm.toString(16)} has a kernel`);
  const done =
    kernels[kernelExport(form)](0, form, lo, hi, ext, DST, 0x1234, 0x5678, 0x0008_0010) ===
      1;
  if (!done) assert.deepEqual(words, before, "a declined call changed the x87 area");
  return done;
}

function result(): { value: F80; flags: number; up: boolean } {
  const sw = words[X87_SW >> 2];
  return { value: phys(2), flags: sw & PE, up: (sw & C1) !== 0 };
}

Deno.test("x87 kernel FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR equal the exact bigint path under every RC and PC", () => {
  const next = rng(0x5eed);
  const failures: string[] = [];
  let taken = 0, total = 0;
  for (let i = 0; i < 6000; i++) {
    const a = operand(next);
    // Mostly operands of nearby magnitude (where cancellation and rounding happen), some far.
    const b = operand(next, next() % 8 === 0 ? undefined : a.se & 0x7fff);
    for (const env of envs()) {
      for (
        const [name, reg, ref] of [
          ["add", 0, (x: F80, y: F80, e: RoundEnv) => addExact(x, y, e)],
          ["mul", 1, (x: F80, y: F80, e: RoundEnv) => mulExact(x, y, e)],
          ["sub", 4, (x: F80, y: F80, e: RoundEnv) => addExact(x, y, e, true)],
          ["subr", 5, (x: F80, y: F80, e: RoundEnv) => addExact(y, x, e, true)],
          ["div", 6, (x: F80, y: F80, e: RoundEnv) => div(x, y, e)],
          ["divr", 7, (x: F80, y: F80, e: RoundEnv) => div(y, x, e)],
        ] as const
      ) {
        total++;
        load([a, b], controlWord(env));
        // D8 /reg with ST(1): ST(0) ← ST(0) op ST(1).
        if (!run(0xd8, 0xc1 | (reg << 3))) continue;
        taken++;
        const want = ref(a, b, env);
        const got = result();
        if (want.flags & ~PE || text(got) !== text(want)) {
          failures.push(
            `${name} ${f80Hex(a)} ${f80Hex(b)} rc ${env.rc} pc ${env.precision}: ` +
              `got ${text(got)}, want ${text(want)}`,
          );
        }
      }
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
  // The comparison means something only if the kernel took most cases.
  assert.ok(taken > total * 0.8, `${taken} of ${total} taken by the kernel`);
});

Deno.test("x87 kernel declines tiny, overflowing and cancelling results and special operands", () => {
  const env = { rc: 0, precision: 64 };
  const tiny = f80(0x0001, 0x80000000, 0), huge = f80(0x7ffe, 0xffffffff, 0xffffffff);
  const declined = (a: F80, b: F80, reg: number, e = env) => {
    load([a, b], controlWord(e));
    return !run(0xd8, 0xc1 | (reg << 3));
  };
  assert.ok(declined(tiny, f80(0x3ffe, 0x80000000, 0), 1)); // 2^-16384
  assert.ok(declined(huge, huge, 0)); // overflow
  assert.ok(declined(huge, huge, 4)); // exact zero
  assert.ok(declined(huge, huge, 1));
  assert.ok(declined(f80(0, 0, 0), huge, 0)); // zero operand
  assert.ok(declined(f80(0x7fff, 0x80000000, 0), huge, 0)); // infinity
  assert.ok(declined(f80(0x7fff, 0xc0000000, 0), huge, 0)); // NaN
  assert.ok(declined(f80(0x3fff, 0x40000000, 0), huge, 0)); // unnormal
  // Tiny before rounding, normal after it: tininess is judged before rounding (UE is due).
  const up53 = { rc: 2, precision: 53 };
  assert.ok(
    declined(f80(0x0001, 0xffffffff, 0xffffffff), f80(0x3ffd, 0xffffffff, 0xffffffff), 1, up53),
  );
  // Unmasked PE, or a pending exception: the exact path's.
  load([huge, huge], 0x037f & ~PE);
  assert.ok(!run(0xd8, 0xc1));
  load([tiny, tiny], 0x037f);
  words[X87_SW >> 2] = 0x80; // ES
  assert.ok(!run(0xd8, 0xc1));
  // An empty operand (stack underflow).
  load([huge], 0x037f);
  assert.ok(!run(0xd8, 0xc1));
  // A carry out of bit 63 whose shifted-out bit is all that tells the sum from a tie.
  const e64: RoundEnv = { rc: 0, precision: 64, masks: 0x3f };
  const big = f80(0x3fff, 0xffffffff, 0xfffffffd), carry = f80(0x3fff - 32, 0x80000000, 1);
  load([big, carry], controlWord(e64));
  assert.ok(run(0xd8, 0xc1));
  assert.equal(text(result()), text(addExact(big, carry, e64)));
  // All ones rounding up into the next binade.
  const ones = f80(0x3fff, 0xffffffff, 0xffffffff), tail = f80(0x3fbf, 0x80000000, 0);
  load([ones, tail], controlWord(e64));
  assert.ok(run(0xd8, 0xc1));
  assert.equal(text(result()), text(addExact(ones, tail, e64)));
});

/** Reads a store's bytes from the kernel's destination. */
function stored(fmt: Format): bigint {
  const lo = BigInt(words[DST >> 2]);
  return fmt === DOUBLE ? (BigInt(words[(DST >> 2) + 1]) << 32n) | lo : lo;
}

Deno.test("x87 kernel FLD and FST/FSTP m32/m64 equal the exact conversions", () => {
  const next = rng(0xd0b1e);
  const failures: string[] = [];
  let loads = 0, stores = 0;
  for (let i = 0; i < 20000; i++) {
    for (const fmt of [DOUBLE, SINGLE]) {
      const double = fmt === DOUBLE;
      const lo = next();
      const hi = i % 10 === 0 ? (next() & 0x800fffff) | (next() % 3 << 20) : next();
      load([], 0x037f);
      const bits = double ? (BigInt(hi) << 32n) | BigInt(lo) : BigInt(lo);
      if (run(double ? 0xdd : 0xd9, 0x00, lo, double ? hi : 0)) {
        loads++;
        const want = fromIeee(bits, fmt);
        const got = phys(1);
        if (
          f80Hex(got) !== f80Hex(want.value) || want.flags !== 0 ||
          words[X87_TOP >> 2] !== 1 || words[X87_EMPTY >> 2] !== 0xfd ||
          words[X87_SW >> 2] & C1
        ) failures.push(`fld ${fmt.precision} ${bits.toString(16)}: ${f80Hex(got)}`);
      }
      const v = operand(next, 0x3fff + (next() % (double ? 2200 : 300)) - (double ? 1100 : 150));
      for (const rc of [0, 1, 2, 3]) {
        // Stores round to the format alone: precision control does not apply.
        load([v], controlWord({ rc, precision: 24 }));
        const pop = next() & 1;
        if (!run(double ? 0xdd : 0xd9, pop ? 0x18 : 0x10)) continue;
        stores++;
        const want = toIeee(v, fmt, { rc, precision: 64, masks: 0x3f });
        const sw = words[X87_SW >> 2];
        const popped = words[X87_TOP >> 2] === 3 && words[X87_EMPTY >> 2] === 0xff;
        if (
          stored(fmt) !== want.bits || (sw & PE) !== want.flags || ((sw & C1) !== 0) !== want.up ||
          popped !== (pop === 1)
        ) failures.push(`fst ${fmt.precision} ${f80Hex(v)} rc ${rc}: ${stored(fmt).toString(16)}`);
      }
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(loads > 30000 && stores > 100000, `${loads} loads, ${stores} stores`);
});

Deno.test("x87 kernel memory arithmetic, register moves and pointers", () => {
  const x = f80(0x3fff, 0xc0000000, 0), y = f80(0x4000, 0xa0000000, 0); // 1.5, 2.5
  // FMUL m64 (DC /1) by 2.0: 3.0; FOP, FIP, FDP, FDS recorded.
  load([x, y], 0x037f);
  assert.ok(run(0xdc, 0x0e, 0, 0x40000000));
  assert.equal(f80Hex(phys(2)), f80Hex(f80(0x4000, 0xc0000000, 0)));
  assert.equal(words[X87_FOP >> 2], 0x40e);
  assert.equal(words[X87_FIP >> 2], 0x1234);
  assert.equal(words[X87_FDP >> 2], 0x5678);
  assert.equal(words[(X87_FDP >> 2) + 1], 0x8); // FDS
  // FSUB m32 (D8 /4) of 0.5: 1.0.
  load([x], 0x037f);
  assert.ok(run(0xd8, 0x20, 0x3f000000));
  assert.equal(f80Hex(phys(2)), f80Hex(f80(0x3fff, 0x80000000, 0)));
  // DE E9 (FSUBP ST(1), ST(0) in NASM's naming): ST(1) ← ST(1) − ST(0) = 1.0, then pop.
  load([x, y], 0x037f);
  assert.ok(run(0xde, 0xe9));
  assert.equal(f80Hex(phys(3)), f80Hex(f80(0x3fff, 0x80000000, 0)));
  // DE E1: ST(1) ← ST(0) − ST(1) = −1.0.
  load([x, y], 0x037f);
  assert.ok(run(0xde, 0xe1));
  assert.equal(f80Hex(phys(3)), f80Hex(f80(0xbfff, 0x80000000, 0)));
  assert.equal(words[X87_TOP >> 2], 3);
  assert.equal(words[X87_EMPTY >> 2], 0xff & ~(1 << 3));
  // FXCH ST(1), FLD ST(1), FSTP ST(1), FCHS, FABS, FLD1, FLDZ.
  load([x, y], 0x037f);
  assert.ok(run(0xd9, 0xc9));
  assert.equal(f80Hex(phys(2)), f80Hex(y));
  assert.ok(run(0xd9, 0xc1)); // push ST(1) = x
  assert.equal(f80Hex(phys(1)), f80Hex(x));
  assert.ok(run(0xdd, 0xd9)); // FSTP ST(1): ST(1) ← x, pop
  assert.equal(words[X87_TOP >> 2], 2);
  assert.equal(f80Hex(phys(2)), f80Hex(x));
  assert.ok(run(0xd9, 0xe0));
  assert.equal(phys(2).se, 0xbfff);
  assert.ok(run(0xd9, 0xe1));
  assert.equal(phys(2).se, 0x3fff);
  assert.ok(run(0xd9, 0xe8));
  assert.equal(f80Hex(phys(1)), f80Hex(f80(0x3fff, 0x80000000, 0)));
  assert.ok(run(0xd9, 0xee));
  assert.equal(f80Hex(phys(0)), f80Hex(f80(0, 0, 0)));
  // A full stack (ST(7) in use) and an empty source are the exact path's.
  load([x, x, x, x, x, x, x, x], 0x037f);
  assert.ok(!run(0xd9, 0xe8));
  load([x], 0x037f);
  assert.ok(!run(0xd9, 0xc1));
  assert.ok(!run(0xd9, 0xc9));
  // FCOMI (it writes EFLAGS) and FXAM have no kernel; DE D8+i other than FCOMPP is undefined.
  assert.equal(kernelForm(0xdb, 0xf1), -1);
  assert.equal(kernelForm(0xd9, 0xe5), -1);
  assert.equal(kernelForm(0xde, 0xda), -1);
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
  f80(0, 0, 0),
  f80(0x8000, 0, 0),
];

Deno.test("x87 kernel FILD and FIST/FISTP m16/m32 equal the exact conversions", () => {
  const next = rng(0xf157);
  const failures: string[] = [];
  let stores = 0;
  const ints = [0, 1, -1, 2, 0x7fff, -0x8000, 0x7fffffff, -0x80000000, 12345, -98765];
  for (let i = 0; i < 20000; i++) {
    const n = i < ints.length ? ints[i] : (next() | 0) >> (next() % 32);
    for (const width of [16, 32] as const) {
      const m = width === 16 ? (n << 16) >> 16 : n;
      load([], 0x037f);
      assert.ok(run(width === 16 ? 0xdf : 0xdb, 0x00, m & (width === 16 ? 0xffff : -1)));
      if (f80Hex(phys(1)) !== f80Hex(fromInteger(BigInt(m)))) failures.push(`fild${width} ${m}`);
    }
    // Values around the integer range, halves and ties included, and the edges of each width.
    const e = 0x3fff + (next() % 40) - 4;
    const hi = next() % 4 === 0 ? 0x80000000 : (next() | 0x80000000) >>> 0;
    const v = i % 5 === 0
      ? EDGE_VALUES[(i / 5) % EDGE_VALUES.length]
      : f80(((next() & 1) << 15) | e, hi, next() % 4 === 0 ? 0 : next());
    for (const width of [16, 32] as const) {
      for (const rc of [0, 1, 2, 3]) {
        load([v], controlWord({ rc, precision: 24 }));
        if (!run(width === 16 ? 0xdf : 0xdb, 0x18)) continue; // FISTP
        stores++;
        const want = toInteger(v, width, rc);
        const got = BigInt(width === 16 ? words[DST >> 2] & 0xffff : words[DST >> 2]);
        const sw = words[X87_SW >> 2];
        if (
          got !== want.bits || (sw & PE) !== want.flags || ((sw & C1) !== 0) !== want.up ||
          words[X87_TOP >> 2] !== 3
        ) failures.push(`fistp${width} ${f80Hex(v)} rc ${rc}: ${got} vs ${want.bits}`);
      }
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(stores > 80000, `${stores} FIST cases taken by the kernel`);
});

Deno.test("x87 kernel FIADD/FISUB/FISUBR/FIMUL m16/m32 equal the exact path", () => {
  const next = rng(0x1add);
  const failures: string[] = [];
  let taken = 0;
  for (let i = 0; i < 4000; i++) {
    const a = operand(next, 0x3fff + (next() % 64) - 16);
    const n = (next() | 0) >> (next() % 32);
    for (const env of envs()) {
      for (const [reg, ref] of [[0, false], [4, true]] as const) {
        for (const width of [16, 32] as const) {
          const m = width === 16 ? (n << 16) >> 16 : n;
          const b = fromInteger(BigInt(m));
          load([a], controlWord(env));
          if (!run(width === 16 ? 0xde : 0xda, reg << 3, m & 0xffffffff)) continue;
          taken++;
          const want = addExact(a, b, env, ref);
          if (text(result()) !== text(want)) {
            failures.push(`${reg} ${f80Hex(a)} ${m}: ${text(result())} vs ${text(want)}`);
          }
        }
      }
      load([a], controlWord(env));
      const m = n === 0 ? 3 : n;
      if (run(0xda, 0x08, m)) {
        taken++;
        const want = mulExact(a, fromInteger(BigInt(m)), env);
        if (text(result()) !== text(want)) failures.push(`fimul ${f80Hex(a)} ${m}`);
      }
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(taken > 4000 * 12 * 4, `${taken} taken`);
});

Deno.test("x87 kernel FCOM/FUCOM/FTST and their pops set C3 C2 C0 as the exact compare", () => {
  const next = rng(0xc0de);
  const failures: string[] = [];
  let taken = 0;
  const zeros = [f80(0, 0, 0), f80(0x8000, 0, 0)];
  for (let i = 0; i < 20000; i++) {
    const a = i % 7 === 0 ? zeros[next() & 1] : operand(next);
    const b = i % 5 === 0
      ? zeros[next() & 1]
      : i % 3 === 0
      ? f80(a.se ^ (next() & 0x8000), a.hi, a.lo)
      : operand(next, a.se & 0x7fff);
    // D8 D1 FCOM ST(1), DD E9 FUCOMP ST(1), DE D9 FCOMPP; D9 E4 FTST.
    for (
      const [opcode, modrm, pops, against] of [
        [0xd8, 0xd1, 0, b],
        [0xdd, 0xe9, 1, b],
        [0xde, 0xd9, 2, b],
        [0xd9, 0xe4, 0, f80(0, 0, 0)],
      ] as const
    ) {
      load([a, b], 0x037f);
      words[X87_SW >> 2] = C1 | 0x4500; // C3 C2 C0 and C1 set, to see them replaced
      if (!run(opcode, modrm)) continue;
      taken++;
      const want = conditionCodes(compare(a, against, false).relation);
      const sw = words[X87_SW >> 2];
      if ((sw & 0x4700) !== want || words[X87_TOP >> 2] !== 2 + pops) {
        failures.push(`${opcode.toString(16)} ${modrm.toString(16)} ${f80Hex(a)} ${f80Hex(b)}`);
      }
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(taken > 70000, `${taken} taken`);
  // A NaN, an infinity or a denormal is the exact path's (IE, DE, or an order by class).
  for (const odd of [f80(0x7fff, 0xc0000000, 0), f80(0x7fff, 0x80000000, 0), f80(0, 1, 0)]) {
    load([f80(0x3fff, 0x80000000, 0), odd], 0x037f);
    assert.ok(!run(0xd8, 0xd1));
  }
});

Deno.test("x87 kernel FLD m80 and FSTP m80 copy the ten bytes, whatever they encode", () => {
  const next = rng(0x80);
  for (let i = 0; i < 2000; i++) {
    const v = f80(next() & 0xffff, next(), next());
    load([], 0x037f);
    assert.ok(run(0xdb, 0x28, v.lo, v.hi, v.se));
    assert.equal(f80Hex(phys(1)), f80Hex(v));
    assert.ok(run(0xdb, 0x38));
    assert.deepEqual([words[DST >> 2], words[(DST >> 2) + 1], words[(DST >> 2) + 2] & 0xffff], [
      v.lo,
      v.hi,
      v.se,
    ]);
    assert.equal(words[X87_TOP >> 2], 2);
  }
});

Deno.test("x87 kernel FSQRT equals the exact square root under every RC and PC", () => {
  const next = rng(0x5971);
  const failures: string[] = [];
  let taken = 0;
  // Squares and their neighbours (exact and nearly exact roots), and random values.
  const square = (k: number) => {
    const v = BigInt(k) * BigInt(k);
    const bits = v.toString(2).length;
    const sig = v << BigInt(64 - bits);
    return f80(0x3fff + bits - 1, Number(sig >> 32n), Number(sig & 0xffffffffn));
  };
  for (let i = 0; i < 6000; i++) {
    let a = i % 4 === 0 ? square((next() % 0xfffff) + 1) : operand(next);
    if (i % 8 === 1) a = f80(a.se, a.hi, (a.lo + (next() & 1 ? 1 : -1)) >>> 0);
    a = f80(a.se & 0x7fff, a.hi, a.lo);
    for (const env of envs()) {
      load([a], controlWord(env));
      if (!run(0xd9, 0xfa)) continue;
      taken++;
      const want = sqrtExact(a, env);
      if (want.flags & ~PE || text(result()) !== text(want)) {
        failures.push(
          `fsqrt ${f80Hex(a)} rc ${env.rc} pc ${env.precision}: ${text(result())} vs ${text(want)}`,
        );
      }
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(taken > 6000 * 12 * 0.9, `${taken} taken`);
  // Negative values (invalid), zeros and denormals are the exact path's.
  for (const odd of [f80(0xbfff, 0x80000000, 0), f80(0, 0, 0), f80(0, 1, 0)]) {
    load([odd], 0x037f);
    assert.ok(!run(0xd9, 0xfa));
  }
});

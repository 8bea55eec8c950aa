/**
 * The WebAssembly lazy-flag reads compiled code imports (flag_kernel.ts) give exactly what the
 * interpreter's readFlag and testCondition give, on random lazy states: every operation kind,
 * operand size and flag mask, and every condition code.
 */
import assert from "node:assert/strict";
import { PhysicalMemory } from "../../devices/memory/mod.ts";
import { ARITH } from "../eflags.ts";
import { readFlag, testCondition } from "../lazy_flags.ts";
import {
  S_EFLAGS,
  S_LAZY_A,
  S_LAZY_B,
  S_LAZY_MASK,
  S_LAZY_MSB,
  S_LAZY_OP,
  S_LAZY_RES,
} from "../state_layout.ts";
import { flagKernel } from "./flag_kernel.ts";

Deno.test("the WebAssembly flag reads equal readFlag and testCondition on random lazy states", () => {
  const phys = new PhysicalMemory({ ramSize: 1 << 20 });
  const st = new Int32Array(phys.memory.buffer, phys.cpuArea, 128);
  const kernel = flagKernel(phys.memory, phys.cpuArea);
  let x = 0x2545f491;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  // Values with carries and overflows at each size: edges and random patterns.
  const EDGES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, -1];
  const value = (msb: number) => {
    const v = next() % 3 === 0 ? EDGES[next() % EDGES.length] : next();
    return msb === 31 ? v | 0 : v & ((1 << (msb + 1)) - 1);
  };
  const failures: string[] = [];
  for (let i = 0; i < 20000; i++) {
    const msb = [7, 15, 31][next() % 3];
    st[S_LAZY_OP] = next() & 1;
    st[S_LAZY_A] = value(msb);
    st[S_LAZY_B] = value(msb);
    st[S_LAZY_RES] = value(msb);
    st[S_LAZY_MSB] = msb;
    st[S_LAZY_MASK] = next() % 4 === 0 ? 0 : next() & ARITH;
    st[S_EFLAGS] = (next() & 0x8d5) | 2;
    const state = Array.from(st.subarray(8, 16)).join(",");
    for (let mask = 1; mask <= ARITH; mask++) {
      if ((mask & ~ARITH) !== 0) continue;
      const want = readFlag(st, mask), got = kernel.flags(mask);
      if (got !== want) failures.push(`flags(${mask.toString(16)}) ${state}: ${got} vs ${want}`);
    }
    for (let cc = 0; cc < 16; cc++) {
      const want = testCondition(st, cc) ? 1 : 0, got = kernel.cond(cc);
      if (got !== want) failures.push(`cond(${cc}) ${state}: ${got} vs ${want}`);
    }
  }
  assert.deepEqual(failures.slice(0, 5), []);
});

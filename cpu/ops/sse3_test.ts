/**
 * SSE3 (Intel SDM vol. 2: ADDSUBPS/PD, HADDPS/PD, HSUBPS/PD, MOVSHDUP, MOVSLDUP, MOVDDUP,
 * LDDQU, FISTTP): #UD on a model whose CPUID.1:ECX lacks PNI, the lane arithmetic with it.
 */
import assert from "node:assert/strict";
import type { Cpu } from "../cpu.ts";
import { FEAT2_PNI } from "../cpu_model.ts";
import { UD } from "../fault.ts";
import { exec, guestCpuid, isFault, protectedMachine } from "../testing/protected_machine.ts";
import { fpuOf } from "./fpu_ops.ts";
import { CR4_OSFXSR, CR4_OSXMMEXCPT } from "./sse_common.ts";
import { bits } from "./sse_float.ts";
import { bits64 } from "./sse2_float.ts";

const DATA = 0x20000;
const abs = (a: number) => [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, a >>> 24];
const regs = (prefix: number[], op: number, d: number, s: number) => [
  ...prefix,
  0x0f,
  op,
  0xc0 | (d << 3) | s,
];

function machine(pni: boolean): Cpu {
  const cpu = protectedMachine(pni ? "max" : "max,-pni");
  cpu.mmu.cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT;
  return cpu;
}
const setXmm = (cpu: Cpu, n: number, lanes: number[]) =>
  fpuOf(cpu).xmm.set(lanes.map((v) => v >>> 0), 4 * n);
const xmm = (cpu: Cpu, n: number) => Array.from(fpuOf(cpu).xmm.subarray(4 * n, 4 * n + 4));
const ps = (...v: number[]) => v.map((x) => bits(Math.fround(x)));
const pd = (a: number, b: number) => [...bits64(a), ...bits64(b)];

Deno.test("CPUID.1:ECX.PNI follows the model; without it every SSE3 form and FISTTP is #UD", () => {
  assert.equal(guestCpuid(machine(false), 1)[2] & FEAT2_PNI, 0);
  assert.equal(guestCpuid(machine(true), 1)[2] & FEAT2_PNI, FEAT2_PNI);
  const cpu = machine(false);
  for (
    const bytes of [
      regs([0xf2], 0x7c, 0, 1),
      regs([0x66], 0xd0, 0, 1),
      regs([0xf3], 0x16, 0, 1),
      regs([0xf2], 0x12, 0, 1),
      [0xf2, 0x0f, 0xf0, 0x05, ...abs(DATA)],
      [0xdb, 0x0d, ...abs(DATA)], // fisttp m32
    ]
  ) assert.throws(() => exec(cpu, bytes), isFault(UD), bytes.join(" "));
});

Deno.test("haddps, hsubpd and addsubps combine the lanes the SDM lists", () => {
  const cpu = machine(true);
  setXmm(cpu, 0, ps(1, 2, 3, 4));
  setXmm(cpu, 1, ps(10, 20, 30, 40));
  exec(cpu, regs([0xf2], 0x7c, 0, 1));
  assert.deepEqual(xmm(cpu, 0), ps(1 + 2, 3 + 4, 10 + 20, 30 + 40));
  setXmm(cpu, 2, pd(5, 0.5));
  setXmm(cpu, 3, pd(-1, 8));
  exec(cpu, regs([0x66], 0x7d, 2, 3));
  assert.deepEqual(xmm(cpu, 2), pd(5 - 0.5, -1 - 8));
  setXmm(cpu, 4, ps(1, 2, 3, 4));
  exec(cpu, regs([0xf2], 0xd0, 4, 1));
  assert.deepEqual(xmm(cpu, 4), ps(1 - 10, 2 + 20, 3 - 30, 4 + 40));
});

Deno.test("movshdup, movsldup and movddup duplicate lanes; lddqu loads unaligned", () => {
  const cpu = machine(true);
  setXmm(cpu, 1, [1, 2, 3, 4]);
  exec(cpu, regs([0xf3], 0x16, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [2, 2, 4, 4]);
  exec(cpu, regs([0xf3], 0x12, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [1, 1, 3, 3]);
  exec(cpu, regs([0xf2], 0x12, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [1, 2, 1, 2]);
  for (let i = 0; i < 5; i++) cpu.phys.write32(DATA + 4 * i, 0x11111111 * (i + 1));
  exec(cpu, [0xf2, 0x0f, 0xf0, 0x05, ...abs(DATA + 4)]);
  assert.deepEqual(xmm(cpu, 0), [2, 3, 4, 5].map((i) => 0x11111111 * i));
});

Deno.test("fisttp m32 truncates where RC (nearest) would round, and pops", () => {
  const cpu = machine(true);
  const f = new DataView(new ArrayBuffer(8));
  f.setFloat64(0, -7.75, true);
  cpu.phys.write32(DATA, f.getUint32(0, true));
  cpu.phys.write32(DATA + 4, f.getUint32(4, true));
  exec(cpu, [0xdb, 0xe3]); // fninit (RC = nearest)
  exec(cpu, [0xdd, 0x05, ...abs(DATA)]); // fld qword
  exec(cpu, [0xdb, 0x0d, ...abs(DATA + 8)]); // fisttp dword
  assert.equal(cpu.phys.read32(DATA + 8) | 0, Math.trunc(-7.75));
  assert.ok(fpuOf(cpu).isEmpty(0));
});

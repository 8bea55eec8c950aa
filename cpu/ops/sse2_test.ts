/**
 * SSE2 instructions on the CPU (Intel SDM vol. 2): the checks before they run, the mandatory
 * prefix that selects them, and one instruction of each family — double-precision arithmetic,
 * conversions, moves, integer operations on XMM and the MMX forms SSE2 adds.
 */
import assert from "node:assert/strict";
import type { Cpu } from "../cpu.ts";
import { GP, NM, UD, XM } from "../fault.ts";
import { EAX, EDI } from "../state_layout.ts";
import { exec, isFault, protectedMachine } from "../testing/protected_machine.ts";
import { fpuOf } from "./fpu_ops.ts";
import { CR4_OSFXSR, CR4_OSXMMEXCPT } from "./sse_common.ts";
import { bits } from "./sse_float.ts";
import { bits64 } from "./sse2_float.ts";
import { writeCr0 } from "./system.ts";

const DATA = 0x20000;
const abs = (a: number) => [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, a >>> 24];
const mem = (prefix: number[], op: number, reg: number, addr: number, imm: number[] = []) => [
  ...prefix,
  0x0f,
  op,
  0x05 | (reg << 3),
  ...abs(addr),
  ...imm,
];
const regs = (prefix: number[], op: number, d: number, s: number, imm: number[] = []) => [
  ...prefix,
  0x0f,
  op,
  0xc0 | (d << 3) | s,
  ...imm,
];

function machine(model = "max"): Cpu {
  const cpu = protectedMachine(model);
  cpu.mmu.cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT;
  return cpu;
}

const setXmm = (cpu: Cpu, n: number, lanes: number[]) =>
  fpuOf(cpu).xmm.set(lanes.map((v) => v >>> 0), 4 * n);
const xmm = (cpu: Cpu, n: number) => Array.from(fpuOf(cpu).xmm.subarray(4 * n, 4 * n + 4));
const pd = (a: number, b: number) => [...bits64(a), ...bits64(b)];

Deno.test("addpd adds both lanes; addsd (F2) only the low one", () => {
  const cpu = machine();
  setXmm(cpu, 0, pd(0.1, 1e300));
  setXmm(cpu, 1, pd(0.2, -3));
  exec(cpu, regs([0x66], 0x58, 0, 1));
  assert.deepEqual(xmm(cpu, 0), pd(0.1 + 0.2, 1e300 - 3));
  exec(cpu, regs([0xf2], 0x58, 0, 1));
  assert.deepEqual(xmm(cpu, 0), pd(0.1 + 0.2 + 0.2, 1e300 - 3));
});

Deno.test("SSE2 needs SSE2 in the model (#UD on pentium3), CR4.OSFXSR, then CR0.TS → #NM", () => {
  assert.throws(() => exec(machine("pentium3"), regs([0x66], 0x58, 0, 1)), isFault(UD));
  assert.throws(() => exec(machine("pentium3"), regs([0x66], 0xfe, 0, 1)), isFault(UD));
  assert.throws(() => exec(machine("pentium3"), [0x0f, 0xae, 0xe8]), isFault(UD), "lfence");
  const noOs = protectedMachine("max");
  assert.throws(() => exec(noOs, regs([0x66], 0x58, 0, 1)), isFault(UD));
  const cpu = machine();
  writeCr0(cpu, 0x11 | 0x8);
  assert.throws(() => exec(cpu, regs([0x66], 0xfe, 0, 1)), isFault(NM));
  exec(machine(), [0x0f, 0xae, 0xf0]); // mfence
});

Deno.test("#GP(0) for misaligned m128 of the aligned forms, none for movdqu/movupd", () => {
  const cpu = machine();
  assert.throws(() => exec(cpu, mem([0x66], 0x6f, 0, DATA + 8)), isFault(GP, 0), "movdqa");
  assert.throws(() => exec(cpu, mem([0x66], 0x59, 0, DATA + 4)), isFault(GP, 0), "mulpd");
  exec(cpu, mem([0xf3], 0x6f, 0, DATA + 8));
  exec(cpu, mem([0x66], 0x10, 0, DATA + 8));
  exec(cpu, mem([0xf2], 0x59, 0, DATA + 4));
});

Deno.test("an unmasked divide-by-zero in divsd is #XM and leaves the destination", () => {
  const cpu = machine();
  cpu.phys.write32(DATA, 0x1f80 & ~0x200);
  exec(cpu, mem([], 0xae, 2, DATA));
  setXmm(cpu, 0, pd(1, 2));
  setXmm(cpu, 1, pd(0, 1));
  assert.throws(() => exec(cpu, regs([0xf2], 0x5e, 0, 1)), isFault(XM));
  assert.deepEqual(xmm(cpu, 0), pd(1, 2));
  assert.equal(fpuOf(cpu).mxcsr & 0x3f, 0x04);
});

Deno.test("ucomisd sets ZF/PF/CF like ucomiss", () => {
  const cpu = machine();
  setXmm(cpu, 0, pd(1, 0));
  setXmm(cpu, 1, pd(2, 0));
  exec(cpu, regs([0x66], 0x2e, 0, 1));
  assert.equal(cpu.eflags & 0x45, 0x01, "less: CF");
  setXmm(cpu, 1, pd(NaN, 0));
  exec(cpu, regs([0x66], 0x2e, 0, 1));
  assert.equal(cpu.eflags & 0x45, 0x45, "unordered");
});

Deno.test("conversions: cvtsd2si by RC, cvttsd2si truncates, cvtpd2ps narrows and zeroes the top, cvtdq2pd widens", () => {
  const cpu = machine();
  setXmm(cpu, 1, pd(-2.5, 7.75));
  exec(cpu, regs([0xf2], 0x2d, EAX, 1));
  assert.equal(cpu.st[EAX], Math.round(-2.5 / 2) * 2);
  exec(cpu, regs([0xf2], 0x2c, EAX, 1));
  assert.equal(cpu.st[EAX], Math.trunc(-2.5));
  exec(cpu, regs([0x66], 0x5a, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [bits(-2.5), bits(7.75), 0, 0]);
  setXmm(cpu, 2, [-7, 0x7fffffff, 0, 0]);
  exec(cpu, regs([0xf3], 0xe6, 3, 2));
  assert.deepEqual(xmm(cpu, 3), pd(-7, 0x7fffffff));
});

Deno.test("movq (F3 0F 7E) zeroes the top; movsd between registers keeps it; movq2dq/movdq2q cross MMX", () => {
  const cpu = machine();
  setXmm(cpu, 1, [1, 2, 3, 4]);
  setXmm(cpu, 0, [9, 9, 9, 9]);
  exec(cpu, regs([0xf3], 0x7e, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [1, 2, 0, 0]);
  setXmm(cpu, 0, [9, 9, 9, 9]);
  exec(cpu, regs([0xf2], 0x10, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [1, 2, 9, 9]);
  exec(cpu, regs([0xf2], 0xd6, 5, 1));
  assert.deepEqual([fpuOf(cpu).mmLow(5), fpuOf(cpu).mmHigh(5)], [1, 2]);
  exec(cpu, regs([0xf3], 0xd6, 6, 5));
  assert.deepEqual(xmm(cpu, 6), [1, 2, 0, 0]);
});

Deno.test("paddq carries across 32 bits on MMX and XMM; pmuludq multiplies the low doublewords", () => {
  const cpu = machine();
  setXmm(cpu, 0, [0xffffffff, 0, 0xffffffff, 0xffffffff]);
  setXmm(cpu, 1, [1, 0, 1, 0]);
  exec(cpu, regs([0x66], 0xd4, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [0, 1, 0, 0]);
  fpuOf(cpu).writeMm(0, 0xffffffff, 0);
  fpuOf(cpu).writeMm(1, 0xffffffff, 7);
  exec(cpu, regs([], 0xf4, 0, 1));
  const p = 0xffffffffn * 0xffffffffn;
  assert.deepEqual([fpuOf(cpu).mmLow(0), fpuOf(cpu).mmHigh(0)], [
    Number(p & 0xffffffffn),
    Number(p >> 32n),
  ]);
});

Deno.test("pshufd, psrldq/pslldq, punpckhqdq and packsswb across 128 bits", () => {
  const cpu = machine();
  setXmm(cpu, 1, [0x03020100, 0x07060504, 0x0b0a0908, 0x0f0e0d0c]);
  exec(cpu, regs([0x66], 0x70, 0, 1, [0x1b]));
  assert.deepEqual(xmm(cpu, 0), [0x0f0e0d0c, 0x0b0a0908, 0x07060504, 0x03020100]);
  setXmm(cpu, 2, xmm(cpu, 1));
  exec(cpu, [0x66, 0x0f, 0x73, 0xd8 | 2, 3]); // psrldq xmm2, 3
  const bytes = (n: number) => Array.from(new Uint8Array(Uint32Array.from(xmm(cpu, n)).buffer));
  assert.deepEqual(bytes(2), [...Array.from({ length: 13 }, (_, i) => i + 3), 0, 0, 0]);
  exec(cpu, [0x66, 0x0f, 0x73, 0xf8 | 2, 16]); // pslldq xmm2, 16
  assert.deepEqual(xmm(cpu, 2), [0, 0, 0, 0]);
  setXmm(cpu, 3, [1, 2, 3, 4]);
  setXmm(cpu, 4, [5, 6, 7, 8]);
  exec(cpu, regs([0x66], 0x6d, 3, 4));
  assert.deepEqual(xmm(cpu, 3), [3, 4, 7, 8]);
  const a = [0x7fff0001, 0x00800000, 0x80000005, 0xffff0100], b = [0, 0, 0, 0x00020003];
  setXmm(cpu, 5, a);
  setXmm(cpu, 6, b);
  exec(cpu, regs([0x66], 0x63, 5, 6));
  const words = Array.from(new Int16Array(Uint32Array.from([...a, ...b]).buffer));
  const sat = words.map((w) => Math.max(-128, Math.min(127, w)));
  assert.deepEqual(Array.from(new Int8Array(Uint32Array.from(xmm(cpu, 5)).buffer)), sat);
});

Deno.test("maskmovdqu stores the selected bytes at DS:EDI", () => {
  const cpu = machine();
  cpu.phys.write32(DATA, 0x11111111);
  cpu.phys.write32(DATA + 12, 0x22222222);
  setXmm(cpu, 0, [0xaabbccdd, 0, 0, 0x01020304]);
  setXmm(cpu, 1, [0x80000080, 0, 0, 0x80000000]);
  cpu.st[EDI] = DATA;
  exec(cpu, regs([0x66], 0xf7, 0, 1));
  assert.equal(cpu.phys.read32(DATA) >>> 0, 0xaa1111dd);
  assert.equal(cpu.phys.read32(DATA + 12) >>> 0, 0x01222222);
});

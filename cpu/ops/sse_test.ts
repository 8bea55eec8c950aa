/**
 * SSE instructions on the CPU: the checks before they run (SDM vol. 2, "Protected Mode
 * Exceptions" of each instruction; vol. 3 §13.1.3 for CR4.OSFXSR/OSXMMEXCPT), SIMD exception
 * delivery (vol. 1 §11.5), MXCSR loads and stores, and the XMM area of FXSAVE/FXRSTOR.
 */
import assert from "node:assert/strict";
import type { Cpu } from "../cpu.ts";
import { FEAT_SSE, FEAT_SSE2 } from "../cpu_model.ts";
import { GP, NM, UD, XM } from "../fault.ts";
import { EAX, EDI } from "../state_layout.ts";
import { exec, guestCpuid, isFault, protectedMachine } from "../testing/protected_machine.ts";
import { fpuOf } from "./fpu_ops.ts";
import { CR4_OSFXSR, CR4_OSXMMEXCPT } from "./sse_common.ts";
import { bits } from "./sse_float.ts";
import { writeCr0 } from "./system.ts";

const DATA = 0x20000;
const CR0_PE_ET = 0x11, CR0_EM = 0x4, CR0_TS = 0x8;

const abs = (a: number) => [a & 0xff, (a >>> 8) & 0xff, (a >>> 16) & 0xff, a >>> 24];
/** `0F op /r` with a [disp32] operand. */
const mem = (prefix: number[], op: number, reg: number, addr: number) => [
  ...prefix,
  0x0f,
  op,
  0x05 | (reg << 3),
  ...abs(addr),
];
const regs = (
  prefix: number[],
  op: number,
  d: number,
  s: number,
) => [...prefix, 0x0f, op, 0xc0 | (d << 3) | s];
const ldmxcsr = (addr: number) => mem([], 0xae, 2, addr);
const stmxcsr = (addr: number) => mem([], 0xae, 3, addr);

function machine(model = "max", cr4 = CR4_OSFXSR | CR4_OSXMMEXCPT): Cpu {
  const cpu = protectedMachine(model);
  cpu.mmu.cr4 = cr4;
  return cpu;
}

function setXmm(cpu: Cpu, n: number, lanes: number[]): void {
  fpuOf(cpu).xmm.set(lanes.map((v) => v >>> 0), 4 * n);
}

function xmm(cpu: Cpu, n: number): number[] {
  return Array.from(fpuOf(cpu).xmm.subarray(4 * n, 4 * n + 4));
}

Deno.test("CPUID leaf 1 EDX: SSE and SSE2 with -cpu max, SSE alone with -cpu pentium3", () => {
  const edx = guestCpuid(protectedMachine("max"), 1)[3];
  assert.ok(edx & FEAT_SSE);
  assert.ok(edx & FEAT_SSE2);
  const p3 = guestCpuid(protectedMachine("pentium3"), 1)[3];
  assert.ok(p3 & FEAT_SSE);
  assert.equal(p3 & FEAT_SSE2, 0);
});

Deno.test("addps xmm0, xmm1 adds four lanes; addss only lane 0", () => {
  const cpu = machine();
  setXmm(cpu, 0, [bits(1), bits(2), bits(3), bits(4)]);
  setXmm(cpu, 1, [bits(10), bits(20), bits(30), bits(40)]);
  exec(cpu, regs([], 0x58, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [bits(11), bits(22), bits(33), bits(44)]);
  exec(cpu, regs([0xf3], 0x58, 0, 1));
  assert.deepEqual(xmm(cpu, 0), [bits(21), bits(22), bits(33), bits(44)]);
});

Deno.test("fault order: no SSE in the model, CR0.EM or CR4.OSFXSR=0 → #UD; then CR0.TS → #NM", () => {
  assert.throws(() => exec(machine("pentium2"), regs([], 0x58, 0, 1)), isFault(UD));
  assert.throws(() => exec(machine("max", 0), regs([], 0x58, 0, 1)), isFault(UD));
  const cpu = machine();
  writeCr0(cpu, CR0_PE_ET | CR0_EM | CR0_TS);
  assert.throws(() => exec(cpu, regs([], 0x58, 0, 1)), isFault(UD));
  writeCr0(cpu, CR0_PE_ET | CR0_TS);
  assert.throws(() => exec(cpu, regs([], 0x58, 0, 1)), isFault(NM));
  assert.throws(() => exec(cpu, ldmxcsr(DATA)), isFault(NM));
});

Deno.test("66 and F2 forms (SSE2) are #UD on a model without SSE2; F3 on a packed-only opcode is #UD", () => {
  const cpu = machine("pentium3");
  assert.throws(() => exec(cpu, regs([0x66], 0x58, 0, 1)), isFault(UD), "addpd");
  assert.throws(() => exec(cpu, regs([0xf2], 0x58, 0, 1)), isFault(UD), "addsd");
  assert.throws(() => exec(cpu, regs([0xf3], 0x28, 0, 1)), isFault(UD), "f3 movaps");
  assert.throws(() => exec(cpu, [0x0f, 0xae, 0xe8]), isFault(UD), "lfence");
  assert.throws(() => exec(cpu, [0x0f, 0xae, 0xf0]), isFault(UD), "mfence");
});

Deno.test("#GP(0) for a misaligned m128 of the aligned forms only", () => {
  const cpu = machine();
  assert.throws(() => exec(cpu, mem([], 0x28, 0, DATA + 8)), isFault(GP, 0), "movaps");
  assert.throws(() => exec(cpu, mem([], 0x58, 0, DATA + 4)), isFault(GP, 0), "addps");
  assert.throws(() => exec(cpu, mem([], 0x29, 0, DATA + 1)), isFault(GP, 0), "movaps store");
  assert.throws(() => exec(cpu, mem([], 0x2b, 0, DATA + 1)), isFault(GP, 0), "movntps");
  exec(cpu, mem([], 0x10, 0, DATA + 4)); // movups
  exec(cpu, mem([0xf3], 0x58, 0, DATA + 4)); // addss
  exec(cpu, mem([], 0x12, 0, DATA + 4)); // movlps
});

Deno.test("an unmasked SIMD exception is #XM with CR4.OSXMMEXCPT, #UD without; flags set, destination kept", () => {
  for (const [cr4, vector] of [[CR4_OSFXSR | CR4_OSXMMEXCPT, XM], [CR4_OSFXSR, UD]]) {
    const cpu = machine("max", cr4);
    cpu.phys.write32(DATA, 0x1f80 & ~0x200); // ZM clear
    exec(cpu, ldmxcsr(DATA));
    setXmm(cpu, 0, [bits(1), bits(1), bits(1), bits(1)]);
    setXmm(cpu, 1, [bits(2), 0, bits(2), bits(2)]);
    assert.throws(() => exec(cpu, regs([], 0x5e, 0, 1)), isFault(vector));
    assert.deepEqual(xmm(cpu, 0), [bits(1), bits(1), bits(1), bits(1)], "divps wrote nothing");
    assert.equal(fpuOf(cpu).mxcsr & 0x3f, 0x04, "ZE set; the post-computation PE is not");
  }
});

Deno.test("an unmasked precision exception: every flag set, nothing written", () => {
  const cpu = machine();
  cpu.phys.write32(DATA, 0x1f80 & ~0x1000); // PM clear
  exec(cpu, ldmxcsr(DATA));
  setXmm(cpu, 0, [bits(1), bits(1), bits(1), bits(1)]);
  setXmm(cpu, 1, [bits(3), bits(3), bits(3), bits(3)]);
  assert.throws(() => exec(cpu, regs([], 0x5e, 0, 1)), isFault(XM));
  assert.equal(fpuOf(cpu).mxcsr & 0x3f, 0x20);
  assert.deepEqual(xmm(cpu, 0), [bits(1), bits(1), bits(1), bits(1)]);
});

Deno.test("LDMXCSR with a reserved bit is #GP(0); STMXCSR stores what was loaded", () => {
  const cpu = machine();
  cpu.phys.write32(DATA, 0x10000 | 0x1f80);
  assert.throws(() => exec(cpu, ldmxcsr(DATA)), isFault(GP, 0));
  cpu.phys.write32(DATA, 0xffff);
  exec(cpu, ldmxcsr(DATA));
  exec(cpu, stmxcsr(DATA + 4));
  assert.equal(cpu.phys.read32(DATA + 4) >>> 0, 0xffff);
});

Deno.test("FXSAVE stores MXCSR and XMM0–7 at 160; FXRSTOR loads them and #GPs on reserved MXCSR bits", () => {
  const cpu = machine();
  for (let n = 0; n < 8; n++) setXmm(cpu, n, [n, 0x100 + n, 0x200 + n, 0x80000000 + n]);
  cpu.phys.write32(DATA, 0x7f80);
  exec(cpu, ldmxcsr(DATA));
  exec(cpu, mem([], 0xae, 0, DATA + 0x200));
  assert.equal(cpu.phys.read32(DATA + 0x200 + 24) >>> 0, 0x7f80);
  for (let n = 0; n < 8; n++) {
    for (let i = 0; i < 4; i++) {
      assert.equal(cpu.phys.read32(DATA + 0x200 + 160 + 16 * n + 4 * i) >>> 0, xmm(cpu, n)[i]);
    }
  }
  cpu.phys.write32(DATA + 0x200 + 160, 0x12345678);
  exec(cpu, mem([], 0xae, 1, DATA + 0x200));
  assert.equal(xmm(cpu, 0)[0], 0x12345678);
  assert.equal(fpuOf(cpu).mxcsr, 0x7f80);
  cpu.phys.write32(DATA + 0x200 + 24, 0x20000);
  cpu.phys.write32(DATA + 0x200 + 160, 0);
  assert.throws(() => exec(cpu, mem([], 0xae, 1, DATA + 0x200)), isFault(GP, 0));
  assert.equal(xmm(cpu, 0)[0], 0x12345678, "nothing loaded");
});

Deno.test("comiss sets ZF/PF/CF and clears OF/SF/AF; an unordered compare sets all three", () => {
  const cpu = machine();
  setXmm(cpu, 0, [bits(1), 0, 0, 0]);
  setXmm(cpu, 1, [bits(2), 0, 0, 0]);
  cpu.eflags = 0x2 | 0x800 | 0x80 | 0x10;
  exec(cpu, regs([], 0x2f, 0, 1));
  assert.equal(cpu.eflags & 0x8d5, 0x1, "less: CF");
  setXmm(cpu, 1, [0x7fc00000, 0, 0, 0]);
  exec(cpu, regs([], 0x2e, 0, 1));
  assert.equal(cpu.eflags & 0x8d5, 0x45, "unordered: ZF PF CF");
  assert.equal(fpuOf(cpu).mxcsr & 1, 0, "ucomiss: a QNaN raises nothing");
  exec(cpu, regs([], 0x2f, 0, 1));
  assert.equal(fpuOf(cpu).mxcsr & 1, 1, "comiss: a QNaN raises IE");
});

Deno.test("maskmovq stores only the bytes whose mask byte has its top bit set, at DS:EDI", () => {
  const cpu = machine();
  const fpu = fpuOf(cpu);
  fpu.writeMm(1, 0x44332211, 0x88776655);
  fpu.writeMm(2, 0x00800080, 0xff000000);
  cpu.phys.write32(DATA, 0xaaaaaaaa);
  cpu.phys.write32(DATA + 4, 0xaaaaaaaa);
  cpu.st[EDI] = DATA;
  exec(cpu, [0x0f, 0xf7, 0xca]);
  assert.equal(cpu.phys.read32(DATA) >>> 0, 0xaa33aa11);
  assert.equal(cpu.phys.read32(DATA + 4) >>> 0, 0x88aaaaaa);
});

Deno.test("pextrw, pinsrw and pmovmskb move words and sign bits between MMX and general registers", () => {
  const cpu = machine();
  const fpu = fpuOf(cpu);
  fpu.writeMm(3, 0x8000_1234, 0x0080_ffff);
  exec(cpu, [0x0f, 0xc5, 0xc3, 6]); // pextrw eax, mm3, 6 (imm & 3 = 2)
  assert.equal(cpu.st[EAX], 0xffff);
  exec(cpu, [0x0f, 0xd7, 0xc3]); // pmovmskb eax, mm3
  assert.equal(cpu.st[EAX], 0b0111_1000, "bytes 3, 4, 5, 6");
  cpu.st[EAX] = 0xabcd5678;
  exec(cpu, [0x0f, 0xc4, 0xd8, 1]); // pinsrw mm3, eax, 1
  assert.equal(fpu.mmLow(3) >>> 0, 0x5678_1234);
});

Deno.test("sfence needs SSE in the model but no CR4 bit", () => {
  exec(machine("max", 0), [0x0f, 0xae, 0xf8]);
  assert.throws(() => exec(machine("pentium2"), [0x0f, 0xae, 0xf8]), isFault(UD));
});

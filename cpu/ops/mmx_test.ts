/**
 * MMX instructions on the CPU: the aliasing with the x87 registers (SDM vol. 1 §9.5, table
 * 9-2), the order of their faults (SDM vol. 2, "Numeric Exceptions" and "Protected Mode
 * Exceptions" of each MMX instruction), operand sizes and prefixes.
 */
import assert from "node:assert/strict";
import type { Cpu } from "../cpu.ts";
import { FEAT_MMX } from "../cpu_model.ts";
import { GP, MF, NM, UD } from "../fault.ts";
import { DS, EAX, EBX } from "../state_layout.ts";
import { exec, guestCpuid, isFault, protectedMachine } from "../testing/protected_machine.ts";
import { connectFerr, fpuOf } from "./fpu_ops.ts";
import { writeCr0 } from "./system.ts";

const DATA = 0x20000;
const CR0_PE_ET = 0x11, CR0_EM = 0x4, CR0_TS = 0x8, CR0_NE = 0x20, CR0_MP = 0x2;

function abs(addr: number): number[] {
  return [addr & 0xff, (addr >>> 8) & 0xff, (addr >>> 16) & 0xff, addr >>> 24];
}

// Encodings (ModRM mod = 00, rm = 101 is [disp32]).
const FNINIT = [0xdb, 0xe3], FLD1 = [0xd9, 0xe8], FLDPI = [0xd9, 0xeb], FLDZ = [0xd9, 0xee];
const EMMS = [0x0f, 0x77];
const movqLoad = (n: number, addr: number) => [0x0f, 0x6f, 0x05 | (n << 3), ...abs(addr)];
const movqStore = (n: number, addr: number) => [0x0f, 0x7f, 0x05 | (n << 3), ...abs(addr)];
const paddb = (d: number, s: number) => [0x0f, 0xfc, 0xc0 | (d << 3) | s];

function poke64(cpu: Cpu, addr: number, v: bigint): void {
  cpu.phys.write32(addr, Number(v & 0xffffffffn));
  cpu.phys.write32(addr + 4, Number(v >> 32n));
}

function peek64(cpu: Cpu, addr: number): bigint {
  return (BigInt(cpu.phys.read32(addr + 4) >>> 0) << 32n) | BigInt(cpu.phys.read32(addr) >>> 0);
}

/** MMn as the x87 unit holds it: [sign+exponent, significand]. */
function physical(cpu: Cpu, n: number): [number, bigint] {
  const fpu = fpuOf(cpu);
  const top = fpu.statusWord >> 11 & 7;
  const r = fpu.register((n - top) & 7);
  return [r.se, (BigInt(r.hi) << 32n) | BigInt(r.lo)];
}

function machine(): Cpu {
  const cpu = protectedMachine("max");
  exec(cpu, FNINIT);
  return cpu;
}

Deno.test("CPUID leaf 1 EDX.MMX: set on every model QEMU gives MMX (all but the 486)", () => {
  for (const name of ["qemu32", "qemu64", "max", "kvm32", "pentium", "pentium2", "pentium3"]) {
    assert.ok(guestCpuid(protectedMachine(name), 1)[3] & FEAT_MMX, name);
  }
  assert.equal(guestCpuid(protectedMachine("486"), 1)[3] & FEAT_MMX, 0);
});

Deno.test("movq mm3, m64 writes physical R3: exponent 0xffff, TOP 0, all tags valid", () => {
  const cpu = machine();
  exec(cpu, FLD1);
  exec(cpu, FLD1); // TOP = 6
  poke64(cpu, DATA, 0x0123_4567_89ab_cdefn);
  exec(cpu, movqLoad(3, DATA));
  const fpu = fpuOf(cpu);
  assert.equal(fpu.statusWord >> 11 & 7, 0, "TOP");
  assert.deepEqual(physical(cpu, 3), [0xffff, 0x0123_4567_89ab_cdefn]);
  assert.deepEqual(physical(cpu, 7), [0x3fff, 0x8000_0000_0000_0000n], "R7 still holds 1.0");
  for (let i = 0; i < 8; i++) assert.equal(fpu.isEmpty(i), false, `ST(${i}) in use`);
  // FNSTENV recomputes the full tags from the contents: R3 (exponent all ones) is special,
  // R6 and R7 (1.0) valid, the rest (zeros since reset) zero.
  assert.equal(fpu.tagWord, 0b00_00_01_01_10_01_01_01); // R7 … R0
});

Deno.test("emms: TOP 0 and every tag empty; contents stay", () => {
  const cpu = machine();
  exec(cpu, FLDPI);
  exec(cpu, FLDPI);
  exec(cpu, EMMS);
  const fpu = fpuOf(cpu);
  assert.equal(fpu.statusWord >> 11 & 7, 0);
  assert.equal(fpu.tagWord, 0xffff);
  assert.equal(physical(cpu, 7)[0], 0x4000, "π stays in R7");
});

Deno.test("movd r32, mm only reads: no exponent changes, but TOP 0 and tags valid", () => {
  const cpu = machine();
  exec(cpu, FLDPI); // R7 = π
  exec(cpu, [0x0f, 0x7e, 0xf8]); // movd eax, mm7
  assert.equal(cpu.st[EAX] >>> 0, 0x2168c235, "low half of π's significand");
  assert.equal(physical(cpu, 7)[0], 0x4000);
  assert.equal(fpuOf(cpu).tagWord, 0x1555, "R7 valid, R0–R6 zero");
});

Deno.test("FXSAVE after MMX writes: abridged tags 0xff, MMn in slot n (TOP 0), exponents 0xffff", () => {
  const cpu = machine();
  exec(cpu, FLD1);
  poke64(cpu, DATA, 0xfedc_ba98_7654_3210n);
  exec(cpu, movqLoad(5, DATA));
  exec(cpu, [0x0f, 0xae, 0x05, ...abs(DATA + 0x100)]);
  assert.equal(cpu.phys.read8(DATA + 0x100 + 4), 0xff, "abridged tag byte");
  assert.equal(cpu.phys.read16(DATA + 0x100 + 2) >> 11 & 7, 0, "TOP in FSW");
  const slot = DATA + 0x100 + 32 + 16 * 5;
  assert.equal(peek64(cpu, slot), 0xfedc_ba98_7654_3210n);
  assert.equal(cpu.phys.read16(slot + 8), 0xffff);
});

Deno.test("fault order: CR0.EM → #UD before CR0.TS → #NM, and neither changes state", () => {
  const cpu = machine();
  exec(cpu, FLD1);
  writeCr0(cpu, CR0_PE_ET | CR0_EM | CR0_TS);
  assert.throws(() => exec(cpu, paddb(0, 1)), isFault(UD));
  assert.throws(() => exec(cpu, EMMS), isFault(UD));
  writeCr0(cpu, CR0_PE_ET | CR0_TS | CR0_MP);
  assert.throws(() => exec(cpu, paddb(0, 1)), isFault(NM));
  assert.throws(() => exec(cpu, EMMS), isFault(NM));
  writeCr0(cpu, CR0_PE_ET);
  assert.equal(fpuOf(cpu).statusWord >> 11 & 7, 7, "TOP untouched");
  assert.equal(fpuOf(cpu).isEmpty(1), true);
});

/** Leaves an unmasked zero-divide pending: FLDCW with ZM clear, then 1 / 0. */
function pendZeroDivide(cpu: Cpu): void {
  cpu.phys.write16(DATA + 0x300, 0x037b);
  exec(cpu, [0xd9, 0x2d, ...abs(DATA + 0x300)]); // fldcw
  exec(cpu, FLDZ);
  exec(cpu, FLD1);
  exec(cpu, [0xde, 0xf1]); // fdivrp: 1 / 0 with ZE unmasked
}

Deno.test("a pending unmasked x87 exception: #MF with CR0.NE (after #NM), state unchanged", () => {
  const cpu = machine();
  writeCr0(cpu, CR0_PE_ET | CR0_NE);
  pendZeroDivide(cpu);
  const top = fpuOf(cpu).statusWord >> 11 & 7;
  writeCr0(cpu, CR0_PE_ET | CR0_NE | CR0_TS);
  assert.throws(() => exec(cpu, paddb(0, 1)), isFault(NM));
  writeCr0(cpu, CR0_PE_ET | CR0_NE);
  assert.throws(() => exec(cpu, paddb(0, 1)), isFault(MF));
  assert.throws(() => exec(cpu, EMMS), isFault(MF));
  assert.throws(() => exec(cpu, [0x0f, 0x7e, 0xc0]), isFault(MF), "movd eax, mm0");
  assert.equal(fpuOf(cpu).statusWord >> 11 & 7, top, "TOP unchanged");
});

Deno.test("a pending x87 exception with CR0.NE = 0 asserts FERR# and the instruction runs", () => {
  const cpu = machine();
  const ferr: boolean[] = [];
  connectFerr(cpu, (level) => ferr.push(level));
  pendZeroDivide(cpu);
  exec(cpu, EMMS);
  assert.deepEqual(ferr, [true]);
  assert.equal(fpuOf(cpu).tagWord, 0xffff);
});

Deno.test("memory faults come after the x87 checks and leave the registers alone", () => {
  const cpu = machine();
  poke64(cpu, DATA, 0x1111_2222_3333_4444n);
  exec(cpu, movqLoad(1, DATA));
  exec(cpu, FLD1); // TOP = 7 (a masked stack overflow: the MMX write tagged every register valid)
  const before = physical(cpu, 1);
  // A byte-granular DS limit 4 bytes into the operand: an 8-byte access is #GP(0).
  cpu.setSegment(DS, 0x10, 0, DATA + 3, 0x4093);
  assert.throws(() => exec(cpu, movqLoad(1, DATA)), isFault(GP, 0));
  assert.throws(() => exec(cpu, [0x0f, 0xfc, 0x0d, ...abs(DATA)]), isFault(GP, 0), "paddb");
  assert.throws(() => exec(cpu, movqStore(1, DATA)), isFault(GP, 0));
  assert.deepEqual(physical(cpu, 1), before);
  assert.equal(fpuOf(cpu).statusWord >> 11 & 7, 7, "TOP still 7");
  assert.equal(peek64(cpu, DATA), 0x1111_2222_3333_4444n, "no partial store");
  writeCr0(cpu, CR0_PE_ET | CR0_TS);
  assert.throws(() => exec(cpu, movqLoad(1, DATA)), isFault(NM), "#NM before the #GP");
});

Deno.test("punpcklbw mm, m32 reads 4 bytes; punpckhbw mm, m64 reads 8", () => {
  const cpu = machine();
  poke64(cpu, DATA, 0x8877_6655_4433_2211n);
  exec(cpu, movqLoad(0, DATA));
  exec(cpu, movqLoad(2, DATA));
  cpu.setSegment(DS, 0x10, 0, DATA + 3, 0x4093);
  exec(cpu, [0x0f, 0x60, 0x05, ...abs(DATA)]); // punpcklbw mm0, [DATA]
  assert.deepEqual(physical(cpu, 0), [0xffff, 0x4444_3333_2222_1111n]);
  assert.throws(() => exec(cpu, [0x0f, 0x68, 0x15, ...abs(DATA)]), isFault(GP, 0));
});

Deno.test("movd mm, r32 zero-extends; movd m32, mm stores the low half; movq mm, mm copies", () => {
  const cpu = machine();
  exec(cpu, [0x0f, 0x6e, 0xe3], { ebx: 0x89abcdef }); // movd mm4, ebx
  assert.deepEqual(physical(cpu, 4), [0xffff, 0x89abcdefn]);
  exec(cpu, [0x0f, 0x6f, 0xcc]); // movq mm1, mm4
  exec(cpu, [0x0f, 0x73, 0xf1, 36]); // psllq mm1, 36
  exec(cpu, [0x0f, 0x7e, 0x0d, ...abs(DATA)]); // movd [DATA], mm1
  assert.equal(cpu.phys.read32(DATA) >>> 0, 0);
  exec(cpu, [0x0f, 0x7f, 0xc8]); // movq mm0, mm1 (0F 7F, register form)
  assert.deepEqual(physical(cpu, 0), [0xffff, 0x9abcdef0_0000_0000n]);
  exec(cpu, [0x0f, 0x7e, 0xc3]); // movd ebx, mm0
  assert.equal(cpu.st[EBX], 0);
});

Deno.test("66, F2 and F3 prefixes, LOCK, and a model without MMX raise #UD", () => {
  const cpu = machine();
  for (const prefix of [0x66, 0xf2, 0xf3, 0xf0]) {
    assert.throws(() => exec(cpu, [prefix, ...paddb(0, 1)]), isFault(UD), prefix.toString(16));
    assert.throws(() => exec(cpu, [prefix, 0x0f, 0x6f, 0xc1]), isFault(UD));
    assert.throws(() => exec(cpu, [prefix, 0x0f, 0x7e, 0xc1]), isFault(UD));
  }
  assert.equal(fpuOf(cpu).tagWord, 0xffff, "nothing ran");
  for (const model of ["486", "qemu32,-mmx"]) {
    const without = protectedMachine(model);
    assert.throws(() => exec(without, paddb(0, 1)), isFault(UD), model);
    assert.throws(() => exec(without, EMMS), isFault(UD), model);
  }
  exec(protectedMachine("pentium"), paddb(0, 1));
});

Deno.test("0F 71–73: register forms only, /2 /4 /6 (no /4 for 0F 73)", () => {
  const cpu = machine();
  for (const modrm of [0xc0, 0xc8, 0xd8, 0xe8, 0xf8, 0x10]) {
    assert.throws(() => exec(cpu, [0x0f, 0x71, modrm, 1]), isFault(UD), modrm.toString(16));
  }
  assert.throws(() => exec(cpu, [0x0f, 0x73, 0xe0, 1]), isFault(UD), "psraq does not exist");
  exec(cpu, [0x0f, 0x6e, 0xc0], { eax: 0x8000_0001 }); // movd mm0, eax
  exec(cpu, [0x0f, 0x72, 0xe0, 4]); // psrad mm0, 4
  assert.deepEqual(physical(cpu, 0), [0xffff, 0xf800_0000n]);
});

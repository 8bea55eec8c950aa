/**
 * Supervisor-mode execution and access prevention (Intel SDM vol. 3 §4.6, §4.6.1 access
 * rights, §4.7 #PF error code; vol. 2 CLAC, STAC): CR4.SMEP refuses supervisor fetches from
 * user-mode pages, CR4.SMAP refuses supervisor data accesses to them unless the access is
 * explicit and EFLAGS.AC=1. Paging is set up in guest RAM and every control-register write,
 * STAC, CLAC and POPF runs as an instruction.
 */
import assert from "node:assert/strict";
import type { Cpu } from "./cpu.ts";
import { AC, VM } from "./eflags.ts";
import { GP, PF_, UD } from "./fault.ts";
import { executeOne } from "./run.ts";
import { CS, DS, EAX, ESP, S_EFLAGS, S_EIP, SS } from "./state_layout.ts";
import { CODE, exec, guestCpuid, isFault, protectedMachine } from "./testing/protected_machine.ts";

const P = 1, RW = 2, US = 4, PS = 0x80;
const CR0_PE_PG = 0x80000011, CR0_WP = 1 << 16;
const CR4_PSE = 1 << 4, CR4_PAE = 1 << 5, CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21;
/** #PF error-code bits (SDM vol. 3 §4.7). */
const ERR_P = 1, ERR_W = 2, ERR_U = 4, ERR_ID = 16;
/** CPUID.(EAX=7,ECX=0):EBX bits. */
const EBX_SMEP = 1 << 7, EBX_SMAP = 1 << 20;

/** 32-bit paging: the directory, and the table that maps the first 4 MiB. */
const PAGE_DIR = 0x1000, PAGE_TABLE = 0x2000;
/** Supervisor pages hold everything but these. */
const USER_RW = 0x200000, USER_RO = 0x201000, USER_ABSENT = 0x202000, USER_CODE = 0x203000;
/** Top of the ring-0 stack (a supervisor page). */
const STACK_TOP = 0x9000;
/** Linear 4 MiB – 8 MiB: one 4 MiB user page (CR4.PSE). */
const USER_LARGE = 0x400000;

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
const loadEax = (lin: number) => [0x8b, 0x05, ...le32(lin)]; // mov eax, [lin]
const storeEax = (lin: number) => [0x89, 0x05, ...le32(lin)]; // mov [lin], eax
const STAC = [0x0f, 0x01, 0xcb], CLAC = [0x0f, 0x01, 0xca];
const movCr0 = (cpu: Cpu, v: number) => exec(cpu, [0x0f, 0x22, 0xc0], { eax: v });
const movCr3 = (cpu: Cpu, v: number) => exec(cpu, [0x0f, 0x22, 0xd8], { eax: v });
const movCr4 = (cpu: Cpu, v: number) => exec(cpu, [0x0f, 0x22, 0xe0], { eax: v });
const pageFault = (err: number) => isFault(PF_, err);

/**
 * A ring-0 CPU of `model` with 32-bit paging on: the first 4 MiB identity mapped by
 * supervisor pages except the USER_* ones, and USER_LARGE a 4 MiB user page. CR4 gets `cr4`
 * (with PSE) before paging starts.
 */
function pagedMachine(cr4: number, model = "max"): Cpu {
  const cpu = protectedMachine(model);
  const phys = cpu.phys;
  phys.write32(PAGE_DIR, PAGE_TABLE | P | RW | US);
  phys.write32(PAGE_DIR + 4, USER_LARGE | P | RW | US | PS);
  for (let i = 0; i < 1024; i++) phys.write32(PAGE_TABLE + i * 4, (i << 12) | P | RW);
  const pte = (lin: number, flags: number) =>
    phys.write32(PAGE_TABLE + (lin >>> 12) * 4, lin | flags);
  pte(USER_RW, P | RW | US);
  pte(USER_RO, P | US);
  pte(USER_ABSENT, 0);
  pte(USER_CODE, P | RW | US);
  movCr3(cpu, PAGE_DIR);
  movCr4(cpu, CR4_PSE | cr4);
  movCr0(cpu, CR0_PE_PG);
  cpu.st[ESP] = STACK_TOP;
  return cpu;
}

/** Executes the one instruction `bytes` at linear address `lin` (identity mapped). */
function execAt(cpu: Cpu, lin: number, bytes: number[]): void {
  cpu.phys.writeBytes(lin, new Uint8Array(bytes));
  cpu.invalidateFetch();
  cpu.st[S_EIP] = lin;
  executeOne(cpu);
}

/** POPF of `flags` from the stack. */
function popf(cpu: Cpu, flags: number): void {
  cpu.st[ESP] = STACK_TOP - 4;
  cpu.phys.write32(STACK_TOP - 4, flags);
  exec(cpu, [0x9d]);
}

function toRing(cpu: Cpu, cpl: number): void {
  cpu.setSegment(CS, 0x18 | cpl, 0, 0xffffffff, 0xc09b | (cpl << 5));
  cpu.setSegment(SS, 0x20 | cpl, 0, 0xffffffff, 0xc093 | (cpl << 5));
  cpu.setCpl(cpl);
}

const ac = (cpu: Cpu) => (cpu.st[S_EFLAGS] & AC) !== 0;

Deno.test("CPUID.7.0:EBX reports SMEP and SMAP on max, and as -cpu flags on other models", () => {
  const smepSmap = EBX_SMEP | EBX_SMAP;
  assert.equal(guestCpuid(protectedMachine("max"), 7)[1] & smepSmap, smepSmap);
  assert.equal(guestCpuid(protectedMachine("qemu64"), 7)[1] & smepSmap, 0);
  assert.equal(guestCpuid(protectedMachine("qemu64,+smep"), 7)[1] & smepSmap, EBX_SMEP);
  assert.equal(guestCpuid(protectedMachine("qemu64,+smap"), 7)[1] & smepSmap, EBX_SMAP);
  assert.equal(guestCpuid(protectedMachine("max,-smap"), 7)[1] & smepSmap, EBX_SMEP);
  assert.equal(guestCpuid(protectedMachine("max,smep=off"), 7)[1] & smepSmap, EBX_SMAP);
});

Deno.test("CR4.SMEP and CR4.SMAP are reserved (#GP(0)) unless CPUID reports them", () => {
  for (const model of ["qemu32", "qemu64", "qemu64,+smap"]) {
    assert.throws(() => movCr4(protectedMachine(model), CR4_SMEP), isFault(GP, 0), model);
  }
  for (const model of ["qemu32", "qemu64", "qemu64,+smep"]) {
    assert.throws(() => movCr4(protectedMachine(model), CR4_SMAP), isFault(GP, 0), model);
  }
  const max = protectedMachine("max");
  movCr4(max, CR4_SMEP | CR4_SMAP);
  assert.equal(max.mmu.cr4, CR4_SMEP | CR4_SMAP);
  const smep = protectedMachine("qemu64,+smep");
  movCr4(smep, CR4_SMEP);
  assert.equal(smep.mmu.cr4, CR4_SMEP);
});

Deno.test("STAC sets and CLAC clears EFLAGS.AC at CPL 0, in protected and real mode", () => {
  const cpu = protectedMachine("max");
  exec(cpu, STAC);
  assert.ok(ac(cpu));
  exec(cpu, CLAC);
  assert.ok(!ac(cpu));
  movCr0(cpu, 0x10); // real mode: CPL 0
  exec(cpu, STAC);
  assert.ok(ac(cpu));
  exec(cpu, CLAC);
  assert.ok(!ac(cpu));
});

Deno.test("STAC and CLAC raise #UD above CPL 0, in V86 mode, with LOCK, and without SMAP", () => {
  for (const cpl of [1, 3]) {
    const cpu = protectedMachine("max");
    toRing(cpu, cpl);
    assert.throws(() => exec(cpu, STAC), isFault(UD), `STAC at CPL ${cpl}`);
    assert.throws(() => exec(cpu, CLAC), isFault(UD), `CLAC at CPL ${cpl}`);
  }
  const v86 = protectedMachine("max");
  v86.eflags = VM | 2;
  v86.setSegmentReal(CS, CODE >>> 4);
  assert.equal(v86.cpl, 3);
  v86.phys.writeBytes(CODE, new Uint8Array(STAC));
  v86.st[S_EIP] = 0;
  assert.throws(() => executeOne(v86), isFault(UD), "STAC in V86 mode");
  const max = protectedMachine("max");
  assert.throws(() => exec(max, [0xf0, ...STAC]), isFault(UD), "LOCK STAC");
  for (const model of ["qemu64", "max,-smap", "qemu64,+smep"]) {
    const cpu = protectedMachine(model);
    assert.throws(() => exec(cpu, STAC), isFault(UD), `STAC on ${model}`);
    assert.throws(() => exec(cpu, CLAC), isFault(UD), `CLAC on ${model}`);
  }
  // The other register forms of 0F 01 /1 (MONITOR, MWAIT) are not implemented.
  assert.throws(() => exec(max, [0x0f, 0x01, 0xc8]), isFault(UD), "MONITOR");
});

Deno.test("SMAP: supervisor reads and writes of a user page fault with AC=0 and work with AC=1", () => {
  const cpu = pagedMachine(CR4_SMAP);
  cpu.phys.write32(USER_RW, 0x5eed);
  assert.throws(() => exec(cpu, loadEax(USER_RW)), pageFault(ERR_P));
  assert.equal(cpu.mmu.cr2, USER_RW);
  assert.throws(() => exec(cpu, storeEax(USER_RW + 8), { eax: 1 }), pageFault(ERR_P | ERR_W));
  assert.equal(cpu.mmu.cr2, USER_RW + 8);
  exec(cpu, STAC);
  exec(cpu, loadEax(USER_RW));
  assert.equal(cpu.st[EAX], 0x5eed);
  exec(cpu, storeEax(USER_RW + 8), { eax: 0xabcd });
  assert.equal(cpu.phys.read32(USER_RW + 8), 0xabcd);
  // The accesses that just worked do not stay open once AC is clear again.
  exec(cpu, CLAC);
  assert.throws(() => exec(cpu, loadEax(USER_RW)), pageFault(ERR_P));
  assert.throws(() => exec(cpu, storeEax(USER_RW + 8)), pageFault(ERR_P | ERR_W));
  // Supervisor pages are not affected.
  exec(cpu, storeEax(0x5000), { eax: 7 });
  exec(cpu, loadEax(0x5000));
  assert.equal(cpu.st[EAX], 7);
});

Deno.test("SMAP follows AC as POPF changes it, with no TLB flush in between", () => {
  const cpu = pagedMachine(CR4_SMAP);
  cpu.phys.write32(USER_RW, 0x1234);
  popf(cpu, 2 | AC);
  exec(cpu, loadEax(USER_RW));
  assert.equal(cpu.st[EAX], 0x1234);
  popf(cpu, 2);
  assert.throws(() => exec(cpu, loadEax(USER_RW)), pageFault(ERR_P));
  popf(cpu, 2 | AC);
  exec(cpu, storeEax(USER_RW), { eax: 0x4321 });
  assert.equal(cpu.phys.read32(USER_RW), 0x4321);
});

Deno.test("SMAP covers a 4 MiB user page and a user page reached through the stack", () => {
  const cpu = pagedMachine(CR4_SMAP);
  assert.throws(() => exec(cpu, loadEax(USER_LARGE + 0x123450)), pageFault(ERR_P));
  cpu.st[ESP] = USER_RW + 0x100;
  assert.throws(() => exec(cpu, [0x6a, 0x2c]), pageFault(ERR_P | ERR_W)); // push 44
  assert.equal(cpu.st[ESP], USER_RW + 0x100, "the faulting push leaves ESP alone");
  exec(cpu, STAC);
  exec(cpu, [0x6a, 0x2c]);
  assert.equal(cpu.phys.read32(USER_RW + 0xfc), 44);
  exec(cpu, loadEax(USER_LARGE + 0x123450));
});

Deno.test("SMAP with AC=1: CR0.WP still decides writes to a read-only user page", () => {
  const cpu = pagedMachine(CR4_SMAP);
  exec(cpu, STAC);
  exec(cpu, storeEax(USER_RO), { eax: 9 });
  assert.equal(cpu.phys.read32(USER_RO), 9, "WP=0: the supervisor may write");
  movCr0(cpu, CR0_PE_PG | CR0_WP);
  assert.throws(() => exec(cpu, storeEax(USER_RO)), pageFault(ERR_P | ERR_W));
  exec(cpu, CLAC);
  movCr0(cpu, CR0_PE_PG);
  assert.throws(() => exec(cpu, loadEax(USER_RO)), pageFault(ERR_P), "AC=0: not even a read");
});

Deno.test("SMAP: implicit supervisor accesses (descriptor tables) fault even with AC=1", () => {
  const cpu = pagedMachine(CR4_SMAP);
  // A GDT in a user page with a flat data descriptor at 0x10, loaded by LGDT.
  const gdt = USER_RW + 0x800;
  cpu.phys.write32(gdt + 0x10, 0x0000ffff);
  cpu.phys.write32(gdt + 0x14, 0x00cf9300);
  cpu.phys.write32(0x6000, 0x17 | (gdt << 16));
  cpu.phys.write32(0x6004, gdt >>> 16);
  exec(cpu, [0x0f, 0x01, 0x15, ...le32(0x6000)]); // lgdt [0x6000]: an explicit read
  exec(cpu, STAC);
  const movDs = [0x8e, 0xd8]; // mov ds, ax
  assert.throws(() => exec(cpu, movDs, { eax: 0x10 }), pageFault(ERR_P));
  assert.equal(cpu.mmu.cr2, gdt + 0x10);
  assert.throws(() => cpu.sysRead32(USER_RW), pageFault(ERR_P));
  // At CPL 3 the descriptor read is a supervisor access too: no U/S in the error code.
  toRing(cpu, 3);
  assert.throws(() => cpu.sysRead32(USER_RW), pageFault(ERR_P));
  assert.equal(cpu.readLin32(USER_RW + 4), 0, "an ordinary CPL 3 read is a user access");
  // Without SMAP the same load works.
  toRing(cpu, 0);
  movCr4(cpu, CR4_PSE);
  exec(cpu, movDs, { eax: 0x10 });
  assert.equal(cpu.segSel(DS), 0x10);
});

Deno.test("SMAP leaves user-mode accesses alone and turning it on drops cached translations", () => {
  const cpu = pagedMachine(0);
  cpu.phys.write32(USER_RW, 0x77);
  exec(cpu, loadEax(USER_RW)); // cached for supervisor use
  exec(cpu, storeEax(USER_RW + 4), { eax: 1 });
  movCr4(cpu, CR4_PSE | CR4_SMAP);
  assert.throws(() => exec(cpu, loadEax(USER_RW)), pageFault(ERR_P));
  assert.throws(() => exec(cpu, storeEax(USER_RW + 4)), pageFault(ERR_P | ERR_W));
  toRing(cpu, 3);
  assert.equal(cpu.readLin32(USER_RW), 0x77);
  cpu.writeLin32(USER_RW + 4, 2);
  assert.throws(() => cpu.readLin32(0x5000), pageFault(ERR_P | ERR_U));
});

Deno.test("SMEP: a supervisor fetch from a user page faults with P and I/D, without PAE", () => {
  const cpu = pagedMachine(CR4_SMEP);
  assert.throws(() => execAt(cpu, USER_CODE, [0x90]), pageFault(ERR_P | ERR_ID));
  assert.equal(cpu.mmu.cr2, USER_CODE);
  assert.throws(() => execAt(cpu, USER_LARGE + 0x1000, [0x90]), pageFault(ERR_P | ERR_ID));
  exec(cpu, STAC);
  assert.throws(() => execAt(cpu, USER_CODE, [0x90]), pageFault(ERR_P | ERR_ID), "AC is no key");
  // A not-present fetch carries I/D too once SMEP is on (SDM vol. 3 §4.7).
  assert.throws(() => cpu.mmu.translate(USER_ABSENT, false, false, true), pageFault(ERR_ID));
  assert.throws(() => cpu.mmu.translate(USER_ABSENT, false, true, true), pageFault(ERR_ID | ERR_U));
  // Data accesses to user pages stay open under SMEP alone.
  exec(cpu, CLAC);
  exec(cpu, storeEax(USER_CODE + 0x10), { eax: 0x99 });
  exec(cpu, loadEax(USER_CODE + 0x10));
  assert.equal(cpu.st[EAX], 0x99);
  // User mode runs its own pages.
  toRing(cpu, 3);
  execAt(cpu, USER_CODE, [0x40]); // inc eax
  assert.equal(cpu.st[EAX], 0x9a);
});

Deno.test("without SMEP the supervisor runs user pages; turning SMEP on stops that at once", () => {
  const cpu = pagedMachine(0);
  cpu.st[EAX] = 0;
  execAt(cpu, USER_CODE, [0x40]);
  assert.equal(cpu.st[EAX], 1);
  assert.throws(
    () => cpu.mmu.translate(USER_ABSENT, false, false, true),
    pageFault(0),
    "no I/D without SMEP or NX",
  );
  movCr4(cpu, CR4_PSE | CR4_SMEP);
  assert.throws(() => execAt(cpu, USER_CODE, [0x40]), pageFault(ERR_P | ERR_ID));
  movCr4(cpu, CR4_PSE);
  cpu.st[EAX] = 1;
  execAt(cpu, USER_CODE, [0x40]);
  assert.equal(cpu.st[EAX], 2);
});

Deno.test("SMAP alone lets the supervisor run user pages (kvm-unit-tests smap)", () => {
  const cpu = pagedMachine(CR4_SMAP);
  cpu.st[EAX] = 0;
  for (let i = 0; i < 3; i++) execAt(cpu, USER_CODE + i, [0x40]);
  assert.equal(cpu.st[EAX], 3);
});

Deno.test("PAE paging: a page is user-mode only if the PDE and the PTE both have U/S", () => {
  const cpu = protectedMachine("max", { ramMiB: 16 });
  const phys = cpu.phys;
  const PDPT = 0x3000, PD = 0x4000, PT_SUP = 0x5000, PT_USER = 0x6000;
  phys.write32(PDPT, PD | P);
  phys.write32(PD, PT_SUP | P | RW); // 0–2 MiB: directory entry without U/S
  phys.write32(PD + 8, PT_USER | P | RW | US); // 2–4 MiB
  for (let i = 0; i < 512; i++) {
    phys.write32(PT_SUP + i * 8, (i << 12) | P | RW | US);
    phys.write32(PT_USER + i * 8, (0x200000 + (i << 12)) | P | RW | US);
  }
  movCr3(cpu, PDPT);
  movCr4(cpu, CR4_PAE | CR4_SMAP | CR4_SMEP);
  movCr0(cpu, CR0_PE_PG);
  phys.write32(0x7000, 5);
  exec(cpu, loadEax(0x7000)); // PTE U/S=1 under a supervisor PDE: a supervisor address
  assert.equal(cpu.st[EAX], 5);
  assert.throws(() => exec(cpu, loadEax(0x201000)), pageFault(ERR_P));
  // SMEP sets I/D under PAE with EFER.NXE=0 as well.
  assert.throws(() => execAt(cpu, 0x202000, [0x90]), pageFault(ERR_P | ERR_ID));
});

/**
 * PAE paging with execute-disable (Intel SDM vol. 3 §4.4, §4.6, §4.7), IA32_EFER and
 * the CPUID bits that announce them. Page tables are built in guest RAM; control
 * registers and MSRs are written by executing the instructions themselves.
 */
import assert from "node:assert/strict";
import { RangeBus } from "../devices/bus/range_bus.ts";
import { PhysicalMemory } from "../devices/memory/mod.ts";
import { Cpu } from "./cpu.ts";
import { CPU_MODELS, cpuid, findCpuModel } from "./cpu_model.ts";
import { CpuFault, GP, PF_ } from "./fault.ts";
import { CR0_WP } from "./mmu.ts";
import "./ops/mod.ts";
import { writeCr0 } from "./ops/system.ts";
import { executeOne } from "./run.ts";
import { CS, DS, EAX, ECX, EDX, ES, FS, GS, S_EIP, SS } from "./state_layout.ts";

const P = 1, RW = 2, US = 4, A = 0x20, D = 0x40, PS = 0x80, G = 0x100;
/** Bit 63 of an entry, as a high-dword bit. */
const XD_HI = 0x80000000;
const CR0_PE_PG = 0x80000011, CR4_PAE = 0x20, CR4_PGE = 0x80;
const MSR_EFER = 0xc0000080, EFER_NXE = 0x800;
/** #PF error-code bits (SDM vol. 3 §4.7). */
const ERR_P = 1, ERR_W = 2, ERR_U = 4, ERR_RSVD = 8, ERR_ID = 16;

/** 32-byte aligned but not page aligned: CR3 bits 11:5 take part in PAE paging. */
const PDPT = 0x1fe0;
const PD0 = 0x2000, PT_LOW = 0x3000, PT_DATA = 0x4000, PD3 = 0x5000;
const CODE = 0x10000;
/** Linear 0x00400000: PDE 2 of PD0, a 4 KiB page table at PT_DATA. */
const LIN_4K = 0x00400000;
/** Linear 0x00600000: PDE 3 of PD0, free for 2 MiB pages. */
const LIN_2M = 0x00600000;

interface Machine {
  phys: PhysicalMemory;
  cpu: Cpu;
}

function write64(phys: PhysicalMemory, pa: number, lo: number, hi = 0): void {
  phys.write32(pa, lo);
  phys.write32(pa + 4, hi);
}

/** The low dword of the PAE entry at `pa` (flags live there). */
function low(phys: PhysicalMemory, pa: number): number {
  return phys.read32(pa);
}

/**
 * A ring-0 flat protected-mode CPU of `model`, with PAE tables: the first 2 MiB
 * identity mapped by 4 KiB pages (code runs there), an empty page table for LIN_4K,
 * and PDPTE 3 present with an empty directory. Paging is off until `enablePae`.
 */
function machine(model = "max"): Machine {
  const phys = new PhysicalMemory({ ramSize: 32 << 20 });
  const cpu = new Cpu(phys, new RangeBus("io", 0x10000));
  cpu.model = findCpuModel(model)!;
  writeCr0(cpu, 0x11);
  cpu.setSegment(CS, 0x08, 0, 0xffffffff, 0xc09b);
  for (const s of [SS, DS, ES, FS, GS]) cpu.setSegment(s, 0x10, 0, 0xffffffff, 0xc093);
  cpu.updateMode();
  write64(phys, PDPT, PD0 | P);
  write64(phys, PDPT + 24, PD3 | P);
  write64(phys, PD0, PT_LOW | P | RW);
  write64(phys, PD0 + 2 * 8, PT_DATA | P | RW | US);
  for (let i = 0; i < 512; i++) write64(phys, PT_LOW + i * 8, (i << 12) | P | RW);
  return { phys, cpu };
}

/** Executes one instruction placed at CODE (identity mapped). */
function exec(cpu: Cpu, bytes: number[], regs: { eax?: number; ecx?: number; edx?: number } = {}) {
  if (regs.eax !== undefined) cpu.st[EAX] = regs.eax;
  if (regs.ecx !== undefined) cpu.st[ECX] = regs.ecx;
  if (regs.edx !== undefined) cpu.st[EDX] = regs.edx;
  cpu.phys.writeBytes(CODE, new Uint8Array(bytes));
  cpu.invalidateFetch();
  cpu.st[S_EIP] = CODE;
  executeOne(cpu);
}

const movCr3 = (cpu: Cpu, v: number) => exec(cpu, [0x0f, 0x22, 0xd8], { eax: v });
const movCr4 = (cpu: Cpu, v: number) => exec(cpu, [0x0f, 0x22, 0xe0], { eax: v });
const movCr0 = (cpu: Cpu, v: number) => exec(cpu, [0x0f, 0x22, 0xc0], { eax: v });
const wrmsr = (cpu: Cpu, ecx: number, eax: number, edx = 0) =>
  exec(cpu, [0x0f, 0x30], { ecx, eax, edx });
function rdmsr(cpu: Cpu, ecx: number): [number, number] {
  exec(cpu, [0x0f, 0x32], { ecx });
  return [cpu.st[EAX] >>> 0, cpu.st[EDX] >>> 0];
}
const invlpg = (cpu: Cpu, lin: number) => exec(cpu, [0x0f, 0x01, 0x38], { eax: lin });

/** CR3 → PDPT, CR4.PAE, then CR0.PG: the order a kernel uses. */
function enablePae(m: Machine, options: { nxe?: boolean } = {}): void {
  if (options.nxe) wrmsr(m.cpu, MSR_EFER, EFER_NXE);
  movCr3(m.cpu, PDPT);
  movCr4(m.cpu, CR4_PAE);
  movCr0(m.cpu, CR0_PE_PG);
}

function isFault(vector: number, errorCode: number) {
  return (e: unknown) => {
    assert.ok(e instanceof CpuFault, `expected a CPU fault, got ${e}`);
    assert.equal(e.vector, vector, `vector`);
    assert.equal(e.errorCode, errorCode, `error code ${e.errorCode.toString(16)}`);
    return true;
  };
}
const pageFault = (err: number) => isFault(PF_, err);

/** Maps LIN_4K + i * 4 KiB to `frame` with `flags` (and `hi` as the PTE's high dword). */
function map4k(m: Machine, i: number, frame: number, flags: number, hi = 0): void {
  write64(m.phys, PT_DATA + i * 8, frame | flags, hi);
}

Deno.test("PAE 4 KiB page: PDPTE, PDE and PTE lead to the frame; A then D set in the low dwords", () => {
  const m = machine();
  const frame = 0x123000;
  map4k(m, 1, frame, P | RW);
  m.phys.write32(frame + 0xabc, 0x600dcafe);
  enablePae(m);
  const lin = LIN_4K + 0x1000 + 0xabc;
  assert.equal(m.cpu.readLin32(lin) >>> 0, 0x600dcafe);
  assert.equal(low(m.phys, PT_DATA + 8) & (A | D), A, "a read sets A only");
  assert.equal(low(m.phys, PD0 + 16) & A, A, "the PDE used is marked accessed");
  m.cpu.writeLin32(lin, 0x12345678);
  assert.equal(m.phys.read32(frame + 0xabc), 0x12345678);
  assert.equal(low(m.phys, PT_DATA + 8) & (A | D), A | D, "a write sets D");
  assert.equal(m.phys.read32(PT_DATA + 12), 0, "the high dword is left alone");
  assert.equal(m.cpu.mmu.translate(lin, false, false), frame + 0xabc);
});

Deno.test("PAE 2 MiB page: PDE.PS maps without CR4.PSE, A and D land in the PDE", () => {
  const m = machine();
  const frame = 0xe00000;
  write64(m.phys, PD0 + 3 * 8, frame | P | RW | PS);
  m.phys.write32(frame + 0x1a2344, 0xfeedf00d);
  enablePae(m);
  assert.equal(m.cpu.readLin32(LIN_2M + 0x1a2344) >>> 0, 0xfeedf00d);
  assert.equal(low(m.phys, PD0 + 24) & (A | D), A);
  m.cpu.writeLin32(LIN_2M + 0x1ffffc, 0x0badf00d);
  assert.equal(m.phys.read32(frame + 0x1ffffc), 0x0badf00d);
  assert.equal(low(m.phys, PD0 + 24) & (A | D), A | D);
});

Deno.test("PDPTE 3 selects its own directory: linear 0xC0000000 and up", () => {
  const m = machine();
  const frame = 0x345000, table = 0x9000;
  write64(m.phys, PD3 + 5 * 8, table | P | RW);
  write64(m.phys, table + 7 * 8, frame | P | RW);
  m.phys.write32(frame + 0x10, 0xc0dec0de);
  enablePae(m);
  const lin = 0xc0000000 + 5 * 0x200000 + 7 * 0x1000 + 0x10;
  assert.equal(m.cpu.readLin32(lin) >>> 0, 0xc0dec0de);
});

Deno.test("#PF error codes: not present (PDPTE, PDE, PTE), write-protect, user/supervisor", () => {
  const m = machine();
  map4k(m, 0, 0x200000, 0); // not present
  map4k(m, 1, 0x201000, P); // read-only, supervisor
  map4k(m, 2, 0x202000, P | US); // read-only, user
  enablePae(m);
  const mmu = m.cpu.mmu;
  const lin0 = LIN_4K, lin1 = LIN_4K + 0x1000, lin2 = LIN_4K + 0x2000;
  assert.throws(() => mmu.translate(lin0, false, false), pageFault(0));
  assert.equal(mmu.cr2, lin0);
  assert.throws(() => mmu.translate(lin0 + 4, true, true), pageFault(ERR_W | ERR_U));
  assert.equal(mmu.cr2, lin0 + 4);
  // PDE 5 of PD0 is empty; PDPTE 1 is not present.
  assert.throws(() => mmu.translate(0x00a00000, false, false), pageFault(0));
  assert.throws(() => mmu.translate(0x40000000, true, false), pageFault(ERR_W));
  // Supervisor page from user mode, read and write.
  assert.throws(() => mmu.translate(lin1, false, true), pageFault(ERR_P | ERR_U));
  assert.throws(() => mmu.translate(lin1, true, true), pageFault(ERR_P | ERR_W | ERR_U));
  // Read-only user page: user writes fault; supervisor writes fault only with CR0.WP.
  assert.equal(mmu.translate(lin2, false, true), 0x202000);
  assert.throws(() => mmu.translate(lin2, true, true), pageFault(ERR_P | ERR_W | ERR_U));
  assert.equal(mmu.translate(lin2, true, false), 0x202000);
  movCr0(m.cpu, CR0_PE_PG | CR0_WP);
  assert.throws(() => mmu.translate(lin2 + 8, true, false), pageFault(ERR_P | ERR_W));
  assert.equal(mmu.cr2, lin2 + 8);
});

Deno.test("R/W and U/S of the PDE and the PTE combine: the stricter one wins", () => {
  const m = machine();
  write64(m.phys, PD0 + 2 * 8, PT_DATA | P | US); // read-only directory entry
  map4k(m, 0, 0x200000, P | RW | US);
  enablePae(m);
  assert.equal(m.cpu.mmu.translate(LIN_4K, false, true), 0x200000);
  assert.throws(() => m.cpu.mmu.translate(LIN_4K, true, true), pageFault(ERR_P | ERR_W | ERR_U));
});

Deno.test("reserved bits in a present entry raise #PF with RSVD (and P) set", () => {
  const m = machine();
  map4k(m, 0, 0x200000, P | RW, 0x10); // bit 36: above MAXPHYADDR
  map4k(m, 1, 0x201000, P | RW, 0x40000000); // bit 62
  map4k(m, 2, 0x202000, 0, 0x7ffffff0); // not present: reserved bits are not looked at
  write64(m.phys, PD0 + 3 * 8, 0xe00000 | P | RW | PS | 0x2000); // 2 MiB page with bit 13
  write64(m.phys, PD0 + 4 * 8, PT_DATA | P | RW, 0x100); // directory entry with bit 40
  enablePae(m);
  const mmu = m.cpu.mmu;
  assert.throws(() => mmu.translate(LIN_4K, false, false), pageFault(ERR_P | ERR_RSVD));
  assert.throws(() => mmu.translate(LIN_4K + 0x1000, true, true), pageFault(0xf));
  assert.throws(() => mmu.translate(LIN_4K + 0x2000, false, false), pageFault(0));
  assert.throws(() => mmu.translate(LIN_2M + 0x5000, false, false), pageFault(ERR_P | ERR_RSVD));
  assert.throws(() => mmu.translate(0x00800000, true, false), pageFault(0xb));
  assert.equal(mmu.cr2, 0x00800000);
});

Deno.test("bit 63 with EFER.NXE=0 is a reserved bit, for data and fetch alike (no I/D bit)", () => {
  const m = machine();
  map4k(m, 0, 0x200000, P | RW, XD_HI);
  enablePae(m);
  const mmu = m.cpu.mmu;
  assert.throws(() => mmu.translate(LIN_4K, false, false), pageFault(ERR_P | ERR_RSVD));
  assert.throws(() => mmu.translate(LIN_4K, false, false, true), pageFault(ERR_P | ERR_RSVD));
});

Deno.test("NX with EFER.NXE=1: data reads pass, an instruction fetch faults with I/D", () => {
  const m = machine();
  const frame = 0x200000;
  map4k(m, 0, frame, P | RW, XD_HI);
  m.phys.write8(frame, 0x90); // NOP
  enablePae(m, { nxe: true });
  const cpu = m.cpu;
  // The data read caches the page; the fetch below must not run through that entry.
  assert.equal(cpu.readLin8(LIN_4K), 0x90);
  cpu.st[S_EIP] = LIN_4K;
  assert.throws(() => executeOne(cpu), pageFault(ERR_P | ERR_ID));
  assert.equal(cpu.mmu.cr2, LIN_4K);
  assert.throws(
    () => cpu.mmu.translate(LIN_4K, false, true, true),
    pageFault(ERR_P | ERR_U | ERR_ID),
    "a user fetch from a supervisor page",
  );
});

Deno.test("NX in the page-directory entry covers every page under it; NX-free pages execute", () => {
  const m = machine();
  const frame = 0x200000;
  map4k(m, 0, frame, P | RW | US);
  m.phys.writeBytes(frame, new Uint8Array([0x40])); // INC EAX
  enablePae(m, { nxe: true });
  const cpu = m.cpu;
  cpu.st[EAX] = 41;
  cpu.st[S_EIP] = LIN_4K;
  executeOne(cpu);
  assert.equal(cpu.st[EAX], 42, "executable page runs");
  write64(m.phys, PD0 + 2 * 8, PT_DATA | P | RW | US, XD_HI);
  invlpg(cpu, LIN_4K);
  cpu.st[S_EIP] = LIN_4K;
  assert.throws(() => executeOne(cpu), pageFault(ERR_P | ERR_ID));
  assert.equal(cpu.readLin8(LIN_4K), 0x40, "still readable");
  assert.throws(
    () => cpu.mmu.translate(LIN_4K, false, true, true),
    pageFault(ERR_P | ERR_U | ERR_ID),
  );
});

Deno.test("with EFER.NXE=1 every fetch fault carries I/D, a not-present one too", () => {
  const m = machine();
  enablePae(m, { nxe: true });
  assert.throws(() => m.cpu.mmu.translate(LIN_4K, false, false, true), pageFault(ERR_ID));
  assert.throws(() => m.cpu.mmu.translate(LIN_4K, false, false, false), pageFault(0));
});

Deno.test("without PAE, EFER.NXE=1 changes nothing: 32-bit paging fetch faults have no I/D", () => {
  const m = machine();
  wrmsr(m.cpu, MSR_EFER, EFER_NXE);
  // 32-bit page directory at 0x6000: the first 4 MiB identity mapped, nothing else.
  m.phys.write32(0x6000, 0x7000 | P | RW);
  for (let i = 0; i < 1024; i++) m.phys.write32(0x7000 + i * 4, (i << 12) | P | RW);
  movCr3(m.cpu, 0x6000);
  movCr0(m.cpu, CR0_PE_PG);
  assert.throws(() => m.cpu.mmu.translate(LIN_4K, false, false, true), pageFault(0));
});

Deno.test("a frame above 4 GiB reaches no memory: reads give all ones, writes are dropped", () => {
  const m = machine();
  const frame = 0x205000;
  m.phys.write32(frame, 0x11223344);
  // Physical 0x1_0020_5000: its low 32 bits name RAM that must not be touched.
  map4k(m, 0, frame, P | RW, 1);
  enablePae(m);
  const cpu = m.cpu;
  assert.equal(cpu.mmu.translate(LIN_4K + 8, false, false), 0x100205008);
  assert.equal(cpu.readLin32(LIN_4K) >>> 0, 0xffffffff);
  assert.equal(cpu.readLin16(LIN_4K), 0xffff);
  assert.equal(cpu.readLin8(LIN_4K), 0xff);
  cpu.writeLin32(LIN_4K, 0x55667788);
  cpu.writeLin8(LIN_4K + 1, 0);
  assert.equal(m.phys.read32(frame), 0x11223344, "low memory does not alias the wide address");
  assert.equal(low(m.phys, PT_DATA) & (A | D), A | D, "the PTE is still marked");
});

Deno.test("a page table above 4 GiB reads as all ones: present with reserved bits, #PF RSVD", () => {
  const m = machine();
  write64(m.phys, PD0 + 4 * 8, 0x3000 | P | RW, 0x2); // table at physical 0x2_0000_3000
  enablePae(m);
  assert.throws(() => m.cpu.mmu.translate(0x00800000, false, false), pageFault(ERR_P | ERR_RSVD));
});

Deno.test("MOV to CR3 under PAE loads the PDPTEs; reserved bits in a present one raise #GP(0)", () => {
  const m = machine();
  enablePae(m);
  const cpu = m.cpu;
  const other = 0x8000;
  for (
    const [lo, hi] of [[PD0 | P | 2, 0], [PD0 | P | 0x20, 0], [PD0 | P, 0x10], [PD0 | P, XD_HI]]
  ) {
    write64(m.phys, other, lo, hi);
    assert.throws(() => movCr3(cpu, other), isFault(GP, 0), `PDPTE ${hi.toString(16)}:${lo}`);
    assert.equal(cpu.mmu.cr3, PDPT, "CR3 unchanged");
  }
  // Not present: the other bits are free.
  write64(m.phys, other, 0xfffffffe, 0xffffffff);
  write64(m.phys, other + 8, PD0 | P);
  movCr3(cpu, other);
  assert.equal(cpu.mmu.cr3, other);
  assert.throws(() => cpu.mmu.translate(0x1000, false, false), pageFault(0));
  assert.equal(cpu.mmu.translate(0x40001000, false, false), 0x1000, "PDPTE 1 → PD0");
});

Deno.test("MOV to CR4 or CR0 that turns PAE paging on checks the PDPTEs first", () => {
  const m = machine();
  write64(m.phys, PDPT + 8, PD0 | P | 4); // PDPTE 1: reserved bit 2
  const cpu = m.cpu;
  movCr3(cpu, PDPT);
  movCr4(cpu, CR4_PAE); // paging is off: nothing is loaded yet
  assert.throws(() => movCr0(cpu, CR0_PE_PG), isFault(GP, 0));
  assert.equal(cpu.mmu.paging, false, "CR0.PG stays clear");
  movCr4(cpu, 0);
  // 32-bit paging on a directory at PDPT & ~0xfff (the PDPT's page), the code identity mapped.
  m.phys.write32(PDPT & ~0xfff, 0x7000 | P | RW);
  for (let i = 0; i < 1024; i++) m.phys.write32(0x7000 + i * 4, (i << 12) | P | RW);
  movCr0(cpu, CR0_PE_PG);
  assert.throws(() => movCr4(cpu, CR4_PAE), isFault(GP, 0));
  assert.equal(cpu.mmu.cr4, 0, "CR4.PAE stays clear");
  write64(m.phys, PDPT + 8, 0, 0);
  movCr4(cpu, CR4_PAE);
  assert.equal(cpu.mmu.translate(0x1000, false, false), 0x1000);
});

Deno.test("the PDPTEs are registers: editing the PDPT takes effect only at the next load", () => {
  const m = machine();
  enablePae(m);
  const cpu = m.cpu;
  assert.equal(cpu.mmu.translate(0x3000, false, false), 0x3000);
  write64(m.phys, PDPT, 0, 0);
  cpu.mmu.flushAll();
  assert.equal(cpu.mmu.translate(0x3000, false, false), 0x3000, "the old PDPTE 0 still holds");
  movCr4(cpu, CR4_PAE | CR4_PGE); // changing PGE reloads them
  assert.throws(() => cpu.mmu.translate(0x3000, false, false), pageFault(0));
});

Deno.test("INVLPG drops every cached 4 KiB piece of a 2 MiB page", () => {
  const m = machine();
  const oldFrame = 0xe00000, newFrame = 0x1000000;
  write64(m.phys, PD0 + 3 * 8, oldFrame | P | RW | PS);
  for (const off of [0, 0x5000, 0x1ff000]) {
    m.phys.write32(oldFrame + off, 0x01d00000 + off);
    m.phys.write32(newFrame + off, 0x0e000000 + off);
  }
  enablePae(m);
  const cpu = m.cpu;
  for (const off of [0, 0x5000, 0x1ff000]) {
    assert.equal(cpu.readLin32(LIN_2M + off), 0x01d00000 + off);
  }
  write64(m.phys, PD0 + 3 * 8, newFrame | P | RW | PS);
  assert.equal(cpu.readLin32(LIN_2M + 0x5000), 0x01d00000 + 0x5000, "cached until INVLPG");
  invlpg(cpu, LIN_2M + 0x1ff000);
  for (const off of [0, 0x5000, 0x1ff000]) {
    assert.equal(cpu.readLin32(LIN_2M + off), 0x0e000000 + off);
  }
});

Deno.test("global 2 MiB pages survive a CR3 reload with CR4.PGE, others do not", () => {
  const m = machine();
  write64(m.phys, PD0 + 3 * 8, 0xe00000 | P | RW | PS | G);
  write64(m.phys, PD0 + 2 * 8, 0x1000000 | P | RW | PS);
  m.phys.write32(0xe00000, 1);
  m.phys.write32(0x1000000, 2);
  enablePae(m);
  const cpu = m.cpu;
  movCr4(cpu, CR4_PAE | CR4_PGE);
  assert.equal(cpu.readLin32(LIN_2M), 1);
  assert.equal(cpu.readLin32(LIN_4K), 2);
  write64(m.phys, PD0 + 3 * 8, 0, 0);
  write64(m.phys, PD0 + 2 * 8, 0, 0);
  movCr3(cpu, PDPT);
  assert.equal(cpu.readLin32(LIN_2M), 1, "global entry kept");
  assert.throws(() => cpu.readLin32(LIN_4K), pageFault(0));
});

Deno.test("IA32_EFER: NXE reads back; LME, SCE and reserved bits raise #GP(0); reset clears it", () => {
  const m = machine("max");
  const cpu = m.cpu;
  assert.deepEqual(rdmsr(cpu, MSR_EFER), [0, 0]);
  wrmsr(cpu, MSR_EFER, EFER_NXE);
  assert.deepEqual(rdmsr(cpu, MSR_EFER), [EFER_NXE, 0]);
  for (const [eax, edx] of [[1 << 8, 0], [1, 0], [1 << 10, 0], [EFER_NXE, 1]]) {
    assert.throws(() => wrmsr(cpu, MSR_EFER, eax, edx), isFault(GP, 0), `${edx}:${eax}`);
  }
  assert.deepEqual(rdmsr(cpu, MSR_EFER), [EFER_NXE, 0], "a refused write changes nothing");
  cpu.reset();
  assert.equal(cpu.mmu.efer, 0);
});

Deno.test("IA32_EFER follows the model: absent without NX (qemu32), NXE writable with it (n270)", () => {
  const q = machine("qemu32").cpu;
  assert.throws(() => rdmsr(q, MSR_EFER), isFault(GP, 0));
  assert.throws(() => wrmsr(q, MSR_EFER, EFER_NXE), isFault(GP, 0));
  const n = machine("n270").cpu;
  wrmsr(n, MSR_EFER, EFER_NXE);
  assert.deepEqual(rdmsr(n, MSR_EFER), [EFER_NXE, 0]);
});

Deno.test("MOV to CR4 setting PAE raises #GP(0) on a model without PAE", () => {
  for (const name of ["pentium", "486"]) {
    const cpu = machine(name).cpu;
    assert.throws(() => movCr4(cpu, CR4_PAE), isFault(GP, 0), name);
    assert.equal(cpu.mmu.cr4, 0);
  }
  const cpu = machine("pentium3").cpu;
  movCr4(cpu, CR4_PAE);
  assert.equal(cpu.mmu.cr4, CR4_PAE);
});

Deno.test("CPUID reports PAE and NX per model as QEMU's definitions do", () => {
  const expected: Record<string, [pae: boolean, nx: boolean]> = {
    qemu32: [true, false],
    max: [true, true],
    qemu64: [true, true],
    kvm32: [true, false],
    coreduo: [true, true],
    n270: [true, true],
    pentium2: [true, false],
    pentium3: [true, false],
    pentium: [false, false],
    "486": [false, false],
  };
  assert.deepEqual(Object.keys(expected).sort(), CPU_MODELS.map((m) => m.name).sort());
  for (const model of CPU_MODELS) {
    const [pae, nx] = expected[model.name];
    const leaf1 = cpuid(model, 1, true)[3];
    assert.equal((leaf1 & (1 << 6)) !== 0, pae, `${model.name} PAE`);
    const maxExt = cpuid(model, 0x80000000, true)[0] >>> 0;
    const ext = maxExt >= 0x80000001 ? cpuid(model, 0x80000001, true)[3] : 0;
    assert.equal((ext & (1 << 20)) !== 0, nx, `${model.name} NX`);
    assert.equal(ext & ((1 << 11) | (1 << 29)), 0, `${model.name}: no SYSCALL, no long mode`);
    if (nx) assert.ok(maxExt >= 0x80000001, `${model.name} reaches leaf 0x80000001`);
  }
});

Deno.test("CPUID 0x80000008 gives MAXPHYADDR 36 and 32 linear bits where the model has it", () => {
  const max = findCpuModel("max")!;
  assert.ok(cpuid(max, 0x80000000, true)[0] >>> 0 >= 0x80000008);
  const eax = cpuid(max, 0x80000008, true)[0];
  assert.equal(eax & 0xff, 36);
  assert.equal((eax >> 8) & 0xff, 32);
  // Through the instruction as well.
  const cpu = machine("max").cpu;
  exec(cpu, [0x0f, 0xa2], { eax: 0x80000001 });
  assert.ok(cpu.st[EDX] & (1 << 20));
});

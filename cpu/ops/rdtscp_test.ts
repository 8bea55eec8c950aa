/**
 * RDTSCP and IA32_TSC_AUX (SDM vol. 2 RDTSCP; vol. 4 table 2-2), and the CPUID bit that
 * announces them (leaf 0x80000001 EDX bit 27), which QEMU's `max` model sets.
 */
import assert from "node:assert/strict";
import { GP, UD } from "../fault.ts";
import { CS, EAX, ECX, EDX, SS } from "../state_layout.ts";
import {
  exec,
  guestCpuid,
  isFault,
  protectedMachine,
  rdmsr,
  wrmsr,
} from "../testing/protected_machine.ts";

const MSR_TSC = 0x10, MSR_TSC_AUX = 0xc0000103;
const RDTSCP = [0x0f, 0x01, 0xf9];
const RDTSCP_BIT = 1 << 27;
const CR4_TSD = 4;

Deno.test("CPUID 0x80000001 EDX.RDTSCP: set by max, clear on qemu32, qemu64, coreduo, n270", () => {
  assert.ok(guestCpuid(protectedMachine("max"), 0x80000001)[3] & RDTSCP_BIT);
  for (const name of ["qemu32", "qemu64", "coreduo", "n270", "pentium3"]) {
    assert.equal(guestCpuid(protectedMachine(name), 0x80000001)[3] & RDTSCP_BIT, 0, name);
  }
});

Deno.test("rdtscp: EDX:EAX is the TSC that RDMSR reads, ECX is IA32_TSC_AUX[31:0]", () => {
  const cpu = protectedMachine("max");
  let clock = 0x1_2345_6789n;
  cpu.readTsc = () => clock;
  wrmsr(cpu, MSR_TSC_AUX, 0xdeadbeef);
  assert.deepEqual(rdmsr(cpu, MSR_TSC_AUX), [0xdeadbeef, 0]);
  // Move the TSC by a write, then let the clock run: RDTSCP and RDMSR(TSC) agree.
  wrmsr(cpu, MSR_TSC, 0x89abcdef, 0x7);
  clock += 1000n;
  const viaMsr = rdmsr(cpu, MSR_TSC);
  exec(cpu, RDTSCP, { ecx: 0, eax: 0, edx: 0 });
  assert.deepEqual([cpu.st[EAX] >>> 0, cpu.st[EDX] >>> 0], viaMsr);
  assert.equal(BigInt(viaMsr[1]) << 32n | BigInt(viaMsr[0]), 0x7_89ab_cdefn + 1000n);
  assert.equal(cpu.st[ECX] >>> 0, 0xdeadbeef);
});

Deno.test("IA32_TSC_AUX: bits 63:32 are reserved, a write setting one raises #GP(0)", () => {
  const cpu = protectedMachine("max");
  wrmsr(cpu, MSR_TSC_AUX, 5);
  assert.throws(() => wrmsr(cpu, MSR_TSC_AUX, 0, 1), isFault(GP, 0));
  assert.deepEqual(rdmsr(cpu, MSR_TSC_AUX), [5, 0], "a refused write changes nothing");
});

Deno.test("rdtscp raises #UD and IA32_TSC_AUX #GP(0) on a model without RDTSCP", () => {
  const cpu = protectedMachine("qemu32");
  assert.throws(() => exec(cpu, RDTSCP), isFault(UD));
  assert.throws(() => rdmsr(cpu, MSR_TSC_AUX), isFault(GP, 0));
  assert.throws(() => wrmsr(cpu, MSR_TSC_AUX, 0), isFault(GP, 0));
});

Deno.test("rdtscp with CR4.TSD: #GP(0) at CPL 3, allowed at CPL 0", () => {
  const cpu = protectedMachine("max");
  exec(cpu, [0x0f, 0x22, 0xe0], { eax: CR4_TSD }); // mov cr4, eax
  exec(cpu, RDTSCP);
  cpu.setSegment(CS, 0x1b, 0, 0xffffffff, 0xc0fb);
  cpu.setSegment(SS, 0x23, 0, 0xffffffff, 0xc0f3);
  cpu.setCpl(3);
  assert.throws(() => exec(cpu, RDTSCP), isFault(GP, 0));
  assert.throws(() => exec(cpu, [0x0f, 0x31]), isFault(GP, 0), "rdtsc alike");
});

/**
 * User-mode instruction prevention (SDM vol. 3 §2.5, CR4.UMIP; vol. 2 SGDT, SIDT, SLDT, SMSW,
 * STR): with CR4.UMIP set, the five stores raise #GP(0) above CPL 0 and work at CPL 0. The
 * bit is writable only where CPUID.7.0:ECX.UMIP says so.
 */
import assert from "node:assert/strict";
import type { Cpu } from "../cpu.ts";
import { GP } from "../fault.ts";
import { CS, SS } from "../state_layout.ts";
import { exec, isFault, protectedMachine } from "../testing/protected_machine.ts";

const CR4_UMIP = 1 << 11;
const movCr4 = (cpu: Cpu, v: number) => exec(cpu, [0x0f, 0x22, 0xe0], { eax: v });

/** The five stores, each writing to [0x3000] or to EAX. */
const STORES: [string, number[]][] = [
  ["sgdt [0x3000]", [0x0f, 0x01, 0x05, 0x00, 0x30, 0x00, 0x00]],
  ["sidt [0x3000]", [0x0f, 0x01, 0x0d, 0x00, 0x30, 0x00, 0x00]],
  ["smsw eax", [0x0f, 0x01, 0xe0]],
  ["sldt eax", [0x0f, 0x00, 0xc0]],
  ["str eax", [0x0f, 0x00, 0xc8]],
];

function toRing3(cpu: Cpu): void {
  cpu.setSegment(CS, 0x1b, 0, 0xffffffff, 0xc0fb);
  cpu.setSegment(SS, 0x23, 0, 0xffffffff, 0xc0f3);
  cpu.setCpl(3);
}

Deno.test("CR4.UMIP: SGDT SIDT SMSW SLDT STR raise #GP(0) at CPL 3", () => {
  const cpu = protectedMachine("qemu64,+umip");
  movCr4(cpu, CR4_UMIP);
  for (const [, bytes] of STORES) exec(cpu, bytes); // CPL 0: allowed
  toRing3(cpu);
  for (const [name, bytes] of STORES) assert.throws(() => exec(cpu, bytes), isFault(GP, 0), name);
});

Deno.test("without CR4.UMIP the stores work at CPL 3", () => {
  const cpu = protectedMachine("max");
  toRing3(cpu);
  for (const [, bytes] of STORES) exec(cpu, bytes);
});

Deno.test("CR4.UMIP is reserved (#GP(0)) on a model without UMIP, writable on max", () => {
  assert.throws(() => movCr4(protectedMachine("qemu64"), CR4_UMIP), isFault(GP, 0));
  assert.throws(() => movCr4(protectedMachine("qemu32"), CR4_UMIP), isFault(GP, 0));
  const max = protectedMachine("max");
  movCr4(max, CR4_UMIP);
  assert.equal(max.mmu.cr4, CR4_UMIP);
});

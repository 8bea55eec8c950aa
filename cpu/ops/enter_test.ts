/**
 * ENTER with operand and stack sizes that differ (SDM vol. 2 ENTER): FrameTemp is ESP for a
 * 32-bit ENTER and SP for a 16-bit one, whatever SS.B says, and the display is read through
 * BP or EBP by stack size. These are test386.asm's POST 0x1A cases.
 */
import assert from "node:assert/strict";
import type { Cpu } from "../cpu.ts";
import { EBP, ESP, SS } from "../state_layout.ts";
import { PF_ } from "../fault.ts";
import { exec, isFault, protectedMachine } from "../testing/protected_machine.ts";

const STACK_BASE = 0x100000;

/** SS based at STACK_BASE with a 512 KiB limit, 16-bit (B clear) or 32-bit. */
function machine(stack32: boolean): Cpu {
  const cpu = protectedMachine("qemu32", { ramMiB: 4 });
  cpu.setSegment(SS, 0x10, STACK_BASE, 0x7ffff, stack32 ? 0x4093 : 0x0093);
  cpu.updateMode();
  return cpu;
}

/** ENTER alloc, level with operand size `o32` (66 prefix in 32-bit code for 16 bits). */
function enter(cpu: Cpu, o32: boolean, alloc: number, level: number): void {
  const bytes = [0xc8, alloc & 0xff, alloc >> 8, level];
  exec(cpu, o32 ? bytes : [0x66, ...bytes]);
}

Deno.test("enter (32-bit operands, 16-bit stack): EBP takes all of ESP, upper half included", () => {
  const cpu = machine(false);
  cpu.st[ESP] = 0x10000; // SP = 0, ESP[31:16] = 1
  cpu.st[EBP] = 0x1ffec;
  // The display: level 4 copies three dwords below BP, then pushes FrameTemp.
  for (let i = 1; i <= 3; i++) cpu.phys.write32(STACK_BASE + 0xffec - 4 * i, 0x1110 * i);
  enter(cpu, true, 8, 36); // level 36 mod 32 = 4
  // Push EBP: SP 0 → 0xFFFC (16-bit wrap), ESP[31:16] unchanged, so FrameTemp = 0x1FFFC.
  const frameTemp = 0x10000 | 0xfffc;
  assert.equal(cpu.st[EBP], frameTemp);
  // Four more dwords (three copies and FrameTemp), then the 8-byte allocation, all in SP.
  assert.equal(cpu.st[ESP], 0x10000 | (0xfffc - 4 * 4 - 8));
  assert.equal(cpu.phys.read32(STACK_BASE + 0xfffc), 0x1ffec, "old EBP");
  for (let i = 1; i <= 3; i++) {
    assert.equal(cpu.phys.read32(STACK_BASE + 0xfffc - 4 * i), 0x1110 * i, `display ${i}`);
  }
  assert.equal(cpu.phys.read32(STACK_BASE + 0xfffc - 16), frameTemp, "FrameTemp pushed whole");
});

Deno.test("enter (16-bit operands, 32-bit stack): BP takes SP, EBP's upper half is kept", () => {
  const cpu = machine(true);
  cpu.st[ESP] = 0x10000;
  cpu.st[EBP] = 0x5fff6;
  // The display walks down from all of EBP on a 32-bit stack: its words sit below 0x5FFF6.
  for (let i = 1; i <= 3; i++) cpu.phys.write16(STACK_BASE + 0x5fff6 - 2 * i, 0x111 * i);
  enter(cpu, false, 4, 4);
  // Push BP: ESP 0x10000 → 0xFFFE; FrameTemp = SP = 0xFFFE lands in BP only.
  assert.equal(cpu.st[EBP], 0x50000 | 0xfffe);
  assert.equal(cpu.st[ESP], 0xfffe - 2 * 4 - 4);
  for (let i = 1; i <= 3; i++) {
    assert.equal(cpu.phys.read16(STACK_BASE + 0xfffe - 2 * i), 0x111 * i, `display ${i}`);
  }
  assert.equal(cpu.phys.read16(STACK_BASE + 0xfffe - 8), 0xfffe, "FrameTemp pushed as a word");
});

Deno.test("enter level 0 on a 16-bit stack: only EBP is pushed and SP allocated", () => {
  const cpu = machine(false);
  cpu.st[ESP] = 0x10000;
  cpu.st[EBP] = 0x12345678;
  enter(cpu, true, 1, 0);
  assert.equal(cpu.st[EBP], 0x1fffc);
  assert.equal(cpu.st[ESP], 0x1fffb);
  assert.equal(cpu.phys.read32(STACK_BASE + 0xfffc), 0x12345678);
});

Deno.test("enter raises #PF when a write at the final stack pointer would, before EBP changes", () => {
  const cpu = machine(true);
  // Paging on: identity map the first 4 MiB, user pages, except the page just below ESP's.
  const pd = 0x1000, pt = 0x2000;
  cpu.phys.write32(pd, pt | 7);
  for (let i = 0; i < 1024; i++) cpu.phys.write32(pt + i * 4, (i << 12) | 7);
  const stackPage = (STACK_BASE >>> 12) + 0x0f; // linear STACK_BASE + 0xF000
  cpu.phys.write32(pt + stackPage * 4, (stackPage << 12) | 3); // supervisor, writable
  exec(cpu, [0x0f, 0x22, 0xd8], { eax: pd }); // mov cr3, eax
  exec(cpu, [0x0f, 0x22, 0xc0], { eax: 0x80000011 }); // mov cr0, eax
  cpu.setSegment(SS, 0x13, STACK_BASE, 0x7ffff, 0x40f3);
  cpu.setCpl(3);
  cpu.st[ESP] = 0x10004;
  cpu.st[EBP] = 0xabcd;
  // Push EBP lands at 0x10000 (user page); ESP − 1 = 0xFFFF is in the supervisor page.
  assert.throws(() => enter(cpu, true, 1, 0), isFault(PF_, 7));
  assert.equal(cpu.st[EBP], 0xabcd);
  assert.equal(cpu.mmu.cr2 >>> 0, STACK_BASE + 0xffff);
});

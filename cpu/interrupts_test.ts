/**
 * An interrupt taken in virtual-8086 mode through a 32-bit interrupt gate to ring 0 (SDM vol. 3
 * §20.3.1.1): the handler runs at CPL 0 on the TSS's ring-0 stack, with the V86 segment
 * selectors, SS:ESP, EFLAGS and CS:EIP in a 32-bit frame and the data segments nulled.
 */
import assert from "node:assert/strict";
import type { Cpu } from "./cpu.ts";
import { IF, VM } from "./eflags.ts";
import { GP } from "./fault.ts";
import {
  CS,
  DS,
  ES,
  ESP,
  FS,
  GS,
  S_EFLAGS,
  S_EIP,
  S_GDTR_BASE,
  S_GDTR_LIMIT,
  S_IDTR_BASE,
  S_IDTR_LIMIT,
  SS,
  TR,
} from "./state_layout.ts";
import { executeOne } from "./run.ts";
import { isFault, protectedMachine } from "./testing/protected_machine.ts";

const GDT = 0x800, IDT = 0x1000, TSS = 0x2000;
const SEL_CODE = 0x08, SEL_STACK = 0x10, SEL_TSS = 0x18;
const HANDLER = 0x30000;
/** Above 64 KiB, so a frame built with a 16-bit SP would land elsewhere. */
const ESP0 = 0x28000;
const VECTOR = 0x22;
const IOPL3 = 3 << 12;

function write64(cpu: Cpu, pa: number, lo: number, hi: number): void {
  cpu.phys.write32(pa, lo);
  cpu.phys.write32(pa + 4, hi);
}

/** A CPU in V86 mode at 2000:0100 with SS:SP 3000:0FF0, about to execute INT VECTOR. */
function v86Machine(iopl: number): Cpu {
  const cpu = protectedMachine("qemu32", { ramMiB: 2 });
  cpu.st[S_GDTR_BASE] = GDT;
  cpu.st[S_GDTR_LIMIT] = 0x1f;
  write64(cpu, GDT + SEL_CODE, 0x0000ffff, 0x00cf9b00); // ring-0 flat code
  write64(cpu, GDT + SEL_STACK, 0x0000ffff, 0x00cf9300); // ring-0 flat data
  write64(cpu, GDT + SEL_TSS, (TSS << 16) | 0x67, 0x00008b00); // busy 32-bit TSS
  cpu.setSegment(TR, SEL_TSS, TSS, 0x67, 0x8b);
  cpu.phys.write32(TSS + 4, ESP0);
  cpu.phys.write16(TSS + 8, SEL_STACK);
  cpu.st[S_IDTR_BASE] = IDT;
  cpu.st[S_IDTR_LIMIT] = 0x7ff;
  // 32-bit interrupt gate, DPL 3, to SEL_CODE:HANDLER.
  write64(
    cpu,
    IDT + VECTOR * 8,
    (SEL_CODE << 16) | (HANDLER & 0xffff),
    (HANDLER & 0xffff0000) | 0xee00,
  );

  cpu.st[S_EFLAGS] = VM | IF | iopl | 2;
  const segs: [number, number][] = [[CS, 0x2000], [SS, 0x3000], [DS, 0x4000], [ES, 0x5000]];
  for (const [s, v] of [...segs, [FS, 0x6000], [GS, 0x7000]] as [number, number][]) {
    cpu.setSegmentReal(s, v);
  }
  cpu.setCpl(3);
  cpu.st[ESP] = 0x0ff0;
  cpu.phys.writeBytes(0x20100, new Uint8Array([0xcd, VECTOR]));
  cpu.invalidateFetch();
  cpu.st[S_EIP] = 0x100;
  return cpu;
}

Deno.test("INT n in V86 mode with IOPL 3 enters the ring-0 handler at CPL 0 on ESP0", () => {
  const cpu = v86Machine(IOPL3);
  executeOne(cpu);
  assert.equal(cpu.cpl, 0);
  assert.equal(cpu.v86, false);
  assert.equal(cpu.segSel(CS), SEL_CODE);
  assert.equal(cpu.eip, HANDLER);
  assert.equal(cpu.segSel(SS), SEL_STACK);
  assert.equal(cpu.st[ESP], ESP0 - 9 * 4);
  const frame = Array.from({ length: 9 }, (_, i) => cpu.phys.read32(ESP0 - 9 * 4 + i * 4));
  assert.deepEqual(frame, [
    0x102, // EIP after INT n
    0x2000, // CS
    VM | IF | IOPL3 | 2, // EFLAGS
    0x0ff0, // ESP
    0x3000, // SS
    0x5000, // ES
    0x4000, // DS
    0x6000, // FS
    0x7000, // GS
  ]);
  for (const s of [DS, ES, FS, GS]) assert.equal(cpu.segSel(s), 0);
  assert.equal(cpu.eflags & (VM | IF), 0, "interrupt gate: IF cleared, VM cleared");
});

Deno.test("INT n in V86 mode with IOPL < 3 raises #GP(0) and stays in V86 mode", () => {
  const cpu = v86Machine(0);
  assert.throws(() => executeOne(cpu), isFault(GP, 0));
  assert.equal(cpu.v86, true);
  assert.equal(cpu.cpl, 3);
});

import type { Cpu } from "../cpu.ts";
import { AF, CF, DF, IF, IOPL, PF, SF, ZF } from "../eflags.ts";
import { CpuFault, GP } from "../fault.ts";
import { readEflags, writeEflags } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";
import { S_EFLAGS } from "../state_layout.ts";

function update(cpu: Cpu, clear: number, set: number): void {
  writeEflags(cpu.st, (readEflags(cpu.st) & ~clear) | set);
}

define(0xf5, "cmc", (cpu) => {
  const f = readEflags(cpu.st);
  writeEflags(cpu.st, f ^ CF);
});
define(0xf8, "clc", (cpu) => update(cpu, CF, 0));
define(0xf9, "stc", (cpu) => update(cpu, 0, CF));
define(0xfc, "cld", (cpu) => update(cpu, DF, 0));
define(0xfd, "std", (cpu) => update(cpu, 0, DF));

/** CLI/STI need CPL ≤ IOPL in protected mode (IOPL 3 in V86); no VME support. */
function checkIopl(cpu: Cpu): void {
  if (!cpu.protectedMode) return;
  const iopl = (cpu.st[S_EFLAGS] & IOPL) >>> 12;
  if (cpu.v86 ? iopl < 3 : cpu.cpl > iopl) throw new CpuFault(GP, 0);
}
define(0xfa, "cli", (cpu) => {
  checkIopl(cpu);
  update(cpu, IF, 0);
});
define(0xfb, "sti", (cpu) => {
  checkIopl(cpu);
  // Interrupts stay blocked until after the next instruction (SDM vol. 2 STI).
  if (!(cpu.st[S_EFLAGS] & IF)) cpu.inhibitInterrupts();
  update(cpu, 0, IF);
}, { endsBlock: true });

define(0x9e, "sahf", (cpu) => {
  const m = SF | ZF | AF | PF | CF;
  update(cpu, m, cpu.r8[1] & m);
});
define(0x9f, "lahf", (cpu) => {
  cpu.r8[1] = readEflags(cpu.st) & 0xff;
});
define(0xf4, "hlt", (cpu) => {
  cpu.requireCpl0();
  cpu.halted = true;
}, { endsBlock: true });

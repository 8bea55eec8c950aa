import type { Cpu } from "./cpu.ts";
import { S_GDTR_BASE, S_GDTR_LIMIT, S_IDTR_BASE, S_IDTR_LIMIT } from "./state_layout.ts";

const hex = (v: number, w = 8) => (v >>> 0).toString(16).padStart(w, "0");
const REGS = ["EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP"];
const INDEX = [0, 3, 1, 2, 6, 7, 5, 4];
const SEGS = ["ES", "CS", "SS", "DS", "FS", "GS", "LDT", "TR"];

/** The CPU state as text in the layout of QEMU's `-d cpu` dumps, for logs and failures. */
export function formatCpuState(cpu: Cpu): string {
  const st = cpu.st;
  const lines: string[] = [];
  const regs = REGS.map((name, i) => `${name}=${hex(st[INDEX[i]])}`);
  lines.push(regs.slice(0, 4).join(" "), regs.slice(4).join(" "));
  lines.push(`EIP=${hex(cpu.eip)} EFL=${hex(cpu.eflags)} CPL=${cpu.cpl} HLT=${cpu.halted ? 1 : 0}`);
  SEGS.forEach((name, s) => {
    lines.push(
      `${name.padEnd(3)}=${hex(cpu.segSel(s), 4)} ${hex(cpu.segBase(s))} ${hex(cpu.segLimit(s))} ` +
        `${hex(cpu.segFlags(s), 8)}`,
    );
  });
  lines.push(`GDT=     ${hex(st[S_GDTR_BASE])} ${hex(st[S_GDTR_LIMIT])}`);
  lines.push(`IDT=     ${hex(st[S_IDTR_BASE])} ${hex(st[S_IDTR_LIMIT])}`);
  const m = cpu.mmu;
  lines.push(`CR0=${hex(m.cr0)} CR2=${hex(m.cr2)} CR3=${hex(m.cr3)} CR4=${hex(m.cr4)}`);
  return lines.join("\n");
}

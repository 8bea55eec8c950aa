import type { Cpu } from "../../cpu/cpu.ts";
import { writeCr0 } from "../../cpu/ops/system.ts";
import { decodeDescriptor } from "../../cpu/segment_cache.ts";
import { CS, DS, ES, FS, GS, S_GDTR_BASE, S_GDTR_LIMIT, SS } from "../../cpu/state_layout.ts";
import type { BootEntry } from "../firmware/boot_state.ts";

/** Puts the CPU in the state a loader hands over: protected mode, flat segments, IF = 0. */
export function enterBootState(cpu: Cpu, entry: BootEntry): void {
  cpu.st[S_GDTR_BASE] = entry.gdtBase;
  cpu.st[S_GDTR_LIMIT] = entry.gdtLimit;
  writeCr0(cpu, cpu.mmu.cr0 | 1);
  const read = (sel: number) => {
    const a = entry.gdtBase + (sel & ~7);
    return decodeDescriptor(cpu.phys.read32(a), cpu.phys.read32(a + 4));
  };
  const code = read(entry.codeSelector);
  cpu.setSegment(CS, entry.codeSelector, code.base, code.limit, code.flags | 1);
  const data = read(entry.dataSelector);
  for (const s of [DS, ES, FS, GS, SS]) {
    cpu.setSegment(s, entry.dataSelector, data.base, data.limit, data.flags | 1);
  }
  cpu.setCpl(0);
  const order = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
  order.forEach((name, i) => cpu.st[i] = entry.regs[name] ?? 0);
  cpu.eflags = 2;
  cpu.eip = entry.eip;
}

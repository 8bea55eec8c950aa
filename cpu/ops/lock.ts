import type { Cpu } from "../cpu.ts";
import { CpuFault, UD } from "../fault.ts";

/** LOCK is valid only on a read-modify-write memory destination (SDM vol. 2 LOCK). */
export function checkLock(cpu: Cpu): void {
  if (cpu.lock && cpu.mod === 3) throw new CpuFault(UD);
}

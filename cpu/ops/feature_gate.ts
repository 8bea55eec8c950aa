import type { Cpu } from "../cpu.ts";
import { hasFeature } from "../cpu_model.ts";
import { CpuFault, UD } from "../fault.ts";

/**
 * #UD unless the CPU model reports `feature` (a CPUID leaf 1 EDX bit): an instruction the model
 * lacks does not exist on it (with `-cpu pentium`, CMOV is #UD, as on the real part).
 */
export function requireFeature(cpu: Cpu, feature: number): void {
  if (!hasFeature(cpu.model, feature)) throw new CpuFault(UD);
}

/**
 * Whether x87 opcode `op` (D8–DF) with register-form ModRM `modrm` is one of the P6 additions
 * that CPUID.CMOV announces: FCMOVcc (DA/DB C0–DF) and FCOMI, FUCOMI, FCOMIP, FUCOMIP (DB/DF
 * E8–F7).
 */
export function isP6FpuOpcode(op: number, modrm: number): boolean {
  if (modrm < 0xc0) return false;
  if ((op === 0xda || op === 0xdb) && modrm < 0xe0) return true;
  return (op === 0xdb || op === 0xdf) && modrm >= 0xe8 && modrm < 0xf8;
}

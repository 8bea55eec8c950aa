/**
 * Group 15 (0F AE) with the SSE members: FXSAVE /0 and FXRSTOR /1 as before, LDMXCSR /2 and
 * STMXCSR /3 (memory), SFENCE (register form of /7), and SSE2's LFENCE and MFENCE (/5, /6
 * register forms). CLFLUSH (/7 memory) has its own CPUID bit: #UD here, as are XSAVE's /4–/6.
 */
import type { Cpu } from "../cpu.ts";
import { FEAT_FXSR, FEAT_SSE, FEAT_SSE2 } from "../cpu_model.ts";
import { CpuFault, GP, NM, UD } from "../fault.ts";
import { MXCSR_MASK } from "../fpu/fxsave.ts";
import { define } from "../opcode_table.ts";
import { requireFeature } from "./feature_gate.ts";
import { fpuOf } from "./fpu_ops.ts";
import { noPrefix, operandAddress, sseCheck } from "./sse_common.ts";

/** FXSAVE and FXRSTOR (SDM vol. 2): #NM for CR0.EM or CR0.TS, then the unit's own checks. */
function fxsaveFxrstor(cpu: Cpu): void {
  requireFeature(cpu, FEAT_FXSR);
  if (cpu.mmu.cr0 & 0xc) throw new CpuFault(NM);
  const address = (cpu.segBase(cpu.eaSeg) + cpu.eaOff) | 0;
  if (cpu.reg === 0) fpuOf(cpu).fxsave(address);
  else fpuOf(cpu).fxrstor(address);
}

/** 0F AE in full. */
export function group15(cpu: Cpu): void {
  cpu.decodeModrm();
  if (cpu.mod === 3) {
    // SFENCE (/7), LFENCE (/5) and MFENCE (/6, SSE2) order memory accesses; this CPU never
    // reorders them, so they only have to exist.
    if (cpu.reg < 5) throw new CpuFault(UD);
    noPrefix(cpu);
    requireFeature(cpu, cpu.reg === 7 ? FEAT_SSE : FEAT_SSE2);
    return;
  }
  if (cpu.reg <= 1) return fxsaveFxrstor(cpu);
  if (cpu.reg > 3) throw new CpuFault(UD);
  noPrefix(cpu);
  const fpu = sseCheck(cpu);
  if (cpu.reg === 2) {
    const v = cpu.readLin32(operandAddress(cpu, 4, false, false)) >>> 0;
    if (v & ~MXCSR_MASK) throw new CpuFault(GP, 0);
    fpu.mxcsr = v;
  } else {
    cpu.writeLin32(operandAddress(cpu, 4, true, false), fpu.mxcsr);
  }
}

define(0x1ae, "grp15", group15);

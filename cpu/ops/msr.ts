import type { Cpu } from "../cpu.ts";
import {
  cpuid,
  EXT_LM,
  EXT_NX,
  EXT_RDTSCP,
  FEAT_MSR,
  FEAT_SEP,
  FEAT_TSC,
  hasExtFeature,
} from "../cpu_model.ts";
import { requireFeature } from "./feature_gate.ts";
import { IF, RF, VM } from "../eflags.ts";
import { CpuFault, GP, UD } from "../fault.ts";
import { EFER_NXE } from "../mmu.ts";
import { define } from "../opcode_table.ts";
import { isPmuMsr, readPmuMsr, writePmuMsr } from "./pmu_msr.ts";
import { CS, EAX, EBX, ECX, EDX, ESP, SS } from "../state_layout.ts";

export const MSR_TSC = 0x10, MSR_APIC_BASE = 0x1b, MSR_SYSENTER_CS = 0x174;
export const MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176;
export const MSR_MISC_ENABLE = 0x1a0, MSR_PAT = 0x277, MSR_EFER = 0xc0000080;
/** IA32_TSC_AUX: the value RDTSCP leaves in ECX (SDM vol. 4 table 2-2). */
export const MSR_TSC_AUX = 0xc0000103;
/** IA32_MISC_ENABLE at reset: fast strings enabled (bit 0), as QEMU reports. */
const MISC_ENABLE_DEFAULT = 1n;
/** IA32_PAT at reset (SDM vol. 3 §11.12.4): WB WT UC- UC repeated. */
const PAT_DEFAULT = 0x0007040600070406n;

/** MSRs that read as zero and ignore writes, so firmware and kernels probing them carry on. */
const BENIGN = new Set([
  0x8b, // IA32_BIOS_SIGN_ID (microcode revision)
  0xfe, // MTRRcap: no variable ranges, no fixed ranges
  0x179, // MCG_CAP
  0x17a, // MCG_STATUS
  0x2ff, // MTRRdefType
]);

/**
 * IA32_EFER exists when CPUID reports execute-disable or long mode (SDM vol. 4 table 2-2).
 * Its writable bits follow the model: NXE with NX. SCE (SYSCALL) and LME (long mode) are
 * never reported here, so setting them, or any reserved bit, raises #GP(0).
 */
function eferMask(cpu: Cpu): number {
  if (!hasExtFeature(cpu.model, EXT_NX | EXT_LM)) throw new CpuFault(GP, 0);
  return hasExtFeature(cpu.model, EXT_NX) ? EFER_NXE : 0;
}

function writeEfer(cpu: Cpu, v: bigint): void {
  const mask = eferMask(cpu);
  if (v & ~BigInt(mask)) throw new CpuFault(GP, 0);
  const old = cpu.mmu.efer;
  cpu.mmu.efer = Number(v);
  if ((old ^ cpu.mmu.efer) & EFER_NXE) {
    // Cached translations carry the execute-disable verdict of the old setting.
    cpu.mmu.flushAll();
    cpu.invalidateFetch();
  }
}

/** IA32_TSC_AUX exists with RDTSCP; #GP(0) on a model without it. */
function requireTscAux(cpu: Cpu): void {
  if (!hasExtFeature(cpu.model, EXT_RDTSCP)) throw new CpuFault(GP, 0);
}

/** The guest's time-stamp counter: the clock plus what writes to IA32_TIME_STAMP_COUNTER moved. */
function tsc(cpu: Cpu): bigint {
  return (cpu.readTsc() + cpu.tscOffset) & 0xffffffffffffffffn;
}

/** RDTSC and RDTSCP fault at CPL > 0 with CR4.TSD set in protected mode (SDM vol. 2 RDTSC). */
function checkTsd(cpu: Cpu): void {
  if ((cpu.mmu.cr4 & 4) && cpu.protectedMode && cpu.cpl !== 0) throw new CpuFault(GP, 0);
}

/**
 * RDTSCP (0F 01 F9): the TSC in EDX:EAX and IA32_TSC_AUX[31:0] in ECX; #UD where CPUID
 * 0x80000001 EDX.RDTSCP is clear (SDM vol. 2 RDTSCP). Decoded within group 7.
 */
export function rdtscp(cpu: Cpu): void {
  if (!hasExtFeature(cpu.model, EXT_RDTSCP)) throw new CpuFault(UD);
  checkTsd(cpu);
  const v = tsc(cpu);
  cpu.st[EAX] = Number(v & 0xffffffffn);
  cpu.st[EDX] = Number(v >> 32n);
  cpu.st[ECX] = Number(cpu.msr.get(MSR_TSC_AUX) ?? 0n);
}

function msrRead(cpu: Cpu, index: number): bigint {
  switch (index) {
    case MSR_TSC:
      return tsc(cpu);
    case MSR_TSC_AUX:
      requireTscAux(cpu);
      return cpu.msr.get(index) ?? 0n;
    case MSR_MISC_ENABLE:
      return cpu.msr.get(index) ?? MISC_ENABLE_DEFAULT;
    case MSR_PAT:
      return cpu.msr.get(index) ?? PAT_DEFAULT;
    case MSR_APIC_BASE:
      if (!cpu.apicPresent || !cpu.apicBase) throw new CpuFault(GP, 0);
      return BigInt(cpu.apicBase.apicBase >>> 0);
    case MSR_SYSENTER_CS:
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
      return cpu.msr.get(index) ?? 0n;
    case MSR_EFER:
      eferMask(cpu);
      return BigInt(cpu.mmu.efer >>> 0);
  }
  if (BENIGN.has(index)) return cpu.msr.get(index) ?? 0n;
  if (isPmuMsr(cpu, index)) return readPmuMsr(cpu, index);
  throw new CpuFault(GP, 0);
}

function msrWrite(cpu: Cpu, index: number, v: bigint): void {
  switch (index) {
    case MSR_TSC:
      // Writing the TSC moves it: later reads continue from the value written.
      cpu.tscOffset = v - cpu.readTsc();
      return;
    case MSR_MISC_ENABLE:
      cpu.msr.set(index, v);
      return;
    case MSR_PAT:
      // Each of the eight entries must be a valid memory type (0, 1, 4, 5, 6, 7).
      for (let i = 0n; i < 64n; i += 8n) {
        const t = (v >> i) & 0xffn;
        if (t > 7n || t === 2n || t === 3n) throw new CpuFault(GP, 0);
      }
      cpu.msr.set(index, v);
      return;
    case MSR_APIC_BASE:
      if (!cpu.apicPresent || !cpu.apicBase) throw new CpuFault(GP, 0);
      cpu.apicBase.setApicBase(Number(v & 0xffffffffn));
      return;
    case MSR_SYSENTER_CS:
    case MSR_SYSENTER_ESP:
    case MSR_SYSENTER_EIP:
      cpu.msr.set(index, v & 0xffffffffn);
      return;
    case MSR_EFER:
      return writeEfer(cpu, v);
    case MSR_TSC_AUX:
      // Bits 63:32 are reserved (SDM vol. 4 table 2-2).
      requireTscAux(cpu);
      if (v >> 32n) throw new CpuFault(GP, 0);
      cpu.msr.set(index, v);
      return;
  }
  if (BENIGN.has(index)) return;
  if (isPmuMsr(cpu, index)) return writePmuMsr(cpu, index, v);
  throw new CpuFault(GP, 0);
}

define(0x130, "wrmsr", (cpu) => {
  requireFeature(cpu, FEAT_MSR);
  cpu.requireCpl0();
  if (cpu.v86) throw new CpuFault(GP, 0);
  const v = (BigInt(cpu.st[EDX] >>> 0) << 32n) | BigInt(cpu.st[EAX] >>> 0);
  msrWrite(cpu, cpu.st[ECX] >>> 0, v);
});
define(0x132, "rdmsr", (cpu) => {
  requireFeature(cpu, FEAT_MSR);
  cpu.requireCpl0();
  if (cpu.v86) throw new CpuFault(GP, 0);
  const v = msrRead(cpu, cpu.st[ECX] >>> 0);
  cpu.st[EAX] = Number(v & 0xffffffffn);
  cpu.st[EDX] = Number(v >> 32n);
});
define(0x131, "rdtsc", (cpu) => {
  requireFeature(cpu, FEAT_TSC);
  checkTsd(cpu);
  const v = tsc(cpu);
  cpu.st[EAX] = Number(v & 0xffffffffn);
  cpu.st[EDX] = Number(v >> 32n);
});
define(0x1a2, "cpuid", (cpu) => {
  const [a, b, c, d] = cpuid(cpu.model, cpu.st[EAX] >>> 0, cpu.apicPresent, cpu.st[ECX] >>> 0);
  cpu.st[EAX] = a;
  cpu.st[EBX] = b;
  cpu.st[ECX] = c;
  cpu.st[EDX] = d;
});

/** SYSENTER (SDM vol. 2): flat ring-0 CS/SS derived from IA32_SYSENTER_CS. */
define(0x134, "sysenter", (cpu) => {
  requireFeature(cpu, FEAT_SEP);
  const cs = Number(cpu.msr.get(MSR_SYSENTER_CS) ?? 0n);
  if (!cpu.protectedMode || (cs & 0xfffc) === 0) throw new CpuFault(GP, 0);
  cpu.eflags = cpu.eflags & ~(VM | IF | RF);
  cpu.setSegment(CS, cs & 0xfffc, 0, 0xffffffff, 0xc09b);
  cpu.setSegment(SS, (cs + 8) & 0xfffc, 0, 0xffffffff, 0xc093);
  cpu.setCpl(0);
  cpu.st[ESP] = Number(cpu.msr.get(MSR_SYSENTER_ESP) ?? 0n);
  cpu.eip = Number(cpu.msr.get(MSR_SYSENTER_EIP) ?? 0n);
}, { endsBlock: true });
define(0x135, "sysexit", (cpu) => {
  requireFeature(cpu, FEAT_SEP);
  const cs = Number(cpu.msr.get(MSR_SYSENTER_CS) ?? 0n);
  if (!cpu.protectedMode || cpu.v86 || cpu.cpl !== 0 || (cs & 0xfffc) === 0) {
    throw new CpuFault(GP, 0);
  }
  cpu.setSegment(CS, ((cs + 16) & 0xfffc) | 3, 0, 0xffffffff, 0xc0fb);
  cpu.setSegment(SS, ((cs + 24) & 0xfffc) | 3, 0, 0xffffffff, 0xc0f3);
  cpu.setCpl(3);
  cpu.st[ESP] = cpu.st[ECX];
  cpu.eip = cpu.st[EDX];
}, { endsBlock: true });

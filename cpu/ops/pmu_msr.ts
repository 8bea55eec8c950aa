import type { Cpu } from "../cpu.ts";

/**
 * The legacy AMD performance-monitor MSRs (AMD64 APM vol. 2 §13.2.1): PerfEvtSel0–3 at
 * 0xC0010000–3 and PerfCtr0–3 at 0xC0010004–7. Every AMD processor since the K7 has them,
 * whatever CPUID says, so software (kvm-unit-tests' library among others) writes them
 * without probing. Intel models have no architectural PMU here (CPUID leaf 0xA is zero) and
 * no such MSRs.
 *
 * No event is counted: the registers hold what is written, as QEMU's TCG does, which
 * is what a guest that only resets or saves them needs.
 */
const EVNTSEL0 = 0xc0010000, PERFCTR0 = 0xc0010004, COUNTERS = 4;
/** The counters are 48 bits wide (APM vol. 2 §13.2.1). */
const COUNTER_MASK = (1n << 48n) - 1n;

function isAmd(cpu: Cpu): boolean {
  return cpu.model.vendor === "AuthenticAMD";
}

/** Whether `index` is one of the legacy PMU MSRs on `cpu`'s model. */
export function isPmuMsr(cpu: Cpu, index: number): boolean {
  return isAmd(cpu) && index >= EVNTSEL0 && index < PERFCTR0 + COUNTERS;
}

/** RDMSR of a legacy PMU MSR (check {@link isPmuMsr} first); zero until written. */
export function readPmuMsr(cpu: Cpu, index: number): bigint {
  return cpu.msr.get(index) ?? 0n;
}

/** WRMSR of a legacy PMU MSR (check {@link isPmuMsr} first). */
export function writePmuMsr(cpu: Cpu, index: number, v: bigint): void {
  cpu.msr.set(index, index >= PERFCTR0 ? v & COUNTER_MASK : v);
}

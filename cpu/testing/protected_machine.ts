/**
 * A bare CPU for instruction-level unit tests: RAM, no devices, ring 0 in flat 32-bit protected
 * mode with paging off. Instructions run one at a time from a fixed address, the way the
 * interpreter runs them, and faults surface as thrown {@link CpuFault}s.
 */
import assert from "node:assert/strict";
import { RangeBus } from "../../devices/bus/range_bus.ts";
import { PhysicalMemory } from "../../devices/memory/mod.ts";
import { Cpu } from "../cpu.ts";
import { findCpuModel } from "../cpu_model.ts";
import { CpuFault } from "../fault.ts";
import "../ops/mod.ts";
import { writeCr0 } from "../ops/system.ts";
import { executeOne } from "../run.ts";
import { CS, DS, EAX, EBX, ECX, EDX, ES, FS, GS, S_EIP, SS } from "../state_layout.ts";

/** Where {@link exec} places the instruction it runs (identity mapped when paging is on). */
export const CODE = 0x10000;

/** Register values to set before an instruction runs. */
export interface Regs {
  eax?: number;
  ebx?: number;
  ecx?: number;
  edx?: number;
}

/**
 * A ring-0 CPU of `model` (a `-cpu` name) in flat 32-bit protected mode, with `ramMiB` of RAM.
 * Selectors 0x08 (code) and 0x10 (data) are loaded into the caches only: no GDT is built.
 */
export function protectedMachine(model = "max", options: { ramMiB?: number } = {}): Cpu {
  const phys = new PhysicalMemory({ ramSize: (options.ramMiB ?? 8) << 20 });
  const cpu = new Cpu(phys, new RangeBus("io", 0x10000));
  const m = findCpuModel(model);
  if (!m) throw new Error(`no CPU model ${model}`);
  cpu.model = m;
  writeCr0(cpu, 0x11);
  cpu.setSegment(CS, 0x08, 0, 0xffffffff, 0xc09b);
  for (const s of [SS, DS, ES, FS, GS]) cpu.setSegment(s, 0x10, 0, 0xffffffff, 0xc093);
  cpu.updateMode();
  return cpu;
}

/** Executes the one instruction `bytes` at {@link CODE} after setting `regs`. */
export function exec(cpu: Cpu, bytes: number[], regs: Regs = {}): void {
  if (regs.eax !== undefined) cpu.st[EAX] = regs.eax;
  if (regs.ebx !== undefined) cpu.st[EBX] = regs.ebx;
  if (regs.ecx !== undefined) cpu.st[ECX] = regs.ecx;
  if (regs.edx !== undefined) cpu.st[EDX] = regs.edx;
  cpu.phys.writeBytes(CODE, new Uint8Array(bytes));
  cpu.invalidateFetch();
  cpu.st[S_EIP] = CODE;
  executeOne(cpu);
}

/** WRMSR of EDX:EAX to MSR `ecx`. */
export function wrmsr(cpu: Cpu, ecx: number, eax: number, edx = 0): void {
  exec(cpu, [0x0f, 0x30], { ecx, eax, edx });
}

/** RDMSR of MSR `ecx`: [EAX, EDX] unsigned. */
export function rdmsr(cpu: Cpu, ecx: number): [number, number] {
  exec(cpu, [0x0f, 0x32], { ecx });
  return [cpu.st[EAX] >>> 0, cpu.st[EDX] >>> 0];
}

/** CPUID leaf `eax` (sub-leaf `ecx`) as the guest sees it: [EAX, EBX, ECX, EDX] unsigned. */
export function guestCpuid(cpu: Cpu, eax: number, ecx = 0): number[] {
  exec(cpu, [0x0f, 0xa2], { eax, ecx });
  return [EAX, EBX, ECX, EDX].map((r) => cpu.st[r] >>> 0);
}

/** An `assert.throws` matcher for a CPU fault with `vector` and, when given, `errorCode`. */
export function isFault(vector: number, errorCode?: number): (e: unknown) => true {
  return (e: unknown) => {
    assert.ok(e instanceof CpuFault, `expected a CPU fault, got ${e}`);
    assert.equal(e.vector, vector, "vector");
    if (errorCode !== undefined) assert.equal(e.errorCode, errorCode, "error code");
    return true;
  };
}

import { RangeBus } from "../../devices/bus/range_bus.ts";
import { PhysicalMemory } from "../../devices/memory/mod.ts";
import type { FlatResult, FlatTestCase } from "../../tests/differential/types.ts";
import { Cpu } from "../cpu.ts";
import { CPU_MODELS, type CpuModel } from "../cpu_model.ts";
import { CpuFault } from "../fault.ts";
import "../ops/mod.ts";
import { executeOne } from "../run.ts";
import { CS, DS, ES, ESP, FS, GS, S_EIP, SS } from "../state_layout.ts";
import { Jit, type JitStats } from "../jit/jit.ts";
import { writeCr0 } from "../ops/system.ts";

const VECTOR_NAMES = [
  "#DE",
  "#DB",
  "NMI",
  "#BP",
  "#OF",
  "#BR",
  "#UD",
  "#NM",
  "#DF",
  "",
  "#TS",
  "#NP",
  "#SS",
  "#GP",
  "#PF",
];

const PAGE_DIR = 0x1000;
const CODE_PHYS = 0x100000;
const DATA_PHYS = 0x200000;
const MAX_STEPS = 100_000;

/**
 * Runs one flat 32-bit test case on the interpreter the way the host runs it:
 * user mode (CPL 3, IOPL 0) with flat 4 GiB segments, the code and data
 * areas mapped at their linear addresses by 4 KiB pages, everything else
 * unmapped. Stops when EIP reaches the end of the code, or at the first fault.
 */
let shared: { phys: PhysicalMemory; cpu: Cpu } | undefined;
let sharedJit: { phys: PhysicalMemory; cpu: Cpu; jit: Jit } | undefined;

/** Options of {@link runFlat32} and {@link runFlat32Jit}: the machine a case runs on. */
export interface FlatRunOptions {
  /** The model CPUID reports and the feature checks follow. @default CPU_MODELS[0] */
  model?: CpuModel;
  /**
   * CR4 bits set after the reset, such as those an OS sets to enable SSE (CR4.OSFXSR,
   * CR4.OSXMMEXCPT). @default 0
   */
  cr4?: number;
}

/** Runs `tc` on the interpreter alone. */
export function runFlat32(tc: FlatTestCase, options: FlatRunOptions = {}): FlatResult {
  // One machine serves every case: RAM is cleared and the CPU reset each time.
  shared ??= (() => {
    const phys = new PhysicalMemory({ ramSize: 4 << 20 });
    return { phys, cpu: new Cpu(phys, new RangeBus("io", 0x10000)) };
  })();
  return runOn(shared.phys, shared.cpu, tc, undefined, options);
}

/**
 * Runs `tc` with the JIT compiling every block on first sight (the interpreter takes only what
 * the compiler leaves), for comparing compiled code with the interpreter and the host.
 */
export function runFlat32Jit(tc: FlatTestCase, options: FlatRunOptions = {}): FlatResult {
  sharedJit ??= (() => {
    const phys = new PhysicalMemory({ ramSize: 4 << 20 });
    const cpu = new Cpu(phys, new RangeBus("io", 0x10000));
    const jit = new Jit(cpu, { threshold: 1, batch: 1, maxWastedTranslations: Infinity });
    cpu.jit = jit;
    return { phys, cpu, jit };
  })();
  return runOn(sharedJit.phys, sharedJit.cpu, tc, sharedJit.jit, options);
}

/** What the JIT of {@link runFlat32Jit} has done so far (to show that compiled code ran). */
export function flatJitStats(): JitStats | undefined {
  return sharedJit?.jit.stats;
}

function runOn(
  phys: PhysicalMemory,
  cpu: Cpu,
  tc: FlatTestCase,
  jit: Jit | undefined,
  options: FlatRunOptions,
): FlatResult {
  phys.u8.fill(0, 0, 4 << 20);
  cpu.reset();
  // The machine is shared between cases: every case names its model (reset leaves it alone).
  cpu.model = options.model ?? CPU_MODELS[0];
  cpu.mmu.cr4 |= options.cr4 ?? 0;
  const codePages = Math.ceil(((tc.codeAddress & 0xfff) + tc.code.length + 1) / 0x1000);
  const dataPages = Math.ceil(((tc.dataAddress & 0xfff) + tc.data.length) / 0x1000);
  phys.writeBytes(CODE_PHYS + (tc.codeAddress & 0xfff), tc.code);
  // HLT after the code: compiled blocks stop before it (it is left to the interpreter).
  phys.write8(CODE_PHYS + (tc.codeAddress & 0xfff) + tc.code.length, 0xf4);
  phys.writeBytes(DATA_PHYS + (tc.dataAddress & 0xfff), tc.data);
  let nextTable = 0x2000;
  const map = (lin: number, pa: number) => {
    const pdi = lin >>> 22;
    let pde = phys.read32(PAGE_DIR + pdi * 4);
    if (!(pde & 1)) {
      pde = nextTable | 7;
      nextTable += 0x1000;
      phys.write32(PAGE_DIR + pdi * 4, pde);
    }
    phys.write32((pde & ~0xfff) + ((lin >>> 12) & 0x3ff) * 4, pa | 7);
  };
  for (let i = 0; i < codePages; i++) {
    map((tc.codeAddress & ~0xfff) + i * 0x1000, CODE_PHYS + i * 0x1000);
  }
  for (let i = 0; i < dataPages; i++) {
    map((tc.dataAddress & ~0xfff) + i * 0x1000, DATA_PHYS + i * 0x1000);
  }

  cpu.mmu.cr3 = PAGE_DIR;
  writeCr0(cpu, 0x80000011);
  cpu.setSegment(CS, 0x1b, 0, 0xffffffff, 0xc0fb);
  for (const s of [SS, DS, ES, FS, GS]) cpu.setSegment(s, 0x23, 0, 0xffffffff, 0xc0f3);
  cpu.setCpl(3);
  for (let r = 0; r < 8; r++) cpu.st[r] = tc.regs[r];
  cpu.eflags = tc.eflags;
  cpu.st[S_EIP] = tc.codeAddress;

  const end = (tc.codeAddress + tc.code.length) | 0;
  let fault: string | undefined;
  for (let n = 0; n < MAX_STEPS && cpu.st[S_EIP] !== end; n++) {
    try {
      // The first look at a block compiles it; the second runs it.
      const retired = jit ? jit.enter(MAX_STEPS) || jit.enter(MAX_STEPS) : 0;
      if (retired === 0) executeOne(cpu);
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      if (jit?.inBlock) {
        jit.faulted();
        cpu.st[S_EIP] = cpu.startEip;
        cpu.st[ESP] = cpu.startEsp;
      }
      fault = VECTOR_NAMES[e.vector] || `vector ${e.vector}`;
      break;
    }
  }
  if (!fault && cpu.st[S_EIP] !== end) fault = "step limit";
  const regs = new Uint32Array(8);
  for (let r = 0; r < 8; r++) regs[r] = cpu.st[r];
  const data = phys.readBytes(DATA_PHYS + (tc.dataAddress & 0xfff), tc.data.length);
  return { regs, eflags: cpu.eflags >>> 0, data, fault };
}

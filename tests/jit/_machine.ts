/**
 * A CPU without a board for the JIT tests: 32-bit protected mode with a GDT (flat ring 0 and
 * ring 3 segments, a TSS for the ring 0 stack), an IDT whose handlers run at CPL 0, and paging
 * that maps the first 4 MiB at their own addresses. The same scenario runs on the interpreter
 * alone and with the JIT compiling every block on first sight, and the two are compared.
 *
 * @module
 */

import { RangeBus } from "../../devices/bus/range_bus.ts";
import { PhysicalMemory } from "../../devices/memory/mod.ts";
import { Cpu } from "../../cpu/cpu.ts";
import "../../cpu/ops/mod.ts";
import { run } from "../../cpu/run.ts";
import { type CompiledModule, Jit, type JitOptions } from "../../cpu/jit/jit.ts";
import { writeCr0 } from "../../cpu/ops/system.ts";
import {
  CS,
  DS,
  EAX,
  EBX,
  ES,
  ESP,
  FS,
  GS,
  S_EIP,
  S_GDTR_BASE,
  S_GDTR_LIMIT,
  S_IDTR_BASE,
  S_IDTR_LIMIT,
  SS,
  TR,
} from "../../cpu/state_layout.ts";
import { ALU, Asm } from "./_asm.ts";

/** Guest RAM: fixed, since addresses in compiled code depend on it. */
export const RAM_SIZE = 4 << 20;
/** Physical (and linear) addresses of the system structures. */
export const GDT = 0x0800, TSS = 0x0900, IDT = 0x1000, PAGE_DIR = 0x2000, PAGE_TABLE = 0x3000;
/** Exception handlers (one page) and the ring 0 stack (the page below its top). */
export const HANDLERS = 0x8000, KERNEL_STACK_TOP = 0xb000;
/** Where the tests put their code, data and user stack. */
export const CODE = 0x10000, DATA = 0x20000, STACK_TOP = 0x80000;
/** Selectors of the GDT built here. */
export const KERNEL_CS = 0x08, KERNEL_DS = 0x10, USER_CS = 0x1b, USER_DS = 0x23, TSS_SEL = 0x28;

/** #DE, #BP, #GP and #PF. */
export const DE = 0, BP = 3, GP = 13, PF = 14;

/** Architectural state that the two tiers must agree on. */
export interface State {
  /** EAX ECX EDX EBX ESP EBP ESI EDI, unsigned. */
  regs: number[];
  eip: number;
  eflags: number;
  cr2: number;
}

/** An exception or interrupt as it was delivered, with the state the handler was handed. */
export interface Delivery {
  vector: number;
  errorCode: number;
  /** State at delivery: EIP is the address the handler returns to. */
  state: State;
}

/** Options of {@link TestMachine}. */
export interface TestMachineOptions {
  /**
   * The JIT's options, or false for the interpreter alone.
   * @default { threshold: 1, batch: 1, maxWastedTranslations: Infinity }
   */
  jit?: JitOptions | false;
  /** Run the code at CPL 3 (handlers and the TSS stack at CPL 0). @default false */
  user?: boolean;
}

/** The JIT configuration of these tests: every block compiled on first sight, alone. */
export const EAGER_JIT: JitOptions = { threshold: 1, batch: 1, maxWastedTranslations: Infinity };

/**
 * Default handlers: #PF halts (so a test can look at the machine), then maps the page CR2 names
 * (present, writable, user) and returns to retry the access; #BP (INT3, allowed from CPL 3) halts
 * for good, the way a test program ends in user mode; any other vector halts for good too.
 */
function defaultHandlers(): { asm: Asm; pf: number; stop: number } {
  const a = new Asm(HANDLERS);
  a.label("stop").hlt().jmp("stop");
  a.label("pf").hlt();
  a.push(EAX).push(EBX);
  a.movFromCr2(EAX).mov(EBX, EAX).shrImm(EBX, 12);
  a.aluImm(ALU.AND, EAX, 0xfffff000).aluImm(ALU.OR, EAX, 7);
  a.storeScaled(PAGE_TABLE, EBX, EAX).invlpg(EAX);
  a.pop(EBX).pop(EAX);
  a.aluImm(ALU.ADD, ESP, 4); // the error code
  a.iret();
  a.assemble();
  return { asm: a, pf: a.address("pf"), stop: a.address("stop") };
}

/** One CPU and its memory, set up as the module comment says. */
export class TestMachine {
  readonly phys: PhysicalMemory = new PhysicalMemory({ ramSize: RAM_SIZE });
  readonly cpu: Cpu = new Cpu(this.phys, new RangeBus("io", 0x10000));
  readonly jit: Jit | undefined;
  /** Modules the JIT compiled, in order. */
  readonly modules: CompiledModule[] = [];
  /** Every exception and interrupt delivered, in order. */
  readonly deliveries: Delivery[] = [];
  readonly #user: boolean;

  constructor(options: TestMachineOptions = {}) {
    const cpu = this.cpu, phys = this.phys, st = cpu.st;
    this.#user = options.user ?? false;
    const jitOptions = options.jit ?? EAGER_JIT;
    if (jitOptions !== false) {
      this.jit = new Jit(cpu, { ...jitOptions, onModule: (m) => this.modules.push(m) });
      cpu.jit = this.jit;
    }
    // GDT: null, ring 0 code and data, ring 3 code and data (flat, 4 KiB granular), the TSS.
    const gdt = [
      [0, 0],
      [0x0000ffff, 0x00cf9b00],
      [0x0000ffff, 0x00cf9300],
      [0x0000ffff, 0x00cffb00],
      [0x0000ffff, 0x00cff300],
      [(TSS << 16) | 0x67, 0x00008900 | (TSS >>> 16)],
    ];
    gdt.forEach(([lo, hi], i) => {
      phys.write32(GDT + i * 8, lo);
      phys.write32(GDT + i * 8 + 4, hi);
    });
    st[S_GDTR_BASE] = GDT;
    st[S_GDTR_LIMIT] = gdt.length * 8 - 1;
    phys.write32(TSS + 4, KERNEL_STACK_TOP); // ESP0
    phys.write32(TSS + 8, KERNEL_DS); // SS0
    // IDT: 32-bit interrupt gates to the default handlers; INT3 may be raised from CPL 3.
    const handlers = defaultHandlers();
    phys.writeBytes(HANDLERS, handlers.asm.assemble());
    for (let v = 0; v < 256; v++) this.handle(v, v === PF ? handlers.pf : handlers.stop);
    st[S_IDTR_BASE] = IDT;
    st[S_IDTR_LIMIT] = 256 * 8 - 1;
    // Paging: one page table maps 0…4 MiB to itself, present, writable, user.
    phys.write32(PAGE_DIR, PAGE_TABLE | 7);
    for (let p = 0; p < 1024; p++) phys.write32(PAGE_TABLE + p * 4, (p << 12) | 7);
    cpu.mmu.cr3 = PAGE_DIR;
    writeCr0(cpu, 0x80000011); // PG, PE, ET
    const user = this.#user;
    cpu.setSegment(CS, user ? USER_CS : KERNEL_CS, 0, 0xffffffff, user ? 0xc0fb : 0xc09b);
    for (const s of [SS, DS, ES, FS, GS]) {
      cpu.setSegment(s, user ? USER_DS : KERNEL_DS, 0, 0xffffffff, user ? 0xc0f3 : 0xc093);
    }
    cpu.setSegment(TR, TSS_SEL, TSS, 0x67, 0x008b);
    cpu.setCpl(user ? 3 : 0);
    cpu.eflags = 0x2;
    cpu.st[ESP] = STACK_TOP;
    cpu.onInterrupt = (vector, errorCode) => {
      this.deliveries.push({ vector, errorCode, state: this.state() });
    };
  }

  /** Points IDT vector `vector` at `handler` (DPL 3 for #BP, so INT3 works from user mode). */
  handle(vector: number, handler: number): void {
    const dpl = vector === BP ? 3 : 0;
    this.phys.write32(IDT + vector * 8, (KERNEL_CS << 16) | (handler & 0xffff));
    this.phys.write32(IDT + vector * 8 + 4, (handler & 0xffff0000) | 0x8e00 | (dpl << 13));
  }

  /** Copies assembled code to its origin (as a loader would). */
  load(asm: Asm): void {
    this.phys.writeBytes(asm.origin, asm.assemble());
  }

  /** Maps the page of linear address `lin` to physical page `pa` (writable, user). */
  map(lin: number, pa: number): void {
    this.phys.write32(PAGE_TABLE + ((lin >>> 12) & 0x3ff) * 4, (pa & ~0xfff) | 7);
    this.cpu.mmu.flushPage(lin);
  }

  /** Makes the page holding linear address `lin` not present (and drops it from the TLB). */
  unmap(lin: number): void {
    this.phys.write32(PAGE_TABLE + ((lin >>> 12) & 0x3ff) * 4, 0);
    this.cpu.mmu.flushPage(lin);
  }

  /** Sets EIP and clears HLT, ready to run. */
  start(eip: number): void {
    this.cpu.st[S_EIP] = eip;
    this.cpu.halted = false;
  }

  /**
   * Runs (clearing HLT first) until the CPU halts; returns the instructions retired. Throws past
   * `limit` instructions, so a program that does not halt fails instead of hanging.
   */
  runToHalt(limit = 1_000_000): number {
    const cpu = this.cpu;
    cpu.halted = false;
    const before = cpu.instructions;
    while (!cpu.halted) {
      if (cpu.instructions - before >= limit) {
        throw new Error(`no HLT within ${limit} instructions (EIP ${cpu.eip.toString(16)})`);
      }
      run(cpu, 50_000);
    }
    return cpu.instructions - before;
  }

  /** The registers, EIP, EFLAGS and CR2 now. */
  state(): State {
    const cpu = this.cpu;
    return {
      regs: Array.from({ length: 8 }, (_, r) => cpu.st[r] >>> 0),
      eip: cpu.eip >>> 0,
      eflags: cpu.eflags >>> 0,
      cr2: cpu.mmu.cr2 >>> 0,
    };
  }
}

/** A machine for each tier: the interpreter alone, and the JIT with `jit` options. */
export function bothTiers(
  options: { user?: boolean; jit?: JitOptions } = {},
): { interp: TestMachine; jit: TestMachine } {
  return {
    interp: new TestMachine({ user: options.user, jit: false }),
    jit: new TestMachine({ user: options.user, jit: options.jit ?? EAGER_JIT }),
  };
}

/** What one tier did with a program: its final state and the instructions it retired. */
export interface TierRun {
  machine: TestMachine;
  state: State;
  instructions: number;
}

/**
 * Loads `code` into a machine of each tier, runs both from `entry` until HLT and returns what
 * each did (the caller compares them).
 */
export function runBothTiers(
  code: Asm[],
  entry: number,
  options: { user?: boolean; jit?: JitOptions } = {},
): { interp: TierRun; jit: TierRun } {
  const machines = bothTiers(options);
  const go = (machine: TestMachine): TierRun => {
    for (const asm of code) machine.load(asm);
    machine.start(entry);
    const instructions = machine.runToHalt();
    return { machine, state: machine.state(), instructions };
  };
  return { interp: go(machines.interp), jit: go(machines.jit) };
}

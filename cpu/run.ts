import type { Cpu } from "./cpu.ts";
import { REP_NZ, REP_Z } from "./cpu.ts";
import { IF, TF } from "./eflags.ts";
import { CpuFault, DB, DF_, isContributory, NMI, PF_, TripleFault, UD } from "./fault.ts";
import { deliverInterrupt } from "./interrupts.ts";
import { ENDS_BLOCK, HANDLERS, LOCKABLE } from "./opcode_table.ts";
import { ESP, S_DR, S_EFLAGS, S_EIP } from "./state_layout.ts";

/** DR6.BS: the debug exception was a single-step trap. */
const DR6_BS = 1 << 14;

/** Decodes the prefixes and opcode of one instruction and executes it. */
export function executeOne(cpu: Cpu): void {
  const st = cpu.st;
  cpu.startEip = st[S_EIP];
  cpu.startEsp = st[ESP];
  const code32 = cpu.code32;
  cpu.o32 = code32;
  cpu.a32 = code32;
  cpu.segOverride = -1;
  cpu.rep = 0;
  cpu.lock = false;
  cpu.clearLengthLimit();
  let op = cpu.fetch8();
  for (let n = 1;; n++) {
    if (n === 4) cpu.limitLength();
    switch (op) {
      case 0x66:
        cpu.o32 = !code32;
        break;
      case 0x67:
        cpu.a32 = !code32;
        break;
      case 0x26:
      case 0x2e:
      case 0x36:
      case 0x3e:
        cpu.segOverride = (op >> 3) & 3;
        break;
      case 0x64:
      case 0x65:
        cpu.segOverride = op - 0x60;
        break;
      case 0xf0:
        cpu.lock = true;
        break;
      case 0xf2:
        cpu.rep = REP_NZ;
        break;
      case 0xf3:
        cpu.rep = REP_Z;
        break;
      default:
        if (op === 0x0f) op = 0x100 | cpu.fetch8();
        if (cpu.lock && !LOCKABLE[op]) throw new CpuFault(UD);
        cpu.opcode = op;
        HANDLERS[op](cpu);
        return;
    }
    op = cpu.fetch8();
  }
}

/** Why `run` returned. */
export const RUN_BUDGET = 0, RUN_HALTED = 1, RUN_STOPPED = 2;

/**
 * Executes up to `budget` instructions, delivering pending interrupts
 * between instructions. Returns when the budget is spent, the CPU halts,
 * or `cpu.stopRequested` is set (e.g. by a device asking the machine to exit).
 * Throws TripleFault on shutdown.
 */
export function run(cpu: Cpu, budget: number): number {
  const st = cpu.st;
  cpu.stopRequested = false;
  const jit = cpu.jit;
  let done = 0;
  let result = RUN_BUDGET;
  // The next instruction starts a block: where compiled code may be found (or counted).
  let blockStart = true;
  // The last thing that ran was a compiled block: the instruction it stopped at runs here, and
  // the one after it starts a block again.
  let afterBlock = false;
  while (done < budget) {
    try {
      while (done < budget) {
        if (cpu.shadow) cpu.shadow = false;
        else if (cpu.nmiPending && !cpu.nmiBlocked) {
          takeNmi(cpu);
          blockStart = true;
        } else if ((st[S_EFLAGS] & IF) !== 0 && cpu.interrupts !== undefined) {
          if (cpu.interrupts.hasInterrupt()) {
            takeExternalInterrupt(cpu);
            blockStart = true;
          }
        }
        if (cpu.halted) {
          result = RUN_HALTED;
          break;
        }
        if (blockStart && jit !== undefined) {
          const retired = jit.enter(budget - done);
          if (retired > 0) {
            done += retired;
            afterBlock = true;
            if (cpu.stopRequested) {
              result = RUN_STOPPED;
              break;
            }
            continue;
          }
        }
        const trap = st[S_EFLAGS] & TF;
        cpu.trapShadow = false;
        executeOne(cpu);
        done++;
        blockStart = ENDS_BLOCK[cpu.opcode] === 1 || afterBlock;
        afterBlock = false;
        if (trap && !cpu.trapShadow) {
          st[S_DR + 6] |= DR6_BS;
          deliverException(cpu, DB, -1);
        }
        if (cpu.stopRequested) {
          result = RUN_STOPPED;
          break;
        }
      }
      break;
    } catch (e) {
      if (!(e instanceof CpuFault)) throw e;
      // A helper called from compiled code faulted: the chain's earlier instructions retired.
      if (jit?.inBlock) done += jit.faulted();
      done++;
      st[S_EIP] = cpu.startEip;
      st[ESP] = cpu.startEsp;
      deliverException(cpu, e.vector, e.errorCode);
      blockStart = true;
      if (cpu.stopRequested) {
        result = RUN_STOPPED;
        break;
      }
    }
  }
  cpu.instructions += done;
  jit?.flush();
  return result;
}

/** Delivers a pending NMI through vector 2 and blocks NMIs until the next IRET. */
function takeNmi(cpu: Cpu): void {
  cpu.nmiPending = false;
  cpu.nmiBlocked = true;
  cpu.halted = false;
  try {
    deliverInterrupt(cpu, NMI, { software: false, external: true, errorCode: -1 });
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    deliverException(cpu, e.vector, e.errorCode);
  }
}

/** Accepts an external interrupt (INTR) and delivers it (SDM vol. 3 §6.8.1). */
function takeExternalInterrupt(cpu: Cpu): void {
  const vector = cpu.interrupts!.acknowledge();
  cpu.halted = false;
  try {
    deliverInterrupt(cpu, vector, { software: false, external: true, errorCode: -1 });
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    deliverException(cpu, e.vector, e.errorCode);
  }
}

/**
 * Delivers an exception, escalating to #DF and to a triple fault per SDM
 * vol. 3 table 6-5 when delivery itself faults.
 */
export function deliverException(cpu: Cpu, vector: number, errorCode: number): void {
  try {
    deliverInterrupt(cpu, vector, { software: false, external: true, errorCode });
  } catch (e) {
    if (!(e instanceof CpuFault)) throw e;
    if (vector === DF_) throw new TripleFault();
    const second = e.vector;
    const escalate = (isContributory(vector) && isContributory(second)) ||
      (vector === PF_ && (second === PF_ || isContributory(second)));
    if (escalate) deliverException(cpu, DF_, 0);
    else deliverException(cpu, second, e.errorCode);
  }
}

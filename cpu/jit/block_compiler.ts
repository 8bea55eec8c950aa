import binaryen from "binaryen";
import { ARITH } from "../eflags.ts";
import type { DecodedInstruction } from "./decoder.ts";
import { type CodeLayout, IMPORTS, TABLE, type Val, WasmEmitter } from "./wasm_emitter.ts";

const i32 = binaryen.i32;

/** Flags an instruction reads or writes, resolving group entries by their ModRM.reg. */
function flagsOf(insn: DecodedInstruction, which: "reads" | "writes"): number {
  const f = insn.entry[which];
  return typeof f === "function" ? f(insn.reg) : f;
}

/** The instruction may raise an exception (it touches memory or the stack, or divides). */
function mayFault(insn: DecodedInstruction): boolean {
  return insn.mem !== undefined || insn.entry.stack === true ||
    insn.entry.faults?.(insn.reg) === true;
}

/**
 * Whether the flags instruction `i` writes are overwritten before anything can observe them:
 * a later instruction writes all six before any instruction reads a flag or may fault (a fault
 * shows the flags to the exception handler), and before the block ends.
 */
export function flagsDeadAfter(insns: DecodedInstruction[], i: number): boolean {
  for (let j = i + 1; j < insns.length; j++) {
    const insn = insns[j];
    if (flagsOf(insn, "reads") !== 0 || mayFault(insn)) return false;
    if (flagsOf(insn, "writes") === ARITH) return true;
  }
  return false;
}

/** Where a block may chain to: the link cell for a direct target, if it can have one. */
export type Linker = (target: number) => number | undefined;

/**
 * Adds the function `name` for one block: its parameter is the count of instructions retired by
 * the blocks chained before it, its result that count with its own added. Direct exits for which
 * `link` gives a cell go on to the block linked there; other exits look in the jump cache (when
 * the layout has one: blocks of a code segment with base 0, where EIP is the linear address).
 */
export function compileBlock(
  m: binaryen.Module,
  layout: CodeLayout,
  insns: DecodedInstruction[],
  name: string,
  link: Linker,
  user: number,
): void {
  const e = new WasmEmitter(m, layout);
  const last = insns.length - 1;
  for (let i = 0; i <= last; i++) {
    const insn = insns[i];
    e.begin(insn, i, flagsDeadAfter(insns, i));
    if (insn.simd !== undefined) e.simd(insn.simd);
    else if (insn.x87 !== undefined) e.x87(insn.x87);
    else if (insn.interpreted) e.interpret();
    else insn.entry.run(e);
    // A store into a page holding translated code may have rewritten what follows: leave.
    if (i < last && e.wroteMemory) {
      e.body.push(m.if(m.local.get(e.codeWritten, i32), e.leave({ k: insn.next }, i + 1)));
    }
  }
  const n = insns.length;
  const exit = e.exit;
  const leaveFor = (target: Val): binaryen.ExpressionRef => {
    const cell = "k" in target ? link(target.k) : undefined;
    if (cell !== undefined) return e.chain((target as { k: number }).k, n, cell);
    return layout.jumpCache !== 0 ? e.chainThroughCache(target, n, user) : e.leave(target, n);
  };
  if (exit === undefined) e.body.push(leaveFor({ k: insns[last].next }));
  else {
    if (exit.cond !== undefined) {
      e.body.push(m.if(e.get(exit.cond), leaveFor(exit.target)));
      e.body.push(leaveFor({ k: insns[last].next }));
    } else e.body.push(leaveFor(exit.target));
  }
  m.addFunction(name, binaryen.createType([i32]), i32, e.locals, m.block(null, e.body));
  m.addFunctionExport(name, name);
}

/** A module for a batch of blocks, importing the shared memory and the runtime helpers. */
export function newBlockModule(memoryPages: number): binaryen.Module {
  const m = new binaryen.Module();
  m.setFeatures(
    binaryen.Features.MVP | binaryen.Features.Atomics | binaryen.Features.TailCall |
      binaryen.Features.ReferenceTypes | binaryen.Features.SIMD128,
  );
  m.setMemory(memoryPages, memoryPages, null, [], true, false, "0");
  m.addMemoryImport("0", "env", "memory", true);
  m.addTable(TABLE, 1, -1);
  m.addTableImport(TABLE, "env", TABLE);
  const t = (n: number) => binaryen.createType(new Array(n).fill(i32));
  m.addFunctionImport(IMPORTS.read, "env", IMPORTS.read, t(4), i32);
  m.addFunctionImport(IMPORTS.write, "env", IMPORTS.write, t(5), i32);
  m.addFunctionImport(IMPORTS.readSeg, "env", IMPORTS.readSeg, t(5), i32);
  m.addFunctionImport(IMPORTS.writeSeg, "env", IMPORTS.writeSeg, t(6), i32);
  m.addFunctionImport(IMPORTS.flags, "env", IMPORTS.flags, t(1), i32);
  m.addFunctionImport(IMPORTS.cond, "env", IMPORTS.cond, t(1), i32);
  m.addFunctionImport(IMPORTS.helper, "env", IMPORTS.helper, t(6), i32);
  m.addFunctionImport(IMPORTS.interpret, "env", IMPORTS.interpret, t(3), i32);
  return m;
}

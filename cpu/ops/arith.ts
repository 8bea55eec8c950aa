import type { Cpu } from "../cpu.ts";
import { alu as aluSemantics, dec as decSemantics, inc as incSemantics } from "../semantics/alu.ts";

export { ADC, ADD, AND, CMP, OR, SBB, SUB, XOR } from "../semantics/alu.ts";
export { sizeMask } from "../semantics/emitter.ts";

/** ALU operation `op` (cpu/semantics/alu.ts) run by the interpreter. */
export function alu(cpu: Cpu, op: number, size: number, a: number, b: number): number {
  return aluSemantics(cpu.emit, op, size, a, b);
}

/** INC run by the interpreter. */
export function inc(cpu: Cpu, size: number, a: number): number {
  return incSemantics(cpu.emit, size, a);
}

/** DEC run by the interpreter. */
export function dec(cpu: Cpu, size: number, a: number): number {
  return decSemantics(cpu.emit, size, a);
}

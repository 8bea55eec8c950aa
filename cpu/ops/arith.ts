import type { Cpu } from "../cpu.ts";
import { CF } from "../eflags.ts";
import { LAZY_ADD, LAZY_SUB } from "../state_layout.ts";
import { readFlag, setArith, setIncDec, setResult } from "../lazy_flags.ts";

/** ALU operation numbers as encoded in opcode bits 3–5 and group-1 ModRM.reg. */
export const ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;

/** All-ones mask of an operand size in bytes (int32 -1 for 4). */
export function sizeMask(size: number): number {
  return size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
}

/** Computes ALU operation `op` on operands of `size` bytes, records flags, returns the result. */
export function alu(cpu: Cpu, op: number, size: number, a: number, b: number): number {
  const st = cpu.st;
  const mask = sizeMask(size);
  const msb = size * 8 - 1;
  a &= mask;
  b &= mask;
  let r: number;
  switch (op) {
    case ADD:
      r = (a + b) & mask;
      setArith(st, LAZY_ADD, a, b, r, msb);
      return r;
    case OR:
      r = (a | b) & mask;
      setResult(st, r, msb, 0);
      return r;
    case ADC:
      r = (a + b + readFlag(st, CF)) & mask;
      setArith(st, LAZY_ADD, a, b, r, msb);
      return r;
    case SBB:
      r = (a - b - readFlag(st, CF)) & mask;
      setArith(st, LAZY_SUB, a, b, r, msb);
      return r;
    case AND:
      r = a & b & mask;
      setResult(st, r, msb, 0);
      return r;
    case XOR:
      r = (a ^ b) & mask;
      setResult(st, r, msb, 0);
      return r;
    default: // SUB, CMP
      r = (a - b) & mask;
      setArith(st, LAZY_SUB, a, b, r, msb);
      return r;
  }
}

export function inc(cpu: Cpu, size: number, a: number): number {
  const mask = sizeMask(size);
  const r = (a + 1) & mask;
  setIncDec(cpu.st, LAZY_ADD, a & mask, r, size * 8 - 1);
  return r;
}

export function dec(cpu: Cpu, size: number, a: number): number {
  const mask = sizeMask(size);
  const r = (a - 1) & mask;
  setIncDec(cpu.st, LAZY_SUB, a & mask, r, size * 8 - 1);
  return r;
}

/** NEG: 0 − a, with CF = (a ≠ 0). */
export function neg(cpu: Cpu, size: number, a: number): number {
  const mask = sizeMask(size);
  const r = (-a) & mask;
  setArith(cpu.st, LAZY_SUB, 0, a & mask, r, size * 8 - 1);
  return r;
}

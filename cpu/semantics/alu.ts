import { ARITH, CF } from "../eflags.ts";
import { LAZY_ADD, LAZY_SUB } from "../state_layout.ts";
import type { Emitter } from "./emitter.ts";

/** ALU operation numbers as encoded in opcode bits 3–5 and group-1 ModRM.reg. */
export const ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;

/** Flags an ALU operation reads: ADC and SBB take CF in. */
export function aluReads(op: number): number {
  return op === ADC || op === SBB ? CF : 0;
}

/** Every ALU operation writes all six arithmetic flags. */
export const ALU_WRITES = ARITH;

/** ALU operation `op` on operands of `size` bytes: records the flags, returns the result. */
export function alu<V>(e: Emitter<V>, op: number, size: number, a: V, b: V): V {
  const msb = size * 8 - 1;
  const mask = size === 4 ? undefined : e.k(size === 2 ? 0xffff : 0xff);
  if (mask !== undefined) {
    a = e.and(a, mask);
    b = e.and(b, mask);
  }
  let r: V;
  switch (op) {
    case ADD:
      r = e.add(a, b);
      break;
    case ADC:
      r = e.add(e.add(a, b), e.flag(CF));
      break;
    case SBB:
      r = e.sub(e.sub(a, b), e.flag(CF));
      break;
    case OR:
      r = e.or(a, b);
      break;
    case AND:
      r = e.and(a, b);
      break;
    case XOR:
      r = e.xor(a, b);
      break;
    default: // SUB, CMP
      r = e.sub(a, b);
  }
  if (mask !== undefined && op !== AND) r = e.and(r, mask);
  if (op === OR || op === AND || op === XOR) e.setResult(r, msb, 0);
  else e.setArith(op === ADD || op === ADC ? LAZY_ADD : LAZY_SUB, a, b, r, msb);
  return r;
}

/** INC: `a` + 1 with CF unchanged (`a` zero-extended). */
export function inc<V>(e: Emitter<V>, size: number, a: V): V {
  let r = e.add(a, e.k(1));
  if (size !== 4) r = e.and(r, e.k(size === 2 ? 0xffff : 0xff));
  e.setIncDec(LAZY_ADD, a, r, size * 8 - 1);
  return r;
}

/** DEC: `a` − 1 with CF unchanged (`a` zero-extended). */
export function dec<V>(e: Emitter<V>, size: number, a: V): V {
  let r = e.sub(a, e.k(1));
  if (size !== 4) r = e.and(r, e.k(size === 2 ? 0xffff : 0xff));
  e.setIncDec(LAZY_SUB, a, r, size * 8 - 1);
  return r;
}

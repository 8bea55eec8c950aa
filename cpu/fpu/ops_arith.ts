/**
 * The arithmetic groups D8, DA, DC and DE (Intel SDM vol. 2 FADD, FSUB, FSUBR, FMUL, FDIV,
 * FDIVR and their FI/P forms), whose ModRM reg field selects add, mul, com, comp, sub, subr,
 * div, divr.
 */
import { type F80, INDEFINITE } from "./f80.ts";
import { add, div, mul, type OpResult } from "./arith.ts";
import { type Exec, loadOperand, memoryDenormal, type MemoryKind } from "./exec.ts";
import type { FpuState } from "./fpu_state.ts";
import type { RoundEnv } from "./rounding.ts";
import { compareToSt0 } from "./ops_compare.ts";
import { ZE } from "./status.ts";

/** reg-field values of the group operations (7 is DIVR). */
const ADD = 0, MUL = 1, COM = 2, COMP = 3, SUB = 4, SUBR = 5, DIV = 6;

/** dest op src for the six arithmetic reg-field values. */
function compute(op: number, dest: F80, src: F80, env: RoundEnv): OpResult {
  switch (op) {
    case ADD:
      return add(dest, src, env);
    case MUL:
      return mul(dest, src, env);
    case SUB:
      return add(dest, src, env, true);
    case SUBR:
      return add(src, dest, env, true);
    case DIV:
      return div(dest, src, env);
    default:
      return div(src, dest, env);
  }
}

/**
 * ST(dest) ← ST(dest) op src, then pop when `pop`. Empty operands take the stack-underflow
 * response (the indefinite in ST(dest)); an unmasked IE/DE/ZE leaves everything unchanged.
 */
function arithmetic(
  s: FpuState,
  op: number,
  dest: number,
  src: { reg: number } | { value: F80; flags: number },
  pop: boolean,
): void {
  const srcEmpty = "reg" in src && s.isEmpty(src.reg);
  if (s.isEmpty(0) || s.isEmpty(dest) || srcEmpty) {
    if (s.stackUnderflow()) {
      s.set(dest, INDEFINITE);
      if (pop) s.pop();
    }
    return;
  }
  const value = "reg" in src ? s.st(src.reg) : src.value;
  const r = compute(op, s.st(dest), value, s.roundEnv(true));
  // Division by zero reports ZE alone, even for a denormal memory dividend (measured).
  const operandFlags = r.flags & ZE ? 0 : memoryDenormal(s.st(dest), src);
  if (!s.signal(r.flags | operandFlags)) return;
  s.set(dest, r.value);
  s.setC1(r.up);
  if (pop) s.pop();
}

/** D8 /r, DC /r, DA /r, DE /r with a memory operand: ST(0) ← ST(0) op m, or FCOM(P)/FICOM(P) m. */
export function arithMemory(kind: MemoryKind): Exec {
  return (s, host, insn) => {
    const op = (insn.modrm >> 3) & 7;
    const src = loadOperand(host, insn.address, kind);
    if (op === COM || op === COMP) {
      compareToSt0(s, { value: src.value, flags: src.flags }, false, op === COMP ? 1 : 0);
      return;
    }
    arithmetic(s, op, 0, src, false);
  };
}

/** D8 /r with a register: ST(0) ← ST(0) op ST(i); D8 D0+i / D8+i are FCOM / FCOMP ST(i). */
export const arithSt0: Exec = (s, _host, insn) => {
  const op = (insn.modrm >> 3) & 7;
  const i = insn.modrm & 7;
  if (op === COM || op === COMP) {
    compareToSt0(s, { reg: i }, false, op === COMP ? 1 : 0);
    return;
  }
  arithmetic(s, op, 0, { reg: i }, false);
};

/**
 * DC and DE with a register: ST(i) ← ST(i) op ST(0), popping for DE. In these encodings the
 * sub/subr and div/divr reg values are swapped relative to D8 (DC E0+i is FSUBR ST(i), ST(0),
 * i.e. ST(i) ← ST(0) − ST(i)). reg 2/3 are FCOM/FCOMP aliases (DC D0–DF, DE D0–D7) and
 * DE D9 is FCOMPP.
 */
export function arithStI(pop: boolean): Exec {
  return (s, _host, insn) => {
    const op = (insn.modrm >> 3) & 7;
    const i = insn.modrm & 7;
    if (op === COM || op === COMP) {
      const pops = pop ? (op === COMP ? 2 : 1) : op === COMP ? 1 : 0;
      compareToSt0(s, { reg: i }, false, pops);
      return;
    }
    arithmetic(s, op >= SUB ? op ^ 1 : op, i, { reg: 0 }, pop);
  };
}

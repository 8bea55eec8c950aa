import { AF, ARITH, CF, FIXED_ONE, OF, PARITY, PF, SF, ZF } from "./eflags.ts";
import {
  LAZY_ADD,
  S_EFLAGS,
  S_LAZY_A,
  S_LAZY_B,
  S_LAZY_MASK,
  S_LAZY_MSB,
  S_LAZY_OP,
  S_LAZY_RES,
} from "./state_layout.ts";

/**
 * Lazy arithmetic flags. An ALU instruction records its operands and result
 * in the state block instead of computing six flags; they are derived here
 * only when something reads them (a Jcc usually reads one). Operands and
 * result are stored truncated to the operand size; `msb` is 7, 15 or 31.
 * CF, AF and OF come from the full-adder identities, which also hold for
 * ADC/SBB because the carry-in is visible in the result.
 */

/** Computes the flags in `mask` from the lazy fields. */
function compute(st: Int32Array, mask: number): number {
  const res = st[S_LAZY_RES], msb = st[S_LAZY_MSB];
  let f = 0;
  if (mask & ZF && res === 0) f |= ZF;
  if (mask & SF) f |= ((res >>> msb) & 1) << 7;
  if (mask & PF) f |= PARITY[res & 0xff];
  if (mask & (CF | AF | OF)) {
    const a = st[S_LAZY_A], b = st[S_LAZY_B];
    if (mask & AF) f |= (a ^ b ^ res) & AF;
    if (st[S_LAZY_OP] === LAZY_ADD) {
      if (mask & CF) f |= (((a & b) | ((a | b) & ~res)) >>> msb) & 1;
      if (mask & OF) f |= (((a ^ res) & (b ^ res)) >>> msb & 1) << 11;
    } else {
      if (mask & CF) f |= (((~a & b) | ((~a | b) & res)) >>> msb) & 1;
      if (mask & OF) f |= (((a ^ b) & (a ^ res)) >>> msb & 1) << 11;
    }
  }
  return f;
}

/** The full EFLAGS value with every lazy flag materialised. */
export function readEflags(st: Int32Array): number {
  const mask = st[S_LAZY_MASK];
  if (mask !== 0) {
    st[S_EFLAGS] = (st[S_EFLAGS] & ~mask) | compute(st, mask);
    st[S_LAZY_MASK] = 0;
  }
  return st[S_EFLAGS] | FIXED_ONE;
}

/** The flags in `flag` (a mask), materialising only what is needed. */
export function readFlag(st: Int32Array, flag: number): number {
  const lazy = st[S_LAZY_MASK] & flag;
  return lazy ? compute(st, lazy) | (st[S_EFLAGS] & flag & ~lazy) : st[S_EFLAGS] & flag;
}

/** Sets EFLAGS wholesale (POPF, IRET, SAHF…); lazy state is dropped. */
export function writeEflags(st: Int32Array, value: number): void {
  st[S_EFLAGS] = value | FIXED_ONE;
  st[S_LAZY_MASK] = 0;
}

/** Records ADD/ADC (op LAZY_ADD) or SUB/SBB/CMP/NEG (LAZY_SUB): all six flags lazy. */
export function setArith(
  st: Int32Array,
  op: number,
  a: number,
  b: number,
  res: number,
  msb: number,
): void {
  st[S_LAZY_OP] = op;
  st[S_LAZY_A] = a;
  st[S_LAZY_B] = b;
  st[S_LAZY_RES] = res;
  st[S_LAZY_MSB] = msb;
  st[S_LAZY_MASK] = ARITH;
}

/** INC/DEC: like ADD/SUB of 1, but CF keeps its old value. */
export function setIncDec(st: Int32Array, op: number, a: number, res: number, msb: number): void {
  const cf = readFlag(st, CF);
  st[S_EFLAGS] = (st[S_EFLAGS] & ~CF) | cf;
  st[S_LAZY_OP] = op;
  st[S_LAZY_A] = a;
  st[S_LAZY_B] = 1;
  st[S_LAZY_RES] = res;
  st[S_LAZY_MSB] = msb;
  st[S_LAZY_MASK] = ARITH & ~CF;
}

/**
 * Logic ops, shifts and the like: ZF/SF/PF follow the result lazily, while
 * CF, AF and OF are given explicitly in `cfAfOf`.
 */
export function setResult(st: Int32Array, res: number, msb: number, cfAfOf: number): void {
  st[S_EFLAGS] = (st[S_EFLAGS] & ~(CF | AF | OF)) | cfAfOf;
  st[S_LAZY_RES] = res;
  st[S_LAZY_MSB] = msb;
  st[S_LAZY_MASK] = ZF | SF | PF;
}

/** Evaluates condition code `cc` (0..15, the low nibble of Jcc/SETcc/CMOVcc). */
export function testCondition(st: Int32Array, cc: number): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0:
      r = readFlag(st, OF) !== 0;
      break;
    case 1:
      r = readFlag(st, CF) !== 0;
      break;
    case 2:
      r = readFlag(st, ZF) !== 0;
      break;
    case 3:
      r = readFlag(st, CF | ZF) !== 0;
      break;
    case 4:
      r = readFlag(st, SF) !== 0;
      break;
    case 5:
      r = readFlag(st, PF) !== 0;
      break;
    case 6:
      r = (readFlag(st, SF) !== 0) !== (readFlag(st, OF) !== 0);
      break;
    default:
      r = readFlag(st, ZF) !== 0 || (readFlag(st, SF) !== 0) !== (readFlag(st, OF) !== 0);
  }
  return (cc & 1) ? !r : r;
}

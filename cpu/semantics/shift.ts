/**
 * Group 2 (C0 C1 D0 D1 D2 D3): SHL/SAL, SHR and SAR written once; ROL, ROR, RCL and RCR run
 * the shared rotate helper (cpu/ops/shift.ts). Flags per SDM vol. 2 "SAL/SAR/SHL/SHR"; where the
 * manual leaves them undefined (OF for counts above 1, AF), what family-6 parts produce: OF by the
 * one-bit formula, AF clear. By CL (D2/D3) the count is known only at run time in compiled code:
 * shifts compute it branch-free and write the flags under a test of the count; rotates call the
 * helper, which leaves everything alone for a count of 0.
 */
import { ARITH } from "../eflags.ts";
import { ROL, ROR, rotate, SAR, SHL, SHR } from "../ops/shift.ts";
import { ECX } from "../state_layout.ts";
import { type Emitter, sizeMask } from "./emitter.ts";
import { defineHelper } from "./helpers.ts";
import { defineSemantics } from "./table.ts";

/** (a, op | size << 8, count) → the rotated value, CF and OF set; a masked count of 0 keeps all. */
const ROTATE = defineHelper((cpu, a, opSize, count) =>
  (count & 0x1f) === 0 ? a : rotate(cpu, opSize & 0xff, opSize >> 8, a, count & 0x1f)
);

/** Shifts or rotates `a` (`size` bytes, zero-extended) by `count` (1..31). */
export function shiftBy<V>(e: Emitter<V>, op: number, size: number, a: V, count: number): V {
  if (op < SHL) {
    // ROL/ROR whose CF/OF nobody sees (and whose kept flags are overwritten): the value alone.
    if (op <= ROR && e.flagsUnobserved) return rotateValue(e, op, size, a, count);
    return e.helper(ROTATE, a, e.k(op | (size << 8)), e.k(count));
  }
  const bits = size * 8, msb = bits - 1;
  const mask = e.k(size === 4 ? -1 : size === 2 ? 0xffff : 0xff);
  const one = e.k(1);
  let r: V, cf: V, of: V;
  if (op === SHR) {
    cf = count <= bits ? e.and(e.shrU(a, count - 1), one) : e.k(0);
    r = count >= bits ? e.k(0) : e.shrU(a, count);
    of = count === 1 ? e.shrU(a, msb) : e.k(0);
  } else if (op === SAR) {
    const s = size === 4 ? a : e.signExtend(a, size as 1 | 2);
    cf = e.and(count > msb ? e.shrU(s, 31) : e.shrS(s, count - 1), one);
    r = e.and(e.shrS(s, count > msb ? msb : count), mask);
    of = e.k(0);
  } else { // SHL, SAL
    if (count <= bits) {
      cf = count === bits ? e.and(a, one) : e.and(e.shrU(a, bits - count), one);
      r = count === 32 ? e.k(0) : e.and(e.shl(a, count), mask);
    } else {
      cf = e.k(0);
      r = e.k(0);
    }
    of = e.xor(e.and(e.shrU(r, msb), one), cf);
  }
  e.setResultFlags(r, msb, e.or(cf, e.shl(of, 11)));
  return r;
}

/** ROL or ROR of `a` (`size` bytes, zero-extended) by `count` (1..31): the value. */
export function rotateValue<V>(e: Emitter<V>, op: number, size: number, a: V, count: number): V {
  const bits = size * 8;
  const n = count & (bits - 1);
  if (n === 0) return a;
  const mask = e.k(size === 4 ? -1 : size === 2 ? 0xffff : 0xff);
  const left = op === ROL ? n : bits - n;
  return e.and(e.or(e.shl(a, left), e.shrU(a, bits - left)), mask);
}

/** The r/m operand shifted by `count` (masked to 5 bits; 0 changes nothing, flags included). */
function group2<V>(e: Emitter<V>, size: number, count: number): void {
  count &= 0x1f;
  const a = e.readRm(size);
  if (count === 0) return;
  e.writeRm(size, shiftBy(e, e.modrmReg, size, a, count));
}

/**
 * SHL, SHR or SAR of `a` (`size` bytes, zero-extended) by `n`, a count in 0..31 known only at
 * run time: the same results and flags as {@link shiftBy}, and no flag changes when `n` is 0.
 */
function shiftByRuntime<V>(e: Emitter<V>, op: number, size: number, a: V, n: V): V {
  const msb = size * 8 - 1;
  const one = e.k(1);
  const before = e.sub(n, one); // -1 (taken as 31) when n = 0: that result is not used
  let r: V, cf: V, of: V;
  if (op === SHR) {
    // `a` is zero-extended: bits from beyond the operand are zeros.
    cf = e.and(e.shrUBy(a, before), one);
    r = e.shrUBy(a, n);
    of = e.and(e.isZero(e.xor(n, one)), e.shrU(a, msb));
  } else if (op === SAR) {
    const s = size === 4 ? a : e.signExtend(a, size as 1 | 2);
    cf = e.and(e.shrSBy(s, before), one);
    r = e.and(e.shrSBy(s, n), e.k(sizeMask(size)));
    of = e.k(0);
  } else { // SHL, SAL: the last bit out is the operand's msb after n − 1 steps
    cf = e.and(e.shrU(e.shlBy(a, before), msb), one);
    r = e.and(e.shlBy(a, n), e.k(sizeMask(size)));
    of = e.xor(e.and(e.shrU(r, msb), one), cf);
  }
  e.setResultFlagsIf(n, r, msb, e.or(cf, e.shl(of, 11)));
  return r;
}

/** The r/m operand shifted by CL (masked to 5 bits; 0 changes nothing, flags included). */
function group2ByCl<V>(e: Emitter<V>, size: number): void {
  const count = e.and(e.getReg(1, ECX), e.k(0x1f));
  const known = e.constant(count);
  if (known !== undefined) return group2(e, size, known);
  const a = e.readRm(size);
  const op = e.modrmReg;
  // The helper leaves everything as it was for a count of 0.
  const r = op < SHL
    ? e.helper(ROTATE, a, e.k(op | (size << 8)), count)
    : shiftByRuntime(e, op, size, a, count);
  e.writeRm(size, r);
}

// Rotates read every flag (they keep SF ZF AF PF) and write CF and OF alone; shifts write all six.
const FLAGS = {
  modrm: true,
  reads: (reg: number) => (reg < SHL ? ARITH : 0),
  writes: (reg: number) => (reg < SHL ? 0 : ARITH),
} as const;
defineSemantics(0xc0, "grp2 Eb,Ib", { ...FLAGS, imm: 1 }, (e) => group2(e, 1, e.immByte()));
defineSemantics(0xc1, "grp2 Ev,Ib", { ...FLAGS, imm: 1 }, (e) => group2(e, e.osize, e.immByte()));
defineSemantics(0xd0, "grp2 Eb,1", { ...FLAGS, imm: 0 }, (e) => group2(e, 1, 1));
defineSemantics(0xd1, "grp2 Ev,1", { ...FLAGS, imm: 0 }, (e) => group2(e, e.osize, 1));
// A count of 0 in CL leaves the flags alone, so shifts by CL do not count as writing them. A
// count of 0 also leaves a memory operand unwritten: only register operands are compiled.
const BY_CL = { ...FLAGS, imm: 0, writes: 0, compiled: "register" } as const;
defineSemantics(0xd2, "grp2 Eb,CL", BY_CL, (e) => group2ByCl(e, 1));
defineSemantics(0xd3, "grp2 Ev,CL", BY_CL, (e) => group2ByCl(e, e.osize));

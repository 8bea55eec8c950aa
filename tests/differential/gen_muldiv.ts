/**
 * MUL/IMUL (one, two and three operands) and DIV/IDIV. Divisions get their dividend and
 * divisor planted by setup instructions, chosen so that they can never raise #DE.
 *
 * Flags (SDM Vol. 2 "MUL", "IMUL", "DIV", "IDIV"): multiplications define CF and OF and leave
 * SF, ZF, AF, PF undefined; divisions leave all six status flags undefined.
 */

import { AF, CF, OF, PF, SF, STATUS, ZF } from "./flags.ts";
import {
  EAX,
  EDX,
  ESP,
  hex,
  type Insn,
  insn,
  le,
  movRegImm,
  movRmImm,
  regName,
  type Rm,
  rmText,
  sxText,
} from "./encode.ts";
import type { Gen } from "./gen_context.ts";
import { rmBytes, w } from "./gen_alu.ts";

const MUL_FLAGS = { writes: CF | OF, undef: SF | ZF | AF | PF };

/** MUL/IMUL r/m (F6/F7 /4 /5), IMUL r, r/m (0F AF), IMUL r, r/m, imm (69, 6B). */
export function genMul(g: Gen): Insn[] {
  const form = g.rng.below(4);
  if (form <= 1) {
    const size = g.size();
    const { setup, rm } = g.rm(size, false);
    const name = form === 0 ? "mul" : "imul";
    return [
      ...setup,
      insn(rmBytes(size, [0xf6 + w(size)], 4 + form, rm), `${name} ${rmText(size, rm)}`, MUL_FLAGS),
    ];
  }
  const size = g.wide();
  const { setup, rm } = g.rm(size, false);
  const reg = g.dst(size);
  const operands = `${regName(size, reg)}, ${rmText(size, rm)}`;
  if (form === 2) {
    return [...setup, insn(rmBytes(size, [0x0f, 0xaf], reg, rm), `imul ${operands}`, MUL_FLAGS)];
  }
  const short = g.rng.chance(0.5);
  const v = short ? g.imm(1) : g.imm(size);
  return [
    ...setup,
    insn(
      rmBytes(size, [short ? 0x6b : 0x69], reg, rm, le(v, short ? 1 : size)),
      `imul ${operands}, ${short ? sxText(v, size) : hex(v)}`,
      MUL_FLAGS,
    ),
  ];
}

/**
 * True when DIV/IDIV of hi:lo by d (each `bits` wide) produces a quotient that fits.
 * IDIV also avoids the most negative quotient, which some processors reject (SDM "IDIV").
 */
export function divisionFits(
  bits: number,
  signed: boolean,
  hi: number,
  lo: number,
  d: number,
): boolean {
  let dividend = (BigInt(hi >>> 0) << BigInt(bits)) | BigInt(lo >>> 0);
  let divisor = BigInt(d >>> 0);
  if (signed) {
    dividend = BigInt.asIntN(2 * bits, dividend);
    divisor = BigInt.asIntN(bits, divisor);
  }
  if (divisor === 0n) return false;
  const q = dividend / divisor;
  const limit = 1n << BigInt(bits - 1);
  return signed ? q > -limit && q < limit : q < limit * 2n;
}

/** Dividend halves and divisor for a fault-free division; `overlap`: divisor is the low half. */
function divisionValues(g: Gen, bits: 8 | 16 | 32, signed: boolean, overlap: boolean) {
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  for (let tries = 0; tries < 64; tries++) {
    const lo = g.rng.interesting(bits);
    const d = overlap ? lo : g.rng.interesting(bits);
    if (d === 0) continue;
    let hi: number;
    if (!signed) {
      hi = g.rng.chance(0.2) ? d - 1 : g.rng.below(d);
    } else {
      const negative = ((lo >>> (bits - 1)) & 1) === 1;
      // Mostly a sign extension of lo (small quotient), sometimes a random high half.
      hi = g.rng.chance(0.5) ? (negative ? mask : 0) : g.rng.interesting(bits);
    }
    if (divisionFits(bits, signed, hi, lo, d)) return { hi: hi >>> 0, lo, d };
  }
  // Fallback: 1 / 1 (or lo / lo for the overlapping form) always fits.
  return { hi: 0, lo: 1, d: 1 };
}

/** DIV/IDIV r/m (F6/F7 /6 /7) with operands that cannot fault. */
export function genDiv(g: Gen): Insn[] {
  const size = g.size();
  const bits = (size * 8) as 8 | 16 | 32;
  const signed = g.rng.chance(0.5);
  const name = signed ? "idiv" : "div";
  const flags = { undef: STATUS };
  const where = g.rng.below(3); // 0: register, 1: the dividend's low half itself, 2: memory
  const { hi, lo, d } = divisionValues(g, bits, signed, where === 1);
  const setup: Insn[] = size === 1
    ? [movRegImm(2, EAX, (hi << 8) | lo)]
    : [movRegImm(size, EDX, hi), movRegImm(size, EAX, lo)];
  let rm: Rm;
  if (where === 1) {
    rm = { reg: EAX };
  } else if (where === 0) {
    // AH (8-bit) and DX/EDX are the dividend's high half; ESP's value is not known here.
    const used = size === 1 ? 1 << 0 | 1 << 4 : 1 << EAX | 1 << EDX | 1 << ESP;
    let r: number;
    do r = g.rng.below(8); while ((used & (1 << r)) !== 0);
    setup.push(movRegImm(size, r, d));
    rm = { reg: r };
  } else {
    const m = g.mem(size, { avoid: 1 << EAX | 1 << EDX });
    setup.push(...m.setup, movRmImm(size, m.rm, d));
    rm = m.rm;
  }
  return [
    ...setup,
    insn(rmBytes(size, [0xf6 + w(size)], signed ? 7 : 6, rm), `${name} ${rmText(size, rm)}`, flags),
  ];
}

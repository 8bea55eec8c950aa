/**
 * Shifts and rotates (C0/C1, D0-D3 groups: ROL ROR RCL RCR SHL SHR SAR) and SHLD/SHRD
 * (0F A4/A5/AC/AD), by 1, by CL and by imm8, with counts chosen around the edges: 0, 1,
 * the operand width, > 31 (masked to 5 bits).
 *
 * Flag rules (SDM Vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD"): a masked count
 * of 0 changes no flag; OF is defined only for a masked count of 1; shifts leave AF undefined;
 * SHL/SHR leave CF undefined when the count is ≥ the operand width; rotates touch only CF/OF.
 * When CL is not known at generation time the masks are the union over all counts.
 */

import { AF, CF, OF, PF, SF, ZF } from "./flags.ts";
import { ECX, hex, type Insn, insn, movRegImm, regName, rmText, type Size } from "./encode.ts";
import type { Gen } from "./gen_context.ts";
import { rmBytes, w } from "./gen_alu.ts";

const SHIFT_NAMES = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];
/** Documented group-2 operations (/6 is an undocumented SAL alias and is left out). */
const SHIFT_OPS = [0, 1, 2, 3, 4, 5, 7];

/** A shift/rotate count around the interesting edges. */
export function shiftCount(g: Gen): number {
  return g.rng.chance(0.7)
    ? g.rng.pick([0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 64, 255])
    : g.rng.below(256);
}

/** Flag effects of group-2 op `op` at `size` with a known count, or `undefined` = unknown CL. */
export function shiftFlags(
  op: number,
  size: Size,
  count: number | undefined,
): { reads: number; writes: number; undef: number } {
  const rotate = op < 4;
  const reads = op === 2 || op === 3 ? CF : 0;
  // SDM: "CF is undefined for SHL and SHR instructions where the count is greater than or
  // equal to the size (in bits) of the destination operand."
  const cfUndefAt = (c: number) => (op === 4 || op === 5) && c >= size * 8;
  if (count === undefined) {
    const undef = OF | (rotate ? 0 : AF | (size < 4 && (op === 4 || op === 5) ? CF : 0));
    return { reads, writes: 0, undef };
  }
  const c = count & 31;
  if (c === 0) return { reads: 0, writes: 0, undef: 0 };
  if (rotate) return { reads, writes: CF | (c === 1 ? OF : 0), undef: c === 1 ? 0 : OF };
  const cf = cfUndefAt(c) ? 0 : CF;
  return {
    reads: 0,
    writes: SF | ZF | PF | cf | (c === 1 ? OF : 0),
    undef: AF | (cf ? 0 : CF) | (c === 1 ? 0 : OF),
  };
}

/** ROL/ROR/RCL/RCR/SHL/SHR/SAR by 1 (D0/D1), by CL (D2/D3) or by imm8 (C0/C1). */
export function genShift(g: Gen): Insn[] {
  const op = g.rng.pick(SHIFT_OPS);
  const size = g.size();
  const name = SHIFT_NAMES[op];
  const form = g.rng.below(3);
  if (form === 2) { // by CL
    const known = g.rng.chance(0.7);
    const { setup, rm } = g.rm(size, true, { avoid: known ? 1 << ECX : 0 });
    const count = known ? shiftCount(g) : undefined;
    const pre = count === undefined ? [] : [movRegImm(1, ECX, count)];
    return [
      ...setup,
      ...pre,
      insn(
        rmBytes(size, [0xd2 + w(size)], op, rm),
        `${name} ${rmText(size, rm)}, cl`,
        shiftFlags(op, size, count),
      ),
    ];
  }
  const { setup, rm } = g.rm(size, true);
  if (form === 0) {
    return [
      ...setup,
      insn(
        rmBytes(size, [0xd0 + w(size)], op, rm),
        `${name} ${rmText(size, rm)}, 1`,
        shiftFlags(op, size, 1),
      ),
    ];
  }
  const count = shiftCount(g);
  return [
    ...setup,
    insn(
      rmBytes(size, [0xc0 + w(size)], op, rm, [count]),
      `${name} ${rmText(size, rm)}, ${hex(count)}`,
      shiftFlags(op, size, count),
    ),
  ];
}

/** Flag effects of SHLD/SHRD with a known count, or `undefined` = unknown CL (32-bit only). */
export function doubleShiftFlags(count: number | undefined): { writes: number; undef: number } {
  if (count === undefined) return { writes: 0, undef: OF | AF };
  const c = count & 31;
  if (c === 0) return { writes: 0, undef: 0 };
  return { writes: CF | SF | ZF | PF | (c === 1 ? OF : 0), undef: AF | (c === 1 ? 0 : OF) };
}

/**
 * SHLD/SHRD r/m, r, imm8 or CL. For 16-bit operands a masked count above 16 leaves the result
 * undefined (SDM "SHLD": "If the count is greater than the operand size, the result is
 * undefined"), so 16-bit counts stay ≤ 16 and CL is always set first.
 */
export function genDoubleShift(g: Gen): Insn[] {
  const size = g.wide();
  const right = g.rng.chance(0.5);
  const byCl = g.rng.chance(0.5);
  const pickCount = () => {
    const c = shiftCount(g);
    return size === 2 && (c & 31) > 16 ? c & ~31 | g.rng.below(17) : c;
  };
  const known = !byCl || size === 2 || g.rng.chance(0.6);
  const { setup, rm } = g.rm(size, true, { avoid: byCl && known ? 1 << ECX : 0 });
  const reg = g.src();
  const count = known ? pickCount() : undefined;
  const name = right ? "shrd" : "shld";
  const base = right ? 0xac : 0xa4;
  const operands = `${rmText(size, rm)}, ${regName(size, reg)}`;
  if (byCl) {
    const pre = count === undefined ? [] : [movRegImm(1, ECX, count)];
    return [
      ...setup,
      ...pre,
      insn(
        rmBytes(size, [0x0f, base + 1], reg, rm),
        `${name} ${operands}, cl`,
        doubleShiftFlags(count),
      ),
    ];
  }
  return [
    ...setup,
    insn(
      rmBytes(size, [0x0f, base], reg, rm, [count!]),
      `${name} ${operands}, ${hex(count!)}`,
      doubleShiftFlags(count),
    ),
  ];
}

/**
 * Directed cases for arithmetic: carry/overflow boundaries, byte registers AH..BH, shift and
 * rotate counts 0/1/31/32/33 and around the operand width, RCL/RCR through CF, SHLD/SHRD,
 * multiplication overflow, division edges and the decimal adjust instructions.
 */

import { AF, CF, LOGIC_DEFINED, OF, PF, SF, STATUS, ZF } from "./flags.ts";
import { hex } from "./encode.ts";
import { doubleShiftFlags, shiftFlags } from "./gen_shift.ts";
import type { GeneratedCase } from "./generator.ts";
import { abs, D, dc, op } from "./directed_case.ts";

const ARITH = { writes: STATUS };
const LOGIC = { writes: LOGIC_DEFINED, undef: AF };
const INCDEC = { writes: OF | SF | ZF | AF | PF };
const MUL = { writes: CF | OF, undef: SF | ZF | AF | PF };
const DIV = { undef: STATUS };
const DAA = { reads: CF | AF, writes: CF | AF | SF | ZF | PF, undef: OF };
const AAA = { reads: AF, writes: AF | CF, undef: OF | SF | ZF | PF };
const AAM = { writes: SF | ZF | PF, undef: OF | AF | CF };

/** ADD/ADC/SUB/SBB/CMP/logic/INC/DEC/NEG edges. */
export function aluCases(): GeneratedCase[] {
  return [
    dc(
      "add eax, ebx: 0x7fffffff + 1 overflows",
      { eax: 0x7fffffff, ebx: 1 },
      op([0x01, 0xd8], "add eax, ebx", ARITH),
    ),
    dc(
      "sub eax, ebx: 0x80000000 - 1 overflows",
      { eax: 0x80000000, ebx: 1 },
      op([0x29, 0xd8], "sub eax, ebx", ARITH),
    ),
    dc(
      "add al, bl: 0xff + 1 carries to zero",
      { eax: 0x123456ff, ebx: 1 },
      op([0x00, 0xd8], "add al, bl", ARITH),
    ),
    dc(
      "adc eax, ebx: 0xffffffff + 0 + CF wraps",
      { eax: 0xffffffff, flags: CF },
      op([0x11, 0xd8], "adc eax, ebx", ARITH),
    ),
    dc(
      "adc al, bl: 0 + 0xff + CF carries out",
      { ebx: 0xff, flags: CF },
      op([0x10, 0xd8], "adc al, bl", ARITH),
    ),
    dc("sbb eax, ebx: 0 - 0 - CF borrows", { flags: CF }, op([0x19, 0xd8], "sbb eax, ebx", ARITH)),
    dc(
      "sbb ax, bx: 0 - 0xffff - CF",
      { ebx: 0xffff, flags: CF },
      op([0x66, 0x19, 0xd8], "sbb ax, bx", ARITH),
    ),
    dc(
      "sbb eax, ebx: 0x80000000 - 0x7fffffff - CF",
      { eax: 0x80000000, ebx: 0x7fffffff, flags: CF },
      op([0x19, 0xd8], "sbb eax, ebx", ARITH),
    ),
    dc(
      "cmp eax, -1 (83 /7 sign-extended imm8)",
      { eax: 0x7fffffff },
      op([0x83, 0xf8, 0xff], "cmp eax, 0xffffffff", ARITH),
    ),
    dc(
      "xor eax, eax clears CF/OF, sets ZF/PF",
      { eax: 0x1234, flags: CF | OF | SF },
      op([0x31, 0xc0], "xor eax, eax", LOGIC),
    ),
    dc(
      "and ah, bh / or ch, dh: high byte registers",
      { eax: 0xf0ff, ebx: 0x3c00, ecx: 0x0100, edx: 0x8000 },
      op([0x20, 0xfc], "and ah, bh", LOGIC),
      op([0x08, 0xf5], "or ch, dh", LOGIC),
    ),
    dc(
      "sub dh, bh then add ch, ah",
      { edx: 0x0500, ebx: 0x0600, ecx: 0x7f00, eax: 0x0100 },
      op([0x28, 0xfe], "sub dh, bh", ARITH),
      op([0x00, 0xe5], "add ch, ah", ARITH),
    ),
    dc(
      "neg eax of 0 clears CF; neg ebx of 0x80000000 overflows",
      { ebx: 0x80000000 },
      op([0xf7, 0xd8], "neg eax", ARITH),
      op([0xf7, 0xdb], "neg ebx", ARITH),
    ),
    dc(
      "inc eax: 0x7fffffff overflows and keeps CF",
      { eax: 0x7fffffff, flags: CF },
      op([0x40], "inc eax", INCDEC),
    ),
    dc("dec al: 0 -> 0xff sets AF, keeps CF", { flags: CF }, op([0xfe, 0xc8], "dec al", INCDEC)),
    dc(
      "add word [mem], imm16 and lock sub dword [mem], imm8",
      {},
      op(
        [0x66, 0x81, 0x05, ...abs(D + 0x10), 0xff, 0x7f],
        `add word [${hex(D + 0x10)}], 0x7fff`,
        ARITH,
      ),
      op(
        [0xf0, 0x83, 0x2d, ...abs(D + 0x20), 0x01],
        `lock sub dword [${hex(D + 0x20)}], 0x1`,
        ARITH,
      ),
    ),
    dc("test al, 0x80 sets SF", { eax: 0x80 }, op([0xa8, 0x80], "test al, 0x80", LOGIC)),
  ];
}

/** Shifts and rotates by 0, 1, 31, 32, 33 and around the operand width; SHLD/SHRD. */
export function shiftCases(): GeneratedCase[] {
  const out: GeneratedCase[] = [];
  for (const n of [0, 1, 31, 32, 33]) {
    out.push(
      dc(
        `shl eax, cl with cl=${n}`,
        { eax: 0xc0000001, ecx: n, flags: CF | ZF | OF | AF },
        op([0xd3, 0xe0], "shl eax, cl", shiftFlags(4, 4, n)),
      ),
      dc(
        `shr eax, ${n}`,
        { eax: 0x80000001, flags: SF },
        op([0xc1, 0xe8, n], `shr eax, ${hex(n)}`, shiftFlags(5, 4, n)),
      ),
      dc(
        `sar eax, ${n}`,
        { eax: 0x80000010 },
        op([0xc1, 0xf8, n], `sar eax, ${hex(n)}`, shiftFlags(7, 4, n)),
      ),
      dc(
        `rol eax, ${n} and ror ebx, ${n}`,
        { eax: 0x80000001, ebx: 0x80000001 },
        op([0xc1, 0xc0, n], `rol eax, ${hex(n)}`, shiftFlags(0, 4, n)),
        op([0xc1, 0xcb, n], `ror ebx, ${hex(n)}`, shiftFlags(1, 4, n)),
      ),
    );
  }
  out.push(
    dc(
      "shr eax, 1: OF is the old sign",
      { eax: 0x80000001 },
      op([0xd1, 0xe8], "shr eax, 1", shiftFlags(5, 4, 1)),
    ),
    dc(
      "rcl eax, 1 rotates CF in",
      { eax: 0x80000000, flags: CF },
      op([0xd1, 0xd0], "rcl eax, 1", shiftFlags(2, 4, 1)),
    ),
    dc(
      "rcr eax, 1 rotates CF in at the top",
      { eax: 1, flags: CF },
      op([0xd1, 0xd8], "rcr eax, 1", shiftFlags(3, 4, 1)),
    ),
    dc(
      "rcl al, 9: count mod 9 = 0",
      { eax: 0x81, flags: CF },
      op([0xc0, 0xd0, 9], "rcl al, 0x9", shiftFlags(2, 1, 9)),
    ),
    dc(
      "rcl al, 8 through CF",
      { eax: 0x81, flags: CF },
      op([0xc0, 0xd0, 8], "rcl al, 0x8", shiftFlags(2, 1, 8)),
    ),
    dc(
      "rcr ax, 17: count mod 17 = 0",
      { eax: 0x8001 },
      op([0x66, 0xc1, 0xd8, 17], "rcr ax, 0x11", shiftFlags(3, 2, 17)),
    ),
    dc(
      "rcl ah, cl with cl=3",
      { eax: 0xa500, ecx: 3, flags: CF },
      op([0xd2, 0xd4], "rcl ah, cl", shiftFlags(2, 1, 3)),
    ),
    dc(
      "rol bh, 8 sets CF from bit 0",
      { ebx: 0x0100 },
      op([0xc0, 0xc7, 8], "rol bh, 0x8", shiftFlags(0, 1, 8)),
    ),
    dc(
      "shl al, 8 (CF undefined, result 0)",
      { eax: 0xff },
      op([0xc0, 0xe0, 8], "shl al, 0x8", shiftFlags(4, 1, 8)),
    ),
    dc(
      "shr ax, 16 and shr dh, 9",
      { eax: 0xffff, edx: 0xff00 },
      op([0x66, 0xc1, 0xe8, 16], "shr ax, 0x10", shiftFlags(5, 2, 16)),
      op([0xc0, 0xee, 9], "shr dh, 0x9", shiftFlags(5, 1, 9)),
    ),
    dc(
      "sar ch, 7 of 0x80",
      { ecx: 0x8000 },
      op([0xc0, 0xfd, 7], "sar ch, 0x7", shiftFlags(7, 1, 7)),
    ),
    dc(
      "shld eax, ebx, 4",
      { eax: 0x12345678, ebx: 0x9abcdef0 },
      op([0x0f, 0xa4, 0xd8, 4], "shld eax, ebx, 0x4", doubleShiftFlags(4)),
    ),
    dc(
      "shrd ax, bx, 16 (count = width)",
      { eax: 0x1234, ebx: 0xabcd },
      op([0x66, 0x0f, 0xac, 0xd8, 16], "shrd ax, bx, 0x10", doubleShiftFlags(16)),
    ),
    dc(
      "shld eax, ebx, cl with cl=0 keeps flags",
      { eax: 5, ebx: 7, flags: CF | SF | OF | PF | AF },
      op([0x0f, 0xa5, 0xd8], "shld eax, ebx, cl", doubleShiftFlags(0)),
    ),
    dc(
      "shrd eax, ebx, 1 sets OF on sign change",
      { eax: 0x7ffffffe, ebx: 1 },
      op([0x0f, 0xac, 0xd8, 1], "shrd eax, ebx, 0x1", doubleShiftFlags(1)),
    ),
  );
  return out;
}

/** MUL/IMUL overflow and DIV/IDIV edges (all non-faulting on the host). */
export function mulDivCases(): GeneratedCase[] {
  return [
    dc(
      "mul ebx: 0xffffffff squared",
      { eax: 0xffffffff, ebx: 0xffffffff },
      op([0xf7, 0xe3], "mul ebx", MUL),
    ),
    dc("imul bl: 0x80 * 0xff = 0x0080", { eax: 0x80, ebx: 0xff }, op([0xf6, 0xeb], "imul bl", MUL)),
    dc("mul ch: al * ch into ax", { eax: 0xff, ecx: 0x0200 }, op([0xf6, 0xe5], "mul ch", MUL)),
    dc(
      "imul eax, ebx, -1 overflows on 0x80000000",
      { ebx: 0x80000000 },
      op([0x6b, 0xc3, 0xff], "imul eax, ebx, 0xffffffff", MUL),
    ),
    dc(
      "imul cx, dx (two operands) overflows",
      { ecx: 0x4000, edx: 2 },
      op([0x66, 0x0f, 0xaf, 0xca], "imul cx, dx", MUL),
    ),
    dc(
      "imul esi, [mem], 0x10000",
      {},
      op(
        [0x69, 0x35, ...abs(D + 0x40), 0, 0, 1, 0],
        `imul esi, dword [${hex(D + 0x40)}], 0x10000`,
        MUL,
      ),
    ),
    dc("div ecx: 0x1_00000000 / 2", { edx: 1, ecx: 2 }, op([0xf7, 0xf1], "div ecx", DIV)),
    dc(
      "idiv ecx: -7 / 2 = -3 rem -1",
      { edx: 0xffffffff, eax: 0xfffffff9, ecx: 2 },
      op([0xf7, 0xf9], "idiv ecx", DIV),
    ),
    dc(
      "idiv bh: -128 / 1, the most negative quotient",
      { eax: 0xff80, ebx: 0x0100 },
      op([0xf6, 0xff], "idiv bh", DIV),
    ),
    dc(
      "div word [mem]",
      { edx: 0x0012, eax: 0x3456 },
      op([0x66, 0xf7, 0x35, ...abs(D + 0x102)], `div word [${hex(D + 0x102)}]`, DIV),
    ),
    dc("idiv al: ax / al with al as divisor", { eax: 0xffff }, op([0xf6, 0xf8], "idiv al", DIV)),
  ];
}

/** DAA/DAS/AAA/AAS around the digit edges, AAM/AAD with base 10 and others. */
export function bcdCases(): GeneratedCase[] {
  const adjust = (name: string, code: number, al: number, flags: number, effect: typeof DAA) =>
    dc(
      `${name} al=${hex(al)} flags=${hex(flags)}`,
      { eax: 0x0100 | al, flags },
      op([code], name, effect),
    );
  return [
    adjust("daa", 0x27, 0x9a, 0, DAA),
    adjust("daa", 0x27, 0x99, AF, DAA),
    adjust("daa", 0x27, 0x00, CF | AF, DAA),
    adjust("das", 0x2f, 0x00, CF, DAA),
    adjust("das", 0x2f, 0x9a, 0, DAA),
    adjust("aaa", 0x37, 0x0a, 0, AAA),
    adjust("aaa", 0x37, 0xfa, 0, AAA),
    adjust("aaa", 0x37, 0x05, AF, AAA),
    adjust("aas", 0x3f, 0x0b, 0, AAA),
    adjust("aas", 0x3f, 0x00, AF, AAA),
    dc("aam 10 of 0x63", { eax: 0x63 }, op([0xd4, 0x0a], "aam 0xa", AAM)),
    dc("aam 16 of 0xff", { eax: 0xff }, op([0xd4, 0x10], "aam 0x10", AAM)),
    dc("aad 10 of 0x0909", { eax: 0x0909 }, op([0xd5, 0x0a], "aad 0xa", AAM)),
    dc("aad 0xff of 0xffff", { eax: 0xffff }, op([0xd5, 0xff], "aad 0xff", AAM)),
  ];
}

/**
 * Integer ALU families: the eight classic ALU ops in every encoding (SDM Vol. 2 "ADD" ...
 * "CMP", opcode map Table A-2 rows 0-3 and 80-83), TEST, INC/DEC, NEG/NOT and MOV.
 */

import { AF, CF, LOGIC_DEFINED, OF, PF, SF, STATUS, ZF } from "./flags.ts";
import {
  EAX,
  hex,
  type Insn,
  insn,
  isReg,
  le,
  mem32,
  modrm,
  opsize,
  regName,
  type Rm,
  rmText,
  segmentPrefix,
  type Size,
  sxText,
} from "./encode.ts";
import type { Gen } from "./gen_context.ts";

const ALU_NAMES = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];

/** Flag effects of ALU op `op` (0 = ADD ... 7 = CMP). */
export function aluFlags(op: number): { reads: number; writes: number; undef: number } {
  const logic = op === 1 || op === 4 || op === 6;
  return {
    reads: op === 2 || op === 3 ? CF : 0,
    writes: logic ? LOGIC_DEFINED : STATUS,
    // AND/OR/XOR: "The state of the AF flag is undefined" (SDM Vol. 2, AND/OR/XOR).
    undef: logic ? AF : 0,
  };
}

/** Bytes of a ModRM instruction: [lock] [segment] [0x66] opcode modrm [imm]. */
export function rmBytes(
  size: Size,
  opcode: number[],
  regField: number,
  rm: Rm,
  imm: number[] = [],
  lock = false,
): number[] {
  return [
    ...(lock ? [0xf0] : []),
    ...segmentPrefix(rm),
    ...opsize(size),
    ...opcode,
    ...modrm(regField, rm),
    ...imm,
  ];
}

/** Width bit of the byte/word opcode pairs: 0 for 8-bit, 1 otherwise. */
export function w(size: Size): number {
  return size === 1 ? 0 : 1;
}

/** Random LOCK on a memory destination (atomic RMW, SDM Vol. 2 "LOCK"). */
export function maybeLock(g: Gen, rm: Rm): boolean {
  return !isReg(rm) && g.rng.chance(0.2);
}

/** ADD/OR/ADC/SBB/AND/SUB/XOR/CMP in one of their six encodings. */
export function genAlu(g: Gen): Insn[] {
  const op = g.rng.below(8);
  const size = g.size();
  const name = ALU_NAMES[op];
  const flags = aluFlags(op);
  const writesDst = op !== 7;
  const form = g.rng.below(6);
  if (form === 0) { // r/m, r
    const lockable = writesDst && g.rng.chance(0.2);
    const { setup, rm } = g.rm(size, writesDst, { align: lockable });
    const lock = lockable && !isReg(rm);
    const reg = g.src();
    return [
      ...setup,
      insn(
        rmBytes(size, [op * 8 + w(size)], reg, rm, [], lock),
        `${lock ? "lock " : ""}${name} ${rmText(size, rm)}, ${regName(size, reg)}`,
        flags,
      ),
    ];
  }
  if (form === 1) { // r, r/m
    const { setup, rm } = g.rm(size, false);
    const reg = writesDst ? g.dst(size) : g.src();
    return [
      ...setup,
      insn(
        rmBytes(size, [op * 8 + 2 + w(size)], reg, rm),
        `${name} ${regName(size, reg)}, ${rmText(size, rm)}`,
        flags,
      ),
    ];
  }
  if (form === 2) { // AL/AX/EAX, imm
    const v = g.imm(size);
    return [insn(
      [...opsize(size), op * 8 + 4 + w(size), ...le(v, size)],
      `${name} ${regName(size, EAX)}, ${hex(v)}`,
      flags,
    )];
  }
  // r/m, imm: 80 (imm8), 81 (imm16/32), 83 (sign-extended imm8), 82 (32-bit-only alias of 80).
  const lockable = writesDst && g.rng.chance(0.2);
  const { setup, rm } = g.rm(size, writesDst, { align: lockable });
  const lock = lockable && !isReg(rm);
  let opcode: number;
  let immSize: number;
  if (size === 1) {
    opcode = g.rng.chance(0.1) ? 0x82 : 0x80;
    immSize = 1;
  } else if (form === 3) {
    opcode = 0x81;
    immSize = size;
  } else {
    opcode = 0x83;
    immSize = 1;
  }
  const v = immSize === 1 ? g.imm(1) : g.imm(size);
  return [
    ...setup,
    insn(
      rmBytes(size, [opcode], op, rm, le(v, immSize), lock),
      `${lock ? "lock " : ""}${name} ${rmText(size, rm)}, ${
        opcode === 0x83 ? sxText(v, size) : hex(v)
      }`,
      flags,
    ),
  ];
}

/** TEST r/m, r (84/85); TEST AL/AX/EAX, imm (A8/A9); TEST r/m, imm (F6/F7 /0). */
export function genTest(g: Gen): Insn[] {
  const size = g.size();
  const flags = { writes: LOGIC_DEFINED, undef: AF };
  const form = g.rng.below(3);
  if (form === 1) {
    const v = g.imm(size);
    return [
      insn(
        [...opsize(size), 0xa8 + w(size), ...le(v, size)],
        `test ${regName(size, EAX)}, ${hex(v)}`,
        flags,
      ),
    ];
  }
  const { setup, rm } = g.rm(size, false);
  if (form === 0) {
    const reg = g.src();
    return [
      ...setup,
      insn(
        rmBytes(size, [0x84 + w(size)], reg, rm),
        `test ${rmText(size, rm)}, ${regName(size, reg)}`,
        flags,
      ),
    ];
  }
  const v = g.imm(size);
  return [
    ...setup,
    insn(
      rmBytes(size, [0xf6 + w(size)], 0, rm, le(v, size)),
      `test ${rmText(size, rm)}, ${hex(v)}`,
      flags,
    ),
  ];
}

/** INC/DEC: one-byte 40+r/48+r forms and FE/FF /0 /1. CF is preserved (SDM Vol. 2 INC). */
export function genIncDec(g: Gen): Insn[] {
  const size = g.size();
  const dec = g.rng.chance(0.5);
  const name = dec ? "dec" : "inc";
  const flags = { writes: OF | SF | ZF | AF | PF };
  if (size !== 1 && g.rng.chance(0.4)) {
    const r = g.dst(size);
    return [insn([...opsize(size), (dec ? 0x48 : 0x40) + r], `${name} ${regName(size, r)}`, flags)];
  }
  const lockable = g.rng.chance(0.2);
  const { setup, rm } = g.rm(size, true, { align: lockable });
  const lock = lockable && !isReg(rm);
  return [
    ...setup,
    insn(
      rmBytes(size, [0xfe + w(size)], dec ? 1 : 0, rm, [], lock),
      `${lock ? "lock " : ""}${name} ${rmText(size, rm)}`,
      flags,
    ),
  ];
}

/** NEG (F6/F7 /3, all status flags) and NOT (F6/F7 /2, no flags). */
export function genNegNot(g: Gen): Insn[] {
  const size = g.size();
  const neg = g.rng.chance(0.6);
  const lockable = g.rng.chance(0.2);
  const { setup, rm } = g.rm(size, true, { align: lockable });
  const lock = lockable && !isReg(rm);
  return [
    ...setup,
    insn(
      rmBytes(size, [0xf6 + w(size)], neg ? 3 : 2, rm, [], lock),
      `${lock ? "lock " : ""}${neg ? "neg" : "not"} ${rmText(size, rm)}`,
      neg ? { writes: STATUS } : {},
    ),
  ];
}

/** MOV in all integer forms: 88-8B, B0/B8+r, C6/C7 /0, and the A0-A3 moffs forms. */
export function genMov(g: Gen): Insn[] {
  const size = g.size();
  switch (g.rng.below(5)) {
    case 0: {
      const { setup, rm } = g.rm(size, true);
      const reg = g.src();
      return [
        ...setup,
        insn(
          rmBytes(size, [0x88 + w(size)], reg, rm),
          `mov ${rmText(size, rm)}, ${regName(size, reg)}`,
        ),
      ];
    }
    case 1: {
      const { setup, rm } = g.rm(size, false);
      const reg = g.dst(size);
      return [
        ...setup,
        insn(
          rmBytes(size, [0x8a + w(size)], reg, rm),
          `mov ${regName(size, reg)}, ${rmText(size, rm)}`,
        ),
      ];
    }
    case 2: {
      const r = g.dst(size);
      const v = g.imm(size);
      const op = size === 1 ? 0xb0 : 0xb8;
      return [
        insn([...opsize(size), op + r, ...le(v, size)], `mov ${regName(size, r)}, ${hex(v)}`),
      ];
    }
    case 3: {
      const { setup, rm } = g.rm(size, true);
      const v = g.imm(size);
      return [
        ...setup,
        insn(
          rmBytes(size, [0xc6 + w(size)], 0, rm, le(v, size)),
          `mov ${rmText(size, rm)}, ${hex(v)}`,
        ),
      ];
    }
    default: { // moffs: the address is an immediate, no ModRM
      const addr = g.addr(size);
      const store = g.rng.chance(0.5);
      const text = rmText(size, mem32({ disp: addr }));
      return [insn(
        [...opsize(size), (store ? 0xa2 : 0xa0) + w(size), ...le(addr, 4)],
        store ? `mov ${text}, ${regName(size, EAX)}` : `mov ${regName(size, EAX)}, ${text}`,
      )];
    }
  }
}

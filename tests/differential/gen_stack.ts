/**
 * Stack families: PUSH/POP of registers, immediates and memory, PUSHFD/POPFD, PUSHAD/POPAD,
 * ENTER/LEAVE. ESP starts inside the data area and no fragment moves it by more than a few
 * dozen bytes, so every stack access stays inside it. POP ESP is not generated (it would load
 * an arbitrary stack pointer).
 */

import { DF, FIXED_ONE, IF, STATUS } from "./flags.ts";
import {
  EBP,
  hex,
  type Insn,
  insn,
  le,
  movRegImm,
  opsize,
  regName,
  rmText,
  sxText,
} from "./encode.ts";
import type { Gen } from "./gen_context.ts";
import { rmBytes } from "./gen_alu.ts";

/** An EFLAGS image POPFD may load from user code: random status flags and DF, IF set. */
export function saneFlags(g: Gen): number {
  return (g.rng.u32() & (STATUS | DF)) | IF | FIXED_ONE;
}

/** PUSH/POP r (50+r/58+r), PUSH imm (68/6A), PUSH m (FF /6), POP m (8F /0). */
export function genPushPop(g: Gen): Insn[] {
  const size = g.wide();
  switch (g.rng.below(6)) {
    case 0: {
      const r = g.src();
      return [insn([...opsize(size), 0x50 + r], `push ${regName(size, r)}`)];
    }
    case 1: {
      const r = g.dst(size);
      return [insn([...opsize(size), 0x58 + r], `pop ${regName(size, r)}`)];
    }
    case 2: {
      const short = g.rng.chance(0.5);
      const v = short ? g.imm(1) : g.imm(size);
      return [
        insn(
          [...opsize(size), short ? 0x6a : 0x68, ...le(v, short ? 1 : size)],
          `push ${short ? sxText(v, size) : hex(v)}`,
        ),
      ];
    }
    case 3: {
      const { setup, rm } = g.mem(size);
      return [...setup, insn(rmBytes(size, [0xff], 6, rm), `push ${rmText(size, rm)}`)];
    }
    default: {
      // POP m with an ESP-based address uses ESP after the increment (SDM "POP").
      const { setup, rm } = g.mem(size);
      return [...setup, insn(rmBytes(size, [0x8f], 0, rm), `pop ${rmText(size, rm)}`)];
    }
  }
}

/** PUSHFD/PUSHF (9C) and POPFD/POPF (9D) of a sane image pushed just before. */
export function genPushPopFlags(g: Gen): Insn[] {
  const size = g.wide();
  if (g.rng.chance(0.4)) {
    return [insn([...opsize(size), 0x9c], size === 2 ? "pushf" : "pushfd", { reads: STATUS })];
  }
  const v = saneFlags(g);
  return [
    insn([...opsize(size), 0x68, ...le(v, size)], `push ${hex(v)}`),
    insn([...opsize(size), 0x9d], size === 2 ? "popf" : "popfd", { writes: STATUS }),
  ];
}

/** PUSHAD/POPAD (60/61) and their 16-bit forms; POPAD skips the saved ESP (SDM "POPA"). */
export function genPushAll(g: Gen): Insn[] {
  const size = g.wide();
  const pop = g.rng.chance(0.5);
  const name = (pop ? "popa" : "pusha") + (size === 4 ? "d" : "");
  return [insn([...opsize(size), pop ? 0x61 : 0x60], name)];
}

/**
 * ENTER imm16, imm8 (C8) followed by LEAVE (C9). A non-zero nesting level copies frame
 * pointers from [EBP-4], [EBP-8], ..., so EBP is first pointed into the data area.
 */
export function genEnterLeave(g: Gen): Insn[] {
  const frame = g.rng.pick([0, 4, 8, 12, g.rng.below(64)]);
  const level = g.rng.chance(0.6) ? 0 : g.rng.range(1, 4);
  const setup = level > 0 || g.rng.chance(0.3) ? [movRegImm(4, EBP, g.addr(4, 0x40))] : [];
  const leave = g.rng.chance(0.8) ? [insn([0xc9], "leave")] : [];
  return [
    ...setup,
    insn([0xc8, ...le(frame, 2), level], `enter ${hex(frame)}, ${level}`),
    ...leave,
  ];
}

/**
 * Small families: decimal adjust (DAA DAS AAA AAS AAM AAD), sign extension of the accumulator
 * (CBW CWDE CWD CDQ), LAHF/SAHF, CLC/STC/CMC/CLD/STD, LEA in every addressing form (32- and
 * 16-bit), multi-byte NOP and XLAT.
 */

import { AF, CF, OF, PF, SF, ZF } from "./flags.ts";
import { EAX, EBX, hex, type Insn, insn, movRegImm, regName, rmText } from "./encode.ts";
import type { Gen } from "./gen_context.ts";
import { rmBytes } from "./gen_alu.ts";

/**
 * DAA/DAS/AAA/AAS/AAM/AAD (SDM Vol. 2 under each): DAA/DAS define CF AF SF ZF PF, OF undefined;
 * AAA/AAS define AF CF, OF SF ZF PF undefined; AAM/AAD define SF ZF PF, OF AF CF undefined.
 * AL (or AX) is planted half of the time with values around the BCD digit edges.
 */
export function genBcd(g: Gen): Insn[] {
  const setup: Insn[] = [];
  if (g.rng.chance(0.5)) {
    const al = g.rng.pick([
      0x00,
      0x09,
      0x0a,
      0x0f,
      0x19,
      0x1a,
      0x90,
      0x99,
      0x9a,
      0x9f,
      0xa0,
      0xf9,
      0xfa,
      0xff,
    ]);
    const ah = g.rng.pick([0x00, 0x01, 0x09, 0x7f, 0xff, g.rng.below(256)]);
    setup.push(movRegImm(2, EAX, (ah << 8) | (g.rng.chance(0.7) ? al : g.rng.below(256))));
  }
  switch (g.rng.below(6)) {
    case 0:
      return [
        ...setup,
        insn([0x27], "daa", { reads: CF | AF, writes: CF | AF | SF | ZF | PF, undef: OF }),
      ];
    case 1:
      return [
        ...setup,
        insn([0x2f], "das", { reads: CF | AF, writes: CF | AF | SF | ZF | PF, undef: OF }),
      ];
    case 2:
      return [
        ...setup,
        insn([0x37], "aaa", { reads: AF, writes: AF | CF, undef: OF | SF | ZF | PF }),
      ];
    case 3:
      return [
        ...setup,
        insn([0x3f], "aas", { reads: AF, writes: AF | CF, undef: OF | SF | ZF | PF }),
      ];
    case 4: { // AAM imm8: imm8 = 0 raises #DE
      const base = g.rng.chance(0.6) ? 10 : g.rng.range(1, 255);
      return [
        ...setup,
        insn([0xd4, base], `aam ${hex(base)}`, { writes: SF | ZF | PF, undef: OF | AF | CF }),
      ];
    }
    default: {
      const base = g.rng.chance(0.6) ? 10 : g.rng.below(256);
      return [
        ...setup,
        insn([0xd5, base], `aad ${hex(base)}`, { writes: SF | ZF | PF, undef: OF | AF | CF }),
      ];
    }
  }
}

/** CBW (66 98), CWDE (98), CWD (66 99), CDQ (99). */
export function genAccExtend(g: Gen): Insn[] {
  return [g.rng.pick([
    insn([0x66, 0x98], "cbw"),
    insn([0x98], "cwde"),
    insn([0x66, 0x99], "cwd"),
    insn([0x99], "cdq"),
  ])];
}

/** LAHF (9F) reads SF ZF AF PF CF; SAHF (9E) writes them from AH; CLC STC CMC CLD STD. */
export function genFlagOps(g: Gen): Insn[] {
  const low = SF | ZF | AF | PF | CF;
  return [g.rng.pick([
    insn([0x9f], "lahf", { reads: low }),
    insn([0x9e], "sahf", { writes: low }),
    insn([0xf8], "clc", { writes: CF }),
    insn([0xf9], "stc", { writes: CF }),
    insn([0xf5], "cmc", { reads: CF, writes: CF }),
    insn([0xfc], "cld"),
    insn([0xfd], "std"),
  ])];
}

/**
 * LEA r, m (8D) with any ModRM/SIB form and arbitrary register values (no memory is touched),
 * with 16- or 32-bit operand size and, under 0x67, 16-bit addressing (SDM "LEA" table of
 * operand/address size combinations).
 */
export function genLea(g: Gen): Insn[] {
  const size = g.wide();
  const reg = g.dst(size);
  const addr16 = g.rng.chance(0.25);
  const rm = addr16 ? g.anyMem16() : g.anyMem32();
  const bytes = rmBytes(size, [0x8d], reg, rm);
  const text = `lea ${regName(size, reg)}, ${
    rmText(size, rm).replace(/^\w+ /, addr16 ? "a16 " : "")
  }`;
  return [insn(addr16 ? [0x67, ...bytes] : bytes, text)];
}

/** NOP (90) and the multi-byte NOP r/m (0F 1F /0), whose operand is never accessed. */
export function genNop(g: Gen): Insn[] {
  if (g.rng.chance(0.3)) return [insn([0x90], "nop")];
  const size = g.wide();
  const rm = g.anyMem32();
  return [insn(rmBytes(size, [0x0f, 0x1f], 0, rm), `nop ${rmText(size, rm)}`)];
}

/** XLAT (D7): AL = [EBX + AL], with EBX planted so the whole 256-byte table is inside the data. */
export function genXlat(g: Gen): Insn[] {
  const table = g.addr(256, 16);
  const seg = g.rng.chance(0.2) ? [g.rng.pick([0x26, 0x36, 0x2e])] : [];
  return [
    movRegImm(4, EBX, table),
    insn([...seg, 0xd7], seg.length ? `xlat (seg ${hex(seg[0])})` : "xlat"),
  ];
}

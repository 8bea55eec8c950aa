/**
 * String instructions MOVS CMPS STOS LODS SCAS (A4-AF) at byte, word and dword size, plain or
 * with REP/REPE/REPNE, with ESI, EDI and ECX planted so every element stays in the data area in
 * either direction (DF may be set). Source segment overrides are used (all segments are flat);
 * the destination is always ES:EDI.
 */

import { STATUS } from "./flags.ts";
import { ECX, EDI, ESI, type Insn, insn, movRegImm, opsize, type Size } from "./encode.ts";
import type { Gen } from "./gen_context.ts";

const STRING_OPS = [
  { name: "movs", op: 0xa4, cmp: false, src: true, dst: true },
  { name: "cmps", op: 0xa6, cmp: true, src: true, dst: true },
  { name: "stos", op: 0xaa, cmp: false, src: false, dst: true },
  { name: "lods", op: 0xac, cmp: false, src: true, dst: false },
  { name: "scas", op: 0xae, cmp: true, src: false, dst: true },
];
const SUFFIX = { 1: "b", 2: "w", 4: "d" };
const SEG_NAME: Record<number, string> = { 0x26: "es", 0x2e: "cs", 0x36: "ss", 0x3e: "ds" };

/** One string instruction with its pointer and count setup. */
export function genString(g: Gen): Insn[] {
  const s = g.rng.pick(STRING_OPS);
  const size: Size = g.rng.pick([1, 2, 4] as const);
  // REPNE on MOVS/STOS/LODS is not architecturally defined; only CMPS/SCAS get F2.
  const rep = g.rng.below(3) === 0 ? 0 : s.cmp && g.rng.chance(0.5) ? 0xf2 : 0xf3;
  const count = rep ? g.rng.pick([0, 1, 2, 3, 5, 8, g.rng.below(17)]) : 1;
  const margin = 0x80;
  const setup: Insn[] = [];
  if (rep) setup.push(movRegImm(4, ECX, count));
  if (s.src) setup.push(movRegImm(4, ESI, g.addr(size, margin)));
  if (s.dst) setup.push(movRegImm(4, EDI, g.addr(size, margin)));
  // A source override (CS is readable) exercises segment decoding; it never applies to ES:EDI.
  const seg = s.src && g.rng.chance(0.15) ? [g.rng.pick([0x26, 0x2e, 0x36, 0x3e])] : [];
  const prefix = rep === 0 ? "" : rep === 0xf2 ? "repne " : s.cmp ? "repe " : "rep ";
  const text = `${prefix}${seg.length ? SEG_NAME[seg[0]] + " " : ""}${s.name}${SUFFIX[size]}`;
  // A repeated compare with ECX = 0 compares nothing and leaves the flags alone.
  const flags = s.cmp && count > 0 ? { writes: STATUS } : {};
  const bytes = [...(rep ? [rep] : []), ...seg, ...opsize(size), s.op + (size === 1 ? 0 : 1)];
  return [...setup, insn(bytes, text, flags)];
}

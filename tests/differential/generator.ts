/**
 * Random 32-bit integer instruction streams for differential testing. A case is 1–8
 * "fragments": an instruction plus the setup that makes it safe (pointers into the data area,
 * non-faulting division operands, a known shift count), or a forward branch over another
 * fragment. Each case carries the set of status flags the SDM leaves undefined at its end,
 * which comparisons ignore. Cases are reproducible one by one from (seed, index).
 */

import { DF, FIXED_ONE, IF, STATUS } from "./flags.ts";
import type { Insn } from "./encode.ts";
import { type CaseLayout, Gen, STACK_ZONE } from "./gen_context.ts";
import { genAlu, genIncDec, genMov, genNegNot, genTest } from "./gen_alu.ts";
import { genDoubleShift, genShift } from "./gen_shift.ts";
import { genDiv, genMul } from "./gen_muldiv.ts";
import {
  genBitScan,
  genBitTest,
  genBswap,
  genCmpxchg,
  genCmpxchg8b,
  genCondMove,
  genExtend,
  genXadd,
  genXchg,
} from "./gen_bits.ts";
import { genAccExtend, genBcd, genFlagOps, genLea, genNop, genXlat } from "./gen_misc.ts";
import { genEnterLeave, genPushAll, genPushPop, genPushPopFlags } from "./gen_stack.ts";
import { genString } from "./gen_string.ts";
import { genBranch } from "./gen_branch.ts";
import { DEFAULT_CODE_ADDRESS, DEFAULT_DATA_ADDRESS, DEFAULT_DATA_SIZE } from "./layout.ts";
import { Rng } from "./rng.ts";
import type { FlatTestCase } from "./types.ts";

/** A generated case: a FlatTestCase plus what a comparison needs to judge it. */
export interface GeneratedCase extends FlatTestCase {
  /** What a directed case checks (random cases have none). */
  name?: string;
  /** Status flags left architecturally undefined at the end; comparisons ignore them. */
  undefinedFlags: number;
  /** One line per instruction: its bytes in hex and its text. */
  listing: string[];
}

/** Options of generateCase / generateCases. */
export interface GenerateOptions {
  /** Fewest fragments per case. @default 1 */
  minFragments?: number;
  /** Most fragments per case. @default 8 */
  maxFragments?: number;
  /** @default 0x10000000 */
  codeAddress?: number;
  /** @default 0x20000000 */
  dataAddress?: number;
  /** Bytes of data area, at least 4 KiB (the stack lives in its middle). @default 4096 */
  dataSize?: number;
  /** Restrict generation to these families (FAMILIES names, plus "branch"). @default all */
  families?: readonly string[];
}

/** A named instruction family with its relative weight. */
export interface Family {
  name: string;
  weight: number;
  gen: (g: Gen) => Insn[];
}

/** Every straight-line family, with weights favouring the flag-heavy ones. */
export const FAMILIES: readonly Family[] = [
  { name: "alu", weight: 12, gen: genAlu },
  { name: "test", weight: 3, gen: genTest },
  { name: "incdec", weight: 4, gen: genIncDec },
  { name: "negnot", weight: 3, gen: genNegNot },
  { name: "mov", weight: 3, gen: genMov },
  { name: "shift", weight: 10, gen: genShift },
  { name: "doubleshift", weight: 4, gen: genDoubleShift },
  { name: "mul", weight: 5, gen: genMul },
  { name: "div", weight: 5, gen: genDiv },
  { name: "bittest", weight: 5, gen: genBitTest },
  { name: "bitscan", weight: 3, gen: genBitScan },
  { name: "condmove", weight: 5, gen: genCondMove },
  { name: "extend", weight: 3, gen: genExtend },
  { name: "xchg", weight: 2, gen: genXchg },
  { name: "xadd", weight: 2, gen: genXadd },
  { name: "cmpxchg", weight: 3, gen: genCmpxchg },
  { name: "cmpxchg8b", weight: 1, gen: genCmpxchg8b },
  { name: "bswap", weight: 1, gen: genBswap },
  { name: "bcd", weight: 4, gen: genBcd },
  { name: "accextend", weight: 2, gen: genAccExtend },
  { name: "flagops", weight: 3, gen: genFlagOps },
  { name: "lea", weight: 4, gen: genLea },
  { name: "nop", weight: 1, gen: genNop },
  { name: "xlat", weight: 1, gen: genXlat },
  { name: "pushpop", weight: 4, gen: genPushPop },
  { name: "pushpopflags", weight: 3, gen: genPushPopFlags },
  { name: "pushall", weight: 1, gen: genPushAll },
  { name: "enterleave", weight: 1, gen: genEnterLeave },
  { name: "string", weight: 5, gen: genString },
];

/** Weight of a forward branch over another fragment, relative to FAMILIES. */
const BRANCH_WEIGHT = 6;

/**
 * Applies `insns` to the set of undefined flags `state`; returns the new set, or null when an
 * instruction reads a flag that is undefined at that point (its result would be undefined).
 * A branch with `skips = n` may jump over the next n instructions, so the state after them is
 * the union of both paths.
 */
export function flowFlags(state: number, insns: readonly Insn[]): number | null {
  let st = state;
  const joins: { end: number; skipped: number }[] = [];
  for (let i = 0; i < insns.length; i++) {
    const ins = insns[i];
    if ((ins.reads & st) !== 0) return null;
    st = (st & ~ins.writes) | ins.undef;
    if (ins.skips !== undefined) joins.push({ end: i + ins.skips, skipped: st });
    for (const j of joins) if (j.end === i) st |= j.skipped;
  }
  return st;
}

/** Seed of case `index` of the batch `seed`, so any case can be regenerated alone. */
export function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  return (h ^ (h >>> 15)) >>> 0;
}

function hexBytes(bytes: readonly number[]): string {
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Generates one case from `rng`. */
export function generateCase(rng: Rng, options: GenerateOptions = {}): GeneratedCase {
  const layout: CaseLayout = {
    codeAddress: options.codeAddress ?? DEFAULT_CODE_ADDRESS,
    dataAddress: options.dataAddress ?? DEFAULT_DATA_ADDRESS,
    dataSize: options.dataSize ?? DEFAULT_DATA_SIZE,
  };
  if (layout.dataSize < 0x1000) throw new Error("generateCase: dataSize must be at least 4096");
  const families = options.families
    ? FAMILIES.filter((f) => options.families!.includes(f.name))
    : FAMILIES;
  const branches = options.families === undefined || options.families.includes("branch");
  if (families.length === 0 && !branches) throw new Error("generateCase: no family selected");
  // Bodies of branches come from the selected families, or from all when only "branch" is.
  const bodies = families.length > 0 ? families : FAMILIES;
  const g = new Gen(rng, layout);

  const regs = new Uint32Array(8);
  for (let r = 0; r < 8; r++) regs[r] = rng.interesting(32);
  const esp = layout.dataAddress + rng.range(STACK_ZONE[0], STACK_ZONE[1]);
  regs[4] = rng.chance(0.9) ? esp & ~3 : esp;
  const eflags = (rng.u32() & STATUS) | (rng.chance(0.15) ? DF : 0) | IF | FIXED_ONE;
  const data = new Uint8Array(layout.dataSize);
  const words = new Uint32Array(data.buffer);
  for (let i = 0; i < words.length; i++) words[i] = rng.u32();

  const total = families.reduce((n, f) => n + f.weight, 0) + (branches ? BRANCH_WEIGHT : 0);
  const pickFamily = (): Family | undefined => {
    let x = rng.below(total);
    for (const f of families) if ((x -= f.weight) < 0) return f;
    return undefined; // the branch slot
  };
  const bodyTotal = bodies.reduce((n, f) => n + f.weight, 0);
  const straight = (): Insn[] => {
    let x = rng.below(bodyTotal);
    for (const f of bodies) if ((x -= f.weight) < 0) return f.gen(g);
    return bodies[0].gen(g);
  };

  const count = rng.range(options.minFragments ?? 1, options.maxFragments ?? 8);
  const insns: Insn[] = [];
  let state = 0;
  let offset = 0;
  for (let k = 0; k < count; k++) {
    for (let tries = 0; tries < 50; tries++) {
      g.offset = offset;
      const family = pickFamily();
      const frag = family ? family.gen(g) : genBranch(g, rng.chance(0.1) ? [] : straight());
      const next = flowFlags(state, frag);
      if (next === null) continue;
      state = next;
      insns.push(...frag);
      offset += frag.reduce((n, i) => n + i.bytes.length, 0);
      break;
    }
  }
  return {
    code: Uint8Array.from(insns.flatMap((i) => i.bytes)),
    codeAddress: layout.codeAddress,
    regs,
    eflags,
    dataAddress: layout.dataAddress,
    data,
    undefinedFlags: state,
    listing: insns.map((i) => `${hexBytes(i.bytes).padEnd(36)} ${i.text}`),
  };
}

/** Case `index` of the batch `seed` (the same case generateCases returns at that index). */
export function generateCaseAt(
  seed: number,
  index: number,
  options: GenerateOptions = {},
): GeneratedCase {
  return generateCase(new Rng(caseSeed(seed, index)), options);
}

/** `count` cases of the batch `seed`, starting at case `first`. */
export function generateCases(
  seed: number,
  count: number,
  options: GenerateOptions & { first?: number } = {},
): GeneratedCase[] {
  const first = options.first ?? 0;
  return Array.from({ length: count }, (_, i) => generateCaseAt(seed, first + i, options));
}

/**
 * Forward control transfers that keep a case straight-line in effect: a branch either falls
 * through into a following block of instructions or skips it. Covered: Jcc rel8/rel32,
 * JMP rel8/rel32, LOOP/LOOPE/LOOPNE, JECXZ/JCXZ, CALL rel32, JMP/CALL r/m32 and RET/RET imm16
 * (to an address pushed just before). Targets are absolute where needed, computed from the
 * case's code address, so the host copy and the interpreter agree on them.
 */

import { CC_NAMES, CC_READS, ZF } from "./flags.ts";
import { ECX, hex, type Insn, insn, le, movRegImm, movRmImm, rmText } from "./encode.ts";
import type { Gen } from "./gen_context.ts";
import { rmBytes } from "./gen_alu.ts";

function length(insns: readonly Insn[]): number {
  return insns.reduce((n, i) => n + i.bytes.length, 0);
}

/**
 * A branch over `body` (instructions that may or may not run). The branch carries
 * `skips = body.length` so the flag bookkeeping can merge both paths.
 */
export function genBranch(g: Gen, body: Insn[]): Insn[] {
  const skip = length(body);
  const skips = body.length;
  const rng = g.rng;
  const short = skip <= 127 && rng.chance(0.7);
  const rel8 = (n: number) => [n & 0xff];
  const at = (setup: Insn[], branchLen: number) =>
    g.layout.codeAddress + g.offset + length(setup) + branchLen + skip;
  switch (rng.below(8)) {
    case 0:
    case 1: { // Jcc
      const cc = rng.below(16);
      const bytes = short ? [0x70 + cc, ...rel8(skip)] : [0x0f, 0x80 + cc, ...le(skip, 4)];
      return [
        insn(bytes, `j${CC_NAMES[cc]} ${short ? "short " : ""}+${hex(skip)}`, {
          reads: CC_READS[cc],
          skips,
        }),
        ...body,
      ];
    }
    case 2: { // JMP
      const bytes = short ? [0xeb, ...rel8(skip)] : [0xe9, ...le(skip, 4)];
      return [insn(bytes, `jmp ${short ? "short " : ""}+${hex(skip)}`, { skips }), ...body];
    }
    case 3: { // LOOP/LOOPE/LOOPNE (rel8 only)
      if (skip > 127) return body;
      const kind = rng.below(3); // E0 loopne, E1 loope, E2 loop
      const setup = rng.chance(0.6) ? [movRegImm(4, ECX, rng.pick([0, 1, 2, 0xffffffff]))] : [];
      const name = ["loopne", "loope", "loop"][kind];
      return [
        ...setup,
        insn([0xe0 + kind, skip], `${name} +${hex(skip)}`, { reads: kind < 2 ? ZF : 0, skips }),
        ...body,
      ];
    }
    case 4: { // JECXZ (E3) / JCXZ (67 E3)
      if (skip > 127) return body;
      const setup = rng.chance(0.5) ? [movRegImm(4, ECX, rng.pick([0, 0x10000, 1]))] : [];
      const cx = rng.chance(0.3);
      return [
        ...setup,
        insn([...(cx ? [0x67] : []), 0xe3, skip], `${cx ? "jcxz" : "jecxz"} +${hex(skip)}`, {
          skips,
        }),
        ...body,
      ];
    }
    case 5: // CALL rel32: pushes the address of the next instruction
      return [insn([0xe8, ...le(skip, 4)], `call +${hex(skip)}`, { skips }), ...body];
    case 6: { // JMP/CALL r/m32 (FF /4, FF /2) to the end of the body
      const call = rng.chance(0.4);
      const name = call ? "call" : "jmp";
      if (rng.chance(0.5)) {
        const r = g.dst(4);
        const setup = [movRegImm(4, r, 0)];
        setup[0] = movRegImm(4, r, at(setup, 2));
        return [
          ...setup,
          insn([0xff, (call ? 0xd0 : 0xe0) | r], `${name} ${rmText(4, { reg: r })}`, { skips }),
          ...body,
        ];
      }
      const m = g.mem(4);
      const branch = rmBytes(4, [0xff], call ? 2 : 4, m.rm);
      const setup = [...m.setup, movRmImm(4, m.rm, 0)];
      setup[setup.length - 1] = movRmImm(4, m.rm, at(setup, branch.length));
      return [...setup, insn(branch, `${name} ${rmText(4, m.rm)}`, { skips }), ...body];
    }
    default: { // PUSH target; RET or RET imm16 (which also releases imm16 bytes)
      const release = rng.chance(0.4) ? rng.pick([0, 2, 4, 8, 12]) : -1;
      const retLen = release >= 0 ? 3 : 1;
      const setup = [insn([0x68, 0, 0, 0, 0], "push")];
      const target = at(setup, retLen);
      setup[0] = insn([0x68, ...le(target, 4)], `push ${hex(target)}`);
      const ret = release >= 0
        ? insn([0xc2, ...le(release, 2)], `ret ${hex(release)}`, { skips })
        : insn([0xc3], "ret", { skips });
      return [...setup, ret, ...body];
    }
  }
}

/**
 * Comparisons and classification: FCOM/FCOMP/FCOMPP, FUCOM/FUCOMP/FUCOMPP, FICOM/FICOMP, FTST,
 * FCOMI/FCOMIP/FUCOMI/FUCOMIP and FXAM (Intel SDM vol. 2).
 *
 * Measured on hardware: the condition codes (or EFLAGS) receive the outcome even when an
 * unmasked exception is raised (unordered for IE, the real relation for DE); only the pops are
 * then withheld.
 */
import { classify, type F80, POS_ZERO, signOf } from "./f80.ts";
import {
  compare,
  conditionCodes,
  eflagsBits,
  FLAG_AF,
  FLAG_CF,
  FLAG_OF,
  FLAG_PF,
  FLAG_SF,
  FLAG_ZF,
  type Relation,
} from "./compare.ts";
import { type Exec, memoryDenormal } from "./exec.ts";
import type { FpuHost } from "./fpu_host.ts";
import type { FpuState } from "./fpu_state.ts";
import { C0, C1, C2, C3 } from "./status.ts";

/** Where the second comparand comes from: a register ST(i) or an already loaded memory value. */
export type Comparand = { reg: number } | { value: F80; flags: number };

/** Runs a comparison of ST(0) with `src`, returning the relation and whether pops may happen. */
function compareOperands(
  s: FpuState,
  src: Comparand,
  quietNaNs: boolean,
): { relation: Relation; proceed: boolean } {
  if (s.isEmpty(0) || ("reg" in src && s.isEmpty(src.reg))) {
    const proceed = s.stackUnderflow();
    return { relation: "unordered", proceed };
  }
  const b = "reg" in src ? s.st(src.reg) : src.value;
  const c = compare(s.st(0), b, quietNaNs);
  const unmasked = s.record(c.flags | memoryDenormal(s.st(0), src));
  return { relation: c.relation, proceed: unmasked === 0 };
}

/** FCOM/FUCOM family: sets C3 C2 C0 (C1 cleared), then pops `pops` times. */
export function compareToSt0(s: FpuState, src: Comparand, quietNaNs: boolean, pops: number): void {
  const { relation, proceed } = compareOperands(s, src, quietNaNs);
  s.setConditionCodes(conditionCodes(relation));
  if (proceed) { for (let n = 0; n < pops; n++) s.pop(); }
}

/**
 * FCOMI/FUCOMI(P): sets ZF PF CF, clears OF SF AF, then pops when `pop`. The condition codes
 * are left alone, C1 included (measured; SDM says C1 is cleared).
 */
export function compareToEflags(
  s: FpuState,
  host: FpuHost,
  i: number,
  quietNaNs: boolean,
  pop: boolean,
): void {
  const { relation, proceed } = compareOperands(s, { reg: i }, quietNaNs);
  const keep = ~(FLAG_ZF | FLAG_PF | FLAG_CF | FLAG_OF | FLAG_SF | FLAG_AF);
  host.setFlags((host.getFlags() & keep) | eflagsBits(relation));
  if (proceed && pop) s.pop();
}

/** DD E0+i FUCOM, DD E8+i FUCOMP. */
export const fucom: Exec = (s, _host, insn) => {
  const pops = (insn.modrm >> 3) & 1;
  compareToSt0(s, { reg: insn.modrm & 7 }, true, pops);
};

/** DA E9 FUCOMPP. */
export const fucompp: Exec = (s) => compareToSt0(s, { reg: 1 }, true, 2);

/** DB E8+i FUCOMI, DB F0+i FCOMI, DF E8+i FUCOMIP, DF F0+i FCOMIP. */
export const fcomi: Exec = (s, host, insn) => {
  const quietNaNs = (insn.modrm & 0xf8) === 0xe8;
  compareToEflags(s, host, insn.modrm & 7, quietNaNs, insn.opcode === 0xdf);
};

/** D9 E4 FTST: compares ST(0) with +0.0. */
export const ftst: Exec = (s) => {
  compareToSt0(s, { value: POS_ZERO, flags: 0 }, false, 0);
};

/**
 * D9 E5 FXAM: classifies ST(0) into C3 C2 C0 and copies its sign into C1 (SDM FXAM table).
 * An empty register reports 101 with the sign of whatever it holds, as measured.
 */
export const fxam: Exec = (s) => {
  const v = s.st(0);
  let codes: number;
  if (s.isEmpty(0)) codes = C3 | C0;
  else {
    switch (classify(v)) {
      case "unsupported":
        codes = 0;
        break;
      case "nan":
        codes = C0;
        break;
      case "normal":
        codes = C2;
        break;
      case "infinity":
        codes = C2 | C0;
        break;
      case "zero":
        codes = C3;
        break;
      default:
        codes = C3 | C2;
    }
  }
  s.setConditionCodes(codes | (signOf(v) ? C1 : 0));
};

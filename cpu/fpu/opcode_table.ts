/**
 * The x87 opcode map (Intel SDM vol. 2 Appendix A.4, Tables ): for each escape
 * opcode D8–DF, eight memory forms selected by ModRM.reg and sixty-four register forms selected
 * by the ModRM byte C0–FF. Each entry names the instruction, its handler and whether it waits
 * for pending exceptions and records the instruction/data pointers. Encodings left undefined
 * raise #UD. The undocumented aliases real CPUs execute (FSTP1/8/9, FCOM2, FCOMP3/5, FXCH4/7,
 * FFREEP) are included.
 */
import type { Exec } from "./exec.ts";
import { arithMemory, arithSt0, arithStI } from "./ops_arith.ts";
import { fcomi, ftst, fucom, fucompp, fxam } from "./ops_compare.ts";
import {
  fbld,
  fbstp,
  fldConstant,
  fldSt,
  fstpExtended,
  loadMemory,
  storeDouble,
  storeInteger,
  storeSingle,
  storeSt,
} from "./ops_load_store.ts";
import { fabs, fchs, fcmov, fdecstp, ffree, ffreep, fincstp, fnop, fxch } from "./ops_stack.ts";
import {
  f2xm1Op,
  fpatanOp,
  fprem,
  frndint,
  fscale,
  fsqrt,
  fxtract,
  fyl2xOp,
  fyl2xp1Op,
  pushingTrig,
  sinCos,
} from "./ops_math.ts";
import {
  fldcw,
  fldenv,
  fnclex,
  fninit,
  fnLegacyNop,
  fnsave,
  fnstcw,
  fnstenv,
  fnstswAx,
  fnstswMemory,
  frstor,
} from "./ops_control.ts";

/** One x87 instruction form. */
export interface FpuOp {
  /** Assembler mnemonic, for disassembly and diagnostics. */
  readonly mnemonic: string;
  /** The semantics. */
  readonly exec: Exec;
  /** FN* forms: run without first delivering a pending unmasked exception (SDM §8.3.11). */
  readonly noWait: boolean;
  /**
   * Control instructions leave FIP/FCS/FOP/FDP/FDS alone (SDM §8.1.8): FNINIT, FNCLEX,
   * FLDCW, FNSTCW, FNSTSW, FNSTENV, FLDENV, FNSAVE, FRSTOR and the legacy no-ops.
   */
  readonly control: boolean;
}

function op(
  mnemonic: string,
  exec: Exec,
  flags: { noWait?: boolean; control?: boolean } = {},
): FpuOp {
  return { mnemonic, exec, noWait: flags.noWait ?? false, control: flags.control ?? false };
}

const GROUP = ["fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"];
const CONTROL = { control: true };
const NO_WAIT = { noWait: true, control: true };

type Row = (FpuOp | undefined)[];

function memoryForms(): Row[] {
  const arith = (prefix: string, kind: Parameters<typeof arithMemory>[0], suffix: string) =>
    GROUP.map((m) => op(`${prefix}${m.slice(1)} ${suffix}`, arithMemory(kind)));
  return [
    arith("f", "m32real", "m32"),
    [
      op("fld m32", loadMemory("m32real")),
      undefined,
      op("fst m32", storeSingle(false)),
      op("fstp m32", storeSingle(true)),
      op("fldenv", fldenv, CONTROL),
      op("fldcw", fldcw, CONTROL),
      op("fnstenv", fnstenv, NO_WAIT),
      op("fnstcw", fnstcw, NO_WAIT),
    ],
    arith("fi", "m32int", "m32"),
    [
      op("fild m32", loadMemory("m32int")),
      op("fisttp m32", storeInteger(32, true, true)), // SSE3: #UD without it (cpu/ops/sse3.ts)
      op("fist m32", storeInteger(32, false)),
      op("fistp m32", storeInteger(32, true)),
      undefined,
      op("fld m80", loadMemory("m80real")),
      undefined,
      op("fstp m80", fstpExtended),
    ],
    arith("f", "m64real", "m64"),
    [
      op("fld m64", loadMemory("m64real")),
      op("fisttp m64", storeInteger(64, true, true)), // SSE3: #UD without it (cpu/ops/sse3.ts)
      op("fst m64", storeDouble(false)),
      op("fstp m64", storeDouble(true)),
      op("frstor", frstor, CONTROL),
      undefined,
      op("fnsave", fnsave, NO_WAIT),
      op("fnstsw m16", fnstswMemory, NO_WAIT),
    ],
    arith("fi", "m16int", "m16"),
    [
      op("fild m16", loadMemory("m16int")),
      op("fisttp m16", storeInteger(16, true, true)), // SSE3: #UD without it (cpu/ops/sse3.ts)
      op("fist m16", storeInteger(16, false)),
      op("fistp m16", storeInteger(16, true)),
      op("fbld m80", fbld),
      op("fild m64", loadMemory("m64int")),
      op("fbstp m80", fbstp),
      op("fistp m64", storeInteger(64, true)),
    ],
  ];
}

/** Fills eight consecutive register forms (ModRM base + i) with one handler. */
function eight(row: Row, base: number, name: string, exec: Exec, flags = {}): void {
  for (let i = 0; i < 8; i++) row[base - 0xc0 + i] = op(`${name} st(${i})`, exec, flags);
}

const D9_SPECIAL: Record<number, [string, Exec]> = {
  0xd0: ["fnop", fnop],
  0xe0: ["fchs", fchs],
  0xe1: ["fabs", fabs],
  0xe4: ["ftst", ftst],
  0xe5: ["fxam", fxam],
  0xe8: ["fld1", fldConstant],
  0xe9: ["fldl2t", fldConstant],
  0xea: ["fldl2e", fldConstant],
  0xeb: ["fldpi", fldConstant],
  0xec: ["fldlg2", fldConstant],
  0xed: ["fldln2", fldConstant],
  0xee: ["fldz", fldConstant],
  0xf0: ["f2xm1", f2xm1Op],
  0xf1: ["fyl2x", fyl2xOp],
  0xf2: ["fptan", pushingTrig("tan")],
  0xf3: ["fpatan", fpatanOp],
  0xf4: ["fxtract", fxtract],
  0xf5: ["fprem1", fprem(true)],
  0xf6: ["fdecstp", fdecstp],
  0xf7: ["fincstp", fincstp],
  0xf8: ["fprem", fprem(false)],
  0xf9: ["fyl2xp1", fyl2xp1Op],
  0xfa: ["fsqrt", fsqrt],
  0xfb: ["fsincos", pushingTrig("sincos")],
  0xfc: ["frndint", frndint],
  0xfd: ["fscale", fscale],
  0xfe: ["fsin", sinCos("sin")],
  0xff: ["fcos", sinCos("cos")],
};

function registerForms(): Row[] {
  const rows: Row[] = Array.from(
    { length: 8 },
    () => new Array<FpuOp | undefined>(64).fill(undefined),
  );
  const [d8, d9, da, db, dc, dd, de, df] = rows;
  GROUP.forEach((m, r) => eight(d8, 0xc0 + 8 * r, m, arithSt0));

  eight(d9, 0xc0, "fld", fldSt);
  eight(d9, 0xc8, "fxch", fxch);
  eight(d9, 0xd8, "fstp1", storeSt(true));
  for (const [modrm, [name, exec]] of Object.entries(D9_SPECIAL)) {
    d9[Number(modrm) - 0xc0] = op(name, exec);
  }

  ["fcmovb", "fcmove", "fcmovbe", "fcmovu"].forEach((m, r) => eight(da, 0xc0 + 8 * r, m, fcmov));
  da[0xe9 - 0xc0] = op("fucompp", fucompp);

  ["fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu"].forEach((m, r) =>
    eight(db, 0xc0 + 8 * r, m, fcmov)
  );
  db[0xe0 - 0xc0] = op("fneni", fnLegacyNop, NO_WAIT);
  db[0xe1 - 0xc0] = op("fndisi", fnLegacyNop, NO_WAIT);
  db[0xe2 - 0xc0] = op("fnclex", fnclex, NO_WAIT);
  db[0xe3 - 0xc0] = op("fninit", fninit, NO_WAIT);
  db[0xe4 - 0xc0] = op("fnsetpm", fnLegacyNop, NO_WAIT);
  eight(db, 0xe8, "fucomi", fcomi);
  eight(db, 0xf0, "fcomi", fcomi);

  const dcNames = ["fadd", "fmul", "fcom2", "fcomp3", "fsubr", "fsub", "fdivr", "fdiv"];
  dcNames.forEach((m, r) => eight(dc, 0xc0 + 8 * r, m, arithStI(false)));

  eight(dd, 0xc0, "ffree", ffree);
  eight(dd, 0xc8, "fxch4", fxch);
  eight(dd, 0xd0, "fst", storeSt(false));
  eight(dd, 0xd8, "fstp", storeSt(true));
  eight(dd, 0xe0, "fucom", fucom);
  eight(dd, 0xe8, "fucomp", fucom);

  const deNames = ["faddp", "fmulp", "fcomp5", "", "fsubrp", "fsubp", "fdivrp", "fdivp"];
  deNames.forEach((m, r) => {
    if (m) eight(de, 0xc0 + 8 * r, m, arithStI(true));
  });
  de[0xd9 - 0xc0] = op("fcompp", arithStI(true));

  eight(df, 0xc0, "ffreep", ffreep);
  eight(df, 0xc8, "fxch7", fxch);
  eight(df, 0xd0, "fstp8", storeSt(true));
  eight(df, 0xd8, "fstp9", storeSt(true));
  df[0xe0 - 0xc0] = op("fnstsw ax", fnstswAx, NO_WAIT);
  eight(df, 0xe8, "fucomip", fcomi);
  eight(df, 0xf0, "fcomip", fcomi);
  return rows;
}

const MEMORY = memoryForms();
const REGISTER = registerForms();

/** The instruction form of escape opcode `opcode` (0xD8–0xDF) with ModRM byte `modrm`. */
export function lookup(opcode: number, modrm: number): FpuOp | undefined {
  const row = (opcode - 0xd8) & 7;
  if (opcode < 0xd8 || opcode > 0xdf) return undefined;
  return modrm >= 0xc0 ? REGISTER[row][modrm - 0xc0] : MEMORY[row][(modrm >> 3) & 7];
}

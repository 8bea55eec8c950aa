/**
 * Stack and sign manipulation: FXCH, FFREE, FFREEP, FINCSTP, FDECSTP, FCHS, FABS, FNOP and
 * FCMOVcc (Intel SDM vol. 2). None of these round, so none raises anything but stack faults.
 */
import { type F80, INDEFINITE, negate, withSign } from "./f80.ts";
import { FLAG_CF, FLAG_PF, FLAG_ZF } from "./compare.ts";
import type { Exec } from "./exec.ts";

/**
 * D9 C8+i FXCH ST(i) (and the aliases DD C8+i, DF C8+i). With an empty operand the masked
 * response fills it with the indefinite before exchanging (measured).
 */
export const fxch: Exec = (s, _host, insn) => {
  const i = insn.modrm & 7;
  if (s.isEmpty(0) || s.isEmpty(i)) {
    if (!s.stackUnderflow()) return;
    if (s.isEmpty(0)) s.set(0, INDEFINITE);
    if (s.isEmpty(i)) s.set(i, INDEFINITE);
  } else {
    s.setC1(false);
  }
  const t = s.st(0);
  s.set(0, s.st(i));
  s.set(i, t);
};

/** DD C0+i FFREE ST(i): tags the register empty; C1 reads 0 afterwards (measured). */
export const ffree: Exec = (s, _host, insn) => {
  s.free(insn.modrm & 7);
  s.setC1(false);
};

/** DF C0+i FFREEP ST(i): tags ST(i) empty, then pops; C1 reads 0 afterwards (measured). */
export const ffreep: Exec = (s, _host, insn) => {
  s.free(insn.modrm & 7);
  s.pop();
  s.setC1(false);
};

/** D9 F7 FINCSTP: TOP + 1 without touching tags; C1 cleared. */
export const fincstp: Exec = (s) => {
  s.top = (s.top + 1) & 7;
  s.setC1(false);
};

/** D9 F6 FDECSTP: TOP − 1 without touching tags; C1 cleared. */
export const fdecstp: Exec = (s) => {
  s.top = (s.top - 1) & 7;
  s.setC1(false);
};

/** D9 D0 FNOP. */
export const fnop: Exec = () => {};

/** Applies a sign operation to ST(0); no exception even for SNaNs (measured). */
function signOp(op: (v: F80) => F80): Exec {
  return (s) => {
    if (s.isEmpty(0)) {
      if (s.stackUnderflow()) s.set(0, INDEFINITE);
      return;
    }
    s.set(0, op(s.st(0)));
    s.setC1(false);
  };
}

/** D9 E0 FCHS. */
export const fchs: Exec = signOp(negate);
/** D9 E1 FABS. */
export const fabs: Exec = signOp((v) => withSign(v, 0));

/**
 * DA C0–DF FCMOVB/E/BE/U and DB C0–DF FCMOVNB/NE/NBE/NU ST(0), ST(i). Either register empty
 * takes the underflow response (ST(0) ← indefinite) whatever the condition (measured).
 */
export const fcmov: Exec = (s, host, insn) => {
  const i = insn.modrm & 7;
  if (s.isEmpty(0) || s.isEmpty(i)) {
    if (s.stackUnderflow()) s.set(0, INDEFINITE);
    return;
  }
  const f = host.getFlags();
  let cond: boolean;
  switch ((insn.modrm >> 3) & 3) {
    case 0:
      cond = (f & FLAG_CF) !== 0;
      break;
    case 1:
      cond = (f & FLAG_ZF) !== 0;
      break;
    case 2:
      cond = (f & (FLAG_CF | FLAG_ZF)) !== 0;
      break;
    default:
      cond = (f & FLAG_PF) !== 0;
  }
  if (insn.opcode === 0xdb) cond = !cond;
  if (cond) s.set(0, s.st(i));
};

/**
 * Control instructions: FNINIT, FNCLEX, FLDCW, FNSTCW, FNSTSW, FNSTENV, FLDENV, FNSAVE, FRSTOR
 * and the 8087/287 leftovers FNENI, FNDISI, FNSETPM (Intel SDM vol. 2). Loads read their whole
 * operand before changing anything; stores write theirs before changing anything.
 */
import type { Exec } from "./exec.ts";
import type { FpuInstruction } from "./fpu_host.ts";
import type { FpuState } from "./fpu_state.ts";
import { type Environment, envSize, readEnvironment, writeEnvironment } from "./env_image.ts";
import { readF80, writeF80 } from "./memory_operands.ts";
import { BUSY, ES, EXCEPTIONS, SF } from "./status.ts";

/** DB E3 FNINIT. */
export const fninit: Exec = (s) => s.init();

/** DB E2 FNCLEX: clears the exception flags, SF, ES and B; the condition codes stay. */
export const fnclex: Exec = (s) => {
  s.sw &= ~(EXCEPTIONS | SF | ES | BUSY);
};

/** DB E0 FNENI, DB E1 FNDISI, DB E4 FNSETPM: no-ops on the 387 and later. */
export const fnLegacyNop: Exec = () => {};

/** D9 /5 FLDCW m16: may unmask (or mask) pending exceptions, which updates ES and B. */
export const fldcw: Exec = (s, host, insn) => {
  s.loadControlWord(host.read16(insn.address));
};

/** D9 /7 FNSTCW m16. */
export const fnstcw: Exec = (s, host, insn) => host.write16(insn.address, s.cw);

/** DD /7 FNSTSW m16. */
export const fnstswMemory: Exec = (s, host, insn) => host.write16(insn.address, s.statusWord);

/** DF E0 FNSTSW AX. */
export const fnstswAx: Exec = (s, host) => host.setAx(s.statusWord);

function currentEnvironment(s: FpuState): Environment {
  return {
    cw: s.cw,
    sw: s.statusWord,
    tw: s.tagWord,
    fip: s.fip,
    fcs: s.fcs,
    fop: s.fop,
    fdp: s.fdp,
    fds: s.fds,
  };
}

function applyEnvironment(s: FpuState, env: Environment): void {
  s.cw = (env.cw & 0x1f3f) | 0x0040;
  s.statusWord = env.sw;
  s.tagWord = env.tw;
  s.fip = env.fip;
  s.fcs = env.fcs;
  s.fop = env.fop;
  s.fdp = env.fdp;
  s.fds = env.fds;
  // ES and B follow the loaded flags and masks (measured: a masked flag leaves ES clear).
  s.updateSummary();
}

/** D9 /6 FNSTENV: stores the environment, then masks all exceptions (SDM FSTENV). */
export const fnstenv: Exec = (s, host, insn) => {
  writeEnvironment(host, insn.address, currentEnvironment(s), insn);
  s.cw |= EXCEPTIONS;
};

/** D9 /4 FLDENV. */
export const fldenv: Exec = (s, host, insn) => {
  applyEnvironment(s, readEnvironment(host, insn.address, insn));
};

/** Address of ST(i)'s slot in an FNSAVE/FRSTOR image. */
function registerSlot(insn: FpuInstruction, i: number): number {
  return (insn.address + envSize(insn) + 10 * i) >>> 0;
}

/** DD /6 FNSAVE: environment plus ST(0)–ST(7) in stack order, then FNINIT (SDM FSAVE). */
export const fnsave: Exec = (s, host, insn) => {
  writeEnvironment(host, insn.address, currentEnvironment(s), insn);
  for (let i = 0; i < 8; i++) writeF80(host, registerSlot(insn, i), s.st(i));
  s.init();
};

/** DD /4 FRSTOR: the image FNSAVE writes; registers land relative to the loaded TOP. */
export const frstor: Exec = (s, host, insn) => {
  const env = readEnvironment(host, insn.address, insn);
  const regs = Array.from({ length: 8 }, (_, i) => readF80(host, registerSlot(insn, i)));
  const top = (env.sw >> 11) & 7;
  for (let i = 0; i < 8; i++) s.setReg((top + i) & 7, regs[i]);
  applyEnvironment(s, env);
};

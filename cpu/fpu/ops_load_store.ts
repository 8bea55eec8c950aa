/**
 * Data transfer: FLD, FILD, FBLD, the constant loads, FST/FSTP, FIST/FISTP/FISTTP and FBSTP (Intel
 * SDM vol. 2). Stores write memory before touching the register file, so a fault during the
 * write leaves the unit as it was and the instruction can be restarted.
 */
import { INDEFINITE } from "./f80.ts";
import { loadConstant } from "./constants.ts";
import {
  BCD_INDEFINITE,
  fromBcd,
  ieeeIndefinite,
  integerIndefinite,
  toBcd,
  toIeee,
  toInteger,
} from "./convert.ts";
import type { FpuHost } from "./fpu_host.ts";
import { type Exec, loadOperand, type MemoryKind, pushLoaded } from "./exec.ts";
import { readBytes, write64, writeBytes, writeF80, writeInt } from "./memory_operands.ts";
import { DOUBLE, type Format, SINGLE } from "./rounding.ts";
import { IE, OE, RC_CHOP, UE } from "./status.ts";

/** FLD m32/m64/m80 and FILD m16/m32/m64: push the operand (only m32/m64 SNaNs raise IE). */
export function loadMemory(kind: MemoryKind): Exec {
  return (s, host, insn) => {
    const loaded = loadOperand(host, insn.address, kind);
    pushLoaded(s, loaded, kind === "m32real" || kind === "m64real");
  };
}

/** DF /4 FBLD m80bcd. */
export const fbld: Exec = (s, host, insn) => {
  const value = fromBcd(readBytes(host, insn.address, 10));
  pushLoaded(s, { value, flags: 0 }, false);
};

/** D9 C0+i FLD ST(i): pushes a copy; an empty source takes the underflow response. */
export const fldSt: Exec = (s, _host, insn) => {
  const i = insn.modrm & 7;
  if (s.isEmpty(i)) {
    if (s.stackUnderflow()) s.pushIndefinite();
    return;
  }
  pushLoaded(s, { value: s.st(i), flags: 0 }, false);
};

/** D9 E8–EE: FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ (rounded under RC). */
export const fldConstant: Exec = (s, _host, insn) => {
  pushLoaded(s, { value: loadConstant(insn.modrm & 7, s.rc), flags: 0 }, false);
};

/**
 * FST/FSTP m32 and m64. Empty ST(0) stores the indefinite (masked underflow). Unmasked IE, OE or
 * UE store nothing and do not pop (SDM §4.9.1.4–5, measured); otherwise the rounded value is
 * written, C1 reports rounding up and PE/UE/OE are recorded. A suppressed store clears C1.
 */
export function storeReal(fmt: Format, pop: boolean): Exec {
  const write = (host: FpuHost, addr: number, bits: bigint) => {
    if (fmt === SINGLE) host.write32(addr, Number(bits));
    else write64(host, addr, bits);
  };
  return (s, host, insn) => {
    if (s.isEmpty(0)) {
      s.stackUnderflowStore(() => write(host, insn.address, ieeeIndefinite(fmt)), pop);
      return;
    }
    const env = s.roundEnv(false);
    const r = toIeee(s.st(0), fmt, env);
    if (r.flags & ~s.cw & (IE | OE | UE)) {
      s.record(r.flags & (IE | OE | UE));
      s.setC1(false);
      return;
    }
    write(host, insn.address, r.bits);
    s.record(r.flags);
    s.setC1(r.up);
    if (pop) s.pop();
  };
}

/** DD /2 FST m64real, DD /3 FSTP m64real. */
export const storeDouble = (pop: boolean): Exec => storeReal(DOUBLE, pop);
/** D9 /2 FST m32real, D9 /3 FSTP m32real. */
export const storeSingle = (pop: boolean): Exec => storeReal(SINGLE, pop);

/** DB /7 FSTP m80real: bit-exact, no exceptions except underflow. */
export const fstpExtended: Exec = (s, host, insn) => {
  if (s.isEmpty(0)) {
    s.stackUnderflowStore(() => writeF80(host, insn.address, INDEFINITE), true);
    return;
  }
  writeF80(host, insn.address, s.st(0));
  s.setC1(false);
  s.pop();
};

/**
 * FIST/FISTP m16/m32/m64: rounds under RC. Out of range, NaN or ∞ give the integer indefinite
 * with IE; unmasked IE stores nothing and does not pop. With `truncate` it is SSE3's FISTTP,
 * which rounds toward zero whatever RC says and always pops.
 */
export function storeInteger(width: number, pop: boolean, truncate = false): Exec {
  return (s, host, insn) => {
    if (s.isEmpty(0)) {
      s.stackUnderflowStore(
        () => writeInt(host, insn.address, width, integerIndefinite(width)),
        pop,
      );
      return;
    }
    const rc = truncate ? RC_CHOP : s.rc;
    const r = toInteger(s.st(0), width, rc);
    if (r.flags & ~s.cw & IE) {
      s.record(IE);
      s.setC1(false);
      return;
    }
    writeInt(host, insn.address, width, r.bits);
    s.record(r.flags);
    s.setC1(r.up);
    if (pop) s.pop();
  };
}

/** DF /6 FBSTP m80bcd: rounds under RC; |value| ≥ 10^18, NaN or ∞ store the BCD indefinite. */
export const fbstp: Exec = (s, host, insn) => {
  if (s.isEmpty(0)) {
    s.stackUnderflowStore(() => writeBytes(host, insn.address, BCD_INDEFINITE), true);
    return;
  }
  const r = toBcd(s.st(0), s.rc);
  if (r.flags & ~s.cw & IE) {
    s.record(IE);
    s.setC1(false);
    return;
  }
  writeBytes(host, insn.address, r.bytes);
  s.record(r.flags);
  s.setC1(r.up);
  s.pop();
};

/**
 * DD D0+i FST ST(i), DD D8+i FSTP ST(i) and the aliases D9 D8+i, DF D0+i, DF D8+i (FSTP).
 * An empty ST(0) writes the indefinite to ST(i) when masked.
 */
export function storeSt(pop: boolean): Exec {
  return (s, _host, insn) => {
    const i = insn.modrm & 7;
    if (s.isEmpty(0)) {
      if (s.stackUnderflow()) {
        s.set(i, INDEFINITE);
        if (pop) s.pop();
      }
      return;
    }
    s.set(i, s.st(0));
    s.setC1(false);
    if (pop) s.pop();
  };
}

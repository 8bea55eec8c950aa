/**
 * The D9 E0–FF arithmetic group that works on ST(0) (and ST(1)): FSQRT, FRNDINT, FSCALE,
 * FXTRACT, FPREM, FPREM1, F2XM1, FYL2X, FYL2XP1, FPTAN, FPATAN, FSIN, FCOS, FSINCOS
 * (Intel SDM vol. 2).
 */
import { type F80, INDEFINITE, isNaN80, ONE } from "./f80.ts";
import { type OpResult, sqrt } from "./arith.ts";
import type { Exec } from "./exec.ts";
import type { FpuState } from "./fpu_state.ts";
import { remainder } from "./remainder.ts";
import type { RoundEnv } from "./rounding.ts";
import { extract, roundToIntegral, scale } from "./scale.ts";
import { f2xm1, fpatan, fyl2x, fyl2xp1, trig, trigOutOfRange } from "./transcendental.ts";
import { C0, C1, C2, C3 } from "./status.ts";

/** ST(0) ← f(ST(0)). `precisionControl` selects whether PC applies (FSQRT only). */
function unary(f: (a: F80, env: RoundEnv) => OpResult, precisionControl = false): Exec {
  return (s) => {
    if (s.isEmpty(0)) {
      if (s.stackUnderflow()) s.set(0, INDEFINITE);
      return;
    }
    const r = f(s.st(0), s.roundEnv(precisionControl));
    if (!s.signal(r.flags)) return;
    s.set(0, r.value);
    s.setC1(r.up);
  };
}

/** D9 FA FSQRT (precision control applies). */
export const fsqrt: Exec = unary(sqrt, true);
/** D9 FC FRNDINT. */
export const frndint: Exec = unary(roundToIntegral);
/** D9 F0 F2XM1. */
export const f2xm1Op: Exec = unary(f2xm1);

/** D9 FD FSCALE: ST(0) ← ST(0) × 2^trunc(ST(1)). */
export const fscale: Exec = (s) => {
  if (s.isEmpty(0) || s.isEmpty(1)) {
    if (s.stackUnderflow()) s.set(0, INDEFINITE);
    return;
  }
  const r = scale(s.st(0), s.st(1), s.roundEnv(false));
  if (!s.signal(r.flags)) return;
  s.set(0, r.value);
  s.setC1(r.up);
};

/** ST(1) ← f(ST(0), ST(1)), then pop: FYL2X, FYL2XP1, FPATAN. */
function intoSt1(f: (x: F80, y: F80, env: RoundEnv) => OpResult): Exec {
  return (s) => {
    if (s.isEmpty(0) || s.isEmpty(1)) {
      if (s.stackUnderflow()) {
        s.set(1, INDEFINITE);
        s.pop();
      }
      return;
    }
    const r = f(s.st(0), s.st(1), s.roundEnv(false));
    if (!s.signal(r.flags)) return;
    s.set(1, r.value);
    s.setC1(r.up);
    s.pop();
  };
}

/** D9 F1 FYL2X. */
export const fyl2xOp: Exec = intoSt1(fyl2x);
/** D9 F9 FYL2XP1. */
export const fyl2xp1Op: Exec = intoSt1(fyl2xp1);
/** D9 F3 FPATAN. */
export const fpatanOp: Exec = intoSt1(fpatan);

/**
 * D9 F8 FPREM and D9 F5 FPREM1: ST(0) ← partial remainder of ST(0) / ST(1); C2 = 1 while
 * incomplete; otherwise C0, C3, C1 = quotient bits 2, 1, 0.
 */
export function fprem(nearest: boolean): Exec {
  return (s) => {
    // Without a quotient (stack fault, NaN result, suppressed result) C2 and C1 read 0 and
    // C0, C3 keep their values (measured).
    const noQuotient = () => s.setConditionCodes(s.statusWord & (C0 | C3));
    if (s.isEmpty(0) || s.isEmpty(1)) {
      noQuotient();
      if (s.stackUnderflow()) s.set(0, INDEFINITE);
      return;
    }
    const r = remainder(s.st(0), s.st(1), nearest, s.roundEnv(false));
    if (!s.signal(r.flags)) return noQuotient();
    s.set(0, r.value);
    if (isNaN80(r.value)) return noQuotient();
    const q = r.quotient;
    s.setConditionCodes(
      (r.partial ? C2 : 0) | (q & 4 ? C0 : 0) | (q & 2 ? C3 : 0) | (q & 1 ? C1 : 0),
    );
  };
}

/**
 * Masked stack-fault response of the instructions that replace ST(0) and push (FXTRACT, FPTAN,
 * FSINCOS): TOP moves and both ST(0) and ST(1) become the indefinite (measured).
 */
function pushFault(s: FpuState): boolean {
  if (!s.isEmpty(0) && !s.wouldOverflow()) return false;
  const masked = s.isEmpty(0) ? s.stackUnderflow() : s.stackOverflow();
  if (masked) {
    s.push(INDEFINITE);
    s.set(1, INDEFINITE);
  }
  return true;
}

/** D9 F4 FXTRACT: ST(0) ← exponent, then push the significand. */
export const fxtract: Exec = (s) => {
  if (pushFault(s)) return;
  const r = extract(s.st(0));
  if (!s.signal(r.flags)) return;
  s.set(0, r.exponent);
  s.push(r.significand);
  s.setC1(false);
};

/**
 * Sets C2 for an out-of-range trigonometric operand (left unchanged) and reports it; otherwise
 * clears C2, which stack faults leave clear too (measured).
 */
function outOfRange(s: FpuState): boolean {
  const out = !s.isEmpty(0) && trigOutOfRange(s.st(0));
  s.setConditionCodes((s.statusWord & (C0 | C1 | C3)) | (out ? C2 : 0));
  if (out) s.setC1(false);
  return out;
}

/** D9 FE FSIN and D9 FF FCOS: ST(0) ← sin/cos ST(0); |x| ≥ 2^63 sets C2 and changes nothing. */
export function sinCos(fn: "sin" | "cos"): Exec {
  return (s) => {
    if (outOfRange(s)) return;
    if (s.isEmpty(0)) {
      if (s.stackUnderflow()) s.set(0, INDEFINITE);
      return;
    }
    const r = trig(fn, s.st(0), s.roundEnv(false));
    if (!s.signal(r.flags)) return;
    s.set(0, r.value);
    s.setConditionCodes((s.statusWord & (C0 | C3)) | (r.up ? C1 : 0));
  };
}

/**
 * D9 F2 FPTAN (ST(0) ← tan ST(0), push 1.0) and D9 FB FSINCOS (ST(0) ← sin, push cos).
 * A NaN result is pushed in place of the second value (measured).
 */
export function pushingTrig(fn: "tan" | "sincos"): Exec {
  return (s) => {
    // Stack faults are checked before the operand's range (measured).
    if (s.isEmpty(0) || s.wouldOverflow()) {
      s.setConditionCodes(s.statusWord & (C0 | C1 | C3));
      pushFault(s);
      return;
    }
    if (outOfRange(s)) return;
    const env = s.roundEnv(false);
    const x = s.st(0);
    const first = trig(fn === "tan" ? "tan" : "sin", x, env);
    const second = fn === "tan" ? { value: ONE, flags: 0, up: false } : trig("cos", x, env);
    if (!s.signal(first.flags | second.flags)) return;
    s.set(0, first.value);
    s.push(isNaN80(first.value) ? first.value : second.value);
    // C1 follows the first result's rounding alone (the sine of FSINCOS; measured on the host:
    // the cosine's rounding never shows in C1).
    s.setConditionCodes((s.statusWord & (C0 | C3)) | (first.up ? C1 : 0));
  };
}

/**
 * Exact comparison of double-extended values for FCOM/FUCOM/FICOM/FTST/FCOMI/FUCOMI (Intel SDM
 * vol. 2, FCOM and FCOMI), and the condition-code/EFLAGS encodings of the outcome.
 */
import { fastMagnitudeOrder } from "./fast_path.ts";
import { bitLength, classify, type F80, isSignalingNaN, signOf, unpack } from "./f80.ts";
import { denormalFlag } from "./arith.ts";
import { C0, C2, C3, IE } from "./status.ts";

/** Outcome of a comparison. */
export type Relation = "lt" | "eq" | "gt" | "unordered";

/** A comparison outcome with the exceptions it raised. */
export interface Comparison {
  /** How a relates to b. */
  relation: Relation;
  /** IE and/or DE. */
  flags: number;
}

/** Compares two non-NaN, supported values exactly (−0 = +0). */
function order(a: F80, b: F80): Relation {
  const ca = classify(a);
  const cb = classify(b);
  if (ca === "zero" && cb === "zero") return "eq";
  const sa = signOf(a);
  const sb = signOf(b);
  if (ca === "zero") return sb ? "gt" : "lt";
  if (cb === "zero") return sa ? "lt" : "gt";
  if (sa !== sb) return sa ? "lt" : "gt";
  const mag = magnitudeOrder(a, b);
  if (mag === 0) return "eq";
  return (mag > 0) !== (sa === 1) ? "gt" : "lt";
}

/** Sign of |a| − |b| for non-zero, non-NaN values. */
function magnitudeOrder(a: F80, b: F80): number {
  const fast = fastMagnitudeOrder(a, b);
  if (fast !== undefined) return fast;
  const ia = classify(a) === "infinity";
  const ib = classify(b) === "infinity";
  if (ia || ib) return ia && ib ? 0 : ia ? 1 : -1;
  const ua = unpack(a);
  const ub = unpack(b);
  const msbA = ua.exp + bitLength(ua.sig) - 1;
  const msbB = ub.exp + bitLength(ub.sig) - 1;
  if (msbA !== msbB) return msbA > msbB ? 1 : -1;
  const e = Math.min(ua.exp, ub.exp);
  const va = ua.sig << BigInt(ua.exp - e);
  const vb = ub.sig << BigInt(ub.exp - e);
  return va === vb ? 0 : va > vb ? 1 : -1;
}

/**
 * Compares a with b. Unsupported encodings and SNaNs always raise IE; QNaNs raise IE unless
 * `quietNaNs` (the FUCOM family). A denormal operand raises DE when the comparison is ordered.
 */
export function compare(a: F80, b: F80, quietNaNs: boolean): Comparison {
  const ca = classify(a);
  const cb = classify(b);
  if (ca === "unsupported" || cb === "unsupported") return { relation: "unordered", flags: IE };
  if (ca === "nan" || cb === "nan") {
    const signaling = (ca === "nan" && isSignalingNaN(a)) || (cb === "nan" && isSignalingNaN(b));
    return { relation: "unordered", flags: signaling || !quietNaNs ? IE : 0 };
  }
  return { relation: order(a, b), flags: denormalFlag(a, b) };
}

/** C3 C2 C0 as FCOM/FTST/FICOM report a relation (C1 is cleared separately). */
export function conditionCodes(r: Relation): number {
  switch (r) {
    case "gt":
      return 0;
    case "lt":
      return C0;
    case "eq":
      return C3;
    default:
      return C3 | C2 | C0;
  }
}

/** EFLAGS.CF (bit 0). */
export const FLAG_CF = 0x0001;
/** EFLAGS.PF (bit 2). */
export const FLAG_PF = 0x0004;
/** EFLAGS.AF (bit 4). */
export const FLAG_AF = 0x0010;
/** EFLAGS.ZF (bit 6). */
export const FLAG_ZF = 0x0040;
/** EFLAGS.SF (bit 7). */
export const FLAG_SF = 0x0080;
/** EFLAGS.OF (bit 11). */
export const FLAG_OF = 0x0800;

/** ZF PF CF as FCOMI/FUCOMI report a relation; OF, SF and AF are cleared by the caller. */
export function eflagsBits(r: Relation): number {
  switch (r) {
    case "gt":
      return 0;
    case "lt":
      return FLAG_CF;
    case "eq":
      return FLAG_ZF;
    default:
      return FLAG_ZF | FLAG_PF | FLAG_CF;
  }
}

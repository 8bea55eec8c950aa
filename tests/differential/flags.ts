/** EFLAGS bits (Intel SDM Vol. 1 §3.4.3) and the masks the differential harness works with. */

export {
  AC,
  AF,
  CF,
  DF,
  FIXED_ONE,
  ID,
  IF,
  IOPL,
  NT,
  OF,
  PF,
  RF,
  SF,
  TF,
  VIF,
  VIP,
  VM,
  ZF,
} from "../../cpu/eflags.ts";
import {
  AC,
  AF,
  CF,
  DF,
  ID,
  IF,
  IOPL,
  NT,
  OF,
  PF,
  RF,
  SF,
  TF,
  VIF,
  VIP,
  VM,
  ZF,
} from "../../cpu/eflags.ts";

/** The six status flags arithmetic instructions define. */
export const STATUS = CF | PF | AF | ZF | SF | OF;
/** Logic ops (AND/OR/XOR/TEST) define all status flags except AF. */
export const LOGIC_DEFINED = CF | PF | ZF | SF | OF;

/**
 * EFLAGS bits compared between implementations: all but RF, VM, VIF and VIP, which 32-bit user
 * code can neither set nor observe through PUSHFD (SDM Vol. 1 §3.4.3, Vol. 2 PUSHF).
 */
export const COMPARED_FLAGS = ~(RF | VM | VIF | VIP) >>> 0;

/** Names of the individual flag bits, for reports. */
export const FLAG_NAMES: ReadonlyArray<[number, string]> = [
  [CF, "CF"],
  [1 << 1, "bit1"],
  [PF, "PF"],
  [1 << 3, "bit3"],
  [AF, "AF"],
  [1 << 5, "bit5"],
  [ZF, "ZF"],
  [SF, "SF"],
  [TF, "TF"],
  [IF, "IF"],
  [DF, "DF"],
  [OF, "OF"],
  [IOPL, "IOPL"],
  [NT, "NT"],
  [AC, "AC"],
  [ID, "ID"],
];

/** Renders set bits of a flag mask as "CF|ZF". */
export function flagList(mask: number): string {
  const names = FLAG_NAMES.filter(([bit]) => (mask & bit) !== 0).map(([, n]) => n);
  return names.length === 0 ? "none" : names.join("|");
}

/**
 * Flags a condition code reads (SDM Vol. 1 Appendix B, "EFLAGS Condition Codes"):
 * O, NO, B, AE, E, NE, BE, A, S, NS, P, NP, L, GE, LE, G.
 */
export const CC_READS: readonly number[] = [
  OF,
  OF,
  CF,
  CF,
  ZF,
  ZF,
  CF | ZF,
  CF | ZF,
  SF,
  SF,
  PF,
  PF,
  SF | OF,
  SF | OF,
  ZF | SF | OF,
  ZF | SF | OF,
];

/** Condition code mnemonics, index = the low nibble of Jcc/SETcc/CMOVcc. */
export const CC_NAMES: readonly string[] = [
  "o",
  "no",
  "b",
  "ae",
  "e",
  "ne",
  "be",
  "a",
  "s",
  "ns",
  "p",
  "np",
  "l",
  "ge",
  "le",
  "g",
];

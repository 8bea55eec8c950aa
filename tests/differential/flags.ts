/** EFLAGS bits (Intel SDM Vol. 1 §3.4.3) and the masks the differential harness works with. */

/** Carry flag. */
export const CF = 1 << 0;
/** Parity flag (even parity of the low result byte). */
export const PF = 1 << 2;
/** Auxiliary carry (carry out of bit 3). */
export const AF = 1 << 4;
/** Zero flag. */
export const ZF = 1 << 6;
/** Sign flag. */
export const SF = 1 << 7;
/** Trap flag. */
export const TF = 1 << 8;
/** Interrupt enable flag. */
export const IF = 1 << 9;
/** Direction flag. */
export const DF = 1 << 10;
/** Overflow flag. */
export const OF = 1 << 11;
/** I/O privilege level (2 bits). */
export const IOPL = 3 << 12;
/** Nested task. */
export const NT = 1 << 14;
/** Resume flag. */
export const RF = 1 << 16;
/** Virtual-8086 mode. */
export const VM = 1 << 17;
/** Alignment check. */
export const AC = 1 << 18;
/** Virtual interrupt flag. */
export const VIF = 1 << 19;
/** Virtual interrupt pending. */
export const VIP = 1 << 20;
/** CPUID-available flag (software-toggleable). */
export const ID = 1 << 21;
/** Bit 1 always reads as 1. */
export const FIXED_ONE = 1 << 1;

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

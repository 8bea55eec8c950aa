/**
 * Bit layout of the x87 control and status words (Intel SDM vol. 1 §8.1.3, §8.1.5) and the
 * CR0 bits the unit consults.
 */

/** Invalid-operation exception flag/mask (bit 0). */
export const IE = 0x0001;
/** Denormal-operand exception flag/mask (bit 1). */
export const DE = 0x0002;
/** Divide-by-zero exception flag/mask (bit 2). */
export const ZE = 0x0004;
/** Numeric-overflow exception flag/mask (bit 3). */
export const OE = 0x0008;
/** Numeric-underflow exception flag/mask (bit 4). */
export const UE = 0x0010;
/** Precision (inexact) exception flag/mask (bit 5). */
export const PE = 0x0020;
/** All six exception bits. */
export const EXCEPTIONS = 0x003f;
/** Exceptions detected before the result exists: unmasked, they leave the destination alone. */
export const PRE_EXCEPTIONS = IE | DE | ZE;

/** Status word: stack fault (bit 6). */
export const SF = 0x0040;
/** Status word: exception summary (bit 7). */
export const ES = 0x0080;
/** Status word: condition code C0 (bit 8). */
export const C0 = 0x0100;
/** Status word: condition code C1 (bit 9). */
export const C1 = 0x0200;
/** Status word: condition code C2 (bit 10). */
export const C2 = 0x0400;
/** Status word: condition code C3 (bit 14). */
export const C3 = 0x4000;
/** All four condition code bits. */
export const CC = C0 | C1 | C2 | C3;
/** Status word: busy (bit 15), a copy of ES on the 387 and later. */
export const BUSY = 0x8000;
/** Status word: TOP field position. */
export const TOP_SHIFT = 11;
/** Status word: TOP field mask (bits 13–11). */
export const TOP_MASK = 0x3800;

/** Control word: precision control field position (bits 9–8). */
export const PC_SHIFT = 8;
/** Control word: rounding control field position (bits 11–10). */
export const RC_SHIFT = 10;
/** Control word value after FNINIT: all exceptions masked, 64-bit precision, round to nearest. */
export const CW_INIT = 0x037f;

/** CR0.MP (bit 1): FWAIT honours TS. */
export const CR0_MP = 0x02;
/** CR0.EM (bit 2): x87 instructions trap with #NM. */
export const CR0_EM = 0x04;
/** CR0.TS (bit 3): task switched; the next x87 instruction traps with #NM. */
export const CR0_TS = 0x08;
/** CR0.NE (bit 5): report x87 errors as #MF instead of through FERR#. */
export const CR0_NE = 0x20;

/** Exception vector #UD. */
export const VEC_UD = 6;
/** Exception vector #NM. */
export const VEC_NM = 7;
/** Exception vector #GP (error code 0). */
export const VEC_GP = 13;
/** Exception vector #MF. */
export const VEC_MF = 16;

/** Rounding control: to nearest, ties to even. */
export const RC_NEAREST = 0;
/** Rounding control: toward −∞. */
export const RC_DOWN = 1;
/** Rounding control: toward +∞. */
export const RC_UP = 2;
/** Rounding control: toward zero. */
export const RC_CHOP = 3;

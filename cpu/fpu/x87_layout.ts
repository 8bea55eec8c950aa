/**
 * Where the x87 register file lives in memory: a small area of the CPU state block
 * (cpu/state_layout.ts X87_BYTES) that the interpreter reads through a typed-array view and the
 * x87 kernels (cpu/fpu/x87_kernels.ts) and compiled code read with plain loads and stores, so
 * every tier works on one copy of the state. Byte offsets from the start of the area.
 *
 * @module
 */

/** Physical register Rn at 16·n: significand bits 31–0, bits 63–32, then sign and exponent. */
export const X87_REGS = 0x00;
/** Bytes per register slot. */
export const X87_REG_BYTES = 16;
/** Within a slot: significand low word, high word, sign/exponent word. */
export const REG_LO = 0, REG_HI = 4, REG_SE = 8;
/** TOP, the physical index of ST(0). */
export const X87_TOP = 0x80;
/** Bit i set: physical register i is empty. */
export const X87_EMPTY = 0x84;
/** Control word. */
export const X87_CW = 0x88;
/** Status word without the TOP field. */
export const X87_SW = 0x8c;
/** Last instruction pointer, code selector, opcode, data pointer, data selector. */
export const X87_FIP = 0x90, X87_FCS = 0x94, X87_FOP = 0x98, X87_FDP = 0x9c, X87_FDS = 0xa0;
/** 16 bytes where a kernel leaves a store's result for the interpreter to write. */
export const X87_SCRATCH = 0xb0;
/** Size of the area. */
export const X87_AREA_BYTES = 0xc0;

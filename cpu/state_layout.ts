/**
 * The CPU state block: fixed 32-bit slots at the start of the CPU area of the
 * shared WebAssembly.Memory (devices/memory/layout.ts). The interpreter reads
 * and writes it through typed-array views; compiled code uses plain loads and
 * stores at the same offsets, so both tiers share one copy of the state.
 * Indices below are in 32-bit words.
 */

/** General registers, in encoding order (EAX ECX EDX EBX ESP EBP ESI EDI). */
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
/** Instruction pointer (offset within CS). */
export const S_EIP = 8;
/** EFLAGS; the arithmetic bits named by S_LAZY_MASK are stale and live in the lazy fields. */
export const S_EFLAGS = 9;
/** Which of CF PF AF ZF SF OF are to be computed from the lazy fields. */
export const S_LAZY_MASK = 10;
/** Lazy operation: LAZY_ADD or LAZY_SUB (decides CF, AF, OF). */
export const S_LAZY_OP = 11;
/** Index of the sign bit of the last result: 7, 15 or 31. */
export const S_LAZY_MSB = 12;
export const S_LAZY_A = 13;
export const S_LAZY_B = 14;
export const S_LAZY_RES = 15;

/** Segment registers in encoding order; LDTR and TR follow with the same four slots. */
export const ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5, LDTR = 6, TR = 7;
/** Base of the segment table: 4 words per segment (selector, base, limit, flags). */
export const S_SEG = 16;
export const SEG_SEL = 0, SEG_BASE = 1, SEG_LIMIT = 2, SEG_FLAGS = 3;

export const S_CR0 = 48, S_CR2 = 49, S_CR3 = 50, S_CR4 = 51;
export const S_GDTR_BASE = 52, S_GDTR_LIMIT = 53, S_IDTR_BASE = 54, S_IDTR_LIMIT = 55;
/** DR0..DR7 at S_DR + n. */
export const S_DR = 56;
/** Current privilege level (0..3). */
export const S_CPL = 64;

/** Words used; the rest of the 64 KiB block is free for the FPU and the JIT. */
export const STATE_WORDS = 128;

/**
 * Byte offset in the state block of XMM0–XMM7 (16 bytes each, lane 0 lowest), where the
 * interpreter's SIMD kernels and compiled code load and store them as v128 values.
 */
export const XMM_BYTES = 0x400;
/** Byte offset of a 16-byte scratch operand (a memory operand read for a SIMD kernel). */
export const SIMD_SCRATCH_BYTES = 0x480;
/** Byte offset of MXCSR. */
export const MXCSR_BYTES = 0x490;
/** Byte offset of the x87 register file and its words (layout in cpu/fpu/x87_layout.ts). */
export const X87_BYTES = 0x500;

export const LAZY_ADD = 0;
export const LAZY_SUB = 1;

/** Byte offset of an 8-bit register (AL CL DL BL AH CH DH BH) in the state block. */
export const REG8_OFFSET = [0, 4, 8, 12, 1, 5, 9, 13] as const;

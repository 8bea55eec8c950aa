/**
 * Floating-point and SIMD loops for guest-speed figures, hand-assembled 32-bit code in the manner
 * of cpu_loops.ts: position independent, data at {@link FP_DATA} (below 1 MiB, clear of the code at
 * CODE_BASE and of cpu_loops' data), ending in `mov al, 0x10; out 0xf4, al; hlt`, so the same bytes
 * run on the interpreter, the JIT and, as Multiboot images, on peers.
 *
 * The CPU starts with CR0 = 0x11 (PE, ET): each loop enables what it needs itself (FNINIT for x87,
 * CR4.OSFXSR|OSXMMEXCPT for SSE) and stores its own constants with MOV on every run, so a rerun
 * computes the same values. The floating-point recurrences are x = x·a + b and y[j] = y[j]·c[j] + x
 * with 0 < a, c < 1: they converge to fixed points near 1 to 20, so every operation is an ordinary
 * rounded multiply or add of normal numbers (no overflow, no denormals).
 *
 * @module
 */

import { type CpuLoop, LOOP_EXIT_STATUS } from "./cpu_loops.ts";

export { LOOP_EXIT_STATUS };

/** A loop of floating-point or SIMD work. */
export interface FpLoop extends CpuLoop {
  /** Floating-point operations per iteration: one per scalar add or multiply, two per packed one. */
  readonly flopsPerIteration: number;
  /** 128-bit SIMD operations per iteration: arithmetic, logic, compare, shuffle (not moves). */
  readonly vectorOpsPerIteration: number;
  /** Bytes from {@link FP_DATA} the loop initialises and leaves its results in. */
  readonly dataBytes: number;
}

/** Data area of every loop here (16-byte aligned for MOVAPD/MOVDQA). */
export const FP_DATA = 0x30000;

/** Floating-point layout, offsets from FP_DATA: x (two doubles in, result out; x87: 80 bits). */
export const FP_X = 0x00;
/** Multipliers a (two doubles; the scalar loops use the first). */
export const FP_A = 0x10;
/** Addends b (two doubles; the scalar loops use the first). */
export const FP_B = 0x20;
/** Multipliers c[0..3] of the array. */
export const FP_C = 0x30;
/** The array y[0..7] (the scalar loops use y[0..3]). */
export const FP_Y = 0x50;

/** Initial values the floating-point loops store before their loop. */
export const FP_INIT: {
  readonly x: readonly number[];
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly c: readonly number[];
  readonly y: readonly number[];
} = {
  x: [1, 1.5],
  a: [Math.SQRT1_2, Math.LN2],
  b: [1 / Math.PI, 0.5772156649015329],
  c: [0.9, 0.8, (Math.sqrt(5) - 1) / 2, Math.LOG10E],
  y: [1, 2, 3, 4, 5, 6, 7, 8],
};

/** Integer layout, offsets from FP_DATA: the state s (four dwords in, result out). */
export const INT_S = 0x00;
/** The key XORed into s. */
export const INT_K = 0x10;
/** Multipliers; PMULUDQ reads dwords 0 and 2. */
export const INT_M = 0x20;
/** The array d[0..3] of 16-byte blocks. */
export const INT_D = 0x30;

/** Initial dwords the integer loop stores before its loop. */
export const INT_INIT: {
  readonly s: readonly number[];
  readonly k: readonly number[];
  readonly m: readonly number[];
  readonly d: readonly number[];
} = {
  s: [0x01234567, 0x89abcdef, 0xfedcba98, 0x76543210],
  k: [0xdeadbeef, 0x0badf00d, 0xcafebabe, 0x8badf00d],
  m: [0x9e3779b1, 0, 0x85ebca6b, 0],
  d: Array.from({ length: 16 }, (_, i) => Math.imul(i + 1, 0x27d4eb2f) >>> 0),
};

function imm32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function checkIterations(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw new RangeError(`iterations ${n} must be an integer in [1, 2^32)`);
  }
}

/** Little-endian dwords of doubles, as MOV stores them. */
function doubleDwords(values: readonly number[]): number[] {
  const view = new DataView(new ArrayBuffer(8 * values.length));
  values.forEach((v, i) => view.setFloat64(8 * i, v, true));
  return Array.from({ length: 2 * values.length }, (_, i) => view.getUint32(4 * i, true));
}

/** `mov dword [esi+offset+4k], dwords[k]` for each k, with an 8-bit displacement when it fits. */
function storeDwords(offset: number, dwords: readonly number[]): number[] {
  return dwords.flatMap((value, k) => {
    const disp = offset + 4 * k;
    return disp < 0x80
      ? [0xc7, 0x46, disp, ...imm32(value)] // mov dword [esi+disp8], imm32
      : [0xc7, 0x86, ...imm32(disp), ...imm32(value)]; // mov dword [esi+disp32], imm32
  });
}

// deno-fmt-ignore
const FP_SETUP = [
  0xbe, ...imm32(FP_DATA),      // mov esi, 0x30000
  ...storeDwords(FP_X, doubleDwords(FP_INIT.x)), // mov dword [esi+…], …  (36 stores in all)
  ...storeDwords(FP_A, doubleDwords(FP_INIT.a)),
  ...storeDwords(FP_B, doubleDwords(FP_INIT.b)),
  ...storeDwords(FP_C, doubleDwords(FP_INIT.c)),
  ...storeDwords(FP_Y, doubleDwords(FP_INIT.y)),
];

// deno-fmt-ignore
const INT_SETUP = [
  0xbe, ...imm32(FP_DATA),      // mov esi, 0x30000
  ...storeDwords(INT_S, INT_INIT.s), // mov dword [esi+…], …  (28 stores in all)
  ...storeDwords(INT_K, INT_INIT.k),
  ...storeDwords(INT_M, INT_INIT.m),
  ...storeDwords(INT_D, INT_INIT.d),
];

// deno-fmt-ignore
/** OSFXSR | OSXMMEXCPT (SDM vol. 3 §13.1.3): without OSFXSR every SSE instruction is #UD. */
const ENABLE_SSE = [
  0x0f, 0x20, 0xe0,             // mov eax, cr4
  0x0d, ...imm32(0x600),        // or eax, 0x600
  0x0f, 0x22, 0xe0,             // mov cr4, eax
];

// deno-fmt-ignore
const EXIT = [
  0xb0, 0x10,                   // mov al, 0x10
  0xe6, 0xf4,                   // out 0xf4, al      ; isa-debug-exit under QEMU
  0xf4,                         // hlt
];

interface LoopShape {
  name: string;
  description: string;
  flopsPerIteration: number;
  vectorOpsPerIteration: number;
  dataBytes: number;
  /** Everything before `mov ecx, n`. */
  setup: number[];
  /** From `xor edi, edi` through `jnz`, then the result stores; EXIT follows. */
  body: number[];
}

function fpLoop(shape: LoopShape): FpLoop {
  const { setup, body, ...rest } = shape;
  return {
    ...rest,
    code(iterations) {
      checkIterations(iterations);
      // mov ecx, n
      return Uint8Array.from([...setup, 0xb9, ...imm32(iterations), ...body, ...EXIT]);
    },
  };
}

// deno-fmt-ignore
/**
 * x87 on the exact 80-bit path, FNINIT state (64-bit precision, round to nearest): x stays in ST0,
 * a and b in ST1 and ST2; two array elements per iteration through memory operands.
 * 14 instructions, 6 FLOPs per iteration.
 */
export const X87_LOOP: FpLoop = fpLoop({
  name: "x87",
  description: "x87 FMUL/FADD, register and memory operands",
  flopsPerIteration: 6,
  vectorOpsPerIteration: 0,
  dataBytes: FP_Y + 8 * 8,
  setup: [
    0xdb, 0xe3,                 // fninit
    ...FP_SETUP,
    0xdd, 0x46, FP_B,           // fld qword [esi+0x20]   ; b
    0xdd, 0x46, FP_A,           // fld qword [esi+0x10]   ; a
    0xdd, 0x46, FP_X,           // fld qword [esi+0x00]   ; st0 = x, st1 = a, st2 = b
  ],
  body: [
    0x31, 0xff,                 // xor edi, edi
                                // .l:
    0xd8, 0xc9,                 // fmul st0, st1                   ; x *= a
    0xd8, 0xc2,                 // fadd st0, st2                   ; x += b
    0xdd, 0x44, 0xfe, FP_Y,     // fld qword [esi+edi*8+0x50]      ; y[j]
    0xdc, 0x4c, 0xfe, FP_C,     // fmul qword [esi+edi*8+0x30]     ; * c[j]
    0xd8, 0xc1,                 // fadd st0, st1                   ; + x
    0xdd, 0x5c, 0xfe, FP_Y,     // fstp qword [esi+edi*8+0x50]
    0xdd, 0x44, 0xfe, FP_Y + 8, // fld qword [esi+edi*8+0x58]      ; y[j+1]
    0xdc, 0x4c, 0xfe, FP_C + 8, // fmul qword [esi+edi*8+0x38]     ; * c[j+1]
    0xd8, 0xc1,                 // fadd st0, st1                   ; + x
    0xdd, 0x5c, 0xfe, FP_Y + 8, // fstp qword [esi+edi*8+0x58]
    0x83, 0xc7, 0x02,           // add edi, 2
    0x83, 0xe7, 0x03,           // and edi, 3
    0x49,                       // dec ecx
    0x75, 0xd7,                 // jnz .l                          ; -41
    0xdb, 0x7e, FP_X,           // fstp tword [esi+0x00]           ; x, all 80 bits
    0xdd, 0xd8,                 // fstp st0                        ; a
    0xdd, 0xd8,                 // fstp st0                        ; b: the stack is empty again
  ],
});

// deno-fmt-ignore
/**
 * The x87 loop's computation in SSE2 scalar double (float64 arithmetic): x in XMM0, a and b in
 * XMM1 and XMM2. 14 instructions, 6 FLOPs per iteration.
 */
export const SSE2_SD_LOOP: FpLoop = fpLoop({
  name: "sse2_sd",
  description: "SSE2 MULSD/ADDSD, register and memory operands",
  flopsPerIteration: 6,
  vectorOpsPerIteration: 0,
  dataBytes: FP_Y + 8 * 8,
  setup: [
    ...ENABLE_SSE,
    ...FP_SETUP,
    0xf2, 0x0f, 0x10, 0x46, FP_X, // movsd xmm0, [esi+0x00]        ; x
    0xf2, 0x0f, 0x10, 0x4e, FP_A, // movsd xmm1, [esi+0x10]        ; a
    0xf2, 0x0f, 0x10, 0x56, FP_B, // movsd xmm2, [esi+0x20]        ; b
  ],
  body: [
    0x31, 0xff,                   // xor edi, edi
                                  // .l:
    0xf2, 0x0f, 0x59, 0xc1,       // mulsd xmm0, xmm1              ; x *= a
    0xf2, 0x0f, 0x58, 0xc2,       // addsd xmm0, xmm2              ; x += b
    0xf2, 0x0f, 0x10, 0x5c, 0xfe, FP_Y,     // movsd xmm3, [esi+edi*8+0x50]   ; y[j]
    0xf2, 0x0f, 0x59, 0x5c, 0xfe, FP_C,     // mulsd xmm3, [esi+edi*8+0x30]   ; * c[j]
    0xf2, 0x0f, 0x58, 0xd8,                 // addsd xmm3, xmm0               ; + x
    0xf2, 0x0f, 0x11, 0x5c, 0xfe, FP_Y,     // movsd [esi+edi*8+0x50], xmm3
    0xf2, 0x0f, 0x10, 0x64, 0xfe, FP_Y + 8, // movsd xmm4, [esi+edi*8+0x58]   ; y[j+1]
    0xf2, 0x0f, 0x59, 0x64, 0xfe, FP_C + 8, // mulsd xmm4, [esi+edi*8+0x38]   ; * c[j+1]
    0xf2, 0x0f, 0x58, 0xe0,                 // addsd xmm4, xmm0               ; + x
    0xf2, 0x0f, 0x11, 0x64, 0xfe, FP_Y + 8, // movsd [esi+edi*8+0x58], xmm4
    0x83, 0xc7, 0x02,             // add edi, 2
    0x83, 0xe7, 0x03,             // and edi, 3
    0x49,                         // dec ecx
    0x75, 0xc3,                   // jnz .l                        ; -61
    0xf2, 0x0f, 0x11, 0x46, FP_X, // movsd [esi+0x00], xmm0        ; x
  ],
});

// deno-fmt-ignore
/**
 * Two independent recurrences side by side in SSE2 packed double: x = (x0, x1) in XMM0, a and b
 * pairs in XMM1 and XMM2, four array elements per iteration against c[0..3] in memory.
 * 14 instructions, 6 packed operations, 12 FLOPs per iteration.
 */
export const SSE2_PD_LOOP: FpLoop = fpLoop({
  name: "sse2_pd",
  description: "SSE2 MULPD/ADDPD, register and memory operands",
  flopsPerIteration: 12,
  vectorOpsPerIteration: 6,
  dataBytes: FP_Y + 8 * 8,
  setup: [
    ...ENABLE_SSE,
    ...FP_SETUP,
    0x66, 0x0f, 0x28, 0x46, FP_X, // movapd xmm0, [esi+0x00]       ; (x0, x1)
    0x66, 0x0f, 0x28, 0x4e, FP_A, // movapd xmm1, [esi+0x10]       ; (a0, a1)
    0x66, 0x0f, 0x28, 0x56, FP_B, // movapd xmm2, [esi+0x20]       ; (b0, b1)
  ],
  body: [
    0x31, 0xff,                   // xor edi, edi
                                  // .l:
    0x66, 0x0f, 0x59, 0xc1,       // mulpd xmm0, xmm1              ; x *= a
    0x66, 0x0f, 0x58, 0xc2,       // addpd xmm0, xmm2              ; x += b
    0x66, 0x0f, 0x28, 0x5c, 0xfe, FP_Y,      // movapd xmm3, [esi+edi*8+0x50]  ; y[j..j+1]
    0x66, 0x0f, 0x59, 0x5e, FP_C,            // mulpd xmm3, [esi+0x30]         ; * c[0..1]
    0x66, 0x0f, 0x58, 0xd8,                  // addpd xmm3, xmm0               ; + x
    0x66, 0x0f, 0x29, 0x5c, 0xfe, FP_Y,      // movapd [esi+edi*8+0x50], xmm3
    0x66, 0x0f, 0x28, 0x64, 0xfe, FP_Y + 16, // movapd xmm4, [esi+edi*8+0x60]  ; y[j+2..j+3]
    0x66, 0x0f, 0x59, 0x66, FP_C + 16,       // mulpd xmm4, [esi+0x40]         ; * c[2..3]
    0x66, 0x0f, 0x58, 0xe0,                  // addpd xmm4, xmm0               ; + x
    0x66, 0x0f, 0x29, 0x64, 0xfe, FP_Y + 16, // movapd [esi+edi*8+0x60], xmm4
    0x83, 0xc7, 0x04,             // add edi, 4
    0x83, 0xe7, 0x07,             // and edi, 7
    0x49,                         // dec ecx
    0x75, 0xc5,                   // jnz .l                        ; -59
    0x66, 0x0f, 0x29, 0x46, FP_X, // movapd [esi+0x00], xmm0       ; (x0, x1)
  ],
});

// deno-fmt-ignore
/**
 * SSE2 integer mixing of a 128-bit state s with an array of four 16-byte blocks: add, xor with a
 * key in memory, a dword-swapped 32×32→64 multiply folded back in, and +1 in lanes that equal the
 * block. 13 instructions, 7 128-bit operations per iteration.
 */
export const SSE2_INT_LOOP: FpLoop = fpLoop({
  name: "sse2_int",
  description: "SSE2 PADDD/PXOR/PSHUFD/PMULUDQ/PCMPEQD/PSUBD",
  flopsPerIteration: 0,
  vectorOpsPerIteration: 7,
  dataBytes: INT_D + 4 * 16,
  setup: [
    ...ENABLE_SSE,
    ...INT_SETUP,
    0x66, 0x0f, 0x6f, 0x46, INT_S, // movdqa xmm0, [esi+0x00]      ; s
    0x66, 0x0f, 0x6f, 0x4e, INT_M, // movdqa xmm1, [esi+0x20]      ; m
  ],
  body: [
    0x31, 0xff,                    // xor edi, edi
                                   // .l:
    0x66, 0x0f, 0x6f, 0x5c, 0x3e, INT_D, // movdqa xmm3, [esi+edi+0x30]   ; d[j]
    0x66, 0x0f, 0xfe, 0xc3,        // paddd xmm0, xmm3             ; s += d[j]
    0x66, 0x0f, 0xef, 0x46, INT_K, // pxor xmm0, [esi+0x10]        ; s ^= k
    0x66, 0x0f, 0x70, 0xe0, 0xb1,  // pshufd xmm4, xmm0, 0xb1      ; (s1, s0, s3, s2)
    0x66, 0x0f, 0xf4, 0xe1,        // pmuludq xmm4, xmm1           ; (s1·m0, s3·m2), 64 bits each
    0x66, 0x0f, 0xfe, 0xc4,        // paddd xmm0, xmm4
    0x66, 0x0f, 0x76, 0xd8,        // pcmpeqd xmm3, xmm0           ; lanes where d[j] == s
    0x66, 0x0f, 0xfa, 0xc3,        // psubd xmm0, xmm3             ; s += 1 there
    0x66, 0x0f, 0x7f, 0x44, 0x3e, INT_D, // movdqa [esi+edi+0x30], xmm0   ; d[j] = s
    0x83, 0xc7, 0x10,              // add edi, 16
    0x83, 0xe7, 0x3f,              // and edi, 63
    0x49,                          // dec ecx
    0x75, 0xcd,                    // jnz .l                       ; -51
    0x66, 0x0f, 0x7f, 0x46, INT_S, // movdqa [esi+0x00], xmm0      ; s
  ],
});

/** Every loop, in the order figures are reported. */
export const FP_LOOPS: readonly FpLoop[] = [X87_LOOP, SSE2_SD_LOOP, SSE2_PD_LOOP, SSE2_INT_LOOP];

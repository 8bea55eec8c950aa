/**
 * Integer loops for guest-speed figures, as hand-assembled 32-bit code. Each loop is position
 * independent (only relative jumps and calls), uses absolute data addresses below 1 MiB, sets up
 * everything it needs itself (counter, pointers, ESP), and ends with
 * `mov al, 0x10; out 0xf4, al; hlt`: under QEMU with `-device isa-debug-exit,iobase=0xf4` the OUT
 * ends the process with status (0x10 << 1) | 1 = 33; on a bare CPU the OUT goes nowhere and HLT
 * stops the run. So the same bytes run on the interpreter and on peers.
 *
 * @module
 */

/** One benchmark loop. */
export interface CpuLoop {
  /** Short name used in figure labels. */
  readonly name: string;
  /** What it exercises. */
  readonly description: string;
  /** The code running `iterations` rounds (1 ≤ iterations < 2^32), ending in the exit sequence. */
  code(iterations: number): Uint8Array;
}

/** Exit status QEMU returns when a loop finishes: (0x10 << 1) | 1. */
export const LOOP_EXIT_STATUS = 33;

/** Data area the memory and string loops use (below 1 MiB, RAM on every PC). */
export const LOOP_DATA = 0x20000;
/** Destination of the string copy. */
export const LOOP_COPY_DEST = 0x40000;
/** Initial stack pointer of the call/ret loop. */
export const LOOP_STACK_TOP = 0x80000;

function imm32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function checkIterations(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw new RangeError(`iterations ${n} must be an integer in [1, 2^32)`);
  }
}

// deno-fmt-ignore
const EXIT = [
  0xb0, 0x10,                   // mov al, 0x10
  0xe6, 0xf4,                   // out 0xf4, al      ; isa-debug-exit under QEMU
  0xf4,                         // hlt
];

function loop(name: string, description: string, body: (n: number) => number[]): CpuLoop {
  return {
    name,
    description,
    code(iterations) {
      checkIterations(iterations);
      return Uint8Array.from([...body(iterations), ...EXIT]);
    },
  };
}

// deno-fmt-ignore
/** Register ALU work and a counted branch: 8 instructions per iteration. */
export const ALU_LOOP: CpuLoop = loop("alu", "register ALU + loop", (n) => [
  0xb9, ...imm32(n),            // mov ecx, n
  0xb8, ...imm32(1),            // mov eax, 1
  0x31, 0xdb,                   // xor ebx, ebx
  0xba, ...imm32(3),            // mov edx, 3
                                // .l:
  0x01, 0xd0,                   // add eax, edx
  0x31, 0xc3,                   // xor ebx, eax
  0x09, 0xcb,                   // or ebx, ecx
  0x25, ...imm32(0xffff),       // and eax, 0xffff
  0x8d, 0x14, 0x42,             // lea edx, [edx+eax*2]
  0xc1, 0xea, 0x03,             // shr edx, 3
  0x49,                         // dec ecx
  0x75, 0xec,                   // jnz .l            ; -20
]);

// deno-fmt-ignore
/** Load, add, store through a scaled index over a 4 KiB array: 8 instructions per iteration. */
export const MEMORY_LOOP: CpuLoop = loop("memory", "memory load/add/store", (n) => [
  0xb9, ...imm32(n),            // mov ecx, n
  0xbe, ...imm32(LOOP_DATA),    // mov esi, 0x20000
  0x31, 0xff,                   // xor edi, edi
  0x31, 0xdb,                   // xor ebx, ebx
                                // .l:
  0x8b, 0x04, 0xbe,             // mov eax, [esi+edi*4]
  0x01, 0xc8,                   // add eax, ecx
  0x89, 0x04, 0xbe,             // mov [esi+edi*4], eax
  0x03, 0x5c, 0xbe, 0x04,       // add ebx, [esi+edi*4+4]
  0x47,                         // inc edi
  0x81, 0xe7, ...imm32(0x3ff),  // and edi, 0x3ff
  0x49,                         // dec ecx
  0x75, 0xea,                   // jnz .l            ; -22
]);

// deno-fmt-ignore
/** Two nested calls with a frame per iteration: 13 instructions per iteration. */
export const CALL_LOOP: CpuLoop = loop("call_ret", "call/ret-heavy loop", (n) => [
  0xeb, 0x10,                   // jmp .start        ; +16
                                // .f:
  0x55,                         // push ebp
  0x89, 0xe5,                   // mov ebp, esp
  0x8b, 0x55, 0x08,             // mov edx, [ebp+8]  ; the caller's pushed counter
  0xe8, ...imm32(2),            // call .g           ; +2
  0x5d,                         // pop ebp
  0xc3,                         // ret
                                // .g:
  0x01, 0xd0,                   // add eax, edx
  0xc3,                         // ret
                                // .start:
  0xbc, ...imm32(LOOP_STACK_TOP), // mov esp, 0x80000
  0xb9, ...imm32(n),            // mov ecx, n
  0x31, 0xc0,                   // xor eax, eax
                                // .l:
  0x51,                         // push ecx
  0xe8, ...imm32(-34),          // call .f           ; -34
  0x59,                         // pop ecx
  0x49,                         // dec ecx
  0x75, 0xf6,                   // jnz .l            ; -10
]);

/** Dwords per `rep movsd` in the string loop (256 bytes, a small structure copy). */
export const COPY_DWORDS = 64;

// deno-fmt-ignore
/** A 256-byte `rep movsd` and its setup: 6 instructions per iteration. */
export const STRING_LOOP: CpuLoop = loop("rep_movsd", "string copy (rep movsd)", (n) => [
  0xfc,                         // cld
  0xbb, ...imm32(n),            // mov ebx, n
                                // .l:
  0xbe, ...imm32(LOOP_DATA),    // mov esi, 0x20000
  0xbf, ...imm32(LOOP_COPY_DEST), // mov edi, 0x40000
  0xb9, ...imm32(COPY_DWORDS),  // mov ecx, 64
  0xf3, 0xa5,                   // rep movsd
  0x4b,                         // dec ebx
  0x75, 0xec,                   // jnz .l            ; -20
]);

// deno-fmt-ignore
/** Unsigned multiply and divide chained through ESI: 9 instructions per iteration. */
export const MULDIV_LOOP: CpuLoop = loop("mul_div", "mul/div loop", (n) => [
  0xb9, ...imm32(n),            // mov ecx, n
  0xbb, ...imm32(7),            // mov ebx, 7
  0xbe, ...imm32(12345),        // mov esi, 12345
                                // .l:
  0x89, 0xf0,                   // mov eax, esi
  0xf7, 0xe3,                   // mul ebx           ; edx:eax = eax * 7
  0x01, 0xc8,                   // add eax, ecx
  0x31, 0xd2,                   // xor edx, edx
  0xf7, 0xf3,                   // div ebx           ; eax = quotient, edx = remainder
  0x6b, 0xf0, 0x0d,             // imul esi, eax, 13
  0x01, 0xd6,                   // add esi, edx
  0x49,                         // dec ecx
  0x75, 0xee,                   // jnz .l            ; -18
]);

/** Every loop, in the order figures are reported. */
export const CPU_LOOPS: readonly CpuLoop[] = [
  ALU_LOOP,
  MEMORY_LOOP,
  CALL_LOOP,
  STRING_LOOP,
  MULDIV_LOOP,
];

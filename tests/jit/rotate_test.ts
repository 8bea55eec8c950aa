import assert from "node:assert/strict";
import { runFlat32, runFlat32Jit } from "../../cpu/testing/run_flat.ts";
import type { FlatTestCase } from "../differential/types.ts";

// deno-fmt-ignore
/**
 * Rotates whose CF/OF the next ALU instruction overwrites (compiled as the value alone), and
 * rotates whose flags a Jcc or ADC reads (compiled as the shared helper), at every width.
 */
const CODE = Uint8Array.from([
  0xc1, 0xc0, 0x07,       // rol eax, 7
  0xc1, 0xcb, 0x03,       // ror ebx, 3
  0x66, 0xc1, 0xc1, 0x05, // rol cx, 5
  0xc0, 0xca, 0x08,       // ror dl, 8  (a multiple of the width: the value stays)
  0xc0, 0xc6, 0x03,       // rol dh, 3
  0xd1, 0xc6,             // rol esi, 1
  0x01, 0xc7,             // add edi, eax   (overwrites every flag)
  0xc1, 0xc8, 0x09,       // ror eax, 9
  0x11, 0xdf,             // adc edi, ebx   (reads the rotate's CF)
  0xc1, 0xc3, 0x0d,       // rol ebx, 13
  0x70, 0x01,             // jo +1          (reads the rotate's OF)
  0x47,                   // inc edi
  0x90,                   // nop
]);

Deno.test("compiled ROL/ROR match the interpreter, with their flags seen or not", () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const r = (i: number) => (Math.imul(seed * 2654435761 + i, 0x9e3779b1) >>> 0);
    const tc: FlatTestCase = {
      code: CODE,
      codeAddress: 0x08048000,
      regs: new Uint32Array([r(1), r(2), r(3), r(4), 0x0804f000, r(6), r(7), r(8)]),
      eflags: 0x202 | (seed & 1) | ((seed & 2) << 10),
      dataAddress: 0x20000000,
      data: new Uint8Array(16),
    };
    assert.deepEqual(runFlat32Jit(tc), runFlat32(tc), `seed ${seed}`);
  }
});

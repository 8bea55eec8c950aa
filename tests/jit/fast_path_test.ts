import assert from "node:assert/strict";
import { flatJitStats, runFlat32, runFlat32Jit } from "../../cpu/testing/run_flat.ts";
import type { FlatTestCase } from "../differential/types.ts";

const DATA = 0x20000000;
const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

// deno-fmt-ignore
/** A user-mode (CPL 3) loop of 8-, 16- and 32-bit loads and stores in one data page. */
const LOOP = Uint8Array.from([
  0xb9, ...le32(1000),                 // mov ecx, 1000
  0x89, 0x0d, ...le32(DATA + 4),       // l: mov [DATA+4], ecx
  0x03, 0x05, ...le32(DATA + 8),       // add eax, [DATA+8]
  0x66, 0x89, 0x05, ...le32(DATA + 12), // mov [DATA+12], ax
  0x88, 0x0d, ...le32(DATA + 14),      // mov [DATA+14], cl
  0x0f, 0xb7, 0x15, ...le32(DATA + 12), // movzx edx, word [DATA+12]
  0x49,                                // dec ecx
  0x75, 0xdd,                          // jnz l
]);

Deno.test("compiled user-mode loads and stores take the inline TLB path once the page is cached", () => {
  const tc: FlatTestCase = {
    code: LOOP,
    codeAddress: 0x08048000,
    regs: new Uint32Array([0, 0, 0, 0, 0x0804f000, 0, 0, 0]),
    eflags: 0x202,
    dataAddress: DATA,
    data: Uint8Array.from({ length: 64 }, (_, i) => i * 3),
  };
  const before = { ...flatJitStats() ?? { slowAccesses: 0, instructions: 0 } };
  const jit = runFlat32Jit(tc);
  const after = flatJitStats()!;
  assert.equal(jit.fault, undefined);
  assert.equal(jit.regs[1], 0, "the loop ran to its end");
  assert.deepEqual(jit, runFlat32(tc));
  const compiled = after.instructions - before.instructions;
  const slow = after.slowAccesses - before.slowAccesses;
  assert.ok(compiled > 5000, `only ${compiled} instructions ran compiled`);
  // The first access to the data page fills the TLB through the slow path; no more after that.
  assert.ok(slow < 10, `${slow} of ~${(compiled / 6) * 5} accesses left the inline path`);
});

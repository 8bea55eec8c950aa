import assert from "node:assert/strict";
import {
  ALU_LOOP,
  CALL_LOOP,
  CPU_LOOPS,
  LOOP_COPY_DEST,
  LOOP_DATA,
  LOOP_STACK_TOP,
  MEMORY_LOOP,
  MULDIV_LOOP,
  STRING_LOOP,
} from "./cpu_loops.ts";
import { createLoopMachine, loopCost } from "./cpu_mips.ts";

const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, ESI = 6, EDI = 7;

function regs(st: Int32Array): number[] {
  return Array.from(st.subarray(0, 8), (v) => v >>> 0);
}

Deno.test("every loop retires the instruction count its disassembly shows per iteration", () => {
  const perIteration = Object.fromEntries(CPU_LOOPS.map((l) => [l.name, loopCost(l).perIteration]));
  assert.deepEqual(perIteration, { alu: 8, memory: 8, call_ret: 13, rep_movsd: 6, mul_div: 9 });
});

Deno.test("alu loop: add/xor/or/and/lea/shr leave the values a direct computation gives", () => {
  const n = 50;
  const m = createLoopMachine(ALU_LOOP.code(n), { limit: 10_000 });
  m.runOnce();
  let eax = 1, ebx = 0, edx = 3;
  for (let ecx = n; ecx > 0; ecx--) {
    eax = (eax + edx) >>> 0;
    ebx = ((ebx ^ eax) | ecx) >>> 0;
    eax &= 0xffff;
    edx = ((edx + eax * 2) >>> 0) >>> 3;
  }
  const r = regs(m.cpu.st);
  assert.deepEqual([r[EAX] & ~0xff, r[EBX], r[EDX], r[ECX]], [eax & ~0xff, ebx, edx, 0]);
  assert.equal(r[EAX] & 0xff, 0x10, "the exit sequence loads AL");
});

Deno.test("memory loop: the array and the running sum match a direct computation", () => {
  const n = 1500; // wraps the 1024-entry index once
  const m = createLoopMachine(MEMORY_LOOP.code(n), { limit: 100_000 });
  m.runOnce();
  const arr = new Uint32Array(1025);
  let ebx = 0, edi = 0;
  for (let ecx = n; ecx > 0; ecx--) {
    arr[edi] = arr[edi] + ecx;
    ebx = (ebx + arr[edi + 1]) >>> 0;
    edi = (edi + 1) & 0x3ff;
  }
  const r = regs(m.cpu.st);
  assert.deepEqual([r[EBX], r[EDI]], [ebx, edi]);
  const ram = m.cpu.phys;
  for (const i of [0, 1, 475, 476, 1023]) assert.equal(ram.read32(LOOP_DATA + 4 * i) >>> 0, arr[i]);
});

Deno.test("call/ret loop: the nested calls sum the counters and leave the stack balanced", () => {
  const n = 100;
  const m = createLoopMachine(CALL_LOOP.code(n), { limit: 10_000 });
  m.runOnce();
  const r = regs(m.cpu.st);
  assert.equal(r[EAX] & ~0xff, ((n * (n + 1)) / 2) & ~0xff);
  assert.equal(r[ESP], LOOP_STACK_TOP);
});

Deno.test("rep movsd loop copies 256 bytes each round and ends with the pointers past them", () => {
  const m = createLoopMachine(STRING_LOOP.code(3), { limit: 10_000 });
  const pattern = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 1) & 0xff);
  m.cpu.phys.writeBytes(LOOP_DATA, pattern);
  m.runOnce();
  assert.deepEqual(m.cpu.phys.readBytes(LOOP_COPY_DEST, 256), pattern);
  const r = regs(m.cpu.st);
  assert.deepEqual([r[ESI], r[EDI], r[ECX], r[EBX]], [LOOP_DATA + 256, LOOP_COPY_DEST + 256, 0, 0]);
});

Deno.test("mul/div loop: the chained product and quotient match a direct computation", () => {
  const n = 200;
  const m = createLoopMachine(MULDIV_LOOP.code(n), { limit: 10_000 });
  m.runOnce();
  let esi = 12345;
  for (let ecx = n; ecx > 0; ecx--) {
    const eax = Number((BigInt(esi) * 7n) & 0xffffffffn);
    const dividend = (eax + ecx) >>> 0;
    esi = (Math.imul(Math.floor(dividend / 7), 13) + (dividend % 7)) >>> 0;
  }
  assert.equal(regs(m.cpu.st)[ESI], esi);
});

Deno.test("a loop that does not halt within the limit fails instead of hanging", () => {
  const m = createLoopMachine(ALU_LOOP.code(1_000_000), { limit: 1000 });
  assert.throws(() => m.runOnce(), /did not halt within 1000 instructions/);
});

Deno.test("loop code refuses iteration counts the 32-bit counter cannot hold", () => {
  assert.throws(() => ALU_LOOP.code(0), RangeError);
  assert.throws(() => ALU_LOOP.code(2 ** 32), RangeError);
});

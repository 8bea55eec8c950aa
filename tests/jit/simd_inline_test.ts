/**
 * SSE2 integer instructions of the SIMD table (cpu/semantics/simd.ts) compiled inline: results
 * equal the interpreter's (which runs the same table through its kernels) with register and
 * memory operands, and every case the inline path does not take — SSE disabled or CR0.TS set after
 * the block was compiled, a misaligned MOVDQA, a MOVDQU across a page, a store into translated
 * code — goes through the interpreter's handler in place with the same outcome.
 */
import assert from "node:assert/strict";
import { Asm, CC } from "./_asm.ts";
import { compiledAddresses } from "./_compiled.ts";
import { CODE, DATA, runBothTiers, type TestMachine } from "./_machine.ts";
import { EBX, ECX, EDI, ESI } from "../../cpu/state_layout.ts";
import { fpuOf } from "../../cpu/ops/fpu_ops.ts";

const NM = 7, GP = 13;

function enableSse(a: Asm): Asm {
  a.bytes("mov eax, cr4", 0x0f, 0x20, 0xe0).bytes("or eax, 0x600", 0x0d, 0x00, 0x06, 0, 0);
  return a.bytes("mov cr4, eax", 0x0f, 0x22, 0xe0);
}

/** A data page of varied bytes at DATA (the Asm places them as code would be loaded). */
function dataPage(): Asm {
  const d = new Asm(DATA);
  const bytes: number[] = [];
  for (let i = 0; i < 0x1000; i++) bytes.push((i * 0x9d + (i >> 3) * 0x47 + 0x5a) & 0xff);
  return d.bytes("data", ...bytes);
}

function xmm(m: TestMachine): number[] {
  return Array.from(fpuOf(m.cpu).xmm);
}

function memory(m: TestMachine, from: number, length: number): number[] {
  return Array.from(m.phys.u8.subarray(from, from + length));
}

/** The loop of inline operations used by several tests, ECX rounds. */
function arithmeticLoop(a: Asm, rounds: number): Asm {
  a.movImm(ECX, rounds).movImm(ESI, DATA);
  a.label("top");
  a.bytes("movdqa xmm0, [esi]", 0x66, 0x0f, 0x6f, 0x06);
  a.bytes("movdqu xmm1, [esi+0x23]", 0xf3, 0x0f, 0x6f, 0x4e, 0x23);
  a.bytes("paddd xmm0, xmm1", 0x66, 0x0f, 0xfe, 0xc1);
  a.bytes("pmulhuw xmm1, xmm0", 0x66, 0x0f, 0xe4, 0xc8);
  a.bytes("pmulhw xmm2, [esi+0x40]", 0x66, 0x0f, 0xe5, 0x56, 0x40);
  a.bytes("punpcklbw xmm2, xmm1", 0x66, 0x0f, 0x60, 0xd1);
  a.bytes("packsswb xmm3, xmm2", 0x66, 0x0f, 0x63, 0xda);
  a.bytes("pcmpgtw xmm3, xmm0", 0x66, 0x0f, 0x65, 0xd8);
  a.bytes("pmaddwd xmm4, xmm2", 0x66, 0x0f, 0xf5, 0xe2);
  a.bytes("pmuludq xmm5, xmm4", 0x66, 0x0f, 0xf4, 0xec);
  a.bytes("psubusb xmm6, xmm3", 0x66, 0x0f, 0xd8, 0xf3);
  a.bytes("pandn xmm6, xmm5", 0x66, 0x0f, 0xdf, 0xf5);
  a.bytes("pavgb xmm7, xmm6", 0x66, 0x0f, 0xe0, 0xfe);
  a.bytes("xorps xmm7, xmm4", 0x0f, 0x57, 0xfc);
  a.bytes("movdqa [esi+0x800], xmm7", 0x66, 0x0f, 0x7f, 0xbe, 0x00, 0x08, 0, 0);
  a.bytes("movdqu [esi+0x913], xmm6", 0xf3, 0x0f, 0x7f, 0xb6, 0x13, 0x09, 0, 0);
  a.bytes("movaps xmm0, xmm5", 0x0f, 0x28, 0xc5);
  a.bytes("add esi, 16", 0x83, 0xc6, 0x10);
  return a.dec(ECX).jcc(CC.NZ, "top");
}

Deno.test("inline SSE2 integer operations, loads and stores match the interpreter's kernels", () => {
  const a = enableSse(new Asm(CODE));
  arithmeticLoop(a, 40).hlt();
  const { interp, jit } = runBothTiers([a, dataPage()], CODE);
  assert.deepEqual(jit.state, interp.state);
  assert.equal(jit.instructions, interp.instructions);
  assert.deepEqual(xmm(jit.machine), xmm(interp.machine));
  assert.deepEqual(memory(jit.machine, DATA, 0x1000), memory(interp.machine, DATA, 0x1000));
  const compiled = compiledAddresses(jit.machine, a.listing);
  assert.ok(compiled.has(a.address("top")));
  // Inline: the loop ran 40 rounds of 16 SIMD instructions with hardly a call out of wasm.
  const stats = jit.machine.jit!.stats;
  assert.ok(stats.instructions > 30 * 19, JSON.stringify(stats));
  assert.ok(stats.runtimeCalls + stats.slowAccesses < 40, JSON.stringify(stats));
});

Deno.test("inline SIMD falls back to the interpreter: CR0.TS set after compiling is #NM at the instruction", () => {
  const a = enableSse(new Asm(CODE));
  a.movImm(ECX, 3).movImm(ESI, DATA);
  a.label("top").bytes("paddd xmm0, xmm1", 0x66, 0x0f, 0xfe, 0xc1);
  a.bytes("paddw xmm0, [esi]", 0x66, 0x0f, 0xfd, 0x06);
  a.dec(ECX).jcc(CC.NZ, "top");
  // Set CR0.TS and go round again: the compiled block must raise #NM at its first PADDD.
  a.bytes("mov eax, cr0", 0x0f, 0x20, 0xc0).bytes("or eax, 8", 0x83, 0xc8, 0x08);
  a.bytes("mov cr0, eax", 0x0f, 0x22, 0xc0).movImm(ECX, 1).jmp("top");
  const { interp, jit } = runBothTiers([a, dataPage()], CODE);
  assert.deepEqual(interp.machine.deliveries.map((d) => d.vector), [NM]);
  assert.deepEqual(jit.machine.deliveries, interp.machine.deliveries);
  assert.equal(jit.machine.deliveries[0].state.eip, a.address("top"));
  assert.deepEqual(xmm(jit.machine), xmm(interp.machine));
  assert.equal(jit.instructions, interp.instructions);
  assert.ok(jit.machine.jit!.stats.dispatches > 0);
});

Deno.test("inline SIMD falls back to the interpreter: a misaligned MOVDQA in a compiled block is #GP", () => {
  const a = enableSse(new Asm(CODE));
  a.movImm(ECX, 4).movImm(ESI, DATA + 0x30);
  a.label("top").bytes("movdqa xmm2, [esi]", 0x66, 0x0f, 0x6f, 0x16);
  a.bytes("paddb xmm3, xmm2", 0x66, 0x0f, 0xfc, 0xda);
  a.bytes("sub esi, 8", 0x83, 0xee, 0x08).dec(ECX).jcc(CC.NZ, "top").hlt();
  const { interp, jit } = runBothTiers([a, dataPage()], CODE);
  assert.deepEqual(interp.machine.deliveries.map((d) => d.vector), [GP]);
  assert.deepEqual(jit.machine.deliveries, interp.machine.deliveries);
  assert.deepEqual(xmm(jit.machine), xmm(interp.machine));
  assert.equal(jit.instructions, interp.instructions);
});

Deno.test("inline SIMD falls back to the interpreter: MOVDQU across a page boundary, and into translated code", () => {
  const a = enableSse(new Asm(CODE));
  a.movImm(ECX, 4).movImm(ESI, DATA + 0xff8);
  a.label("top").bytes("movdqu xmm2, [esi]", 0xf3, 0x0f, 0x6f, 0x16);
  a.bytes("paddq xmm3, xmm2", 0x66, 0x0f, 0xd4, 0xda);
  a.bytes("movdqu [esi+0x2000], xmm3", 0xf3, 0x0f, 0x7f, 0x9e, 0x00, 0x20, 0, 0);
  a.bytes("add esi, 1", 0x83, 0xc6, 0x01).dec(ECX).jcc(CC.NZ, "top");
  // A store by MOVDQU into the code right after it, from a compiled block in its fourth round:
  // the block must leave and run the new bytes (INC ECX twice, then NOPs) instead of the 16 NOPs
  // it was compiled with. The first three rounds store elsewhere.
  const pattern = DATA + 0x3800;
  a.movImm(EDI, 0).label("again").movImm(EBX, DATA + 0x3c00);
  a.bytes("cmp edi, 48", 0x83, 0xff, 0x30).jcc(CC.NZ, "store").movImm(EBX, { label: "patched" });
  a.label("store");
  a.bytes("movdqu xmm5, [edi+pattern]", 0xf3, 0x0f, 0x6f, 0xaf, ...le32(pattern));
  a.bytes("movdqu [ebx], xmm5", 0xf3, 0x0f, 0x7f, 0x2b).label("patched");
  for (let i = 0; i < 16; i++) a.bytes("nop", 0x90);
  a.bytes("add edi, 16", 0x83, 0xc7, 0x10).bytes("cmp edi, 64", 0x83, 0xff, 0x40);
  a.jcc(CC.NZ, "again").hlt();
  const patch = new Asm(pattern);
  patch.bytes("3 × 16 nops", ...new Array(48).fill(0x90));
  patch.bytes("inc ecx; inc ecx; 14 nops", 0x41, 0x41, ...new Array(14).fill(0x90));
  const { interp, jit } = runBothTiers([a, dataPage(), patch], CODE);
  assert.equal(interp.state.regs[ECX], 2);
  assert.deepEqual(jit.state, interp.state);
  assert.deepEqual(xmm(jit.machine), xmm(interp.machine));
  assert.deepEqual(memory(jit.machine, DATA, 0x4000), memory(interp.machine, DATA, 0x4000));
  assert.equal(jit.instructions, interp.instructions);
});

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

Deno.test("inline MOVSD, MOVSS and guarded ADDSD/MULSD/ADDPD: the high lanes and the bytes past m64 and m32 stores kept, results as the interpreter's", () => {
  const a = enableSse(new Asm(CODE));
  // PE set in MXCSR, so that the guarded double arithmetic runs inline.
  a.movImm(ECX, 30).movImm(ESI, DATA);
  a.bytes("mov dword [esi+0xf00], 0x1fa0", 0xc7, 0x86, 0x00, 0x0f, 0, 0, 0xa0, 0x1f, 0, 0);
  a.bytes("ldmxcsr [esi+0xf00]", 0x0f, 0xae, 0x96, 0x00, 0x0f, 0, 0);
  a.bytes("movapd xmm0, [esi+0x100]", 0x66, 0x0f, 0x28, 0x86, 0x00, 0x01, 0, 0);
  a.label("top");
  a.bytes("movsd xmm1, [esi+0x208]", 0xf2, 0x0f, 0x10, 0x8e, 0x08, 0x02, 0, 0);
  a.bytes("mulsd xmm1, [esi+0x210]", 0xf2, 0x0f, 0x59, 0x8e, 0x10, 0x02, 0, 0);
  a.bytes("addsd xmm0, xmm1", 0xf2, 0x0f, 0x58, 0xc1);
  a.bytes("movsd xmm2, xmm0", 0xf2, 0x0f, 0x10, 0xd0);
  a.bytes("addpd xmm2, [esi+0x100]", 0x66, 0x0f, 0x58, 0x96, 0x00, 0x01, 0, 0);
  a.bytes("movsd [esi+0x300], xmm2", 0xf2, 0x0f, 0x11, 0x96, 0x00, 0x03, 0, 0);
  a.bytes("movss [esi+0x310], xmm2", 0xf3, 0x0f, 0x11, 0x96, 0x10, 0x03, 0, 0);
  a.bytes("movsd xmm3, xmm2", 0xf2, 0x0f, 0x11, 0xd3);
  a.dec(ECX).jcc(CC.NZ, "top").hlt();
  const data = new Asm(DATA + 0x100);
  const doubles = (...xs: number[]) => [...new Uint8Array(Float64Array.from(xs).buffer)];
  data.bytes("0.75, -2.5", ...doubles(0.75, -2.5));
  const more = new Asm(DATA + 0x208);
  more.bytes("1.0009765625, 0.5", ...doubles(1.0009765625, 0.5));
  const guard = new Asm(DATA + 0x300);
  guard.bytes("32 bytes of 0x5a", ...new Array(32).fill(0x5a));
  const { interp, jit } = runBothTiers([a, data, more, guard], CODE);
  assert.deepEqual(jit.state, interp.state);
  assert.deepEqual(xmm(jit.machine), xmm(interp.machine));
  assert.deepEqual(memory(jit.machine, DATA, 0x1000), memory(interp.machine, DATA, 0x1000));
  // The m64 store wrote 8 bytes and the m32 one 4; the bytes after them still hold 0x5a.
  assert.deepEqual(memory(jit.machine, DATA + 0x308, 8), new Array(8).fill(0x5a));
  assert.deepEqual(memory(jit.machine, DATA + 0x314, 12), new Array(12).fill(0x5a));
  // The loop ran compiled with few calls out of WebAssembly: the arithmetic went inline.
  const stats = jit.machine.jit!.stats;
  assert.ok(stats.instructions > 20 * 9, JSON.stringify(stats));
  assert.ok(stats.runtimeCalls < 60, JSON.stringify(stats));
});

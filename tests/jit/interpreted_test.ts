/**
 * x87, MMX and SSE instructions inside compiled blocks, where each is a call to the interpreter's
 * handler (cpu/jit/interpreted.ts): general registers the block holds in locals are stored before
 * the call and reloaded after it (MOVD, CVTSI2SD, FNSTSW AX), flags the call writes are read by a
 * Jcc of the same block (COMISD, FCOMIP), a fault in the middle of a block leaves precise state, and
 * a store by an interpreted instruction into the block's own code makes the block leave.
 */
import assert from "node:assert/strict";
import { ALU, Asm, CC } from "./_asm.ts";
import { compiledAddresses } from "./_compiled.ts";
import { CODE, DATA, GP, runBothTiers, type TestMachine } from "./_machine.ts";
import { EAX, EBX, ECX, EDI, ESI } from "../../cpu/state_layout.ts";

/** `mov eax, cr4; or eax, OSFXSR|OSXMMEXCPT; mov cr4, eax; fninit` */
function enableSse(a: Asm): Asm {
  a.bytes("mov eax, cr4", 0x0f, 0x20, 0xe0).bytes("or eax, 0x600", 0x0d, 0x00, 0x06, 0, 0);
  return a.bytes("mov cr4, eax", 0x0f, 0x22, 0xe0).bytes("fninit", 0xdb, 0xe3);
}

/** Bytes of DATA after a run. */
function data(m: TestMachine, length: number): number[] {
  return Array.from({ length: length / 4 }, (_, i) => m.phys.read32(DATA + i * 4) >>> 0);
}

Deno.test("SSE and x87 instructions inside a block: registers, flags and memory as the interpreter leaves them", () => {
  const a = new Asm(CODE);
  enableSse(a).movImm(ECX, 5).movImm(ESI, DATA);
  a.label("top").mov(EAX, ECX).aluImm(ALU.ADD, EAX, 100);
  a.bytes("movd xmm0, eax", 0x66, 0x0f, 0x6e, 0xc0);
  a.bytes("paddd xmm0, xmm0", 0x66, 0x0f, 0xfe, 0xc0);
  a.bytes("movd ebx, xmm0", 0x66, 0x0f, 0x7e, 0xc3);
  a.bytes("add [esi], ebx", 0x01, 0x1e);
  a.bytes("cvtsi2sd xmm1, ecx", 0xf2, 0x0f, 0x2a, 0xc9);
  a.bytes("comisd xmm1, [esi+8]", 0x66, 0x0f, 0x2f, 0x4e, 0x08);
  a.jcc(CC.B, "below").bytes("inc dword [esi+4]", 0xff, 0x46, 0x04);
  a.label("below").bytes("mov [esi+16], ecx", 0x89, 0x4e, 0x10);
  a.bytes("fild dword [esi+16]", 0xdb, 0x46, 0x10).bytes("fmul st0, st0", 0xd8, 0xc8);
  a.bytes("fiadd dword [esi+24]", 0xda, 0x46, 0x18).bytes("fistp dword [esi+24]", 0xdb, 0x5e, 0x18);
  a.bytes("fld1", 0xd9, 0xe8).bytes("fild dword [esi+16]", 0xdb, 0x46, 0x10);
  a.bytes("fcomip st0, st1", 0xdf, 0xf1).bytes("fstp st0", 0xdd, 0xd8);
  a.jcc(CC.BE, "not_above").bytes("inc dword [esi+28]", 0xff, 0x46, 0x1c);
  a.label("not_above").dec(ECX).jcc(CC.NZ, "top");
  a.bytes("fld1", 0xd9, 0xe8).bytes("fnstsw ax", 0xdf, 0xe0).mov(EBX, EAX).hlt();
  const setup = new Asm(DATA + 8);
  setup.bytes("2.5 as a double", 0, 0, 0, 0, 0, 0, 0x04, 0x40);
  const { interp, jit } = runBothTiers([a, setup], CODE);
  assert.deepEqual(jit.state, interp.state);
  assert.equal(jit.instructions, interp.instructions);
  assert.deepEqual(data(jit.machine, 32), data(interp.machine, 32));
  const [sum, above, , , , , squares, greater] = data(jit.machine, 32);
  assert.equal(sum, 2 * (105 + 104 + 103 + 102 + 101)); // MOVD, PADDD, MOVD back
  assert.equal(above, 3); // COMISD then JB: 5, 4 and 3 are not below 2.5
  assert.equal(squares, 55); // FILD, FMUL, FIADD, FISTP
  assert.equal(greater, 4); // FCOMIP then JBE: 5, 4, 3 and 2 are above 1
  assert.equal(jit.state.regs[EBX] & 0x3800, 0x3800); // FNSTSW AX after FLD1: TOP = 7
  // The loop's body, x87 and SSE included, ran as compiled code.
  const compiled = compiledAddresses(jit.machine, a.listing);
  const body = a.listing.filter((l) => l.address >= a.address("top") && l.text !== "hlt");
  assert.deepEqual(body.filter((l) => !compiled.has(l.address)).map((l) => l.text), []);
  // 5 interpreted instructions a round (PADDD and the x87 instructions but FCOMIP are compiled
  // inline);
  // the first round is interpreted while its blocks are compiled, and a block first reached in
  // a later round (through the other arm of a Jcc) is interpreted that once too.
  assert.ok(jit.machine.jit!.stats.runtimeCalls >= 3 * 5, JSON.stringify(jit.machine.jit!.stats));
});

Deno.test("a fault raised by an interpreted instruction in the middle of a block leaves the state the interpreter leaves", () => {
  const a = new Asm(CODE);
  enableSse(a).movImm(ESI, DATA).movImm(EAX, 7).movImm(EDI, 32);
  // The first two rounds are interpreted while the block is compiled; the third runs it compiled
  // and faults in it.
  a.label("block").aluImm(ALU.ADD, EAX, 5).mov(EBX, EAX);
  a.bytes("movd xmm2, ebx", 0x66, 0x0f, 0x6e, 0xd3);
  a.bytes("movaps xmm0, [esi+edi]", 0x0f, 0x28, 0x04, 0x3e); // #GP(0) once EDI = 8
  a.shrImm(EDI, 1).jmp("block");
  const { interp, jit } = runBothTiers([a], CODE);
  const vectors = (m: TestMachine) => m.deliveries.map((d) => d.vector);
  assert.deepEqual(vectors(interp.machine), [GP]);
  assert.deepEqual(jit.machine.deliveries, interp.machine.deliveries);
  const movaps = a.listing.find((l) => l.text.startsWith("movaps"))!.address;
  assert.equal(jit.machine.deliveries[0].state.eip, movaps);
  assert.equal(jit.machine.deliveries[0].state.regs[EAX], 22); // the ADD before it retired
  const stats = jit.machine.jit!.stats;
  assert.ok(stats.dispatches >= 1 && stats.runtimeCalls >= 2, JSON.stringify(stats));
  assert.equal(jit.instructions, interp.instructions);
  assert.ok(compiledAddresses(jit.machine, a.listing).has(a.address("block")));
});

Deno.test("an interpreted store into the block's own code makes the block leave for the new code", () => {
  const a = new Asm(CODE);
  enableSse(a).movImm(EBX, 0).movImm(EAX, 0x43434343); // inc ebx × 4
  a.bytes("movd xmm0, eax", 0x66, 0x0f, 0x6e, 0xc0);
  const store = a.here;
  const patched = store + 9; // after this 9-byte MOVD store
  a.bytes(`movd [${patched.toString(16)}], xmm0`, 0x66, 0x0f, 0x7e, 0x05, ...le32(patched));
  a.bytes("nop", 0x90).bytes("nop", 0x90).bytes("nop", 0x90).bytes("nop", 0x90).hlt();
  const { interp, jit } = runBothTiers([a], CODE);
  assert.equal(interp.state.regs[EBX], 4);
  assert.deepEqual(jit.state, interp.state);
  assert.ok(jit.machine.jit!.stats.invalidations >= 1, JSON.stringify(jit.machine.jit!.stats));
});

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

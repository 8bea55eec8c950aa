import assert from "node:assert/strict";
import { f80Hex, parseF80 } from "./f80.ts";
import {
  type GuestFault,
  mem,
  type MemoryHost,
  push64,
  run,
  setCw,
  setup,
} from "./_memory_host.ts";
import type { Fpu } from "./fpu.ts";
import type { FpuInstruction } from "./fpu_host.ts";

const PM32: Partial<FpuInstruction> = { operandSize32: true, protectedMode: true };
const PM16: Partial<FpuInstruction> = { operandSize32: false, protectedMode: true };
const RM32: Partial<FpuInstruction> = { operandSize32: true, protectedMode: false };
const RM16: Partial<FpuInstruction> = { operandSize32: false, protectedMode: false };

/** The stack hardware held when its FNSTENV images below were recorded (ST(0) first). */
const STACK = [
  "3fff:8000000000000000",
  "3fff:8000000000000000",
  "0000:0000000000000000",
  "0000:0000000000000001",
  "7fff:8000000000000000",
  "3fff:4000000000000000",
  "0000:8000000000000000",
  "8000:0000000000000000",
];

/** Loads STACK with FRSTOR (TOP = 1 for the seven lower values) and pushes 1.0 with FLD1. */
function loadStack(): { host: MemoryHost; fpu: Fpu } {
  const { host, fpu } = setup();
  const image = 0x2000;
  host.write32(image, 0xffff037f);
  host.write32(image + 4, 0xffff0800); // TOP = 1
  host.write32(image + 8, 0xffff0003); // physical 0 empty, the rest in use
  for (let i = 0; i < 7; i++) host.pokeF80(image + 28 + 10 * i, parseF80(STACK[i + 1]));
  run(fpu, 0xdd, mem(4), image);
  run(fpu, 0xd9, 0xe8, 0, { cs: 0x23, eip: 0xf7f9c023 }); // fld1
  return { host, fpu };
}

Deno.test("FNSTENV 28-byte protected-mode image matches hardware, tags computed from contents", () => {
  const { host, fpu } = loadStack();
  host.poke(0x100, "aa".repeat(32));
  run(fpu, 0xd9, mem(6), 0x100, PM32);
  assert.equal(
    host.hex(0x100, 32),
    "7f03ffff0000ffff906affff23c0f9f72300e801000000000000ffffaaaaaaaa",
  );
  assert.equal(fpu.controlWord, 0x037f); // already all masked
});

Deno.test("FNSTENV 14-byte protected-mode image matches hardware", () => {
  const { host, fpu } = loadStack();
  host.poke(0x100, "aa".repeat(16));
  run(fpu, 0xd9, mem(6), 0x100, PM16);
  assert.equal(host.hex(0x100, 16), "7f030000906a23c0230000000000aaaa");
});

Deno.test("real-mode images hold linear pointers with the opcode beside the high bits", () => {
  const { host, fpu } = setup();
  host.poke(0x1234 * 16 + 0x20, "0000000000000080ff3f");
  run(fpu, 0xdb, mem(5), 0x1234 * 16 + 0x20, {
    protectedMode: false,
    cs: 0xf000,
    eip: 0xfff0,
    ds: 0x1234,
  });
  run(fpu, 0xd9, mem(6), 0x100, RM32);
  // FIP linear 0xffff0 → low half fff0, bits 19..16 = f at bit 12 of the next dword; FOP 0x32b.
  // FDP linear 0x12360 → low half 2360, bits 31..16 = 0001 at bit 12.
  assert.equal(
    host.hex(0x100, 28),
    "7f03ffff0038ffff ff3fffff f0ffffff 2bf30000 6023ffff 00100000".replaceAll(" ", ""),
  );
  run(fpu, 0xd9, mem(6), 0x200, RM16);
  assert.equal(host.hex(0x200, 14), "7f030038ff3ff0ff2bf360230010");
});

Deno.test("FLDENV reads each layout back, recomputing ES from flags and masks", () => {
  for (const layout of [PM32, PM16, RM32, RM16]) {
    const { host, fpu } = loadStack();
    run(fpu, 0xd9, mem(6), 0x100, layout);
    const { host: h2, fpu: other } = setup();
    h2.mem.set(host.mem.subarray(0x100, 0x100 + 28), 0x100);
    run(other, 0xd9, mem(4), 0x100, layout);
    assert.equal(other.statusWord, fpu.statusWord);
    for (let i = 0; i < 8; i++) assert.equal(other.isEmpty(i), fpu.isEmpty(i));
    assert.equal(other.pointers.fop, layout.protectedMode && !layout.operandSize32 ? 0 : 0x1e8);
  }
  const { host, fpu } = setup();
  host.write32(0x100, 0xffff037f);
  host.write32(0x104, 0xffff0081); // IE flagged with ES, but IE is masked
  host.write32(0x108, 0xffffffff);
  run(fpu, 0xd9, mem(4), 0x100, PM32);
  assert.equal(fpu.statusWord, 0x0001);
});

Deno.test("FNSTENV masks all exceptions after storing the old control word", () => {
  const { host, fpu } = setup();
  setCw(fpu, host, 0x0360);
  run(fpu, 0xd9, mem(6), 0x100, PM32);
  assert.equal(host.read16(0x100), 0x0360);
  assert.equal(fpu.controlWord, 0x037f);
});

Deno.test("FNSAVE stores 108/94-byte images and reinitialises; FRSTOR brings everything back", () => {
  for (const [layout, size] of [[PM32, 108], [PM16, 94], [RM32, 108], [RM16, 94]] as const) {
    const { host, fpu } = loadStack();
    const before = {
      sw: fpu.statusWord,
      tw: fpu.tagWord,
      regs: STACK.map((_, i) => f80Hex(fpu.register(i))),
    };
    host.poke(0x100 + size, "aaaa");
    run(fpu, 0xdd, mem(6), 0x100, layout);
    assert.equal(host.hex(0x100 + size, 2), "aaaa", "writes stop at the image end");
    assert.equal(f80Hex(host.peekF80(0x100 + size - 80)), STACK[0]);
    assert.equal(f80Hex(host.peekF80(0x100 + size - 10)), STACK[7]);
    assert.equal(fpu.controlWord, 0x037f);
    assert.equal(fpu.statusWord, 0);
    assert.equal(fpu.tagWord, 0xffff);
    run(fpu, 0xdd, mem(4), 0x100, layout);
    assert.equal(fpu.statusWord, before.sw);
    assert.equal(fpu.tagWord, before.tw);
    assert.deepEqual(STACK.map((_, i) => f80Hex(fpu.register(i))), before.regs);
  }
});

Deno.test("FXSAVE writes the 512-byte layout with abridged tags and zeroed XMM area", () => {
  const { host, fpu } = setup();
  host.poke(0x1000, "aa".repeat(512));
  run(fpu, 0xd9, 0xe8, 0, { cs: 0x23, eip: 0x401000 }); // fld1
  run(fpu, 0xd9, 0xeb, 0, { cs: 0x23, eip: 0x401002 }); // fldpi
  fpu.fxsave(0x1000);
  assert.equal(
    host.hex(0x1000, 32),
    "7f03" + "0030" + "c0" + "00" + "eb01" + "02104000" + "2300" + "0000" + "00000000" + "0000" +
      "0000" +
      "801f0000" + "ffff0000",
  );
  assert.equal(
    host.hex(0x1020, 32),
    "35c26821a2da0fc90040000000000000" + "0000000000000080ff3f000000000000",
  );
  assert.equal(host.hex(0x10a0, 128), "00".repeat(128));
  assert.equal(host.hex(0x1120, 4), "aaaaaaaa");
});

Deno.test("FXRSTOR restores state saved by FXSAVE and checks alignment and MXCSR", () => {
  const { host, fpu } = setup();
  push64(fpu, host, 2);
  push64(fpu, host, -0.5);
  setCw(fpu, host, 0x0b7f);
  fpu.fxsave(0x1000);
  const other = setup();
  other.host.mem.set(host.mem.subarray(0x1000, 0x1200), 0x1000);
  other.fpu.fxrstor(0x1000);
  assert.equal(other.fpu.controlWord, 0x0b7f);
  assert.equal(other.fpu.statusWord, fpu.statusWord);
  assert.equal(other.fpu.tagWord, fpu.tagWord);
  assert.equal(other.fpu.st(0), -0.5);
  assert.equal(other.fpu.st(1), 2);
  assert.throws(() => other.fpu.fxsave(0x1008), (e: GuestFault) => e.vector === 13);
  other.host.write32(0x1018, 0x00010000); // reserved MXCSR bit
  assert.throws(() => other.fpu.fxrstor(0x1000), (e: GuestFault) => e.vector === 13);
  assert.equal(other.fpu.mxcsr, 0x1f80);
});

import assert from "node:assert/strict";
import { f80Hex, parseF80 } from "./f80.ts";
import { GuestFault, mem, push64, push80, run, setCw, setup, VEC_PF } from "./_memory_host.ts";

const vectorOf = (f: () => void): number => {
  try {
    f();
  } catch (e) {
    if (e instanceof GuestFault) return e.vector;
    throw e;
  }
  return -1;
};

Deno.test("reset leaves the FNINIT state: CW 037F, SW 0, every tag empty", () => {
  const { fpu } = setup();
  assert.equal(fpu.controlWord, 0x037f);
  assert.equal(fpu.statusWord, 0);
  assert.equal(fpu.tagWord, 0xffff);
  assert.equal(fpu.mxcsr, 0x1f80);
});

Deno.test("CR0.EM or CR0.TS make escape instructions raise #NM; FWAIT only with TS and MP", () => {
  const { host, fpu } = setup();
  host.cr0 = 0x04 | 0x20; // EM
  assert.equal(vectorOf(() => run(fpu, 0xd9, 0xe8)), 7);
  assert.equal(vectorOf(() => fpu.fwait()), -1);
  assert.equal(vectorOf(() => fpu.fxsave(0x1000)), 6);
  host.cr0 = 0x08 | 0x20; // TS without MP
  assert.equal(vectorOf(() => run(fpu, 0xdb, 0xe3)), 7);
  assert.equal(vectorOf(() => fpu.fwait()), -1);
  assert.equal(vectorOf(() => fpu.fxrstor(0x1000)), 7);
  host.cr0 = 0x08 | 0x02 | 0x20; // TS and MP
  assert.equal(vectorOf(() => fpu.fwait()), 7);
  assert.equal(fpu.tagWord, 0xffff, "nothing executed");
});

Deno.test("undefined encodings raise #UD", () => {
  const { fpu } = setup();
  for (
    const [opcode, modrm] of [
      [0xd9, 0xd1],
      [0xde, 0xd8],
      [0xdf, 0xe1],
      [0xdd, 0xf0],
      [0xd9, mem(1)],
    ]
  ) {
    assert.equal(
      vectorOf(() => run(fpu, opcode, modrm)),
      6,
      `${opcode.toString(16)} ${modrm.toString(16)}`,
    );
  }
});

Deno.test("stack overflow: the ninth push sets IE, SF, C1 and loads the indefinite", () => {
  const { fpu } = setup();
  for (let i = 0; i < 9; i++) run(fpu, 0xd9, 0xe8);
  assert.equal(fpu.statusWord, 0x3a41);
  assert.equal(f80Hex(fpu.register(0)), "ffff:c000000000000000");
  assert.equal(f80Hex(fpu.register(1)), "3fff:8000000000000000");
  assert.equal(fpu.tagWord, 0x8000);
});

Deno.test("stack overflow with IE unmasked leaves TOP and the registers unchanged", () => {
  const { host, fpu } = setup();
  setCw(fpu, host, 0x037e);
  for (let i = 0; i < 8; i++) run(fpu, 0xd9, 0xee);
  run(fpu, 0xd9, 0xe8);
  assert.equal(fpu.statusWord, 0x82c1); // TOP 0, C1, ES, SF, IE and B
  assert.equal(fpu.tagWord, 0x5555);
});

Deno.test("stack underflow: empty operands give the indefinite, C1 = 0, and stores write it", () => {
  const { fpu } = setup();
  run(fpu, 0xd8, 0xc1); // fadd st0, st1 on an empty stack
  assert.equal(f80Hex(fpu.register(0)), "ffff:c000000000000000");
  assert.equal(fpu.statusWord & 0x02ff, 0x41);
  const b = setup();
  b.host.poke(0x100, "aa".repeat(8));
  run(b.fpu, 0xdd, mem(3), 0x100); // fstp m64, empty
  assert.equal(b.host.hex(0x100, 8), "000000000000f8ff");
  assert.equal(b.fpu.statusWord, 0x0841);
});

Deno.test("an unmasked exception is delivered as #MF by the next waiting instruction when CR0.NE = 1", () => {
  const { host, fpu } = setup();
  setCw(fpu, host, 0x037e);
  push64(fpu, host, -1);
  run(fpu, 0xd9, 0xfa); // fsqrt(−1): IE, nothing raised yet
  assert.equal(fpu.statusWord & 0x80ff, 0x8081);
  run(fpu, 0xdf, 0xe0); // fnstsw ax does not wait
  assert.equal(host.ax, fpu.statusWord);
  assert.equal(vectorOf(() => run(fpu, 0xd9, 0xe8)), 16);
  assert.equal(vectorOf(() => fpu.fwait()), 16);
  assert.ok(fpu.isEmpty(7), "the faulting FLD1 did not run");
  run(fpu, 0xdb, 0xe2); // fnclex
  assert.equal(vectorOf(() => run(fpu, 0xd9, 0xe8)), -1);
  assert.deepEqual(host.ferrLog, []);
});

Deno.test("with CR0.NE = 0 the next waiting instruction asserts FERR# and runs; FNCLEX drops it", () => {
  const { host, fpu } = setup();
  host.cr0 = 0x11;
  setCw(fpu, host, 0x037b); // ZE unmasked
  push64(fpu, host, 0);
  run(fpu, 0xd9, 0xe8);
  run(fpu, 0xde, 0xf1); // fdivrp: 1 / 0
  assert.deepEqual(host.ferrLog, []);
  run(fpu, 0xd9, 0xe8); // waits: FERR# goes up, then FLD1 executes
  assert.deepEqual(host.ferrLog, [true]);
  assert.equal(fpu.st(0), 1);
  fpu.fwait();
  assert.deepEqual(host.ferrLog, [true]);
  run(fpu, 0xdb, 0xe2); // fnclex
  assert.deepEqual(host.ferrLog, [true, false]);
  run(fpu, 0xd9, 0xe8);
  assert.deepEqual(host.ferrLog, [true, false]);
});

Deno.test("FNINIT also drops FERR#; FLDCW masking the flagged exception clears ES", () => {
  const { host, fpu } = setup();
  host.cr0 = 0x11;
  setCw(fpu, host, 0x037e);
  run(fpu, 0xd8, 0xc1); // underflow, IE unmasked
  fpu.fwait();
  assert.deepEqual(host.ferrLog, [true]);
  run(fpu, 0xdb, 0xe3);
  assert.deepEqual(host.ferrLog, [true, false]);
  const b = setup();
  setCw(b.fpu, b.host, 0x037e);
  run(b.fpu, 0xd8, 0xc1);
  assert.equal(b.fpu.statusWord & 0x8080, 0x8080);
  b.host.write16(0x100, 0x037f);
  b.host.cr0 = 0x11;
  run(b.fpu, 0xd9, mem(5), 0x100); // fldcw waits first (FERR#), then masks IE
  assert.equal(b.fpu.statusWord & 0x80c1, 0x0041);
  assert.deepEqual(b.host.ferrLog, [true, false]);
});

Deno.test("a page fault on a memory operand leaves the unit untouched", () => {
  const { host, fpu } = setup();
  push64(fpu, host, 3);
  const before = { sw: fpu.statusWord, tw: fpu.tagWord, fip: fpu.pointers.fip };
  host.faultFrom = 0x2000;
  host.faultTo = 0x3000;
  assert.equal(vectorOf(() => run(fpu, 0xdd, mem(0), 0x1ffc, { eip: 0x7777 })), VEC_PF); // fld m64
  assert.equal(vectorOf(() => run(fpu, 0xdd, mem(3), 0x1ffc, { eip: 0x7777 })), VEC_PF); // fstp m64
  assert.equal(vectorOf(() => run(fpu, 0xdd, mem(4), 0x1fc0, { eip: 0x7777 })), VEC_PF); // frstor
  assert.equal(vectorOf(() => run(fpu, 0xdf, mem(7), 0x2000, { eip: 0x7777 })), VEC_PF); // fistp m64
  assert.deepEqual({ sw: fpu.statusWord, tw: fpu.tagWord, fip: fpu.pointers.fip }, before);
  assert.equal(fpu.st(0), 3);
});

Deno.test("FIP, FCS, FOP and FDP, FDS follow the last non-control instruction", () => {
  const { host, fpu } = setup();
  push64(fpu, host, 1);
  run(fpu, 0xdc, mem(0), 0x4321, { cs: 0x1b, eip: 0x8048000, ds: 0x23 }); // fadd m64
  assert.deepEqual(fpu.pointers, { fip: 0x8048000, fcs: 0x1b, fop: 0x403, fdp: 0x4321, fds: 0x23 });
  run(fpu, 0xd9, mem(7), 0x100, { eip: 0x9999 }); // fnstcw: control, no update
  run(fpu, 0xd9, 0xc9, 0, { cs: 0x1b, eip: 0x8048004 }); // fxch: no memory operand
  assert.deepEqual(fpu.pointers, { fip: 0x8048004, fcs: 0x1b, fop: 0x1c9, fdp: 0x4321, fds: 0x23 });
  run(fpu, 0xd9, mem(0), 0x1234 * 16 + 8, { protectedMode: false, ds: 0x1234 }); // real mode
  assert.equal(fpu.pointers.fdp, 8);
  run(fpu, 0xdd, mem(0), 0x10, { dataOffset: 0x10000010 });
  assert.equal(fpu.pointers.fdp, 0x10000010);
});

Deno.test("FLDCW keeps bit 12, forces bit 6 and clears bits 7 and 15–13, as measured", () => {
  const { host, fpu } = setup();
  setCw(fpu, host, 0x0000);
  assert.equal(fpu.controlWord, 0x0040);
  setCw(fpu, host, 0xffff);
  assert.equal(fpu.controlWord, 0x1f7f);
});

Deno.test("FXCH swaps, filling empty operands with the indefinite on underflow", () => {
  const { host, fpu } = setup();
  push64(fpu, host, 2);
  push64(fpu, host, 1);
  run(fpu, 0xd9, 0xc9);
  assert.deepEqual([fpu.st(0), fpu.st(1)], [2, 1]);
  const u = setup();
  push64(u.fpu, u.host, 1);
  run(u.fpu, 0xd9, 0xc9);
  assert.equal(f80Hex(u.fpu.register(0)), "ffff:c000000000000000");
  assert.equal(u.fpu.st(1), 1);
  assert.equal(u.fpu.statusWord & 0x3f, 0x01);
});

Deno.test("FCMOVcc copies ST(i) when its EFLAGS condition holds", () => {
  // [modrm row base (DA/DB), eflags, taken]
  const cases: [number, number, number, boolean][] = [
    [0xda, 0xc1, 0x1, true], // fcmovb, CF
    [0xda, 0xc9, 0x0, false], // fcmove, ZF clear
    [0xda, 0xd1, 0x40, true], // fcmovbe, ZF
    [0xda, 0xd9, 0x4, true], // fcmovu, PF
    [0xdb, 0xc1, 0x1, false], // fcmovnb, CF
    [0xdb, 0xc9, 0x0, true], // fcmovne
    [0xdb, 0xd1, 0x41, false], // fcmovnbe
    [0xdb, 0xd9, 0x0, true], // fcmovnu
  ];
  for (const [opcode, modrm, flags, taken] of cases) {
    const { host, fpu } = setup();
    push64(fpu, host, 7);
    push64(fpu, host, 1);
    host.eflags = 0x202 | flags;
    run(fpu, opcode, modrm);
    assert.equal(fpu.st(0), taken ? 7 : 1, `${opcode.toString(16)} ${modrm.toString(16)}`);
  }
});

Deno.test("FCHS and FABS flip and clear the sign of anything, SNaNs included, without exceptions", () => {
  const { host, fpu } = setup();
  push80(fpu, host, parseF80("7fff:8000000000000001"));
  run(fpu, 0xd9, 0xe0);
  assert.equal(f80Hex(fpu.register(0)), "ffff:8000000000000001");
  run(fpu, 0xd9, 0xe1);
  assert.equal(f80Hex(fpu.register(0)), "7fff:8000000000000001");
  assert.equal(fpu.statusWord & 0x3f, 0);
});

Deno.test("FFREE, FFREEP, FINCSTP and FDECSTP move tags and TOP without touching values", () => {
  const { host, fpu } = setup();
  push64(fpu, host, 2);
  push64(fpu, host, 1);
  run(fpu, 0xdd, 0xc1); // ffree st(1)
  assert.ok(fpu.isEmpty(1) && !fpu.isEmpty(0));
  run(fpu, 0xdf, 0xc0); // ffreep st(0)
  assert.equal(fpu.tagWord, 0xffff);
  assert.equal(fpu.statusWord >> 11 & 7, 7);
  run(fpu, 0xd9, 0xf6); // fdecstp
  assert.equal(fpu.st(0), 1);
  run(fpu, 0xd9, 0xf7); // fincstp
  assert.equal(fpu.statusWord >> 11 & 7, 7);
});

Deno.test("FNSTSW m16 and FNSTCW store without waiting for pending exceptions", () => {
  const { host, fpu } = setup();
  setCw(fpu, host, 0x037e);
  run(fpu, 0xd8, 0xc1);
  run(fpu, 0xdd, mem(7), 0x100);
  run(fpu, 0xd9, mem(7), 0x102);
  assert.equal(host.read16(0x100), fpu.statusWord);
  assert.equal(host.read16(0x102), 0x037e);
});

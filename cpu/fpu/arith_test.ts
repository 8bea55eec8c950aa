import assert from "node:assert/strict";
import { f80Hex, parseF80 } from "./f80.ts";
import { mem, push64, push80, run, setCw, setup } from "./_memory_host.ts";

/** Pushes `st1` then `st0`, runs a register-form instruction, returns the unit. */
function binary(opcode: number, modrm: number, st0: string, st1: string, cw = 0x037f) {
  const { host, fpu } = setup();
  setCw(fpu, host, cw);
  push80(fpu, host, parseF80(st1));
  push80(fpu, host, parseF80(st0));
  run(fpu, opcode, modrm);
  return { host, fpu, st0: f80Hex(fpu.register(0)), sw: fpu.statusWord };
}

const ONE = "3fff:8000000000000000";
const THREE = "4000:c000000000000000";
const TEN = "4002:a000000000000000";

Deno.test("FDIVP 1/3 rounds exactly under each RC and precision control (hardware values)", () => {
  // DE F9 is FDIVP ST(1), ST(0): ST(1) ← ST(1) / ST(0), pop.
  const cases: [number, string, number][] = [
    [0x037f, "3ffd:aaaaaaaaaaaaaaab", 0x3a20],
    [0x077f, "3ffd:aaaaaaaaaaaaaaaa", 0x3820],
    [0x0b7f, "3ffd:aaaaaaaaaaaaaaab", 0x3a20],
    [0x0f7f, "3ffd:aaaaaaaaaaaaaaaa", 0x3820],
    [0x027f, "3ffd:aaaaaaaaaaaaa800", 0x3820],
    [0x007f, "3ffd:aaaaab0000000000", 0x3a20],
  ];
  for (const [cw, want, sw] of cases) {
    const r = binary(0xde, 0xf9, THREE, ONE, cw);
    assert.equal(r.st0, want, `cw=${cw.toString(16)}`);
    assert.equal(r.sw, sw, `cw=${cw.toString(16)}`);
  }
});

Deno.test("reversed DC/DE encodings: FSUBP and FSUBRP, FDIV and FDIVR ST(i), ST(0)", () => {
  // ST(0) = 3, ST(1) = 10.
  assert.equal(binary(0xde, 0xe9, THREE, TEN).st0, "4001:e000000000000000"); // fsubp: 10 − 3
  assert.equal(binary(0xde, 0xe1, THREE, TEN).st0, "c001:e000000000000000"); // fsubrp: 3 − 10
  const div = binary(0xdc, 0xf9, THREE, TEN); // fdiv st(1), st(0): 10 / 3
  assert.equal(f80Hex(div.fpu.register(1)), "4000:d555555555555555");
  const divr = binary(0xdc, 0xf1, THREE, TEN); // fdivr st(1), st(0): 3 / 10
  assert.equal(f80Hex(divr.fpu.register(1)), "3ffd:999999999999999a");
  assert.equal(binary(0xd8, 0xe1, THREE, TEN).st0, "c001:e000000000000000"); // fsub st0, st1
  assert.equal(binary(0xd8, 0xe9, THREE, TEN).st0, "4001:e000000000000000"); // fsubr st0, st1
  assert.equal(binary(0xd8, 0xf9, THREE, TEN).st0, "4000:d555555555555555"); // fdivr st0, st1
});

Deno.test("integer and real memory operands: FIADD m16, FIDIV m32, FMUL m32 denormal", () => {
  const { host, fpu } = setup();
  push64(fpu, host, 0.5);
  host.write16(0x100, -3 & 0xffff);
  run(fpu, 0xde, mem(0), 0x100); // fiadd m16
  assert.equal(f80Hex(fpu.register(0)), "c000:a000000000000000");
  const b = setup();
  push64(b.fpu, b.host, 1);
  b.host.write32(0x100, 3);
  run(b.fpu, 0xda, mem(6), 0x100); // fidiv m32
  assert.equal(f80Hex(b.fpu.register(0)), "3ffd:aaaaaaaaaaaaaaab");
  const c = setup();
  push64(c.fpu, c.host, 1);
  c.host.write32(0x100, 1); // smallest single denormal
  run(c.fpu, 0xd8, mem(1), 0x100);
  assert.equal(f80Hex(c.fpu.register(0)), "3f6a:8000000000000000");
  assert.equal(c.fpu.statusWord & 0x3f, 0x02); // DE from the operand
});

Deno.test("FSQRT: √2 at 64 and 53 bits, −0 stays −0, negatives are invalid, denormals raise DE", () => {
  const { host, fpu } = setup();
  push64(fpu, host, 2);
  run(fpu, 0xd9, 0xfa);
  assert.equal(f80Hex(fpu.register(0)), "3fff:b504f333f9de6484");
  assert.equal(fpu.statusWord & 0x3f, 0x20);
  setCw(fpu, host, 0x027f);
  push64(fpu, host, 2);
  run(fpu, 0xd9, 0xfa);
  assert.equal(f80Hex(fpu.register(0)), "3fff:b504f333f9de6800");
  const cases: [string, string, number][] = [
    ["8000:0000000000000000", "8000:0000000000000000", 0x00],
    ["c000:8000000000000000", "ffff:c000000000000000", 0x01],
    ["0000:0000000000000001", "1fe0:b504f333f9de6484", 0x22],
    ["3fff:4000000000000000", "ffff:c000000000000000", 0x01],
  ];
  for (const [v, want, flags] of cases) {
    const u = setup();
    push80(u.fpu, u.host, parseF80(v));
    run(u.fpu, 0xd9, 0xfa);
    assert.equal(f80Hex(u.fpu.register(0)), want, v);
    assert.equal(u.fpu.statusWord & 0x3f, flags, v);
  }
});

Deno.test("FDIV by zero raises ZE and gives ∞; unmasked ZE leaves the operands; 0/0 is invalid", () => {
  const z = binary(0xde, 0xf9, "0000:0000000000000000", ONE);
  assert.equal(z.st0, "7fff:8000000000000000");
  assert.equal(z.sw, 0x3804);
  const u = binary(0xde, 0xf9, "0000:0000000000000000", ONE, 0x037b);
  assert.equal(u.sw, 0xb084);
  assert.equal(u.st0, "0000:0000000000000000");
  assert.equal(f80Hex(u.fpu.register(1)), ONE);
  const n = binary(0xde, 0xf9, "0000:0000000000000000", "0000:0000000000000000");
  assert.equal(n.st0, "ffff:c000000000000000");
  assert.equal(n.sw, 0x3801);
});

Deno.test("exact cancellation gives +0, or −0 when rounding down", () => {
  assert.equal(binary(0xde, 0xe9, ONE, ONE).st0, "0000:0000000000000000");
  assert.equal(binary(0xde, 0xe9, ONE, ONE, 0x077f).st0, "8000:0000000000000000");
});

Deno.test("masked overflow gives ∞ or the largest finite value by RC, with C1 for ∞", () => {
  // 2^4097 × 1.5 × 2^4097 overflows; [cw, positive result, sw, negative result, sw].
  const table: [number, string, number, string, number][] = [
    [0x037f, "7fff:8000000000000000", 0x3a28, "ffff:8000000000000000", 0x3a28],
    [0x077f, "7ffe:ffffffffffffffff", 0x3828, "ffff:8000000000000000", 0x3a28],
    [0x0b7f, "7fff:8000000000000000", 0x3a28, "fffe:ffffffffffffffff", 0x3828],
    [0x0f7f, "7ffe:ffffffffffffffff", 0x3828, "fffe:ffffffffffffffff", 0x3828],
  ];
  for (const [cw, pos, swPos, neg, swNeg] of table) {
    const p = binary(0xde, 0xc9, "7000:8000000000000000", "7000:c000000000000000", cw);
    assert.equal(p.st0, pos);
    assert.equal(p.sw, swPos);
    const n = binary(0xde, 0xc9, "7000:8000000000000000", "f000:c000000000000000", cw);
    assert.equal(n.st0, neg);
    assert.equal(n.sw, swNeg);
  }
});

Deno.test("unmasked overflow and underflow deliver the result scaled by 2^∓24576", () => {
  const o = binary(0xde, 0xc9, "7000:8000000000000000", "7000:c000000000000000", 0x0377);
  assert.equal(o.st0, "4001:c000000000000000");
  assert.equal(o.sw, 0xb888);
  const u = binary(0xde, 0xc9, "1000:8000000000000000", "1000:c000000000000000", 0x036f);
  assert.equal(u.st0, "4001:c000000000000000");
  assert.equal(u.sw, 0xb890);
  const m = binary(0xde, 0xc9, "1000:8000000000000000", "1000:c000000000000000");
  assert.equal(m.st0, "0000:0000000000000000");
  assert.equal(m.sw, 0x3830);
});

Deno.test("underflow: tininess is detected before rounding; exact denormal results raise nothing", () => {
  // (1 − 2^−64) × 2^−16382 rounds up to the smallest normal yet still signals UE.
  const t = binary(0xde, 0xc9, "3ffe:ffffffffffffffff", "0001:8000000000000000");
  assert.equal(t.st0, "0001:8000000000000000");
  assert.equal(t.sw, 0x3a30);
  const e = binary(0xde, 0xc9, "3ffe:8000000000000000", "0001:8000000000000000");
  assert.equal(e.st0, "0000:4000000000000000");
  assert.equal(e.sw, 0x3800);
});

Deno.test("NaN operands: QNaN beats SNaN, larger significand wins, ties go to the positive one", () => {
  const cases: [string, string, string, number][] = [
    ["7fff:8000000000000002", "ffff:c000000000000001", "ffff:c000000000000001", 0x3801],
    ["7fff:8000000000000002", "ffff:8000000000000001", "7fff:c000000000000002", 0x3801],
    ["ffff:c000000000000001", "7fff:c000000000000001", "7fff:c000000000000001", 0x3800],
    ["7fff:c000000000000001", "ffff:c000000000000001", "7fff:c000000000000001", 0x3800],
    ["3fff:4000000000000000", ONE, "ffff:c000000000000000", 0x3801],
  ];
  for (const [a, b, want, sw] of cases) {
    const r = binary(0xde, 0xc1, a, b);
    assert.equal(r.st0, want, `${a} + ${b}`);
    assert.equal(r.sw, sw, `${a} + ${b}`);
  }
});

Deno.test("PE and C1 report rounding: 1 + 1.5 ulp rounds up at 64 bits", () => {
  const r = binary(0xde, 0xc1, ONE, "3fbf:c000000000000000");
  assert.equal(r.st0, "3fff:8000000000000001");
  assert.equal(r.sw, 0x3a20);
});

Deno.test("unmasked DE suppresses the result, keeps the stack and clears C1", () => {
  const r = binary(0xde, 0xc1, "0000:0000000000000001", ONE, 0x037d);
  assert.equal(r.sw, 0xb082);
  assert.equal(r.st0, "0000:0000000000000001");
});

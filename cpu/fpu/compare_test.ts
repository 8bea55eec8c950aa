import assert from "node:assert/strict";
import { parseF80 } from "./f80.ts";
import { mem, push80, run, setCw, setup } from "./_memory_host.ts";

const ONE = "3fff:8000000000000000";
const TWO = "4000:8000000000000000";
const QNAN = "7fff:c000000000000000";
const SNAN = "7fff:8000000000000001";
const ZERO = "0000:0000000000000000";
const NEG_ZERO = "8000:0000000000000000";
const DENORMAL = "0000:0000000000000001";

function stack(values: string[], cw = 0x037f, eflags = 0x202) {
  const { host, fpu } = setup();
  setCw(fpu, host, cw);
  for (const v of [...values].reverse()) push80(fpu, host, parseF80(v));
  host.eflags = eflags;
  return { host, fpu };
}

// Measured on hardware: [ST(0), ST(1), FCOM sw, FUCOM sw, FCOMI eflags, FUCOMI eflags, exceptions].
const TABLE: [string, string, number, number, number, number, number, number][] = [
  [ONE, TWO, 0x0100, 0x0100, 0x203, 0x203, 0, 0],
  [TWO, ONE, 0x0000, 0x0000, 0x202, 0x202, 0, 0],
  [ONE, ONE, 0x4000, 0x4000, 0x242, 0x242, 0, 0],
  [QNAN, ONE, 0x4500, 0x4500, 0x247, 0x247, 0x01, 0x00],
  [SNAN, ONE, 0x4500, 0x4500, 0x247, 0x247, 0x01, 0x01],
  [NEG_ZERO, ZERO, 0x4000, 0x4000, 0x242, 0x242, 0, 0],
  [DENORMAL, ZERO, 0x0000, 0x0000, 0x202, 0x202, 0x02, 0x02],
];

Deno.test("FCOM and FUCOM set C3 C2 C0; QNaNs are invalid only for FCOM", () => {
  for (const [a, b, fcom, fucom, , , exFcom, exFucom] of TABLE) {
    const c = stack([a, b]);
    run(c.fpu, 0xd8, 0xd1);
    assert.equal(c.fpu.statusWord & 0x4700, fcom, `fcom ${a} ${b}`);
    assert.equal(c.fpu.statusWord & 0x3f, exFcom, `fcom ${a} ${b}`);
    const u = stack([a, b]);
    run(u.fpu, 0xdd, 0xe1);
    assert.equal(u.fpu.statusWord & 0x4700, fucom, `fucom ${a} ${b}`);
    assert.equal(u.fpu.statusWord & 0x3f, exFucom, `fucom ${a} ${b}`);
  }
});

Deno.test("FCOMI and FUCOMI set ZF PF CF and clear OF SF AF", () => {
  for (const [a, b, , , fcomi, fucomi, exFcomi, exFucomi] of TABLE) {
    const c = stack([a, b], 0x037f, 0x8d7 | 0x202);
    run(c.fpu, 0xdb, 0xf1);
    assert.equal(c.host.eflags, fcomi, `fcomi ${a} ${b}`);
    assert.equal(c.fpu.statusWord & 0x3f, exFcomi);
    const u = stack([a, b]);
    run(u.fpu, 0xdb, 0xe9);
    assert.equal(u.host.eflags, fucomi, `fucomi ${a} ${b}`);
    assert.equal(u.fpu.statusWord & 0x3f, exFucomi);
  }
});

Deno.test("FCOMP/FCOMPP/FCOMIP pop; an unmasked IE still sets the codes but withholds the pop", () => {
  const p = stack([ONE, TWO]);
  run(p.fpu, 0xde, 0xd9); // fcompp
  assert.ok(p.fpu.isEmpty(0) && p.fpu.isEmpty(1));
  assert.equal(p.fpu.statusWord & 0x4700, 0x0100);
  const u = stack([QNAN, ONE], 0x037e);
  run(u.fpu, 0xd8, 0xd9); // fcomp st(1)
  assert.equal(u.fpu.statusWord, 0xf581);
  const i = stack([QNAN, ONE], 0x037e);
  run(i.fpu, 0xdb, 0xf1); // fcomi
  assert.equal(i.host.eflags, 0x247);
  assert.equal(i.fpu.statusWord & 0x3f, 0x01);
});

Deno.test("compares with an empty register report a stack underflow and unordered", () => {
  const c = stack([ONE]);
  run(c.fpu, 0xd8, 0xd1);
  assert.equal(c.fpu.statusWord, 0x7d41);
  const i = stack([ONE]);
  run(i.fpu, 0xdf, 0xf1); // fcomip pops on the masked response
  assert.equal(i.host.eflags, 0x247);
  assert.ok(i.fpu.isEmpty(0));
  assert.equal(i.fpu.statusWord, 0x0041);
});

Deno.test("FTST compares with +0 and FICOM with an integer operand", () => {
  const t = stack([NEG_ZERO]);
  run(t.fpu, 0xd9, 0xe4);
  assert.equal(t.fpu.statusWord & 0x4700, 0x4000);
  const d = stack([DENORMAL]);
  run(d.fpu, 0xd9, 0xe4);
  assert.equal(d.fpu.statusWord & 0x473f, 0x0002);
  const f = stack([ONE]);
  f.host.write16(0x100, 1);
  run(f.fpu, 0xde, mem(2), 0x100); // ficom m16
  assert.equal(f.fpu.statusWord & 0x4700, 0x4000);
  f.host.write32(0x100, 2);
  run(f.fpu, 0xda, mem(3), 0x100); // ficomp m32
  assert.equal(f.fpu.statusWord & 0x4700, 0x0100);
  assert.ok(f.fpu.isEmpty(0));
});

Deno.test("FXAM classifies every encoding into C3 C2 C0 with the sign in C1", () => {
  const cases: [string, number][] = [
    ["3fff:8000000000000000", 0x0400], // normal
    ["0000:8000000000000000", 0x4400], // pseudo-denormal reads as denormal
    ["0000:0000000000000001", 0x4400], // denormal
    ["3fff:4000000000000000", 0x0000], // unnormal: unsupported
    ["7fff:4000000000000000", 0x0000], // pseudo-NaN: unsupported
    ["7fff:0000000000000000", 0x0000], // pseudo-infinity: unsupported
    ["7fff:8000000000000000", 0x0500], // infinity
    ["ffff:8000000000000001", 0x0300], // NaN, negative
    ["8000:0000000000000000", 0x4200], // zero, negative
  ];
  for (const [v, want] of cases) {
    const c = stack([v]);
    run(c.fpu, 0xd9, 0xe5);
    assert.equal(c.fpu.statusWord & 0x4700, want, v);
  }
  const e = stack(["bfff:8000000000000000"]);
  run(e.fpu, 0xdd, 0xc0); // ffree st(0): empty, contents negative
  run(e.fpu, 0xd9, 0xe5);
  assert.equal(e.fpu.statusWord & 0x4700, 0x4300);
});

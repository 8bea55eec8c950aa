import assert from "node:assert/strict";
import { f80Hex, parseF80 } from "./f80.ts";
import { mem, push64, push80, run, setCw, setup } from "./_memory_host.ts";

const hexOf = (fpu: { register(i: number): ReturnType<typeof parseF80> }, i: number) =>
  f80Hex(fpu.register(i));

Deno.test("FLD m80 / FSTP m80 round-trip tricky encodings bit for bit without exceptions", () => {
  const patterns = [
    "7fff:8000000000000001", // SNaN
    "ffff:c000000000000000", // indefinite
    "7fff:4000000000000001", // pseudo-NaN
    "7fff:0000000000000000", // pseudo-infinity
    "0000:8000000000000000", // pseudo-denormal
    "0000:0000000000000001", // smallest denormal
    "3fff:4000000000000000", // unnormal
    "8000:0000000000000000", // −0
    "7ffe:ffffffffffffffff", // largest finite
  ];
  for (const p of patterns) {
    const { host, fpu } = setup();
    push80(fpu, host, parseF80(p));
    run(fpu, 0xdb, mem(7), 0x100); // fstp m80
    assert.equal(f80Hex(host.peekF80(0x100)), p);
    assert.equal(fpu.statusWord & 0x3f, 0, p);
  }
});

Deno.test("FLD m64 widens exactly: denormals normalise with DE, SNaNs quiet with IE", () => {
  const { host, fpu } = setup();
  host.poke(0x100, "0100000000000000"); // smallest double denormal
  run(fpu, 0xdd, mem(0), 0x100);
  assert.equal(hexOf(fpu, 0), "3bcd:8000000000000000");
  assert.equal(fpu.statusWord & 0x3f, 0x02);
  host.poke(0x100, "010000000000f07f"); // SNaN, payload 1
  run(fpu, 0xdd, mem(0), 0x100);
  assert.equal(hexOf(fpu, 0), "7fff:c000000000000800");
  assert.equal(fpu.statusWord & 0x3f, 0x03);
});

Deno.test("FLD m64 with unmasked IE leaves the stack alone; unmasked DE still loads", () => {
  const { host, fpu } = setup();
  setCw(fpu, host, 0x037e);
  host.poke(0x100, "010000000000f07f");
  run(fpu, 0xdd, mem(0), 0x100);
  assert.ok(fpu.isEmpty(0));
  assert.equal(fpu.statusWord, 0x8081);
  const b = setup();
  setCw(b.fpu, b.host, 0x037d);
  b.host.poke(0x100, "0100000000000000");
  run(b.fpu, 0xdd, mem(0), 0x100);
  assert.equal(hexOf(b.fpu, 0), "3bcd:8000000000000000");
  assert.equal(b.fpu.statusWord, 0xb882);
});

Deno.test("FST m64 truncates NaN payloads, quiets SNaNs with IE, rejects unsupported formats", () => {
  const cases: [string, string, number][] = [
    ["7fff:8000000000000001", "000000000000f87f", 0x01],
    ["7fff:4000000000000001", "000000000000f8ff", 0x01],
    ["3fff:4000000000000001", "000000000000f8ff", 0x01],
    ["0000:8000000000000001", "0000000000000000", 0x30],
    ["3fff:8000000000000000", "000000000000f03f", 0x00],
  ];
  for (const [src, want, flags] of cases) {
    const { host, fpu } = setup();
    push80(fpu, host, parseF80(src));
    run(fpu, 0xdd, mem(2), 0x100); // fst m64
    assert.equal(host.hex(0x100, 8), want, src);
    assert.equal(fpu.statusWord & 0x3f, flags, src);
  }
});

Deno.test("FSTP m32 rounds 1/3 under RC and keeps a QNaN's leading payload bits", () => {
  const { host, fpu } = setup();
  push64(fpu, host, 1 / 3);
  run(fpu, 0xd9, mem(3), 0x100);
  assert.equal(host.hex(0x100, 4), "abaaaa3e");
  assert.equal(fpu.statusWord, 0x0220); // C1: rounded up, PE
  push80(fpu, host, parseF80("7fff:c000000000000123"));
  run(fpu, 0xd9, mem(3), 0x100);
  assert.equal(host.hex(0x100, 4), "0000c07f");
});

Deno.test("FSTP m64 with unmasked overflow stores nothing and does not pop", () => {
  const { host, fpu } = setup();
  setCw(fpu, host, 0x0377);
  push80(fpu, host, parseF80("7000:8000000000000000"));
  host.poke(0x100, "aaaaaaaaaaaaaaaa");
  run(fpu, 0xdd, mem(3), 0x100);
  assert.equal(host.hex(0x100, 8), "aaaaaaaaaaaaaaaa");
  assert.equal(fpu.statusWord, 0xb888);
  assert.ok(!fpu.isEmpty(0));
});

Deno.test("FIST m16 rounds under each RC and sets C1 when the magnitude grew", () => {
  // Measured on hardware: value → [nearest, down, up, chop] as "result/C1".
  const table: [number, string[]][] = [
    [2.5, ["2/0", "2/0", "3/1", "2/0"]],
    [-2.5, ["-2/0", "-3/1", "-2/0", "-2/0"]],
    [3.5, ["4/1", "3/0", "4/1", "3/0"]],
    [-1.5, ["-2/1", "-2/1", "-1/0", "-1/0"]],
    [-0.5, ["0/0", "-1/1", "0/0", "0/0"]],
  ];
  for (const [v, want] of table) {
    for (let rc = 0; rc < 4; rc++) {
      const { host, fpu } = setup();
      setCw(fpu, host, 0x037f | (rc << 10));
      push64(fpu, host, v);
      run(fpu, 0xdf, mem(2), 0x100);
      const got = new DataView(host.mem.buffer).getInt16(0x100, true);
      assert.equal(`${got}/${fpu.statusWord >> 9 & 1}`, want[rc], `${v} rc=${rc}`);
      assert.equal(fpu.statusWord & 0x3f, 0x20);
    }
  }
});

Deno.test("FIST stores the integer indefinite with IE for overflow, NaN and infinity", () => {
  const cases: [number, number, string, string][] = [
    [0xdf, 2, "32768", "0080"],
    [0xdb, 2, "inf", "00000080"],
    [0xdf, 7, "nan", "0000000000000080"],
    [0xdf, 7, "9223372036854775808", "0000000000000080"],
  ];
  for (const [opcode, reg, v, want] of cases) {
    const { host, fpu } = setup();
    push64(fpu, host, v === "inf" ? Infinity : v === "nan" ? NaN : Number(v));
    run(fpu, opcode, mem(reg), 0x100);
    assert.equal(host.hex(0x100, want.length / 2), want, v);
    assert.equal(fpu.statusWord & 0x3f, 0x01, v);
  }
});

Deno.test("FILD m64 / FISTP m64 move any 64-bit integer exactly", () => {
  for (const n of [-(2n ** 63n), 2n ** 63n - 1n, 0x123456789abcdef1n, -1n]) {
    const { host, fpu } = setup();
    new DataView(host.mem.buffer).setBigInt64(0x100, n, true);
    run(fpu, 0xdf, mem(5), 0x100);
    run(fpu, 0xdf, mem(7), 0x200);
    assert.equal(new DataView(host.mem.buffer).getBigInt64(0x200, true), n);
    assert.equal(fpu.statusWord & 0x3f, 0);
  }
  const { host, fpu } = setup();
  new DataView(host.mem.buffer).setBigInt64(0x100, 2n ** 63n - 1n, true);
  run(fpu, 0xdf, mem(5), 0x100);
  assert.equal(hexOf(fpu, 0), "403d:fffffffffffffffe");
});

Deno.test("FBSTP packs 18 BCD digits, signs −0, stores the BCD indefinite past 10^18", () => {
  const cases: [number, string, number][] = [
    [-1234567890123456, "56341290785634120080", 0x00],
    [-0.4, "00000000000000000080", 0x20],
    [1e18, "00000000000000c0ffff", 0x01],
  ];
  for (const [v, want, flags] of cases) {
    const { host, fpu } = setup();
    push64(fpu, host, v);
    run(fpu, 0xdf, mem(6), 0x100);
    assert.equal(host.hex(0x100, 10), want, String(v));
    assert.equal(fpu.statusWord & 0x3f, flags);
    assert.ok(fpu.isEmpty(0));
  }
});

Deno.test("FBLD loads packed BCD, including nibbles above 9 as hardware weighs them", () => {
  const cases: [string, string][] = [
    ["56341200000000000080", "c00f:f120000000000000"], // −123456
    ["0f000000000000000000", "4002:f000000000000000"], // nibble F counts 15
    ["ffffffffffffffffff00", "403b:b90984060d355548"],
  ];
  for (const [bytes, want] of cases) {
    const { host, fpu } = setup();
    host.poke(0x100, bytes);
    run(fpu, 0xdf, mem(4), 0x100);
    assert.equal(hexOf(fpu, 0), want);
  }
});

Deno.test("FLD constants round under RC to the values hardware loads", () => {
  // [modrm, nearest, down, up, chop] measured on hardware.
  const table: [number, string, string, string, string][] = [
    [
      0xe8,
      "3fff:8000000000000000",
      "3fff:8000000000000000",
      "3fff:8000000000000000",
      "3fff:8000000000000000",
    ],
    [
      0xe9,
      "4000:d49a784bcd1b8afe",
      "4000:d49a784bcd1b8afe",
      "4000:d49a784bcd1b8aff",
      "4000:d49a784bcd1b8afe",
    ],
    [
      0xea,
      "3fff:b8aa3b295c17f0bc",
      "3fff:b8aa3b295c17f0bb",
      "3fff:b8aa3b295c17f0bc",
      "3fff:b8aa3b295c17f0bb",
    ],
    [
      0xeb,
      "4000:c90fdaa22168c235",
      "4000:c90fdaa22168c234",
      "4000:c90fdaa22168c235",
      "4000:c90fdaa22168c234",
    ],
    [
      0xec,
      "3ffd:9a209a84fbcff799",
      "3ffd:9a209a84fbcff798",
      "3ffd:9a209a84fbcff799",
      "3ffd:9a209a84fbcff798",
    ],
    [
      0xed,
      "3ffe:b17217f7d1cf79ac",
      "3ffe:b17217f7d1cf79ab",
      "3ffe:b17217f7d1cf79ac",
      "3ffe:b17217f7d1cf79ab",
    ],
    [
      0xee,
      "0000:0000000000000000",
      "0000:0000000000000000",
      "0000:0000000000000000",
      "0000:0000000000000000",
    ],
  ];
  for (const [modrm, ...want] of table) {
    for (let rc = 0; rc < 4; rc++) {
      const { host, fpu } = setup();
      setCw(fpu, host, 0x037f | (rc << 10));
      run(fpu, 0xd9, modrm);
      assert.equal(hexOf(fpu, 0), want[rc], `d9 ${modrm.toString(16)} rc=${rc}`);
      assert.equal(fpu.statusWord & 0x3f, 0);
    }
  }
});

Deno.test("FST/FSTP ST(i) copy exactly; FSTP ST(0) just pops", () => {
  const { host, fpu } = setup();
  push80(fpu, host, parseF80("7fff:8000000000000001"));
  push64(fpu, host, 2);
  run(fpu, 0xdd, 0xd1); // fst st(1)
  assert.equal(hexOf(fpu, 1), "4000:8000000000000000");
  run(fpu, 0xdd, 0xd8); // fstp st(0)
  assert.equal(hexOf(fpu, 0), "4000:8000000000000000");
  assert.ok(fpu.isEmpty(1));
  assert.equal(fpu.statusWord & 0x3f, 0);
});

Deno.test("FISTTP m16/m32/m64 truncates whatever RC says, pops, and sets PE when inexact", () => {
  const forms: [number, number, (v: DataView) => number][] = [
    [0xdf, 16, (v) => v.getInt16(0x100, true)],
    [0xdb, 32, (v) => v.getInt32(0x100, true)],
    [0xdd, 64, (v) => Number(v.getBigInt64(0x100, true))],
  ];
  for (const [opcode, width, read] of forms) {
    for (const v of [2.5, -2.5, -0.75, 7, -32768.5]) {
      for (let rc = 0; rc < 4; rc++) {
        const { host, fpu } = setup();
        setCw(fpu, host, 0x037f | (rc << 10));
        push64(fpu, host, v);
        run(fpu, opcode, mem(1), 0x100);
        const t = Math.trunc(v);
        if (width === 16 && t < -32768) continue;
        assert.equal(read(new DataView(host.mem.buffer)) + 0, t + 0, `${v} m${width} rc=${rc}`);
        assert.equal(fpu.statusWord & 0x3f, t === v ? 0 : 0x20);
        assert.ok(fpu.isEmpty(0), "popped");
      }
    }
  }
});

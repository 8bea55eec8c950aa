import assert from "node:assert/strict";
import { parseQemuSize, parseQemuUint, scanHex32 } from "./qemu_numbers.ts";

const ok = (value: bigint) => ({ ok: true, value });
const invalid = { ok: false, error: "invalid" };
const range = { ok: false, error: "range" };

Deno.test("parseQemuUint reads decimal, 0x hex and leading-zero octal like strtoull base 0", () => {
  assert.deepEqual(parseQemuUint("1281"), ok(1281n));
  assert.deepEqual(parseQemuUint("0x501"), ok(0x501n));
  assert.deepEqual(parseQemuUint("0X1f"), ok(31n));
  assert.deepEqual(parseQemuUint("010"), ok(8n));
  assert.deepEqual(parseQemuUint("0"), ok(0n));
  assert.deepEqual(parseQemuUint("+7"), ok(7n));
  assert.deepEqual(parseQemuUint("  42"), ok(42n));
});

Deno.test("parseQemuUint refuses empty text, trailing characters and bad octal", () => {
  for (const text of ["", " ", "abc", "12abc", "0x", "0xg", "08", "1 ", "1.0", "-"]) {
    assert.deepEqual(parseQemuUint(text), invalid, text);
  }
});

Deno.test("parseQemuUint wraps a negative number modulo 2^64 as C strtoull does", () => {
  assert.deepEqual(parseQemuUint("-1"), ok(0xffff_ffff_ffff_ffffn));
  assert.deepEqual(parseQemuUint("-0"), ok(0n));
  assert.deepEqual(parseQemuUint("-0x10"), ok((1n << 64n) - 16n));
});

Deno.test("parseQemuUint reports overflow past 2^64 - 1 as out of range", () => {
  assert.deepEqual(parseQemuUint("18446744073709551615"), ok((1n << 64n) - 1n));
  assert.deepEqual(parseQemuUint("18446744073709551616"), range);
  assert.deepEqual(parseQemuUint("0x10000000000000000"), range);
  // Trailing garbage wins over overflow.
  assert.deepEqual(parseQemuUint("18446744073709551616x"), invalid);
});

Deno.test("parseQemuSize scales by binary suffixes B K M G T P E in either case", () => {
  assert.deepEqual(parseQemuSize("4096"), ok(4096n));
  assert.deepEqual(parseQemuSize("1b"), ok(1n));
  assert.deepEqual(parseQemuSize("4k"), ok(4096n));
  assert.deepEqual(parseQemuSize("4K"), ok(4096n));
  assert.deepEqual(parseQemuSize("128M"), ok(128n << 20n));
  assert.deepEqual(parseQemuSize("2G"), ok(2n << 30n));
  assert.deepEqual(parseQemuSize("1T"), ok(1n << 40n));
  assert.deepEqual(parseQemuSize("1p"), ok(1n << 50n));
  assert.deepEqual(parseQemuSize("15E"), ok(15n << 60n));
});

Deno.test("parseQemuSize takes a fraction with a suffix and rounds half up to a byte", () => {
  assert.deepEqual(parseQemuSize("1.5G"), ok(3n << 29n));
  assert.deepEqual(parseQemuSize("0.5K"), ok(512n));
  assert.deepEqual(parseQemuSize("1.1K"), ok(1126n)); // 1126.4
  assert.deepEqual(parseQemuSize("1.0005K"), ok(1025n)); // 1024.512 rounds up
  assert.deepEqual(parseQemuSize("1.k"), ok(1024n)); // QEMU accepts "1." before a suffix
  assert.deepEqual(parseQemuSize("1."), ok(1n));
});

Deno.test("parseQemuSize refuses a fraction without suffix, exponents and negatives", () => {
  for (const text of ["1.5", "1.5e3K", "-1", "-1K", "1K2", "K", "", "1KB", "0x1.8", "0x10K"]) {
    assert.deepEqual(parseQemuSize(text), invalid, text);
  }
});

Deno.test("parseQemuSize accepts bare hex but a lone e is QEMU's exabyte suffix", () => {
  assert.deepEqual(parseQemuSize("0x1000"), ok(0x1000n));
  assert.deepEqual(parseQemuSize("1e"), ok(1n << 60n));
});

Deno.test("parseQemuSize reports products past 2^64 - 1 as out of range", () => {
  assert.deepEqual(parseQemuSize("16E"), range);
  assert.deepEqual(parseQemuSize("18446744073709551615"), ok((1n << 64n) - 1n));
  assert.deepEqual(parseQemuSize("18446744073709551616"), range);
  assert.deepEqual(parseQemuSize("2000000000000000000K"), range);
  // An integral part that overflows stops before the suffix, which then counts as garbage.
  assert.deepEqual(parseQemuSize("99999999999999999999K"), invalid);
});

Deno.test("scanHex32 reads hex like sscanf %x, with optional 0x and truncation to 32 bits", () => {
  assert.deepEqual(scanHex32("1f", 0), { end: 2, value: 31 });
  assert.deepEqual(scanHex32("0x1f.3", 0), { end: 4, value: 31 });
  assert.deepEqual(scanHex32("a.b", 2), { end: 3, value: 11 });
  assert.deepEqual(scanHex32("-1", 0), { end: 2, value: 0xffff_ffff });
  assert.equal(scanHex32("g", 0), undefined);
  assert.equal(scanHex32("", 0), undefined);
});

import assert from "node:assert/strict";
import { f80Hex, parseF80 } from "./f80.ts";
import {
  fromBcd,
  fromInteger,
  fromNumber,
  fromSingle,
  toBcd,
  toInteger,
  toNumber,
} from "./convert.ts";

Deno.test("fromSingle widens normals, denormals (DE), infinities and NaN payloads exactly", () => {
  assert.deepEqual(fromSingle(0x3f800000), { value: parseF80("3fff:8000000000000000"), flags: 0 });
  assert.deepEqual(fromSingle(0x00000001), { value: parseF80("3f6a:8000000000000000"), flags: 2 });
  assert.equal(f80Hex(fromSingle(0xff800000).value), "ffff:8000000000000000");
  assert.equal(f80Hex(fromSingle(0x7f800001).value), "7fff:8000010000000000");
});

Deno.test("toInteger rounds under RC and reports out-of-range values as invalid", () => {
  const v = (x: number) => fromNumber(x);
  assert.deepEqual(toInteger(v(-2.5), 16, 1), { bits: 0xfffdn, flags: 0x20, up: true });
  assert.deepEqual(toInteger(v(-32768.4), 16, 0), { bits: 0x8000n, flags: 0x20, up: false });
  assert.deepEqual(toInteger(v(32767.6), 16, 0), { bits: 0x8000n, flags: 0x01, up: false });
  assert.deepEqual(toInteger(parseF80("0000:0000000000000001"), 32, 2), {
    bits: 1n,
    flags: 0x20,
    up: true,
  });
});

Deno.test("fromInteger is exact across the int64 range", () => {
  assert.equal(f80Hex(fromInteger(-(2n ** 63n))), "c03e:8000000000000000");
  assert.equal(f80Hex(fromInteger(1n)), "3fff:8000000000000000");
  assert.equal(f80Hex(fromInteger(0n)), "0000:0000000000000000");
});

Deno.test("BCD round-trips 18 digits with the sign in bit 7 of byte 9", () => {
  const v = fromBcd([0x89, 0x67, 0x45, 0x23, 0x01, 0x89, 0x67, 0x45, 0x23, 0x80]);
  assert.equal(toNumber(v), -234567890123456789 + 0); // beyond float64's 53 bits, nearest
  assert.deepEqual(toBcd(v, 0).bytes, [0x89, 0x67, 0x45, 0x23, 0x01, 0x89, 0x67, 0x45, 0x23, 0x80]);
  assert.equal(toBcd(parseF80("7fff:c000000000000000"), 0).flags, 1);
});

Deno.test("toNumber and fromNumber bridge float64 exactly where it can", () => {
  for (const x of [1, -0, 1 / 3, 5e-324, 1.7976931348623157e308, -Infinity]) {
    assert.ok(Object.is(toNumber(fromNumber(x)), x), String(x));
  }
  assert.ok(Number.isNaN(toNumber(parseF80("3fff:4000000000000000"))));
  assert.equal(toNumber(parseF80("7ffe:ffffffffffffffff")), Infinity);
});

import assert from "node:assert/strict";
import { f80Hex } from "./f80.ts";
import { DOUBLE, EXTENDED, packExtended, packIeee, round, roundAt } from "./rounding.ts";
import { OE, PE, UE } from "./status.ts";

const MASKED = 0x3f;

Deno.test("roundAt rounds ties to even, down/up by sign, chop toward zero", () => {
  // 2.5 = 5 × 2^−1 rounded to an integer.
  assert.deepEqual(roundAt(0, 5n, -1, 0, 0), { sig: 2n, inexact: true, up: false });
  assert.deepEqual(roundAt(0, 7n, -1, 0, 0), { sig: 4n, inexact: true, up: true });
  assert.deepEqual(roundAt(1, 5n, -1, 0, 1), { sig: 3n, inexact: true, up: true });
  assert.deepEqual(roundAt(0, 5n, -1, 0, 1), { sig: 2n, inexact: true, up: false });
  assert.deepEqual(roundAt(0, 5n, -1, 0, 2), { sig: 3n, inexact: true, up: true });
  assert.deepEqual(roundAt(1, 5n, -1, 0, 3), { sig: 2n, inexact: true, up: false });
  assert.deepEqual(roundAt(0, 3n, 2, 0, 0), { sig: 12n, inexact: false, up: false });
});

Deno.test("round applies precision control at 24, 53 and 64 bits", () => {
  const third = (1n << 130n) / 3n; // 1/3 × 2^130, inexact
  const at = (precision: number) =>
    f80Hex(packExtended(round(0, third, -130, EXTENDED, { rc: 0, precision, masks: MASKED })));
  assert.equal(at(64), "3ffd:aaaaaaaaaaaaaaab");
  assert.equal(at(53), "3ffd:aaaaaaaaaaaaa800");
  assert.equal(at(24), "3ffd:aaaaab0000000000");
});

Deno.test("round detects tininess before rounding and signals UE only when inexact (masked)", () => {
  const env = { rc: 0, precision: 64, masks: MASKED };
  const justBelow = round(0, (1n << 128n) - 1n, -16382 - 128, EXTENDED, env);
  assert.equal(f80Hex(packExtended(justBelow)), "0001:8000000000000000");
  assert.equal(justBelow.flags, UE | PE);
  const exact = round(0, 1n, -16400, EXTENDED, env);
  assert.equal(f80Hex(packExtended(exact)), "0000:0000200000000000");
  assert.equal(exact.flags, 0);
});

Deno.test("round overflows to ∞ or the largest finite value; unmasked scales by 2^−24576", () => {
  const big = { sig: 3n, exp: 16384 };
  const masked = round(0, big.sig, big.exp, EXTENDED, { rc: 3, precision: 64, masks: MASKED });
  assert.equal(f80Hex(packExtended(masked)), "7ffe:ffffffffffffffff");
  assert.equal(masked.flags, OE | PE);
  const inf = round(0, big.sig, big.exp, EXTENDED, { rc: 0, precision: 64, masks: MASKED });
  assert.equal(f80Hex(packExtended(inf)), "7fff:8000000000000000");
  const scaled = round(0, big.sig, big.exp, EXTENDED, {
    rc: 0,
    precision: 64,
    masks: MASKED & ~OE,
  });
  assert.equal(f80Hex(packExtended(scaled)), "2000:c000000000000000");
  assert.equal(scaled.flags, OE);
});

Deno.test("packIeee builds double encodings, denormals included", () => {
  const env = { rc: 0, precision: 53, masks: MASKED };
  assert.equal(packIeee(round(0, 1n, 0, DOUBLE, env), DOUBLE), 0x3ff0000000000000n);
  assert.equal(packIeee(round(1, 1n, -1074, DOUBLE, env), DOUBLE), 0x8000000000000001n);
  assert.equal(packIeee(round(0, 1n, -1076, DOUBLE, env), DOUBLE), 0n); // rounds to +0
});

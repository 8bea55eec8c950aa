/**
 * The bigint-free ordering of normal values (fast_path.ts) against the exact order it stands in
 * for: random operands of random and nearby magnitude.
 */
import assert from "node:assert/strict";
import { type F80, f80Hex } from "./f80.ts";
import { fastMagnitudeOrder } from "./fast_path.ts";
import { operand, rng } from "./_operands.ts";

Deno.test("fast magnitude order equals the exact order", () => {
  const next = rng(0xf157);
  const failures: string[] = [];
  const mag = (x: F80) => ((BigInt(x.se & 0x7fff) << 64n) | (BigInt(x.hi) << 32n) | BigInt(x.lo));
  for (let i = 0; i < 20000; i++) {
    const a = operand(next), b = operand(next, next() % 2 ? a.se & 0x7fff : undefined);
    const order = fastMagnitudeOrder(a, b)!;
    const want = mag(a) === mag(b) ? 0 : mag(a) > mag(b) ? 1 : -1;
    if (order !== want) failures.push(`order ${f80Hex(a)} ${f80Hex(b)}: ${order} vs ${want}`);
  }
  assert.deepEqual(failures.slice(0, 5), []);
});

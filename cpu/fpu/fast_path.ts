/**
 * The ordering of two normal x87 values without bigints, for the compares (compare.ts) the x87
 * kernels do not run; anything else returns undefined and takes the exact bigint order, which
 * fast_path_test.ts holds it equal to. The arithmetic, loads and stores have their common case
 * in the x87 kernels (x87_semantics.ts) instead.
 *
 * @module
 */
import type { F80 } from "./f80.ts";

/** True when `v` is normal: J set, biased exponent 1..0x7ffe. */
function normal(v: F80): boolean {
  const e = v.se & 0x7fff;
  return e !== 0 && e !== 0x7fff && (v.hi & 0x80000000) !== 0;
}

/**
 * The order of the magnitudes of two normal values (−1, 0, 1), or undefined unless both are
 * normal (their exponent and significand then order them directly).
 */
export function fastMagnitudeOrder(a: F80, b: F80): number | undefined {
  if (!normal(a) || !normal(b)) return undefined;
  const ea = a.se & 0x7fff, eb = b.se & 0x7fff;
  if (ea !== eb) return ea > eb ? 1 : -1;
  if (a.hi !== b.hi) return a.hi > b.hi ? 1 : -1;
  return a.lo === b.lo ? 0 : a.lo > b.lo ? 1 : -1;
}

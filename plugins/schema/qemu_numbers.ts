/**
 * QEMU's number syntax for the command line: `qemu_strtou64()` (C `strtoull`
 * semantics) and `qemu_strtosz()` (util/cutils.c), reproduced so that values
 * QEMU accepts are accepted here and values it refuses are refused.
 */

import { U64_MAX } from "./property_spec.ts";

/** Outcome of parsing a number: a value, or QEMU's EINVAL/ERANGE. */
export type NumberParse =
  | { readonly ok: true; readonly value: bigint }
  | { readonly ok: false; readonly error: "invalid" | "range" };

/** A prefix parse: where the number ended and what it was, as `strtoull` reports. */
interface PrefixParse {
  /** Index just past the last digit consumed; the start when nothing was converted. */
  end: number;
  value: bigint;
  /** "invalid" when no digits were found, "range" on overflow. */
  error?: "invalid" | "range";
}

// C isspace() in the "C" locale.
const SPACE = new Set([" ", "\t", "\n", "\v", "\f", "\r"]);

function digitValue(c: string | undefined): number {
  if (c === undefined) return 99;
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 87;
  if (code >= 65 && code <= 90) return code - 55;
  return 99;
}

/**
 * `strtoull(text + start, &end, base)`: leading white space, an optional sign,
 * a `0x` prefix (bases 0 and 16) and a leading `0` meaning octal (base 0).
 * A minus sign negates modulo 2^64, so "-1" is 2^64 - 1, as in C.
 */
function strtoullPrefix(text: string, start: number, base: 0 | 10 | 16): PrefixParse {
  let i = start;
  while (i < text.length && SPACE.has(text[i])) i++;
  let negative = false;
  if (text[i] === "+" || text[i] === "-") {
    negative = text[i] === "-";
    i++;
  }
  let radix: number = base;
  const hexPrefix = text[i] === "0" && (text[i + 1] === "x" || text[i + 1] === "X") &&
    digitValue(text[i + 2]) < 16;
  if ((base === 0 || base === 16) && hexPrefix) {
    radix = 16;
    i += 2;
  } else if (base === 0) {
    radix = text[i] === "0" ? 8 : 10;
  }
  const digitsStart = i;
  let value = 0n;
  let overflow = false;
  const big = BigInt(radix);
  while (digitValue(text[i]) < radix) {
    value = value * big + BigInt(digitValue(text[i]));
    if (value > U64_MAX) overflow = true;
    i++;
  }
  if (i === digitsStart) return { end: start, value: 0n, error: "invalid" };
  if (overflow) return { end: i, value: U64_MAX, error: "range" };
  if (negative) value = (-value) & U64_MAX;
  return { end: i, value };
}

/**
 * QEMU's unsigned integer parser as used for `-device` and `-global` values
 * (`qemu_strtou64(str, NULL, 0, &v)`): decimal, `0x` hex, leading-zero octal,
 * the whole string consumed.
 */
export function parseQemuUint(text: string): NumberParse {
  const r = strtoullPrefix(text, 0, 0);
  if (r.error === "invalid") return { ok: false, error: "invalid" };
  if (r.end !== text.length) return { ok: false, error: "invalid" };
  if (r.error === "range") return { ok: false, error: "range" };
  return { ok: true, value: r.value };
}

/** Multiplier of a size suffix (B, K, M, G, T, P, E; any case), or 0 when not a suffix. */
function suffixMultiplier(c: string | undefined): bigint {
  switch (c?.toUpperCase()) {
    case "B":
      return 1n;
    case "K":
      return 1n << 10n;
    case "M":
      return 1n << 20n;
    case "G":
      return 1n << 30n;
    case "T":
      return 1n << 40n;
    case "P":
      return 1n << 50n;
    case "E":
      return 1n << 60n;
  }
  return 0n;
}

/**
 * QEMU's size parser (`qemu_strtosz`): a decimal integer with an optional
 * fraction and a binary suffix ("1.5G"), or a bare `0x` hex number. Negative
 * numbers and exponents are refused; a fraction needs a suffix; the result
 * is rounded half up to whole bytes.
 */
export function parseQemuSize(text: string): NumberParse {
  const head = strtoullPrefix(text, 0, 10);
  let end = head.end;
  let error = head.error;
  let value = head.value;
  let fraction = 0n; // 0.64 fixed point
  if (!error && text.slice(0, end).includes("-")) {
    end = 0;
    error = "invalid";
  }
  if (!error && value === 0n && (text[end] === "x" || text[end] === "X")) {
    // Looks like hex: reparse, and insist on no fraction and no suffix.
    const hex = strtoullPrefix(text, 0, 16);
    end = hex.end;
    error = hex.error;
    value = hex.value;
    if (!error && (text[end] === "." || suffixMultiplier(text[end]) > 0n)) {
      end = 0;
      error = "invalid";
    }
  } else if (!error && text[end] === ".") {
    // strtod() on ".digits[exponent]"; QEMU skips a lone "." so that "1.k" works.
    const m = /^\.(\d+)([eE][+-]?\d+)?/.exec(text.slice(end));
    if (!m) {
      end++;
    } else if (m[2] !== undefined) {
      end = 0;
      error = "invalid";
    } else {
      // QEMU converts the double to 64-bit fixed point; do the same so rounding matches.
      const scaled = Number(`0.${m[1]}`) * 2 ** 64;
      fraction = scaled >= 2 ** 64 ? U64_MAX : BigInt(scaled);
      end += m[0].length;
    }
  }
  if (!error) {
    let mul = suffixMultiplier(text[end]);
    if (mul > 0n) end++;
    else mul = 1n;
    if (mul === 1n) {
      if (fraction !== 0n) {
        end = 0;
        error = "invalid";
      }
    } else {
      const frac = fraction * mul;
      const roundUp = (frac >> 63n) & 1n;
      value = value * mul + (frac >> 64n) + roundUp;
      if (value > U64_MAX) error = "range";
    }
  }
  // Trailing garbage turns any outcome, even overflow, into "invalid".
  if (end !== text.length) return { ok: false, error: "invalid" };
  if (error) return { ok: false, error };
  return { ok: true, value };
}

/**
 * `sscanf(text, "%x")` at `start`: white space, sign, optional `0x`, hex digits;
 * the value is truncated to 32 bits as glibc stores it into an `unsigned int`.
 */
export function scanHex32(text: string, start: number): { end: number; value: number } | undefined {
  const r = strtoullPrefix(text, start, 16);
  if (r.error === "invalid") return undefined;
  return { end: r.end, value: Number(r.value & 0xffff_ffffn) };
}

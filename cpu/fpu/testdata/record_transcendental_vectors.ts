/**
 * Records the x87 transcendental instructions (F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS,
 * FSINCOS, FPTAN) on the host CPU into x87_transcendental_vectors.txt, for
 * transcendental_vectors_test.ts. Needs gcc with 32-bit support on an x86 host; the test itself
 * only reads the file.
 *
 *   deno run --allow-all cpu/fpu/testdata/record_transcendental_vectors.ts [perInsn] [seed]
 *
 * Each instruction gets `perInsn` cases whose operands cover its argument range: values near 1
 * and near its domain bounds, powers of two, arguments near multiples of π/4 and π/2 (built from
 * the hardware's 66-bit π), large and tiny magnitudes, denormals and, more rarely, special
 * encodings and stack faults; under all four rounding controls, random precision control (which
 * must not matter) and, in a fifth of the cases, some exceptions unmasked.
 *
 * The line format is that of x87_vectors.txt:
 *   insn cw sw top eflags mem16 st0,st1,... => cw sw tw eflags mem16 st0,...,st7 ("-" = empty)
 */

import {
  f80,
  fnsaveImage,
  hex,
  outcome,
  runOracle,
  seededRandom,
  type Value,
  writeVectors,
} from "./_recorder.ts";

const perInsn = Number(Deno.args[0] ?? 300);
const { random, int, pick, bits } = seededRandom(Number(Deno.args[1] ?? 1));
const J = 1n << 63n;
const MAX_SIG = (1n << 64n) - 1n;

/** A normal value ±sig × 2^(unbiased − 63), clamped into the encodable range. */
function normal(sign: number, unbiased: number, sig: bigint): Value {
  const e = Math.min(Math.max(unbiased + 16383, 1), 0x7ffe);
  return [(sign << 15) | e, sig];
}

/** A random significand: random bits, few bits, or all ones. */
function significand(): bigint {
  const k = random();
  if (k < 0.6) return J | bits(63);
  if (k < 0.75) return J | (bits(12) << 51n);
  if (k < 0.85) return MAX_SIG ^ bits(3);
  return J | bits(3);
}

/** Values the SDM tables single out: zeros, infinities, NaNs, denormals, unsupported. */
function special(): Value {
  const s = int(2) << 15;
  return pick<Value>([
    [s, 0n],
    [s | 0x7fff, J],
    [s | 0x7fff, (3n << 62n) | bits(62)], // QNaN
    [s | 0x7fff, J | (bits(62) || 1n)], // SNaN
    [s, bits(63) >> BigInt(int(63))], // denormal
    [s, J | bits(63)], // pseudo-denormal
    [s | (1 + int(0x7ffe)), bits(63)], // unnormal
  ]);
}

/** x in [−1, 1]: F2XM1's domain, ±1, just inside it, small and tiny magnitudes. */
function unitRange(): Value {
  const s = int(2);
  const k = random();
  if (k < 0.05) return normal(s, 0, J);
  if (k < 0.1) return normal(s, -1, MAX_SIG ^ bits(4));
  if (k < 0.15) return normal(s, 1 + int(3), significand()); // outside the domain
  if (k < 0.6) return normal(s, -1 - int(4), significand());
  return normal(s, -5 - int(pick([20, 70, 200, 16400])), significand());
}

/** A positive x for log2: near 1, powers of two, any exponent. */
function logArgument(): Value {
  const k = random();
  if (k < 0.15) return normal(0, 0, J | bits(int(12)));
  if (k < 0.3) return normal(0, -1, MAX_SIG ^ bits(int(12)));
  if (k < 0.4) return normal(0, int(200) - 100, J);
  if (k < 0.7) return normal(0, int(8) - 4, significand());
  return normal(0, int(32760) - 16380, significand());
}

/** x for log2(1 + x): tiny, inside |x| < 1 − √2/2, up to −1 and beyond the domain. */
function log1pArgument(): Value {
  const s = int(2);
  const k = random();
  if (k < 0.3) return normal(s, -2 - int(3), significand());
  if (k < 0.5) return normal(s, -5 - int(pick([30, 70, 16400])), significand());
  if (k < 0.6) return normal(1, -1, MAX_SIG ^ bits(int(12))); // just above −1
  if (k < 0.65) {
    // 1 + x a power of two: x = 2^j − 1 or x = 2^−j − 1.
    const j = 1 + int(64);
    const ones = (MAX_SIG << BigInt(64 - j)) & MAX_SIG;
    return random() < 0.5 ? normal(0, j - 1, ones) : normal(1, -1, ones);
  }
  if (k < 0.85) return normal(0, int(100), significand());
  return normal(s, -1, significand());
}

/** y: moderate, huge or tiny multipliers (the latter two reach overflow and underflow). */
function multiplier(): Value {
  const s = int(2);
  const k = random();
  if (k < 0.3) return normal(s, 0, J);
  if (k < 0.7) return normal(s, int(20) - 10, significand());
  return normal(s, pick([16383 - int(8), -16382 + int(80), int(32760) - 16380]), significand());
}

/** The hardware's 66-bit π, in units of 2^−64 (SDM §8.3.10). */
const PI66 = (0xc90fdaa22168c234n << 2n) | 3n;

/** n × π66 / 2^q rounded to 64 bits, moved by a few units in the last place. */
function nearPiMultiple(sign: number, n: bigint, q: number): Value {
  const exact = n * PI66; // × 2^(−64 − q)
  const len = exact.toString(2).length;
  const sig = (len > 64 ? exact >> BigInt(len - 64) : exact << BigInt(64 - len)) +
    BigInt(int(9) - 4);
  if (sig > MAX_SIG) return normal(sign, len - 64 - q, J);
  return normal(sign, len - 1 - 64 - q, sig < J ? J : sig);
}

/** A trig argument: small, near multiples of π/4 and π/2, large up to 2^63, tiny, beyond. */
function angle(): Value {
  const s = int(2);
  const k = random();
  if (k < 0.25) return normal(s, int(4) - 3, significand());
  if (k < 0.4) return nearPiMultiple(s, BigInt(1 + int(8)), 2);
  if (k < 0.5) return nearPiMultiple(s, BigInt(1 + int(1 << 20)), 1);
  if (k < 0.55) return nearPiMultiple(s, bits(60) | 1n, 1);
  if (k < 0.75) return normal(s, int(62), significand());
  if (k < 0.9) return normal(s, -4 - int(pick([10, 40, 90])), significand());
  if (k < 0.95) return normal(s, 62 + int(3), significand()); // 2^63 is out of range
  return normal(s, int(4) - 2, significand());
}

/** Operand stacks (ST(0) first) for one instruction. */
const OPERANDS: Record<string, () => Value[]> = {
  d9f0: () => [unitRange()],
  d9f1: () => [logArgument(), multiplier()],
  d9f9: () => [log1pArgument(), multiplier()],
  d9f3: () => {
    const x: Value = normal(int(2), int(40) - 20, significand());
    const gap = pick([0, 0, 1, 3, 20, 70, 200, 16000]) * (int(2) ? 1 : -1);
    const y: Value = normal(int(2), ((x[0] & 0x7fff) - 16383) + gap, significand());
    if (random() < 0.05) y[1] = x[1];
    return random() < 0.5 ? [x, y] : [y, x];
  },
  d9fe: () => [angle()],
  d9ff: () => [angle()],
  d9fb: () => [angle()],
  d9f2: () => [angle()],
};

interface Case {
  insn: string;
  cw: number;
  top: number;
  stack: Value[];
}

function makeCase(insn: string): Case {
  let stack = OPERANDS[insn]();
  if (random() < 0.1) stack = stack.map((v) => (random() < 0.6 ? special() : v));
  const fault = random();
  if (fault < 0.02) stack = [];
  else if (fault < 0.04) stack = Array.from({ length: 8 }, () => stack[0]);
  else if (random() < 0.3) stack.push(normal(0, 0, J)); // a bystander below the operands
  let cw = 0x037f | (int(4) << 10) | (pick([0, 2, 3]) << 8);
  if (random() < 0.2) cw &= ~pick([0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x18, 0x3f]);
  return { insn, cw, top: (8 - stack.length) & 7, stack };
}

const cases: Case[] = [];
for (const insn of Object.keys(OPERANDS)) {
  for (let n = 0; n < perInsn; n++) cases.push(makeCase(insn));
}

const MEM = "00".repeat(16);
const EFLAGS = 0x0202;
const input = cases.map((c) =>
  `${c.insn} ${fnsaveImage({ ...c, sw: 0 })} ${MEM}${MEM} ${hex(EFLAGS, 4)}\n`
);
const output = await runOracle(input);

const lines = cases.map((c, n) => {
  const inputs = [c.insn, hex(c.cw, 4), "0000", c.top, hex(EFLAGS, 4), MEM];
  const stack = c.stack.map(f80).join(",") || "-";
  return `${inputs.join(" ")} ${stack} => ${outcome(output[n])}`;
});
writeVectors(
  "x87_transcendental_vectors.txt",
  (cpu) =>
    `# x87 transcendental vectors recorded on ${cpu} by record_transcendental_vectors.ts ` +
    `(${perInsn} per instruction, seed ${Deno.args[1] ?? 1}).`,
  lines,
);

/**
 * Records x87 test vectors from the host CPU into x87_vectors.txt, for hardware_vectors_test.ts.
 * Needs gcc with 32-bit support on an x86 host; the tests themselves only read the file.
 *
 *   deno run --allow-all cpu/fpu/testdata/record_vectors.ts [count] [seed]
 *
 * Each case loads a random register file (special encodings, rounding ties, values near the
 * overflow and underflow thresholds, random control words), runs one instruction between
 * FRSTOR and FNSAVE and stores the outcome. Transcendental instructions (not correctly rounded
 * on hardware, so compared to within 1 ulp from record_transcendental_vectors.ts's file instead)
 * and D9 D8+i (an alias whose behaviour differs between vendors) are left out.
 *
 * Line format (F80 values as 20 hex digits, sign/exponent first):
 *   insn cw sw top eflags mem16 st0,st1,... => cw sw tw eflags mem16 st0,...,st7 ("-" = empty)
 */

import {
  f80,
  fnsaveImage,
  hex,
  outcome,
  runOracle,
  seededRandom,
  toHex,
  type Value,
  writeVectors,
} from "./_recorder.ts";

const count = Number(Deno.args[0] ?? 400);
const { random, int, pick, bits } = seededRandom(Number(Deno.args[1] ?? 1));
const J = 1n << 63n;

function significand(): bigint {
  const k = random();
  if (k < 0.3) return J | bits(63);
  if (k < 0.5) return J | (bits(20) << 43n);
  if (k < 0.6) return ((1n << 64n) - 1n) ^ bits(3);
  if (k < 0.7) return J | bits(4);
  return J | (bits(52) << 11n) | BigInt(pick([0, 0x400, 0x3ff, 0x401, 0x7ff]));
}

/** A random register value as [sign/exponent, significand]. */
function value(): Value {
  const k = random();
  const s = int(2) << 15;
  if (k < 0.04) return [s, 0n];
  if (k < 0.08) return [s, bits(63) >> BigInt(int(63))]; // denormal
  if (k < 0.09) return [s, J | bits(63)]; // pseudo-denormal
  if (k < 0.10) return [s | (1 + int(0x7ffe)), bits(63)]; // unnormal
  if (k < 0.13) return [s | 0x7fff, J];
  if (k < 0.15) return [s | 0x7fff, (3n << 62n) | bits(62)]; // QNaN
  if (k < 0.17) return [s | 0x7fff, J | (bits(62) || 1n)]; // SNaN
  if (k < 0.18) return [s | 0x7fff, bits(62)]; // pseudo-NaN / pseudo-infinity
  if (k < 0.25) return [s | pick([1, 2, 3, 0x7ffe, 0x7ffd, 0x7ffc]), significand()];
  if (k < 0.35) {
    const small = [0.5, 1.5, 2.5, 3, 3.5, 7, 0.25, 1e10, 1e18, 32767.5, 32768.5, 2147483647.5];
    const x = pick(small) * (s ? -1 : 1);
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, x);
    const b = v.getBigUint64(0);
    const e = Number((b >> 52n) & 0x7ffn);
    return [s | (e - 1023 + 16383), J | ((b & ((1n << 52n) - 1n)) << 11n)];
  }
  const e = pick([
    0x3fff,
    0x3ffe,
    0x4000,
    0x3fff + int(141) - 70,
    1 + int(0x7ffe),
    0x3fff - 0x3c00 + int(161) - 80,
    0x3fff + 0x400 + int(11) - 5,
    0x3fff - 126 + int(34) - 30,
    0x3fff + 127 + int(7) - 3,
  ]);
  return [s | e, significand()];
}

const TRANSCENDENTAL = new Set([0xf0, 0xf1, 0xf2, 0xf3, 0xf9, 0xfb, 0xfe, 0xff]);

function registerForms(): [number, number][] {
  const forms: [number, number][] = [];
  for (const op of [0xd8, 0xdc]) for (let m = 0xc0; m < 0x100; m++) forms.push([op, m]);
  for (let m = 0xc0; m < 0x100; m++) {
    if (m < 0xd8 && m >= 0xd1) continue;
    if ((m >= 0xd8 && m <= 0xdf) || TRANSCENDENTAL.has(m)) continue;
    if ([0xe2, 0xe3, 0xe6, 0xe7, 0xef].includes(m)) continue;
    forms.push([0xd9, m]);
  }
  for (let m = 0xc0; m < 0xe0; m++) forms.push([0xda, m], [0xdb, m], [0xdf, m]);
  forms.push([0xda, 0xe9]);
  for (let m = 0xe8; m < 0xf8; m++) forms.push([0xdb, m], [0xdf, m]);
  for (let m = 0xc0; m < 0xf0; m++) forms.push([0xdd, m]);
  for (let m = 0xc0; m < 0x100; m++) if (m < 0xd8 || m > 0xdf || m === 0xd9) forms.push([0xde, m]);
  return forms;
}

const MEMORY_FORMS: [number, number][] = [
  ...[0xd8, 0xdc, 0xda, 0xde].flatMap((op) =>
    [0, 1, 2, 3, 4, 5, 6, 7].map((r) => [op, r] as [number, number])
  ),
  [0xd9, 0],
  [0xd9, 2],
  [0xd9, 3],
  [0xd9, 5],
  [0xdb, 0],
  [0xdb, 2],
  [0xdb, 3],
  [0xdb, 5],
  [0xdb, 7],
  [0xdd, 0],
  [0xdd, 2],
  [0xdd, 3],
  [0xdf, 0],
  [0xdf, 2],
  [0xdf, 3],
  [0xdf, 4],
  [0xdf, 5],
  [0xdf, 6],
  [0xdf, 7],
];

/** Sixteen operand bytes suited to the memory form. */
function operand(op: number, reg: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  for (let i = 0; i < 16; i++) b[i] = int(256);
  if ((op === 0xd8 || (op === 0xd9 && reg === 0)) && random() < 0.5) {
    v.setFloat32(0, pick([1, 0.5, 3, 1e-40, -2.5, Infinity, 1e38, 1.1]), true);
  } else if ((op === 0xdc || (op === 0xdd && reg === 0)) && random() < 0.5) {
    v.setFloat64(0, pick([1, 0.5, 3, 1e-310, -2.5, Infinity, 1e308, 1.1, 1 / 3]), true);
  } else if (op === 0xd9 && reg === 5) {
    v.setUint16(0, int(0x10000) | pick([0, 0x3f]), true);
  } else if (op === 0xdb && reg === 5) {
    const [se, sig] = value();
    v.setBigUint64(0, sig, true);
    v.setUint16(8, se, true);
  } else if (op === 0xdf && reg === 4) {
    for (let i = 0; i < 9; i++) b[i] = random() < 0.5 ? int(10) | (int(10) << 4) : int(256);
    b[9] = pick([0, 0x80, 0xff]);
  }
  return b;
}

interface Case {
  insn: string;
  cw: number;
  sw: number;
  top: number;
  eflags: number;
  mem: Uint8Array;
  stack: Value[];
}

const cases: Case[] = [];
const forms = registerForms();
for (let n = 0; n < count; n++) {
  const depth = pick([0, 1, 2, 2, 3, 4, 7, 8, 8]);
  const stack = Array.from({ length: depth }, value);
  let cw = 0x037f | (int(4) << 10) | (pick([0, 2, 3, 3, 3]) << 8);
  if (random() < 0.35) cw &= ~int(64);
  const sw = int(0x10000) & 0x4700;
  const top = random() < 0.3 ? int(8) : (8 - depth) & 7;
  let insn: string;
  let mem: Uint8Array<ArrayBuffer> = new Uint8Array(16);
  if (random() < 0.6) {
    const [op, m] = pick(forms);
    insn = hex(op, 2) + hex(m, 2);
    for (let i = 0; i < 16; i++) mem[i] = int(256);
  } else {
    const [op, r] = pick(MEMORY_FORMS);
    insn = hex(op, 2) + hex((r << 3) | 3, 2);
    mem = operand(op, r);
  }
  const eflags = 0x202 | pick([0, 1, 0x40, 0x41, 4, 0x45, 0x8d5]);
  cases.push({ insn, cw, sw, top, eflags, mem, stack });
}

const input = cases.map((c) =>
  `${c.insn} ${fnsaveImage(c)} ${toHex(c.mem)}${"00".repeat(16)} ${hex(c.eflags, 4)}\n`
);
const output = await runOracle(input);

const lines = cases.map((c, n) => {
  const inputs = [c.insn, hex(c.cw, 4), hex(c.sw, 4), c.top, hex(c.eflags, 4), toHex(c.mem)];
  const stack = c.stack.map(f80).join(",") || "-";
  return `${inputs.join(" ")} ${stack} => ${outcome(output[n])}`;
});
writeVectors(
  "x87_vectors.txt",
  (cpu) =>
    `# x87 vectors recorded on ${cpu} by record_vectors.ts (count ${count}, seed ${
      Deno.args[1] ?? 1
    }).`,
  lines,
);

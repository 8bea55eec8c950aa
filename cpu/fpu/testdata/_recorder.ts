/**
 * What the x87 vector recorders (record_vectors.ts, record_transcendental_vectors.ts) share: a
 * seeded generator, the FNSAVE image that loads a case, the run of x87_oracle.c on the host CPU
 * and the notation of the outcome it reports.
 *
 * A vector line reads
 *   insn cw sw top eflags mem16 st0,st1,... => cw sw tw eflags mem16 st0,...,st7 ("-" = empty)
 * with 80-bit values as 20 hex digits, sign/exponent first.
 */

/** A register value as [sign/exponent word, significand]. */
export type Value = [number, bigint];

/** A seeded source of random numbers, so a recording can be repeated. */
export interface Random {
  /** Uniform in [0, 1). */
  random(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** One element of `xs`. */
  pick<T>(xs: readonly T[]): T;
  /** `n` random bits. */
  bits(n: number): bigint;
}

/** mulberry32 seeded with `seed`: a small generator, enough for test inputs. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(random() * n);
  return {
    random,
    int,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)],
    bits: (n: number): bigint => {
      let v = 0n;
      for (let i = 0; i < n; i += 16) v = (v << 16n) | BigInt(int(0x10000));
      return v & ((1n << BigInt(n)) - 1n);
    },
  };
}

/** `v` in hex, zero-padded to `digits`. */
export const hex = (v: bigint | number, digits: number): string =>
  v.toString(16).padStart(digits, "0");

/** Bytes as one hex string. */
export const toHex = (b: Uint8Array): string => [...b].map((x) => hex(x, 2)).join("");

/** An 80-bit value in the vectors' notation. */
export const f80 = ([se, sig]: Value): string => hex(se, 4) + hex(sig, 16);

/** The x87 state a case starts from. */
export interface StartState {
  cw: number;
  /** Status word without TOP. */
  sw: number;
  top: number;
  /** ST(0) first. */
  stack: Value[];
}

/** The 108-byte FNSAVE image that loads `s` (tags valid for the stack, empty elsewhere), in hex. */
export function fnsaveImage(s: StartState): string {
  const b = new Uint8Array(108);
  const v = new DataView(b.buffer);
  let tw = 0xffff;
  for (let i = 0; i < s.stack.length; i++) tw &= ~(3 << (2 * ((s.top + i) & 7)));
  v.setUint32(0, 0xffff0000 | s.cw, true);
  v.setUint32(4, 0xffff0000 | s.sw | (s.top << 11), true);
  v.setUint32(8, 0xffff0000 | tw, true);
  v.setUint32(24, 0xffff0000, true);
  s.stack.forEach(([se, sig], i) => {
    v.setBigUint64(28 + 10 * i, sig, true);
    v.setUint16(36 + 10 * i, se, true);
  });
  return toHex(b);
}

/**
 * Builds x87_oracle.c (gcc -m32) and runs it on `input`, one case per line
 * (`insn image mem32 eflags`); returns its answers, one per case.
 */
export async function runOracle(input: readonly string[]): Promise<string[]> {
  const here = new URL(".", import.meta.url).pathname;
  const build = new Deno.Command("gcc", {
    args: ["-m32", "-O1", "-o", "/tmp/x87_oracle", `${here}x87_oracle.c`],
  }).outputSync();
  if (!build.success) throw new Error(new TextDecoder().decode(build.stderr));
  const oracle = new Deno.Command("/tmp/x87_oracle", { stdin: "piped", stdout: "piped" }).spawn();
  // Read while writing: the oracle answers line by line and would block on a full pipe.
  const result = oracle.output();
  const writer = oracle.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input.join("")));
  await writer.close();
  return new TextDecoder().decode((await result).stdout).trim().split("\n");
}

/** One answer of the oracle (`image mem eflags`) as the outcome half of a vector line. */
export function outcome(answer: string): string {
  const [saved, mem, eflags] = answer.split(" ");
  const b = Uint8Array.from(saved.match(/../g)!.map((x) => parseInt(x, 16)));
  const v = new DataView(b.buffer);
  const [cw, sw, tw] = [0, 4, 8].map((o) => v.getUint16(o, true));
  const top = (sw >> 11) & 7;
  const regs = Array.from({ length: 8 }, (_, i) => {
    const empty = ((tw >> (2 * ((top + i) & 7))) & 3) === 3;
    return empty ? "-" : f80([v.getUint16(36 + 10 * i, true), v.getBigUint64(28 + 10 * i, true)]);
  });
  const outputs = [hex(cw, 4), hex(sw, 4), hex(tw, 4), eflags.slice(4), mem.slice(0, 32)];
  return [...outputs, regs.join(",")].join(" ");
}

/**
 * Writes `lines` to `file` next to this module under a header: the line `title` gives for the
 * host CPU's model name, then the line format.
 */
export function writeVectors(file: string, title: (cpu: string) => string, lines: string[]): void {
  const here = new URL(".", import.meta.url).pathname;
  const cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ??
    "unknown";
  const header = [
    title(cpu),
    "# insn cw sw top eflags mem16 st0,st1,... => cw sw tw eflags mem16 st0,...,st7 (- = empty)",
  ];
  Deno.writeTextFileSync(`${here}${file}`, [...header, ...lines].join("\n") + "\n");
  console.log(`wrote ${lines.length} vectors`);
}

/**
 * x86 encoding primitives for generated code: register names, immediates, ModRM/SIB operands
 * (32-bit and 16-bit addressing) and the record each generated instruction carries.
 * Encodings follow Intel SDM Vol. 2 §2.1 ("Instruction format") and Tables 2-1/2-2/2-3.
 */

/** Register numbers as encoded in ModRM.reg / ModRM.rm / opcode low bits. */
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

/** Operand size in bytes. */
export type Size = 1 | 2 | 4;

const REG32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
const REG16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
const REG8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"];

/** Name of register `r` at operand size `size` (for size 1, 4..7 are AH..BH). */
export function regName(size: Size, r: number): string {
  return (size === 1 ? REG8 : size === 2 ? REG16 : REG32)[r];
}

/** Width keyword used in memory operand text. */
export function sizeName(size: Size | 8): string {
  return size === 1 ? "byte" : size === 2 ? "word" : size === 4 ? "dword" : "qword";
}

/** Little-endian bytes of `value` truncated to `size` bytes. */
export function le(value: number, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push(Math.floor(value / 2 ** (8 * i)) & 0xff);
  return out;
}

/** Hex text of an unsigned value, e.g. 0x1f. */
export function hex(value: number): string {
  return "0x" + (value >>> 0).toString(16);
}

/** Hex text of a signed displacement with its sign, e.g. "+0x10" or "-0x8". */
export function signedHex(value: number): string {
  return value < 0 ? "-0x" + (-value).toString(16) : "+0x" + value.toString(16);
}

/** Text of an imm8 sign-extended to an operand of `size` bytes, as the CPU sees it. */
export function sxText(imm8: number, size: Size): string {
  const v = sext(imm8, 8) >>> 0;
  return hex(size === 4 ? v : v & (size === 2 ? 0xffff : 0xff));
}

/** Sign-extends the low `bits` of `value`. */
export function sext(value: number, bits: number): number {
  const shift = 32 - bits;
  return bits === 32 ? value | 0 : (value << shift) >> shift;
}

/** A memory operand in ModRM form: mod (0–2), rm, optional SIB byte and displacement bytes. */
export interface MemForm {
  mod: number;
  rm: number;
  sib?: number;
  disp: number[];
  /** Address expression without brackets or size, e.g. "ebx+esi*4+0x10". */
  expr: string;
  /** Segment override prefix byte (0x26 ES, 0x2e CS, 0x36 SS, 0x3e DS), if any. */
  segment?: number;
}

/** A ModRM r/m operand: a register (mod = 3) or a memory form. */
export type Rm = { reg: number } | MemForm;

/** True when the r/m operand is a register. */
export function isReg(rm: Rm): rm is { reg: number } {
  return "reg" in rm;
}

/** ModRM (+ SIB + displacement) bytes for ModRM.reg = `regField` and the given r/m operand. */
export function modrm(regField: number, rm: Rm): number[] {
  if (isReg(rm)) return [0xc0 | (regField << 3) | rm.reg];
  const out = [(rm.mod << 6) | (regField << 3) | rm.rm];
  if (rm.sib !== undefined) out.push(rm.sib);
  return out.concat(rm.disp);
}

/** Segment prefix bytes an r/m operand needs (none for registers). */
export function segmentPrefix(rm: Rm): number[] {
  return !isReg(rm) && rm.segment !== undefined ? [rm.segment] : [];
}

const SEG_NAMES: Record<number, string> = { 0x26: "es", 0x2e: "cs", 0x36: "ss", 0x3e: "ds" };

/** Text of an r/m operand at `size`, e.g. "ecx" or "dword ss:[esp+0x4]". */
export function rmText(size: Size | 8, rm: Rm): string {
  if (isReg(rm)) return regName(size as Size, rm.reg);
  const seg = rm.segment !== undefined ? SEG_NAMES[rm.segment] + ":" : "";
  return `${sizeName(size)} ${seg}[${rm.expr}]`;
}

/**
 * Builds a 32-bit-addressing memory form from its parts (SDM Table 2-2 and 2-3).
 * `base` undefined means no base register; `index` undefined means no index.
 * ESP as base always needs a SIB byte; EBP as base with no displacement needs disp8 = 0;
 * "no base" is encoded as SIB base = 101 with mod = 00 and a disp32.
 */
export function mem32(
  parts: {
    base?: number;
    index?: number;
    scale?: 1 | 2 | 4 | 8;
    disp?: number;
    dispSize?: 0 | 1 | 4;
  },
): MemForm {
  const { base, index } = parts;
  const scale = parts.scale ?? 1;
  const disp = parts.disp ?? 0;
  let dispSize = parts.dispSize ?? (disp === 0 ? 0 : disp >= -128 && disp <= 127 ? 1 : 4);
  if (index === ESP) throw new Error("mem32: ESP cannot be an index");
  if (base === undefined) dispSize = 4;
  else if (base === EBP && dispSize === 0) dispSize = 1;
  if (dispSize === 1 && (disp < -128 || disp > 127)) throw new Error("mem32: disp8 out of range");
  if (base === undefined && index === undefined) {
    return { mod: 0, rm: 5, disp: le(disp >>> 0, 4), expr: hex(disp) };
  }
  const dispBytes = le(disp >>> 0, dispSize);
  const scaleBits = { 1: 0, 2: 1, 4: 2, 8: 3 }[scale];
  const terms: string[] = [];
  if (base !== undefined) terms.push(regName(4, base));
  if (index !== undefined) terms.push(regName(4, index) + (scale > 1 ? `*${scale}` : ""));
  const expr = terms.join("+") + (dispSize > 0 ? signedHex(sext(disp, 32)) : "");
  const mod = base === undefined ? 0 : dispSize === 0 ? 0 : dispSize === 1 ? 1 : 2;
  if (index === undefined && base !== ESP && base !== undefined) {
    return { mod, rm: base, disp: dispBytes, expr };
  }
  const sib = (scaleBits << 6) | ((index ?? ESP) << 3) | (base ?? EBP);
  return { mod, rm: 4, sib, disp: dispBytes, expr };
}

const MEM16_EXPR = ["bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx"];

/**
 * A 16-bit-addressing memory form (SDM Table 2-1), used only under an 0x67 prefix with LEA,
 * which computes the address without touching memory. mod = 0 with rm = 6 is [disp16].
 */
export function mem16(mod: number, rm: number, disp: number): MemForm {
  if (mod === 0 && rm === 6) return { mod, rm, disp: le(disp, 2), expr: hex(disp & 0xffff) };
  const size = mod === 0 ? 0 : mod === 1 ? 1 : 2;
  const d = size === 1 ? sext(disp, 8) : size === 2 ? sext(disp, 16) : 0;
  const expr = MEM16_EXPR[rm] + (size > 0 ? signedHex(d) : "");
  return { mod, rm, disp: le(disp, size), expr };
}

/**
 * One generated instruction: its bytes, text, and what it does to the status flags.
 * `writes`: flags it always leaves defined; `undef`: flags the SDM leaves undefined after it
 * (or that it may leave undefined for some operand values); `reads`: flags its result depends on.
 */
export interface Insn {
  bytes: number[];
  text: string;
  reads: number;
  writes: number;
  undef: number;
  /** For forward branches: how many following instructions the branch may skip. */
  skips?: number;
}

/** Builds an Insn; flag fields default to 0 (no flag effect). */
export function insn(
  bytes: number[],
  text: string,
  flags: { reads?: number; writes?: number; undef?: number; skips?: number } = {},
): Insn {
  return {
    bytes,
    text,
    reads: flags.reads ?? 0,
    writes: flags.writes ?? 0,
    undef: flags.undef ?? 0,
    ...(flags.skips !== undefined ? { skips: flags.skips } : {}),
  };
}

/** Operand-size prefix for 16-bit operations (none for 8/32-bit). */
export function opsize(size: Size): number[] {
  return size === 2 ? [0x66] : [];
}

/** `mov r32, imm32` (B8+r id), the setup instruction that points registers at data. */
export function movRegImm(size: Size, r: number, value: number): Insn {
  const v = value >>> 0;
  if (size === 1) return insn([0xb0 + r, v & 0xff], `mov ${regName(1, r)}, ${hex(v & 0xff)}`);
  return insn(
    [...opsize(size), 0xb8 + r, ...le(v, size)],
    `mov ${regName(size, r)}, ${hex(size === 2 ? v & 0xffff : v)}`,
  );
}

/** `mov r/m, imm` (C6 /0 ib, C7 /0 iw/id), used to plant values in memory. */
export function movRmImm(size: Size, rm: Rm, value: number): Insn {
  const v = value >>> 0;
  const masked = size === 4 ? v : v & (size === 2 ? 0xffff : 0xff);
  return insn(
    [
      ...segmentPrefix(rm),
      ...opsize(size),
      size === 1 ? 0xc6 : 0xc7,
      ...modrm(0, rm),
      ...le(v, size),
    ],
    `mov ${rmText(size, rm)}, ${hex(masked)}`,
  );
}

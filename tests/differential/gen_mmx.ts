/**
 * MMX cases for the host comparison (Intel SDM vol. 1 ch. 9, vol. 2).
 *
 * The harness compares general registers, flags and the data area, so a random case loads
 * MM0–MM7 from the data area, runs a random MMX sequence (register and memory operands, shift
 * counts below and past the lane widths), stores MM0–MM7 back and ends with EMMS. Directed
 * cases look at the x87 side through FNSTENV, FNSAVE and FXSAVE images (TOP, tag word, the
 * all-ones exponent of written registers), and at the prefixes that make these opcodes #UD.
 *
 * The host keeps its x87 registers from one case to the next, so directed cases first give
 * every physical register a known value. Fields of the saved images that name host-specific
 * selectors, or that differ between processor vendors (FXSAVE's pointers and MXCSR_MASK, the
 * XMM and reserved areas), are cleared by the case itself before the data area is compared.
 */

import { FIXED_ONE, IF, STATUS } from "./flags.ts";
import {
  EBX,
  EDI,
  hex,
  type Insn,
  insn,
  isReg,
  le,
  mem32,
  modrm,
  movRegImm,
  regName,
  type Rm,
} from "./encode.ts";
import type { GeneratedCase } from "./generator.ts";
import { simdCase } from "./gen_simd.ts";
import { DEFAULT_DATA_ADDRESS } from "./layout.ts";
import { Rng } from "./rng.ts";

const D = DEFAULT_DATA_ADDRESS;
/** Data area layout (offsets): initial MM0–MM7, memory operands (EBX points here), counts. */
const INIT = 0x000, OPERANDS = 0x040, OPERANDS_SIZE = 0x80, COUNTS = 0x0c0;
/** Final MM0–MM7, then the x87 images of directed cases. */
const FINAL = 0x100, IMAGE = 0x200, DATA_SIZE = 0x400;

/** Binary MMX operations `op mm, mm/m64` (0F xx), with the size of their memory operand. */
export const MMX_BINARY: readonly [number, string, 4 | 8][] = [
  [0x60, "punpcklbw", 4],
  [0x61, "punpcklwd", 4],
  [0x62, "punpckldq", 4],
  [0x63, "packsswb", 8],
  [0x64, "pcmpgtb", 8],
  [0x65, "pcmpgtw", 8],
  [0x66, "pcmpgtd", 8],
  [0x67, "packuswb", 8],
  [0x68, "punpckhbw", 8],
  [0x69, "punpckhwd", 8],
  [0x6a, "punpckhdq", 8],
  [0x6b, "packssdw", 8],
  [0x74, "pcmpeqb", 8],
  [0x75, "pcmpeqw", 8],
  [0x76, "pcmpeqd", 8],
  [0xd5, "pmullw", 8],
  [0xd8, "psubusb", 8],
  [0xd9, "psubusw", 8],
  [0xdb, "pand", 8],
  [0xdc, "paddusb", 8],
  [0xdd, "paddusw", 8],
  [0xdf, "pandn", 8],
  [0xe5, "pmulhw", 8],
  [0xe8, "psubsb", 8],
  [0xe9, "psubsw", 8],
  [0xeb, "por", 8],
  [0xec, "paddsb", 8],
  [0xed, "paddsw", 8],
  [0xef, "pxor", 8],
  [0xf5, "pmaddwd", 8],
  [0xf8, "psubb", 8],
  [0xf9, "psubw", 8],
  [0xfa, "psubd", 8],
  [0xfc, "paddb", 8],
  [0xfd, "paddw", 8],
  [0xfe, "paddd", 8],
];

/** Shifts by a register or memory count (0F xx). */
export const MMX_SHIFTS: readonly [number, string][] = [
  [0xd1, "psrlw"],
  [0xd2, "psrld"],
  [0xd3, "psrlq"],
  [0xe1, "psraw"],
  [0xe2, "psrad"],
  [0xf1, "psllw"],
  [0xf2, "pslld"],
  [0xf3, "psllq"],
];

/** Shifts by an immediate: 0F 71/72/73 with ModRM.reg selecting the operation. */
export const MMX_SHIFT_IMM: readonly [number, number, string][] = [
  [0x71, 2, "psrlw"],
  [0x71, 4, "psraw"],
  [0x71, 6, "psllw"],
  [0x72, 2, "psrld"],
  [0x72, 4, "psrad"],
  [0x72, 6, "pslld"],
  [0x73, 2, "psrlq"],
  [0x73, 6, "psllq"],
];

/** Shift counts around every lane width, and past them. */
const COUNT_VALUES = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 255];

/** General registers MOVD may write: not EBX (the operand base) or ESP. */
const MOVD_REGS = [0, 1, 2, 5, 6, 7];

function mmRmText(rm: Rm, size: 4 | 8): string {
  return isReg(rm) ? `mm${rm.reg}` : `${size === 4 ? "dword" : "qword"} [${rm.expr}]`;
}

/** `0F op /r` with ModRM.reg = `reg`. */
function mmx(op: number, reg: number, rm: Rm, text: string, extra: number[] = []): Insn {
  return insn([0x0f, op, ...modrm(reg, rm), ...extra], text);
}

/** A memory operand of `size` bytes inside the operand area, addressed through EBX or absolutely. */
function operand(rng: Rng, size: 4 | 8): Rm {
  const off = rng.below(OPERANDS_SIZE - size + 1);
  return rng.chance(0.7)
    ? mem32({ base: EBX, disp: off, dispSize: 1 })
    : mem32({ disp: D + OPERANDS + off });
}

/** `movq mmN, [absolute]`. */
function loadMm(n: number, offset: number): Insn {
  return mmx(0x6f, n, mem32({ disp: D + offset }), `movq mm${n}, qword [${hex(D + offset)}]`);
}

/** `movq [absolute], mmN`. */
function storeMm(n: number, offset: number): Insn {
  return mmx(0x7f, n, mem32({ disp: D + offset }), `movq qword [${hex(D + offset)}], mm${n}`);
}

const EMMS = insn([0x0f, 0x77], "emms");

/** A 64-bit value whose lanes (bytes, words or doublewords) lean toward edge cases. */
function laneValue(rng: Rng): number[] {
  const bits = rng.pick([8, 16, 32] as const);
  const out: number[] = [];
  for (let i = 0; i < 64 / bits; i++) out.push(...le(rng.interesting(bits), bits / 8));
  return out;
}

/** One random MMX instruction (sometimes with a setup instruction before it). */
function randomMmx(rng: Rng): Insn[] {
  const dst = rng.below(8);
  const kind = rng.below(100);
  if (kind < 50) {
    const [op, name, size] = rng.pick(MMX_BINARY);
    const rm: Rm = rng.chance(0.6) ? { reg: rng.below(8) } : operand(rng, size);
    return [mmx(op, dst, rm, `${name} mm${dst}, ${mmRmText(rm, size)}`)];
  }
  if (kind < 62) {
    const [op, name] = rng.pick(MMX_SHIFTS);
    const slot = COUNTS + 8 * rng.below(8);
    if (rng.chance(0.5)) {
      const rm = mem32({ disp: D + slot });
      return [mmx(op, dst, rm, `${name} mm${dst}, ${mmRmText(rm, 8)}`)];
    }
    const src = rng.below(8);
    return [loadMm(src, slot), mmx(op, dst, { reg: src }, `${name} mm${dst}, mm${src}`)];
  }
  if (kind < 74) {
    const [op, reg, name] = rng.pick(MMX_SHIFT_IMM);
    const count = rng.chance(0.8) ? rng.pick(COUNT_VALUES) : rng.below(256);
    return [mmx(op, reg, { reg: dst }, `${name} mm${dst}, ${hex(count)}`, [count])];
  }
  if (kind < 80) {
    const rm: Rm = rng.chance(0.5) ? { reg: rng.pick(MOVD_REGS) } : operand(rng, 4);
    const src = isReg(rm) ? regName(4, rm.reg) : mmRmText(rm, 4);
    return [mmx(0x6e, dst, rm, `movd mm${dst}, ${src}`)];
  }
  if (kind < 86) {
    const rm: Rm = rng.chance(0.5) ? { reg: rng.pick(MOVD_REGS) } : operand(rng, 4);
    const to = isReg(rm) ? regName(4, rm.reg) : mmRmText(rm, 4);
    return [mmx(0x7e, dst, rm, `movd ${to}, mm${dst}`)];
  }
  if (kind < 92) {
    const rm: Rm = rng.chance(0.5) ? { reg: rng.below(8) } : operand(rng, 8);
    return [mmx(0x6f, dst, rm, `movq mm${dst}, ${mmRmText(rm, 8)}`)];
  }
  if (kind < 98) {
    const rm: Rm = rng.chance(0.5) ? { reg: rng.below(8) } : operand(rng, 8);
    return [mmx(0x7f, dst, rm, `movq ${mmRmText(rm, 8)}, mm${dst}`)];
  }
  return [EMMS];
}

/** A data area with random operands, initial MMX values and shift counts. */
function randomData(rng: Rng): Uint8Array {
  const data = new Uint8Array(DATA_SIZE);
  for (let off = INIT; off < COUNTS; off += 8) data.set(laneValue(rng), off);
  for (let slot = 0; slot < 8; slot++) {
    const lo = rng.pick(COUNT_VALUES);
    const hi = rng.chance(0.15) ? rng.pick([1, 0x80000000, 0xffffffff]) : 0;
    data.set([...le(lo, 4), ...le(hi, 4)], COUNTS + 8 * slot);
  }
  for (let off = FINAL; off < DATA_SIZE; off++) data[off] = rng.below(256);
  return data;
}

function randomRegs(rng: Rng): Uint32Array {
  const regs = Uint32Array.from({ length: 8 }, () => rng.interesting(32));
  regs[EBX] = D + OPERANDS;
  regs[4] = D + 0x800;
  return regs;
}

/** Case `index` of the random MMX sequence seeded by `seed` (the same every time). */
export function mmxCaseAt(seed: number, index: number): GeneratedCase {
  const rng = new Rng((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const code: Insn[] = [];
  for (let n = 0; n < 8; n++) code.push(loadMm(n, INIT + 8 * n));
  const count = rng.range(2, 10);
  for (let i = 0; i < count; i++) code.push(...randomMmx(rng));
  for (let n = 0; n < 8; n++) code.push(storeMm(n, FINAL + 8 * n));
  code.push(EMMS);
  const eflags = (rng.u32() & STATUS) | IF | FIXED_ONE;
  return simdCase(code, { data: randomData(rng), regs: randomRegs(rng), eflags });
}

/** `count` random MMX cases seeded by `seed`. */
export function mmxCases(seed: number, count: number): GeneratedCase[] {
  return Array.from({ length: count }, (_, i) => mmxCaseAt(seed, i));
}

// ---------------------------------------------------------------- directed: the x87 side

const FNINIT = insn([0xdb, 0xe3], "fninit");
const FLD1 = insn([0xd9, 0xe8], "fld1"), FLDZ = insn([0xd9, 0xee], "fldz");
const FLDPI = insn([0xd9, 0xeb], "fldpi"), FLDLG2 = insn([0xd9, 0xec], "fldlg2");
const FLDL2E = insn([0xd9, 0xea], "fldl2e");

/** Every physical register gets a known value (zeros and normals), then FNINIT empties them. */
const KNOWN_REGISTERS = [
  FNINIT,
  ...[FLDZ, FLD1, FLDPI, FLDZ, FLDLG2, FLD1, FLDZ, FLDL2E],
  FNINIT,
];

function absText(off: number): string {
  return `[${hex(D + off)}]`;
}

function fnstenv(off: number): Insn {
  return insn([0xd9, 0x35, ...le(D + off, 4)], `fnstenv ${absText(off)}`);
}

function fnsave(off: number): Insn {
  return insn([0xdd, 0x35, ...le(D + off, 4)], `fnsave ${absText(off)}`);
}

/** `mov word [abs], 0`. */
function clearWord(off: number): Insn {
  return insn([0x66, 0xc7, 0x05, ...le(D + off, 4), 0, 0], `mov word ${absText(off)}, 0`);
}

/** `mov dword [abs], 0`. */
function clearDword(off: number): Insn {
  return insn([0xc7, 0x05, ...le(D + off, 4), 0, 0, 0, 0], `mov dword ${absText(off)}, 0`);
}

/** FCS and FDS of a 32-bit protected-mode environment at `off`: host selectors differ. */
function clearSelectors(off: number): Insn[] {
  return [clearWord(off + 16), clearWord(off + 24)];
}

/**
 * FXSAVE at IMAGE, then clear what is not the MMX/x87 register state and differs by vendor:
 * FOP, FIP, FCS, FDP, FDS (saved only with an exception pending on AMD), MXCSR_MASK, and
 * bytes 160–511 (XMM registers, reserved).
 */
function fxsaveSanitized(): Insn[] {
  const out = [insn([0x0f, 0xae, 0x05, ...le(D + IMAGE, 4)], `fxsave ${absText(IMAGE)}`)];
  out.push(clearWord(IMAGE + 6));
  for (const off of [8, 12, 16, 20, 28]) out.push(clearDword(IMAGE + off));
  out.push(
    movRegImm(4, EDI, D + IMAGE + 160),
    movRegImm(4, 1, (512 - 160) / 4),
    insn([0x31, 0xc0], "xor eax, eax"),
    insn([0xf3, 0xab], "rep stosd"),
  );
  return out;
}

function movqLoad(n: number, off: number): Insn {
  return mmx(0x6f, n, mem32({ disp: D + off }), `movq mm${n}, qword ${absText(off)}`);
}

function directed(name: string, ...code: Insn[]): GeneratedCase {
  const rng = new Rng(name.length * 7919 + name.charCodeAt(0));
  const regs = randomRegs(rng);
  return simdCase(code, { data: randomData(rng), regs, eflags: IF | FIXED_ONE, name });
}

/** Cases that look at TOP, the tag word and the exponent fields after MMX instructions. */
export function mmxAliasingCases(): GeneratedCase[] {
  const paddb = mmx(0xfc, 1, { reg: 2 }, "paddb mm1, mm2");
  const env = IMAGE, save = IMAGE + 0x40;
  return [
    directed(
      "an MMX write sets TOP = 0, tags valid, and exponent all ones in that register alone",
      ...KNOWN_REGISTERS,
      FLD1,
      FLD1,
      movqLoad(3, OPERANDS),
      fnstenv(env),
      fnsave(save),
      ...clearSelectors(env),
      ...clearSelectors(save),
    ),
    directed(
      "MMn is physical register n whatever TOP is (FNSAVE lists registers from ST(0))",
      ...KNOWN_REGISTERS,
      FLDPI,
      FLD1,
      FLD1,
      paddb,
      movqLoad(6, OPERANDS + 8),
      fnsave(save),
      ...clearSelectors(save),
    ),
    directed(
      "EMMS sets TOP = 0 and every tag empty",
      ...KNOWN_REGISTERS,
      FLD1,
      FLD1,
      FLD1,
      EMMS,
      fnstenv(env),
      ...clearSelectors(env),
    ),
    directed(
      "MOVD r32, mm only reads: TOP = 0, tags valid, exponents unchanged",
      ...KNOWN_REGISTERS,
      FLDPI,
      FLD1,
      mmx(0x7e, 7, { reg: 0 }, "movd eax, mm7"),
      fnsave(save),
      ...clearSelectors(save),
    ),
    directed(
      "FLD after an MMX instruction overflows the stack: every register is tagged valid",
      ...KNOWN_REGISTERS,
      paddb,
      FLD1,
      fnstenv(env),
      ...clearSelectors(env),
    ),
    directed(
      "FLD after EMMS pushes into R7 normally",
      ...KNOWN_REGISTERS,
      paddb,
      EMMS,
      FLDPI,
      fnsave(save),
      ...clearSelectors(save),
    ),
    directed(
      "FXSAVE after MMX writes: TOP 0, abridged tags 0xff, registers with all-ones exponents",
      ...KNOWN_REGISTERS,
      FLD1,
      FLD1,
      FLD1,
      paddb,
      movqLoad(0, OPERANDS + 16),
      mmx(0x73, 6, { reg: 5 }, "psllq mm5, 0x4", [4]),
      ...fxsaveSanitized(),
      EMMS,
    ),
  ];
}

/** Encodings that raise #UD: each case is that one instruction. */
export function mmxUndefinedCases(): GeneratedCase[] {
  const one = (bytes: number[], text: string) => directed(`#UD: ${text}`, insn(bytes, text));
  return [
    one([0xf3, 0x0f, 0xfc, 0xc1], "rep paddb mm0, mm1"),
    one([0xf2, 0x0f, 0xef, 0xc1], "repne pxor mm0, mm1"),
    one([0xf2, 0x0f, 0x6f, 0xc1], "repne movq mm0, mm1"),
    one([0xf2, 0x0f, 0x7e, 0xc1], "repne movd ecx, mm0"),
    one([0xf3, 0x0f, 0x6e, 0xc1], "rep movd mm0, ecx"),
    one([0xf3, 0x0f, 0x77], "rep emms"),
    one([0xf2, 0x0f, 0x71, 0xd0, 3], "repne psrlw mm0, 3"),
    one([0xf0, 0x0f, 0xfc, 0x03], "lock paddb mm0, [ebx]"),
    one([0x0f, 0x71, 0xc0, 3], "0f 71 /0"),
    one([0x0f, 0x72, 0xf8, 3], "0f 72 /7"),
    one([0x0f, 0x73, 0xd8, 3], "0f 73 /3 (psrldq needs 66)"),
    one([0x0f, 0x73, 0xf8, 3], "0f 73 /7 (pslldq needs 66)"),
    one([0x0f, 0x71, 0x13, 3], "0f 71 /2 with a memory operand"),
  ];
}

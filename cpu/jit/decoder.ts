import { SEMANTICS, type SemanticsEntry } from "../semantics/table.ts";
import { DS, SS } from "../state_layout.ts";
import { INTERPRETED, interpretedForm, SIMD_INLINE, X87_INLINE } from "./interpreted.ts";
import { kernelForm } from "../fpu/x87_forms.ts";
import { type SimdOp, simdOp, type SimdPrefix } from "../semantics/simd.ts";

/** A memory operand: segment + base + index × scale + displacement. */
export interface MemoryOperand {
  seg: number;
  /** Base register, or -1. */
  base: number;
  /** Index register, or -1. */
  index: number;
  scale: number;
  disp: number;
}

/** One instruction decoded ahead of execution, for the block compiler. */
export interface DecodedInstruction {
  /** EIP of the instruction and of the next one. */
  eip: number;
  next: number;
  opcode: number;
  entry: SemanticsEntry;
  o32: boolean;
  /** ModRM fields (when the instruction has one). */
  mod: number;
  reg: number;
  rm: number;
  /** The memory operand when mod ≠ 3. */
  mem: MemoryOperand | undefined;
  /** The immediate or displacement as read (little-endian, unsigned below 32 bits). */
  imm: number;
  /** Compiled as a call to the interpreter's handler (cpu/jit/interpreted.ts). */
  interpreted?: true;
  /**
   * An instruction of the SIMD table (cpu/semantics/simd.ts), compiled inline with the
   * interpreter's handler as its slow path.
   */
  simd?: SimdOp;
  /**
   * An x87 instruction of cpu/fpu/x87_semantics.ts: its form word (cpu/fpu/x87_forms.ts),
   * compiled inline with the interpreter's handler as its slow path.
   */
  x87?: number;
}

/**
 * Decodes the instruction at `eip` from `code` (a page of guest memory seen from `base`, the
 * page-relative offset of `eip`), in 32-bit code with 32-bit addressing. Returns undefined when
 * the instruction is not one the compiler handles (it then runs in the interpreter) or when it
 * does not end inside the page.
 */
export function decodeInstruction(
  code: Uint8Array,
  pageStart: number,
  offset: number,
  eip: number,
): DecodedInstruction | undefined {
  let p = pageStart + offset;
  const end = pageStart + 0x1000;
  const byte = () => (p < end ? code[p++] : -1);
  let o32 = true, seg = -1, rep = 0, op = byte();
  for (let n = 0; n < 4; n++) {
    if (op === 0x66) o32 = false;
    else if (op === 0xf3 && code[p] === 0x90 && p < end) {
      // PAUSE (F3 90) is a NOP here: the only REP-prefixed instruction compiled.
    } else if ((op === 0xf2 || op === 0xf3) && code[p] === 0x0f && p < end) {
      // A mandatory prefix of an SSE instruction, or REP before some other 0F opcode (no
      // longer compiled, below). The last of them is the one that counts.
      rep = op;
    } else if (op === 0x26 || op === 0x2e || op === 0x36 || op === 0x3e) seg = (op >> 3) & 3;
    else if (op === 0x64 || op === 0x65) seg = op - 0x60;
    else break;
    op = byte();
  }
  if (op < 0) return undefined;
  if (op === 0x0f) {
    const b = byte();
    if (b < 0) return undefined;
    op = 0x100 | b;
  }
  const entry = SEMANTICS[op];
  const interpreted = interpretedForm(op);
  if (interpreted !== undefined && (entry === undefined || rep !== 0)) {
    const prefix: SimdPrefix = rep === 0xf2 ? "f2" : rep === 0xf3 ? "f3" : o32 ? "none" : "p66";
    const length = () => p - (pageStart + offset);
    return decodeInterpreted(interpreted, op, eip, seg, byte, length, prefix);
  }
  // 0x67, LOCK and REP prefixes end the loop above unconsumed and land here as opcodes.
  if (entry === undefined || entry.compiled === false || rep !== 0) return undefined;
  if (!o32 && entry.endsBlock) return undefined;
  let mod = 3, reg = 0, rm = 0, mem: MemoryOperand | undefined;
  if (entry.modrm === "moffs") {
    mod = 0;
    let disp = 0;
    for (let i = 0; i < 4; i++) {
      const b = byte();
      if (b < 0) return undefined;
      disp |= b << (8 * i);
    }
    mem = { seg: seg >= 0 ? seg : DS, base: -1, index: -1, scale: 0, disp };
  } else if (entry.modrm) {
    const modrm = decodeModrm(byte, seg);
    if (modrm === undefined) return undefined;
    ({ mod, reg, rm, mem } = modrm);
    if (mod !== 3) {
      if (entry.compiled === "register") return undefined;
    } else if (entry.memoryOnly) return undefined;
    if ((op === 0xc6 || op === 0xc7) && reg !== 0) return undefined;
    if (entry.only !== undefined && !entry.only(reg)) return undefined;
  }
  const form = typeof entry.imm === "function" ? entry.imm(reg) : entry.imm;
  const immSize = form === "v" ? (o32 ? 4 : 2) : form;
  let imm = 0;
  for (let i = 0; i < immSize; i++) {
    const b = byte();
    if (b < 0) return undefined;
    imm |= b << (8 * i);
  }
  if (immSize < 4) imm >>>= 0;
  // A shift by an immediate count of 0 changes no flag: left to the interpreter, so that the
  // flag analysis can take every compiled shift as writing all six.
  if ((op === 0xc0 || op === 0xc1) && (imm & 0x1f) === 0) return undefined;
  const length = p - (pageStart + offset);
  return { eip, next: (eip + length) | 0, opcode: op, entry, o32, mod, reg, rm, mem, imm };
}

/**
 * The instruction at `eip` that compiled code hands to the interpreter, decoded only as far as
 * its length (the interpreter decodes it again when it runs it).
 */
function decodeInterpreted(
  form: "modrm" | "modrm+ib" | "none",
  op: number,
  eip: number,
  seg: number,
  byte: () => number,
  length: () => number,
  prefix: SimdPrefix,
): DecodedInstruction | undefined {
  let mod = 3, reg = 0, rm = 0, mem: MemoryOperand | undefined;
  if (form !== "none") {
    const modrm = decodeModrm(byte, seg);
    if (modrm === undefined) return undefined;
    ({ mod, reg, rm, mem } = modrm);
  }
  let imm = 0;
  if (form === "modrm+ib") {
    imm = byte();
    if (imm < 0) return undefined;
  }
  const next = (eip + length()) | 0;
  const simd = op >= 0x100 ? simdOp(prefix, op & 0xff, reg) : undefined;
  const x87 = op >= 0xd8 && op <= 0xdf ? kernelForm(op, (mod << 6) | (reg << 3) | rm) : -1;
  return {
    eip,
    next,
    opcode: op,
    entry: simd !== undefined ? SIMD_INLINE : x87 >= 0 ? X87_INLINE : INTERPRETED,
    o32: true,
    mod,
    reg,
    rm,
    mem,
    imm,
    interpreted: true,
    simd,
    x87: x87 >= 0 ? x87 : undefined,
  };
}

/** A ModRM byte and the address it describes (with segment override `seg`, or -1). */
function decodeModrm(
  byte: () => number,
  seg: number,
): { mod: number; reg: number; rm: number; mem: MemoryOperand | undefined } | undefined {
  const m = byte();
  if (m < 0) return undefined;
  const mod = m >> 6, reg = (m >> 3) & 7, rm = m & 7;
  if (mod === 3) return { mod, reg, rm, mem: undefined };
  const mem = decodeAddress(mod, rm, byte);
  if (mem === undefined) return undefined;
  if (seg >= 0) mem.seg = seg;
  return { mod, reg, rm, mem };
}

function decodeAddress(
  mod: number,
  rm: number,
  byte: () => number,
): MemoryOperand | undefined {
  let base = rm, index = -1, scale = 0, seg = DS, disp = 0;
  if (rm === 4) {
    const sib = byte();
    if (sib < 0) return undefined;
    base = sib & 7;
    index = (sib >> 3) & 7;
    if (index === 4) index = -1;
    scale = sib >> 6;
    if (base === 5 && mod === 0) base = -1;
  } else if (rm === 5 && mod === 0) {
    base = -1;
  }
  if (base === 4 || base === 5) seg = SS;
  const dispSize = mod === 1 ? 1 : mod === 2 || base === -1 ? 4 : 0;
  for (let i = 0; i < dispSize; i++) {
    const b = byte();
    if (b < 0) return undefined;
    disp |= b << (8 * i);
  }
  if (dispSize === 1) disp = (disp << 24) >> 24;
  return { seg, base, index, scale, disp: disp | 0 };
}

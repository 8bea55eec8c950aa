/**
 * x87 cases for the host comparison: FNINIT, a random control word (every exception masked,
 * random rounding and precision control), a few values pushed from m80/m64/m32 patterns (NaNs,
 * infinities, denormals, both zeros, the ends of each format, ordinary values of nearby
 * magnitude), then a random sequence of the instructions cpu/fpu/x87_semantics.ts runs inline
 * (FADD/FSUB/FMUL/FDIV and their reverse forms with register, m32/m64 and m16/m32 integer
 * operands, FLD/FST/FSTP m32/m64/m80 and ST(i), FILD and FIST/FISTP m16/m32, FCOM/FUCOM and
 * their pops, FTST, FSQRT, FXCH, FCHS, FABS, FLD1, FLDZ) on operands it takes and operands it
 * declines, so both paths and the hand-over between them meet the host CPU; integers and a half
 * are rounded by FISTP under every RC. Stack overflow and underflow happen on their own. The case
 * ends with FNSTENV (its instruction and data pointers zeroed: those name host addresses) and
 * every register stored as m80.
 */

import { FIXED_ONE, IF, STATUS } from "./flags.ts";
import { EBX, hex, type Insn, insn, isReg, mem32, modrm, type Rm } from "./encode.ts";
import type { GeneratedCase } from "./generator.ts";
import { absolute, hexBytes, OPERANDS, OPERANDS_SIZE, simdCase } from "./gen_simd.ts";
import { doublePattern } from "./gen_sse2.ts";
import { floatPattern } from "./gen_sse.ts";
import { DEFAULT_DATA_ADDRESS } from "./layout.ts";
import { Rng } from "./rng.ts";

const D = DEFAULT_DATA_ADDRESS;

/** Data layout: initial m80 values, the control word, the final environment and registers. */
const INIT = 0x000, CW = 0x080, ENV = 0x200, REGS = 0x220, DATA_SIZE = 0x300;
/** Operand slots that always hold an integer and a half (as doubles). */
const TIES = 4;

function x87(opcode: number, reg: number, rm: Rm, text: string): Insn {
  const bytes = [opcode, ...modrm(reg, rm)];
  return insn(bytes, `${hexBytes(bytes.slice(0, 1))} /${reg} ${isReg(rm) ? `st${rm.reg}` : text}`);
}

/** A memory operand of `size` bytes in the operand area, through EBX or absolute. */
function operand(rng: Rng, size: number): Rm {
  const off = rng.below(OPERANDS_SIZE - size + 1);
  return rng.chance(0.6)
    ? mem32({ base: EBX, disp: off, dispSize: off < 128 ? 1 : 4 })
    : mem32({ disp: D + OPERANDS + off });
}

/** An 80-bit pattern: a widened double, a special encoding, or random bits. */
function extendedPattern(rng: Rng): number[] {
  const [lo, hi] = doublePattern(rng);
  const e = (hi >>> 20) & 0x7ff, sign = hi >>> 31;
  let se: number, sigHi: number, sigLo: number;
  switch (rng.below(6)) {
    case 0: // pseudo-denormal, unnormal, pseudo-NaN and friends
      se = (sign << 15) | rng.pick([0, 1, 0x3fff, 0x7fff]);
      sigHi = rng.u32() & 0x7fffffff;
      sigLo = rng.u32();
      break;
    case 1:
      se = rng.u32() & 0xffff;
      sigHi = rng.u32() | 0x80000000;
      sigLo = rng.u32();
      break;
    default:
      // The double's value (normalised the way FLD m64 would, zero and specials included).
      se = (sign << 15) | (e === 0 ? 0 : e === 0x7ff ? 0x7fff : e - 1023 + 16383);
      sigHi = (e === 0 ? 0 : 0x80000000) | ((hi & 0xfffff) << 11) | (lo >>> 21);
      sigLo = lo << 11;
  }
  const out: number[] = [];
  for (const [v, n] of [[sigLo >>> 0, 4], [sigHi >>> 0, 4], [se, 2]]) {
    for (let b = 0; b < n; b++) out.push((v >>> (8 * b)) & 0xff);
  }
  return out;
}

/** A random instruction of the mix. */
function randomX87(rng: Rng): Insn {
  const st = { reg: rng.below(8) };
  const arith = () => rng.pick([0, 1, 4, 5, 0, 1, 4, 5, 6, 7, 2, 3]);
  switch (rng.below(20)) {
    case 16:
      return x87(rng.pick([0xdb, 0xdf]), 0, operand(rng, 4), "fild m32/m16");
    case 17:
      return x87(rng.pick([0xdb, 0xdf]), rng.pick([2, 3]), operand(rng, 4), "fist(p) m32/m16");
    case 18:
      return x87(0xda, arith(), operand(rng, 4), "m32int");
    case 19:
      return x87(0xde, arith(), operand(rng, 2), "m16int");
    case 0:
    case 1:
      return x87(0xd8, arith(), st, "");
    case 2:
      return x87(rng.pick([0xdc, 0xde]), rng.pick([0, 1, 4, 5, 6, 7]), st, "");
    case 3:
      return x87(0xd8, arith(), operand(rng, 4), "m32");
    case 4:
      return x87(0xdc, arith(), operand(rng, 8), "m64");
    case 5:
      return x87(0xd9, 0, operand(rng, 4), "fld m32");
    case 6:
      return x87(0xdd, 0, operand(rng, 8), "fld m64");
    case 7:
      return x87(0xd9, rng.pick([2, 3]), operand(rng, 4), "fst(p) m32");
    case 8:
      return x87(0xdd, rng.pick([2, 3]), operand(rng, 8), "fst(p) m64");
    case 9:
      return x87(0xd9, 0, st, ""); // FLD ST(i)
    case 10:
      return x87(0xd9, 1, st, ""); // FXCH
    case 11:
      return x87(0xdd, rng.pick([2, 3, 4, 5]), st, ""); // FST/FSTP/FUCOM/FUCOMP ST(i)
    case 12: {
      // FCHS FABS FTST FLD1 FLDZ FSQRT, FCOMPP, FUCOMPP
      const [first, second] = rng.pick([
        [0xd9, 0xe0],
        [0xd9, 0xe1],
        [0xd9, 0xe4],
        [0xd9, 0xe8],
        [0xd9, 0xee],
        [0xd9, 0xfa],
        [0xde, 0xd9],
        [0xda, 0xe9],
      ]);
      return insn([first, second], `${first.toString(16)} ${second.toString(16)}`);
    }
    case 13:
      return x87(0xdb, rng.pick([5, 7]), operand(rng, 10), "fld/fstp m80");
    default:
      return x87(0xd8, rng.pick([0, 1]), st, "");
  }
}

/** Case `index` of the random x87 sequence seeded by `seed`. */
export function x87CaseAt(seed: number, index: number): GeneratedCase {
  const rng = new Rng((Math.imul(seed, 0x2545f491) ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const code: Insn[] = [insn([0xdb, 0xe3], "fninit"), x87(0xd9, 5, absolute(CW), "fldcw")];
  const pushed = rng.range(0, 5);
  for (let n = 0; n < pushed; n++) code.push(x87(0xdb, 5, absolute(INIT + 10 * n), "fld m80"));
  const count = rng.range(3, 14);
  for (let i = 0; i < count; i++) {
    if (rng.chance(0.15)) {
      // A tie (the first slots of the operand area hold integers and a half) rounded to an integer.
      code.push(x87(0xdd, 0, absolute(OPERANDS + 8 * rng.below(TIES)), "fld m64 tie"));
      code.push(x87(rng.pick([0xdb, 0xdf]), 3, operand(rng, 4), "fistp m32/m16"));
    } else code.push(randomX87(rng));
  }
  code.push(x87(0xd9, 6, absolute(ENV), "fnstenv"));
  // FIP, FCS/FOP, FDP, FDS: the host's are its own addresses and selectors.
  for (let off = 12; off < 28; off += 4) {
    const at = absolute(ENV + off);
    code.push(insn([0xc7, ...modrm(0, at), 0, 0, 0, 0], `mov dword [${hex(D + ENV + off)}], 0`));
  }
  for (let n = 0; n < 8; n++) code.push(x87(0xdb, 7, absolute(REGS + 10 * n), "fstp m80"));
  const data = new Uint8Array(DATA_SIZE);
  for (let n = 0; n < 8; n++) data.set(extendedPattern(rng), INIT + 10 * n);
  // Every exception masked; RC and PC at random (PC 01 is reserved and acts as 64 bits).
  const cw = 0x3f | 0x40 | (rng.below(4) << 8) | (rng.below(4) << 10);
  data[CW] = cw & 0xff;
  data[CW + 1] = cw >> 8;
  // The operand area: doubles and singles of nearby magnitude, and patterns.
  const view = new DataView(data.buffer);
  let near: [number, number] | undefined;
  const tie = new Float64Array(1), tieWords = new Uint32Array(tie.buffer);
  for (let off = 0; off < OPERANDS_SIZE; off += 8) {
    // Now and then an integer and a half, the ties FIST and FRNDINT round by RC.
    tie[0] = rng.range(-40000, 40000) + 0.5;
    const d: [number, number] = rng.chance(0.15)
      ? [tieWords[0], tieWords[1]]
      : doublePattern(rng, near);
    near = d;
    const small = rng.chance(0.2) ? rng.range(-40000, 40000) >>> 0 : undefined;
    const low = off < 8 * TIES ? d[0] : small ?? (rng.chance(0.3) ? floatPattern(rng) : d[0]);
    view.setUint32(OPERANDS + off, low, true);
    view.setUint32(OPERANDS + off + 4, d[1], true);
  }
  const regs = Uint32Array.from({ length: 8 }, () => rng.u32());
  regs[EBX] = D + OPERANDS;
  regs[4] = D + 0x800;
  const eflags = (rng.u32() & STATUS) | IF | FIXED_ONE;
  return simdCase(code, { data, regs, eflags });
}

/** `count` random x87 cases seeded by `seed`. */
export function x87Cases(seed: number, count: number): GeneratedCase[] {
  return Array.from({ length: count }, (_, i) => x87CaseAt(seed, i));
}

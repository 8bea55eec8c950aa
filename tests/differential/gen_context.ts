/**
 * What every instruction family generator needs: the PRNG, the case layout, and operand choice
 * that keeps memory accesses inside the data area. A memory operand comes with its "setup":
 * the `mov reg, imm32` instructions that make its address valid, emitted right before the
 * instruction that uses it.
 */

import {
  EBP,
  ESP,
  type Insn,
  mem16,
  mem32,
  type MemForm,
  movRegImm,
  type Rm,
  type Size,
} from "./encode.ts";
import type { Rng } from "./rng.ts";

/** Where the case being generated lives. */
export interface CaseLayout {
  codeAddress: number;
  dataAddress: number;
  dataSize: number;
}

/** Lowest and highest offsets of the initial ESP inside the data area. */
export const STACK_ZONE: readonly [number, number] = [0x700, 0x900];

/** An operand plus the instructions that must run first to make it valid. */
export interface Operand {
  setup: Insn[];
  rm: Rm;
}

/** Options of Gen.mem. */
export interface MemOptions {
  /** Registers (bit mask) that must not appear in the address. @default 0 */
  avoid?: number;
  /** Align the address to the operand size (locked operations, to avoid split locks). @default false */
  align?: boolean;
  /** Free bytes required on both sides of the address (bit-string offsets, string ops). @default 16 */
  margin?: number;
  /** Allow a segment override prefix (DS/ES/SS; all flat). @default true */
  segment?: boolean;
  /** Allow ESP-relative forms (the stack stays in the data area). @default true */
  stack?: boolean;
  /** Use exactly this address (ESP-relative forms are then not used). @default random */
  at?: number;
}

/** Generation state shared by the instruction families of one case. */
export class Gen {
  /** Code offset at which the fragment being generated starts (for branch targets). */
  offset = 0;

  constructor(readonly rng: Rng, readonly layout: CaseLayout) {}

  /** An operand size: 8, 16 or 32 bits. */
  size(): Size {
    const r = this.rng.below(10);
    return r < 3 ? 1 : r < 5 ? 2 : 4;
  }

  /** A 16- or 32-bit operand size. */
  wide(): 2 | 4 {
    return this.rng.chance(0.3) ? 2 : 4;
  }

  /** A register the instruction may write; SP/ESP only at byte size, where 4 is AH. */
  dst(size: Size, avoid = 0): number {
    for (;;) {
      const r = this.rng.below(8);
      if ((size === 1 || r !== ESP) && (avoid & (1 << r)) === 0) return r;
    }
  }

  /** Any register as a source operand. */
  src(): number {
    return this.rng.below(8);
  }

  /** An immediate of `size` bytes, biased toward edge values. */
  imm(size: Size): number {
    return this.rng.interesting((size * 8) as 8 | 16 | 32);
  }

  /** A data-area address with `margin` free bytes around an access of `size` bytes. */
  addr(size: number, margin = 16, align = false): number {
    const { dataAddress, dataSize } = this.layout;
    let a = dataAddress + margin + this.rng.below(dataSize - 2 * margin - size);
    if (align) a -= a % size;
    return a;
  }

  /** A register or memory r/m operand; register operands are writable when `write` is set. */
  rm(size: Size, write: boolean, opts: MemOptions & { memChance?: number } = {}): Operand {
    if (this.rng.chance(opts.memChance ?? 0.4)) return this.mem(size, opts);
    return { setup: [], rm: { reg: write ? this.dst(size, opts.avoid) : this.src() } };
  }

  /** A memory operand of `size` bytes whose address is inside the data area. */
  mem(size: number, opts: MemOptions = {}): Operand {
    const target = opts.at ?? this.addr(size, opts.margin ?? 16, opts.align ?? false);
    const avoid = (opts.avoid ?? 0) | (1 << ESP);
    const pick = (): number => this.dst(4, avoid);
    const rng = this.rng;
    const setup: Insn[] = [];
    let form: MemForm;
    switch (rng.below(opts.stack === false || opts.at !== undefined ? 6 : 8)) {
      case 0: // [disp32]
        form = mem32({ disp: target });
        break;
      case 1: { // [base], [base+disp8]
        const base = pick();
        const disp = rng.chance(0.5) ? 0 : rng.range(-128, 127);
        setup.push(movRegImm(4, base, target - disp));
        form = mem32({ base, disp });
        break;
      }
      case 2: { // [base+disp32], any displacement (the sum wraps modulo 2^32)
        const base = pick();
        const disp = rng.interesting(32);
        setup.push(movRegImm(4, base, target - disp));
        form = mem32({ base, disp, dispSize: 4 });
        break;
      }
      case 3: { // [base+index*scale+disp]
        const base = pick();
        const index = pick();
        const scale = rng.pick([1, 2, 4, 8] as const);
        const dispSize = rng.pick([0, 1, 4] as const);
        if (base === index) {
          // Both terms use one register: solve v*(1+scale) + disp = target with a small v.
          const v = rng.below(0x100);
          const disp = (target - v * (1 + scale)) | 0;
          setup.push(movRegImm(4, base, v));
          form = mem32({ base, index, scale, disp, dispSize: 4 });
        } else {
          const disp = dispSize === 0
            ? 0
            : dispSize === 1
            ? rng.range(-128, 127)
            : rng.interesting(32);
          const iv = rng.interesting(32);
          setup.push(movRegImm(4, index, iv));
          setup.push(movRegImm(4, base, target - Math.imul(iv, scale) - disp));
          form = mem32({
            base,
            index,
            scale,
            disp,
            dispSize: base === EBP && dispSize === 0 ? 1 : dispSize,
          });
        }
        break;
      }
      case 4: { // [index*scale+disp32], no base
        const index = pick();
        const scale = rng.pick([1, 2, 4, 8] as const);
        const iv = rng.interesting(32);
        setup.push(movRegImm(4, index, iv));
        form = mem32({ index, scale, disp: (target - Math.imul(iv, scale)) | 0 });
        break;
      }
      case 5: { // [ebp+disp8] through a SIB byte with no index (a redundant but legal encoding)
        if ((avoid & (1 << EBP)) !== 0) {
          form = mem32({ disp: target });
          break;
        }
        const disp = rng.range(-128, 127);
        setup.push(movRegImm(4, EBP, target - disp));
        form = { ...mem32({ base: EBP, disp, dispSize: 1 }), rm: 4, sib: (4 << 3) | EBP };
        break;
      }
      case 6: // [esp+disp8]: ESP stays within STACK_ZONE ± a few pushes
        form = mem32({ base: ESP, disp: rng.range(-0x40, 0x3c), dispSize: 1 });
        break;
      default: { // [esp+index*scale+disp8]
        const index = pick();
        const scale = rng.pick([1, 2, 4, 8] as const);
        setup.push(movRegImm(4, index, rng.below(16)));
        form = mem32({ base: ESP, index, scale, disp: rng.range(-0x40, 0), dispSize: 1 });
        break;
      }
    }
    if (opts.segment !== false && rng.chance(0.1)) form.segment = rng.pick([0x26, 0x36, 0x3e]);
    return { setup, rm: form };
  }

  /** Any 32-bit-addressing memory form with arbitrary registers (for LEA and NOP: no access). */
  anyMem32(): MemForm {
    const rng = this.rng;
    const disp = rng.interesting(32) | 0;
    const dispSize = rng.pick([0, 1, 4] as const);
    const d = dispSize === 1 ? rng.range(-128, 127) : dispSize === 4 ? disp : 0;
    switch (rng.below(4)) {
      case 0:
        return mem32({ disp });
      case 1:
        return mem32({ base: rng.below(8), disp: d, dispSize });
      case 2:
        return mem32({ index: this.dst(4), scale: rng.pick([1, 2, 4, 8] as const), disp });
      default:
        return mem32({
          base: rng.below(8),
          index: this.dst(4),
          scale: rng.pick([1, 2, 4, 8] as const),
          disp: d,
          dispSize,
        });
    }
  }

  /** Any 16-bit-addressing memory form (only valid for LEA under an 0x67 prefix here). */
  anyMem16(): MemForm {
    const mod = this.rng.below(3);
    return mem16(mod, this.rng.below(8), this.rng.interesting(16));
  }
}

/** Registers (bit mask) a list of setup instructions writes: the `mov r32, imm32` targets. */
export function setupRegs(setup: readonly Insn[]): number {
  let mask = 0;
  for (const s of setup) {
    const op = s.bytes[0] === 0x66 ? s.bytes[1] : s.bytes[0];
    if (op >= 0xb8 && op <= 0xbf) mask |= 1 << (op - 0xb8);
  }
  return mask;
}

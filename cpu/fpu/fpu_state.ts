/**
 * The x87 register file and its bookkeeping (Intel SDM vol. 1 §8.1): eight physical registers
 * addressed as a stack through TOP, the tags, the control and status words, the last
 * instruction/data pointers, and the exception recording rules of SDM §8.5 shared by every
 * instruction.
 */
import { classify, type F80, f80, INDEFINITE } from "./f80.ts";
import type { RoundEnv } from "./rounding.ts";
import {
  BUSY,
  C1,
  CC,
  CW_INIT,
  ES,
  EXCEPTIONS,
  IE,
  PC_SHIFT,
  PRE_EXCEPTIONS,
  RC_SHIFT,
  SF,
  TOP_MASK,
  TOP_SHIFT,
} from "./status.ts";
import {
  REG_HI,
  REG_LO,
  REG_SE,
  X87_AREA_BYTES,
  X87_CW,
  X87_EMPTY,
  X87_FCS,
  X87_FDP,
  X87_FDS,
  X87_FIP,
  X87_FOP,
  X87_REG_BYTES,
  X87_REGS,
  X87_SW,
  X87_TOP,
} from "./x87_layout.ts";

/** Tag values of the full tag word (SDM §8.1.7). */
export const TAG_VALID = 0;
/** Tag: the register holds a zero. */
export const TAG_ZERO = 1;
/** Tag: NaN, infinity, denormal or unsupported encoding. */
export const TAG_SPECIAL = 2;
/** Tag: the register is empty. */
export const TAG_EMPTY = 3;

/** The MXCSR value after reset (all SIMD exceptions masked, round to nearest). */
export const MXCSR_DEFAULT = 0x1f80;

/** The tag a register's contents call for, ignoring emptiness. */
export function tagOf(v: F80): number {
  switch (classify(v)) {
    case "zero":
      return TAG_ZERO;
    case "normal":
      return TAG_VALID;
    default:
      return TAG_SPECIAL;
  }
}

/** Register file, control/status words and pointers of the x87 unit. */
export class FpuState {
  /**
   * The x87 area (cpu/fpu/x87_layout.ts) as words: a view of a CPU's state block, or of a memory
   * of its own for a unit used alone. Bit i of the empty mask set means physical register i is
   * empty; only emptiness is kept, the other tag values are recomputed from the contents when a
   * tag word is stored, as on the 387 and later.
   */
  readonly #w: Uint32Array;
  /**
   * SSE control/status register, kept with the x87 state for FXSAVE/FXRSTOR, in a word the CPU
   * may place in its state block (cpu/state_layout.ts MXCSR_BYTES) for SIMD kernels and compiled
   * code to read.
   */
  readonly #mxcsr: Uint32Array;

  /** `area`: the X87_AREA_BYTES of the x87 area, as words. */
  constructor(
    mxcsr: Uint32Array = new Uint32Array(1),
    area: Uint32Array = new Uint32Array(X87_AREA_BYTES >> 2),
  ) {
    this.#mxcsr = mxcsr;
    this.#mxcsr[0] = MXCSR_DEFAULT;
    this.#w = area;
  }

  get mxcsr(): number {
    return this.#mxcsr[0];
  }
  set mxcsr(value: number) {
    this.#mxcsr[0] = value;
  }

  /** Physical register `p`. */
  reg(p: number): F80 {
    const w = this.#w, at = (X87_REGS + X87_REG_BYTES * p) >> 2;
    return f80(w[at + (REG_SE >> 2)], w[at + (REG_HI >> 2)], w[at + (REG_LO >> 2)]);
  }

  /** Significand bits 31–0 (`high`: 63–32) of physical register `p`, without building an F80. */
  significandWord(p: number, high: boolean): number {
    return this.#w[(X87_REGS + X87_REG_BYTES * p + (high ? REG_HI : REG_LO)) >> 2];
  }

  /** Writes physical register `p` (its tag is the caller's business). */
  setReg(p: number, v: F80): void {
    const w = this.#w, at = (X87_REGS + X87_REG_BYTES * p) >> 2;
    w[at + (REG_LO >> 2)] = v.lo;
    w[at + (REG_HI >> 2)] = v.hi;
    w[at + (REG_SE >> 2)] = v.se;
  }

  /** Bit i set: physical register i is empty. */
  get emptyMask(): number {
    return this.#w[X87_EMPTY >> 2];
  }
  set emptyMask(v: number) {
    this.#w[X87_EMPTY >> 2] = v & 0xff;
  }
  /** TOP, the physical index of ST(0). */
  get top(): number {
    return this.#w[X87_TOP >> 2];
  }
  set top(v: number) {
    this.#w[X87_TOP >> 2] = v & 7;
  }
  /** Control word. */
  get cw(): number {
    return this.#w[X87_CW >> 2];
  }
  set cw(v: number) {
    this.#w[X87_CW >> 2] = v & 0xffff;
  }
  /** Status word without the TOP field. */
  get sw(): number {
    return this.#w[X87_SW >> 2];
  }
  set sw(v: number) {
    this.#w[X87_SW >> 2] = v & 0xffff;
  }
  /** Last non-control instruction's offset (FIP). */
  get fip(): number {
    return this.#w[X87_FIP >> 2];
  }
  set fip(v: number) {
    this.#w[X87_FIP >> 2] = v;
  }
  /** Last non-control instruction's code selector (FCS). */
  get fcs(): number {
    return this.#w[X87_FCS >> 2];
  }
  set fcs(v: number) {
    this.#w[X87_FCS >> 2] = v;
  }
  /** Last non-control instruction's opcode, 11 bits (FOP). */
  get fop(): number {
    return this.#w[X87_FOP >> 2];
  }
  set fop(v: number) {
    this.#w[X87_FOP >> 2] = v;
  }
  /** Last memory operand's offset (FDP). */
  get fdp(): number {
    return this.#w[X87_FDP >> 2];
  }
  set fdp(v: number) {
    this.#w[X87_FDP >> 2] = v;
  }
  /** Last memory operand's segment selector (FDS). */
  get fds(): number {
    return this.#w[X87_FDS >> 2];
  }
  set fds(v: number) {
    this.#w[X87_FDS >> 2] = v;
  }

  /** Physical index of ST(i). */
  phys(i: number): number {
    return (this.top + i) & 7;
  }

  /** Contents of ST(i), empty or not. */
  st(i: number): F80 {
    return this.reg(this.phys(i));
  }

  /** True when ST(i) is tagged empty. */
  isEmpty(i: number): boolean {
    return (this.emptyMask >> this.phys(i) & 1) !== 0;
  }

  /** Writes ST(i) and tags it in use. */
  set(i: number, v: F80): void {
    const p = this.phys(i);
    this.setReg(p, v);
    this.emptyMask &= ~(1 << p);
  }

  /** Tags ST(i) empty (FFREE); its contents stay. */
  free(i: number): void {
    this.emptyMask |= 1 << this.phys(i);
  }

  /** Decrements TOP and writes the new ST(0). */
  push(v: F80): void {
    this.top = (this.top - 1) & 7;
    this.set(0, v);
  }

  /** Tags ST(0) empty and increments TOP. */
  pop(): void {
    this.free(0);
    this.top = (this.top + 1) & 7;
  }

  /** True when a push would overwrite a register in use (ST(7) is not empty). */
  wouldOverflow(): boolean {
    return !this.isEmpty(7);
  }

  /** Status word with TOP merged in. */
  get statusWord(): number {
    return (this.sw & ~TOP_MASK) | (this.top << TOP_SHIFT);
  }

  /** Loads a status word (FLDENV, FRSTOR, FXRSTOR), TOP included. */
  set statusWord(v: number) {
    this.top = (v & TOP_MASK) >> TOP_SHIFT;
    this.sw = v & 0xffff & ~TOP_MASK;
  }

  /** The full 16-bit tag word, two bits per physical register (SDM §8.1.7). */
  get tagWord(): number {
    let tw = 0;
    for (let p = 0; p < 8; p++) {
      const tag = this.emptyMask >> p & 1 ? TAG_EMPTY : tagOf(this.reg(p));
      tw |= tag << (2 * p);
    }
    return tw;
  }

  /** Loads a full tag word: 11 means empty, anything else in use (the contents decide the rest). */
  set tagWord(tw: number) {
    let mask = 0;
    for (let p = 0; p < 8; p++) if ((tw >> (2 * p) & 3) === TAG_EMPTY) mask |= 1 << p;
    this.emptyMask = mask;
  }

  /** The abridged tag byte of FXSAVE: bit i set when physical register i is in use. */
  get abridgedTags(): number {
    return ~this.emptyMask & 0xff;
  }

  /** Loads an abridged tag byte (FXRSTOR). */
  set abridgedTags(v: number) {
    this.emptyMask = ~v & 0xff;
  }

  /** Rounding control field of the control word. */
  get rc(): number {
    return this.cw >> RC_SHIFT & 3;
  }

  /**
   * The rounding environment: RC, the masks and, when `precisionControl`, the PC field's
   * precision (24, 53 or 64 bits; the reserved value 01 acts as 64, as measured). PC applies to
   * FADD, FSUB(R), FMUL, FDIV(R) and FSQRT only (SDM §8.1.5.2).
   */
  roundEnv(precisionControl: boolean): RoundEnv {
    let precision = 64;
    if (precisionControl) {
      const pc = this.cw >> PC_SHIFT & 3;
      precision = pc === 0 ? 24 : pc === 2 ? 53 : 64;
    }
    return { rc: this.rc, precision, masks: this.cw & EXCEPTIONS };
  }

  /** Loads the control word; reserved bits 15–13 read 0 and bit 6 reads 1 (measured). */
  loadControlWord(v: number): void {
    this.cw = (v & 0x1f3f) | 0x0040;
    this.updateSummary();
  }

  /** Recomputes ES and B: set exactly when some flagged exception is unmasked. */
  updateSummary(): void {
    if (this.sw & ~this.cw & EXCEPTIONS) this.sw |= ES | BUSY;
    else this.sw &= ~(ES | BUSY);
  }

  /**
   * Records exception flags (and SF) in the status word, setting ES and B for unmasked ones
   * (SDM §8.5, §8.7). Returns the unmasked subset.
   */
  record(flags: number): number {
    this.sw |= flags & (EXCEPTIONS | SF);
    const unmasked = flags & ~this.cw & EXCEPTIONS;
    if (unmasked) this.sw |= ES | BUSY;
    return unmasked;
  }

  /**
   * Records the exceptions of an operation whose result goes to a register. Unmasked IE, DE or
   * ZE stop the instruction before it produces a result (SDM §8.5.1–8.5.3): then only those are
   * recorded, C1 is cleared and false is returned. Overflow, underflow and precision are reported with the
   * delivered result.
   */
  signal(flags: number): boolean {
    const blocked = (flags & ~this.cw & PRE_EXCEPTIONS) !== 0;
    this.record(blocked ? flags & PRE_EXCEPTIONS : flags);
    // A suppressed result reports no rounding: C1 reads 0 (measured).
    if (blocked) this.setC1(false);
    return !blocked;
  }

  /** Sets condition code C1. */
  setC1(on: boolean): void {
    this.sw = on ? this.sw | C1 : this.sw & ~C1;
  }

  /** Replaces C3 C2 C1 C0 with `bits`. */
  setConditionCodes(bits: number): void {
    this.sw = (this.sw & ~CC) | (bits & CC);
  }

  /**
   * Reports a stack underflow (IE + SF, C1 = 0; SDM §8.5.1.1). Returns true when IE is masked,
   * i.e. when the caller should deliver the masked response (the indefinite).
   */
  stackUnderflow(): boolean {
    this.setC1(false);
    return this.record(IE | SF) === 0;
  }

  /**
   * Stack underflow of a store to memory. With IE masked the indefinite is written first, so a
   * fault during the write leaves the state untouched; then IE + SF are recorded and the stack
   * popped when `pop`. With IE unmasked nothing is written or popped.
   */
  stackUnderflowStore(writeIndefinite: () => void, pop: boolean): void {
    if ((this.cw & IE) === 0) {
      this.stackUnderflow();
      return;
    }
    writeIndefinite();
    this.stackUnderflow();
    if (pop) this.pop();
  }

  /** Reports a stack overflow (IE + SF, C1 = 1). Returns true when IE is masked. */
  stackOverflow(): boolean {
    this.setC1(true);
    return this.record(IE | SF) === 0;
  }

  /** Masked stack-overflow response of a push: TOP moves and ST(0) becomes the indefinite. */
  pushIndefinite(): void {
    this.push(INDEFINITE);
  }

  /** FNINIT (SDM FINIT): default control word, cleared status, all empty, pointers zero. */
  init(): void {
    this.cw = CW_INIT;
    this.sw = 0;
    this.top = 0;
    this.emptyMask = 0xff;
    this.fip =
      this.fcs =
      this.fop =
      this.fdp =
      this.fds =
        0;
  }
}

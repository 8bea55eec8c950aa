/**
 * The interface instruction semantics are written against, once, for both tiers.
 *
 * A semantic function (cpu/semantics/core.ts) describes what an instruction does in terms of
 * this interface. The interpreter runs it with {@link InterpEmitter}, whose values are numbers
 * and whose operations happen at once; the JIT runs it with its WebAssembly emitter, whose values
 * are binaryen expressions and whose operations become code. Operands of the current instruction
 * (ModRM register and r/m, immediates, displacements) are reached through the emitter, since the
 * interpreter decodes them as it goes and the JIT has decoded them beforehand.
 *
 * Value conventions: a value of an 8- or 16-bit operand is zero-extended; a 32-bit value is an
 * int32 bit pattern. Arithmetic wraps at 32 bits; callers mask narrower results.
 */
export interface Emitter<V> {
  /** A constant. */
  k(n: number): V;
  add(a: V, b: V): V;
  sub(a: V, b: V): V;
  and(a: V, b: V): V;
  or(a: V, b: V): V;
  xor(a: V, b: V): V;
  /** Shifts by a count known now (1..31). */
  shl(a: V, n: number): V;
  shrU(a: V, n: number): V;
  shrS(a: V, n: number): V;
  /** Shifts by a count known only at run time, taken modulo 32 (as JavaScript and wasm do). */
  shlBy(a: V, n: V): V;
  shrUBy(a: V, n: V): V;
  shrSBy(a: V, n: V): V;
  /** 1 when `a` is zero, else 0. */
  /** The low 32 bits of a × b. */
  mul(a: V, b: V): V;
  /** The high 32 bits of the signed 64-bit product a × b. */
  mulHighS(a: V, b: V): V;
  isZero(a: V): V;
  /** Sign-extends the low `size` bytes (1 or 2) of `v` to 32 bits. */
  signExtend(v: V, size: 1 | 2): V;
  /** `a` where `c` is non-zero, else `b` (both are evaluated). */
  select(c: V, a: V, b: V): V;
  /**
   * The number `v` holds when it is known now: always in the interpreter, for a folded constant
   * in the JIT. Lets semantics take the cheaper path of a count or offset known in advance.
   */
  constant(v: V): number | undefined;

  /** Operand size of the current instruction in bytes. */
  readonly osize: 2 | 4;
  /** The ModRM reg field of the current instruction. */
  readonly modrmReg: number;
  /** True when the ModRM r/m operand is a register (mod = 3). */
  readonly rmIsReg: boolean;
  /** An immediate of `size` bytes, zero-extended (a 32-bit one as int32). */
  imm(size: 1 | 2 | 4): V;
  /** A one-byte immediate, sign-extended. */
  immS8(): V;
  /** A relative branch displacement of `size` bytes, sign-extended (a number in both tiers). */
  disp(size: 1 | 2 | 4): number;
  /** An immediate byte as a number known now (shift counts). */
  immByte(): number;

  getReg(size: number, n: number): V;
  setReg(size: number, n: number, v: V): void;
  readRm(size: number): V;
  writeRm(size: number, v: V): void;
  /**
   * Reads the memory operand displaced by `delta` bytes (bit-string addressing of BT with a
   * register offset), the offset wrapped to the address size. Memory operands only.
   */
  readRmAt(size: number, delta: V): V;
  /** Writes the memory operand displaced by `delta` bytes, as {@link readRmAt} reads it. */
  writeRmAt(size: number, delta: V, v: V): void;
  /** The effective offset of the memory operand (LEA); #UD for a register operand. */
  effectiveOffset(): V;
  /** LOCK is allowed only with a memory destination: #UD otherwise. */
  checkLock(): void;
  /** A LOCK prefix makes this instruction #UD. */
  noLock(): void;
  /** Raises #UD (an encoding the instruction does not define). */
  undefinedOpcode(): void;

  push(size: number, v: V): void;
  pop(size: number): V;
  /** Reads the stack `delta` bytes above its top without popping. */
  peek(size: number, delta: number): V;
  /** Adds `n` to the stack pointer (at the stack's address size). */
  adjustStack(n: V): void;
  /** Register `n` (ESP, EBP) at the stack's address size. */
  stackRegister(n: number): V;
  /** Reads the stack segment at offset `off` (wrapped to the stack's address size). */
  stackRead(size: number, off: V): V;
  /** Sets the stack pointer (SP alone with a 16-bit stack). */
  setStackPointer(v: V): void;

  /**
   * Calls shared helper `id` (cpu/semantics/helpers.ts) with three values; returns its result.
   * The instructions whose meaning lives in a helper run the same code in both tiers.
   */
  helper(id: number, a: V, b: V, c: V): V;

  /** The flag bits of `mask` as they are (0 when all clear); CF comes out as 0 or 1. */
  flag(mask: number): V;
  /**
   * True when nothing can observe the flags this instruction writes or keeps (a later one
   * overwrites all six first, with no fault or flag read between): flag work may be skipped.
   * Always false in the interpreter, which does not look ahead.
   */
  readonly flagsUnobserved: boolean;
  /** Condition code `cc` (0..15): 1 when it holds, else 0. */
  cond(cc: number): V;
  /** ADD-like (LAZY_ADD) or SUB-like (LAZY_SUB) result: all six arithmetic flags follow. */
  setArith(op: number, a: V, b: V, r: V, msb: number): void;
  /** Logic result: ZF SF PF follow `r`; CF AF OF are the constant `cfAfOf`. */
  setResult(r: V, msb: number, cfAfOf: number): void;
  /** Like setResult with CF, AF and OF computed (`cfAfOf` holds only those bits). */
  setResultFlags(r: V, msb: number, cfAfOf: V): void;
  /**
   * setResultFlags when `c` is non-zero; otherwise every flag is left as it was (a shift by a
   * CL count of 0). The flag analysis must not count such an instruction as a writer.
   */
  setResultFlagsIf(c: V, r: V, msb: number, cfAfOf: V): void;
  /** CF = `cf` (0 or 1); the other flags are kept (BT and its kin). */
  setCarry(cf: V): void;
  /** INC/DEC: like setArith with b = 1, CF unchanged. */
  setIncDec(op: number, a: V, r: V, msb: number): void;

  /** EIP of the next instruction. */
  nextEip(): V;
  /** The near target `disp` bytes after the next instruction, wrapped to the operand size. */
  relativeTarget(disp: number): V;
  /** Near jump to `target` (#GP past the CS limit). */
  jump(target: V): void;
  /** Near jump to `target` when `c` is non-zero; otherwise execution goes on after this one. */
  jumpIf(c: V, target: V): void;
}

/** All-ones mask of an operand size in bytes (int32 -1 for 4). */
export function sizeMask(size: number): number {
  return size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
}

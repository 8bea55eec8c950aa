import binaryen from "binaryen";
import { AF, ARITH, CF, OF, PF, SF, ZF } from "../eflags.ts";
import type { Emitter } from "../semantics/emitter.ts";
import {
  CS,
  ES,
  ESP,
  LAZY_ADD,
  LAZY_SUB,
  MXCSR_BYTES,
  S_CR0,
  S_CR4,
  S_EFLAGS,
  S_EIP,
  S_LAZY_A,
  S_LAZY_B,
  S_LAZY_MASK,
  S_LAZY_MSB,
  S_LAZY_OP,
  S_LAZY_RES,
  S_SEG,
  SEG_BASE,
  SEG_SEL,
  SS,
  X87_BYTES,
  XMM_BYTES,
} from "../state_layout.ts";
import {
  formFop,
  formKind,
  formOp,
  formPop,
  formRegister,
  operandBytes,
  storesOperand,
} from "../fpu/x87_forms.ts";
import { type Locals, namedLocals, x87Instruction } from "../fpu/x87_semantics.ts";

/** CR0.EM, CR0.TS and CR4.OSFXSR: SSE instructions run only with the first two clear, the last set. */
const CR0_EM = 0x4, CR0_TS = 0x8, CR4_OSFXSR = 0x200;
import type { DecodedInstruction, MemoryOperand } from "./decoder.ts";
import { guardedFloat, moveValue, type SimdOp } from "../semantics/simd.ts";

type Ref = binaryen.ExpressionRef;

/** A value in compiled code: a constant known now, or a wasm local holding it. */
export type Val = { readonly k: number } | { readonly local: number };

/** Where the compiled code finds the machine: fixed addresses in the shared memory. */
export interface CodeLayout {
  /** Byte address of the CPU state block. */
  state: number;
  /** Byte addresses of the TLB read and write arrays. */
  tlbRead: number;
  tlbWrite: number;
  /** TLB permission bit of the block's privilege level (1 supervisor, 2 user). */
  accessBit: number;
  /** Byte address of the word holding how many instructions a chain of blocks may retire. */
  chainLimit: number;
  /** Byte address of the jump cache (JUMP_CACHE_ENTRIES × 16 bytes), or 0 for none. */
  jumpCache: number;
}

/** Entries of the jump cache: linear address, memory offset, privilege (0/1), table slot. */
export const JUMP_CACHE_ENTRIES = 1 << 14;

/** Index of `lin` in the jump cache. */
export function jumpCacheIndex(lin: number): number {
  return ((lin ^ (lin >>> 12)) & (JUMP_CACHE_ENTRIES - 1)) >>> 0;
}

/** Names of the functions compiled code imports (cpu/jit/runtime.ts provides them). */
export const IMPORTS = {
  /** (lin, size, eip, index) → value */
  read: "read",
  /** (lin, size, value, eip, index) → 1 when the store hit translated code */
  write: "write",
  /** (seg, off, size, eip, index) → value: FS, GS, CS with every check */
  readSeg: "readSeg",
  /** (seg, off, size, value, eip, index) → 1 when the store hit translated code */
  writeSeg: "writeSeg",
  /** (mask) → flag bits */
  flags: "flags",
  /** (cc) → 0 or 1 */
  cond: "cond",
  /** (id, a, b, c, eip, index) → the shared helper's result */
  helper: "helper",
  /** (eip, next, index) → 1 when the block must leave (EIP is in the state block) */
  interpret: "interpret",
} as const;

/** TLB entry bit of a page that may not be executed (cpu/mmu.ts TLB_NOEXEC). */
const TLB_NOEXEC_BIT = 8;

/** Name of the function table shared by every module of compiled blocks. */
export const TABLE = "blocks";

/** The last flag-setting operation of the block, when its operands are known here. */
interface FlagSource {
  kind: "add" | "sub" | "logic" | "incdec";
  a: Val;
  b: Val;
  r: Val;
  msb: number;
}

/**
 * The JIT's backend of {@link Emitter}: each operation appends WebAssembly to the block being
 * built (binaryen), values live in locals, constants fold. One instance compiles one block;
 * `begin` selects the instruction the semantics are about to describe.
 */
export class WasmEmitter implements Emitter<Val> {
  readonly body: Ref[] = [];
  readonly locals: number[] = [];
  #insn!: DecodedInstruction;
  readonly #regLocal: (number | undefined)[] = new Array(8).fill(undefined);
  readonly #regDirty: boolean[] = new Array(8).fill(false);
  readonly #segBase: (number | undefined)[] = new Array(6).fill(undefined);
  #index = 0;
  #flagsDead = false;
  #flagSource: FlagSource | undefined;
  /** Where the block goes after its last instruction, set by jump/jumpIf. */
  exit: { target: Val; cond: Val | undefined } | undefined;
  /** Local set to 1 when a store hit a page holding translated code. */
  readonly codeWritten: number;
  #wrote = false;

  constructor(readonly m: binaryen.Module, readonly layout: CodeLayout) {
    this.codeWritten = this.#newLocal();
    this.#x87Locals = namedLocals(m, binaryen.i32, (type) => this.#newLocal(type));
  }

  /** Starts instruction `index` of the block; `flagsDead` when a later one overwrites its flags. */
  begin(insn: DecodedInstruction, index: number, flagsDead: boolean): void {
    this.#insn = insn;
    this.#index = index;
    this.#flagsDead = flagsDead;
    this.#wrote = false;
  }

  /** True when the current instruction stored to memory (so code may have changed under us). */
  get wroteMemory(): boolean {
    return this.#wrote;
  }

  /** Local 0 is the parameter: instructions retired by the blocks chained before this one. */
  #newLocal(type: binaryen.Type = binaryen.i32): number {
    this.locals.push(type);
    return this.locals.length;
  }

  /** Instructions retired in the chain before instruction `index` of this block. */
  retiredBefore(index: number): Ref {
    return this.m.i32.add(this.m.local.get(0, binaryen.i32), this.m.i32.const(index));
  }

  /** A fresh expression reading `v`. */
  get(v: Val): Ref {
    return "k" in v ? this.m.i32.const(v.k) : this.m.local.get(v.local, binaryen.i32);
  }

  /** Stores `expr` in a new local. */
  #bind(expr: Ref): Val {
    const l = this.#newLocal();
    this.body.push(this.m.local.set(l, expr));
    return { local: l };
  }

  #stateLoad(word: number): Ref {
    return this.m.i32.load(0, 4, this.m.i32.const(this.layout.state + word * 4));
  }

  #stateStore(word: number, v: Ref): void {
    this.body.push(this.m.i32.store(0, 4, this.m.i32.const(this.layout.state + word * 4), v));
  }

  k(n: number): Val {
    return { k: n | 0 };
  }

  #binary(a: Val, b: Val, fold: (x: number, y: number) => number, op: (x: Ref, y: Ref) => Ref) {
    if ("k" in a && "k" in b) return { k: fold(a.k, b.k) | 0 };
    return this.#bind(op(this.get(a), this.get(b)));
  }
  add(a: Val, b: Val): Val {
    if ("k" in b && b.k === 0) return a;
    return this.#binary(a, b, (x, y) => x + y, (x, y) => this.m.i32.add(x, y));
  }
  sub(a: Val, b: Val): Val {
    if ("k" in b && b.k === 0) return a;
    return this.#binary(a, b, (x, y) => x - y, (x, y) => this.m.i32.sub(x, y));
  }
  and(a: Val, b: Val): Val {
    if ("k" in b && b.k === -1) return a;
    return this.#binary(a, b, (x, y) => x & y, (x, y) => this.m.i32.and(x, y));
  }
  or(a: Val, b: Val): Val {
    return this.#binary(a, b, (x, y) => x | y, (x, y) => this.m.i32.or(x, y));
  }
  xor(a: Val, b: Val): Val {
    return this.#binary(a, b, (x, y) => x ^ y, (x, y) => this.m.i32.xor(x, y));
  }
  shl(a: Val, n: number): Val {
    return this.#binary(a, { k: n }, (x, y) => x << y, (x, y) => this.m.i32.shl(x, y));
  }
  shrU(a: Val, n: number): Val {
    return this.#binary(a, { k: n }, (x, y) => x >>> y, (x, y) => this.m.i32.shr_u(x, y));
  }
  shrS(a: Val, n: number): Val {
    return this.#binary(a, { k: n }, (x, y) => x >> y, (x, y) => this.m.i32.shr_s(x, y));
  }
  shlBy(a: Val, n: Val): Val {
    return this.#binary(a, n, (x, y) => x << y, (x, y) => this.m.i32.shl(x, y));
  }
  shrUBy(a: Val, n: Val): Val {
    return this.#binary(a, n, (x, y) => x >>> y, (x, y) => this.m.i32.shr_u(x, y));
  }
  shrSBy(a: Val, n: Val): Val {
    return this.#binary(a, n, (x, y) => x >> y, (x, y) => this.m.i32.shr_s(x, y));
  }
  mul(a: Val, b: Val): Val {
    return this.#binary(a, b, (x, y) => Math.imul(x, y), (x, y) => this.m.i32.mul(x, y));
  }
  mulHighS(a: Val, b: Val): Val {
    const m = this.m;
    const wide = (v: Val) => m.i64.extend_s(this.get(v));
    return this.#bind(
      m.i32.wrap(m.i64.shr_s(m.i64.mul(wide(a), wide(b)), m.i64.const(32n))),
    );
  }
  isZero(a: Val): Val {
    if ("k" in a) return { k: a.k === 0 ? 1 : 0 };
    return this.#bind(this.m.i32.eqz(this.get(a)));
  }
  signExtend(v: Val, size: 1 | 2): Val {
    const shift = size === 1 ? 24 : 16;
    if ("k" in v) return { k: (v.k << shift) >> shift };
    const m = this.m;
    return this.#bind(
      m.i32.shr_s(m.i32.shl(this.get(v), m.i32.const(shift)), m.i32.const(shift)),
    );
  }
  select(c: Val, a: Val, b: Val): Val {
    if ("k" in c) return c.k !== 0 ? a : b;
    return this.#bind(this.m.select(this.get(c), this.get(a), this.get(b)));
  }
  constant(v: Val): number | undefined {
    return "k" in v ? v.k : undefined;
  }

  get osize(): 2 | 4 {
    return this.#insn.o32 ? 4 : 2;
  }
  get modrmReg(): number {
    return this.#insn.reg;
  }
  get rmIsReg(): boolean {
    return this.#insn.mod === 3;
  }
  imm(size: 1 | 2 | 4): Val {
    const v = this.#insn.imm;
    return { k: size === 1 ? v & 0xff : size === 2 ? v & 0xffff : v | 0 };
  }
  immS8(): Val {
    return { k: (this.#insn.imm << 24) >> 24 };
  }
  disp(size: 1 | 2 | 4): number {
    const v = this.#insn.imm;
    return size === 1 ? (v << 24) >> 24 : size === 2 ? (v << 16) >> 16 : v | 0;
  }

  immByte(): number {
    return this.#insn.imm & 0xff;
  }

  /**
   * The local caching general register `n` (all 32 bits), loaded on first use. Registers live in
   * locals inside a block and are stored back (`#flush`) before anything can look at the state
   * block: a call into the VMM (which may fault) and every exit.
   */
  #cached(n: number): number {
    let l = this.#regLocal[n];
    if (l === undefined) {
      l = this.#newLocal();
      this.#regLocal[n] = l;
      this.body.push(
        this.m.local.set(l, this.m.i32.load(0, 4, this.m.i32.const(this.layout.state + n * 4))),
      );
    }
    return l;
  }

  /** Stores of the registers changed since they were cached (compile-time state unchanged). */
  #flush(): Ref[] {
    const m = this.m, out: Ref[] = [];
    for (let n = 0; n < 8; n++) {
      const l = this.#regLocal[n];
      if (l !== undefined && this.#regDirty[n]) {
        out.push(
          m.i32.store(0, 4, m.i32.const(this.layout.state + n * 4), m.local.get(l, binaryen.i32)),
        );
      }
    }
    return out;
  }

  /** `call` after the changed registers are stored. */
  #withState(call: Ref, type: binaryen.Type): Ref {
    const stores = this.#flush();
    return stores.length === 0 ? call : this.m.block(null, [...stores, call], type);
  }

  /** Forgets the cached registers (a helper may have changed them in the state block). */
  #dropRegisters(): void {
    this.#regLocal.fill(undefined);
    this.#regDirty.fill(false);
  }

  getReg(size: number, n: number): Val {
    const m = this.m;
    if (size === 1 && n >= 4) {
      const full = m.local.get(this.#cached(n - 4), binaryen.i32);
      return this.#bind(m.i32.and(m.i32.shr_u(full, m.i32.const(8)), m.i32.const(0xff)));
    }
    const full = m.local.get(this.#cached(n), binaryen.i32);
    if (size === 4) return this.#bind(full);
    return this.#bind(m.i32.and(full, m.i32.const(size === 2 ? 0xffff : 0xff)));
  }
  setReg(size: number, n: number, v: Val): void {
    const m = this.m;
    if (size === 4) {
      // A register written whole needs no load first.
      let l = this.#regLocal[n];
      if (l === undefined) {
        l = this.#newLocal();
        this.#regLocal[n] = l;
      }
      this.body.push(m.local.set(l, this.get(v)));
      this.#regDirty[n] = true;
      return;
    }
    const r = size === 1 && n >= 4 ? n - 4 : n;
    const shift = size === 1 && n >= 4 ? 8 : 0;
    const mask = (size === 2 ? 0xffff : 0xff) << shift;
    const l = this.#cached(r);
    let part = m.i32.and(this.get(v), m.i32.const(size === 2 ? 0xffff : 0xff));
    if (shift) part = m.i32.shl(part, m.i32.const(shift));
    this.body.push(
      m.local.set(l, m.i32.or(m.i32.and(m.local.get(l, binaryen.i32), m.i32.const(~mask)), part)),
    );
    this.#regDirty[r] = true;
  }

  #offset(mem: MemoryOperand): Val {
    let off: Val = { k: mem.disp };
    if (mem.base >= 0) off = this.add(this.getReg(4, mem.base), off);
    if (mem.index >= 0) {
      const idx = this.getReg(4, mem.index);
      const scaled = mem.scale === 0
        ? idx
        : this.#bind(this.m.i32.shl(this.get(idx), this.m.i32.const(mem.scale)));
      off = this.add(off, scaled);
    }
    return off;
  }

  readRm(size: number): Val {
    const insn = this.#insn;
    if (insn.mod === 3) return this.getReg(size, insn.rm);
    const mem = insn.mem!;
    return this.#read(size, mem.seg, this.#offset(mem));
  }
  writeRm(size: number, v: Val): void {
    const insn = this.#insn;
    if (insn.mod === 3) return this.setReg(size, insn.rm, v);
    const mem = insn.mem!;
    this.#write(size, mem.seg, this.#offset(mem), v);
  }
  readRmAt(size: number, delta: Val): Val {
    const mem = this.#insn.mem!;
    // Compiled code uses 32-bit addressing: the offset wraps at 32 bits, as add does.
    return this.#read(size, mem.seg, this.add(this.#offset(mem), delta));
  }
  writeRmAt(size: number, delta: Val, v: Val): void {
    const mem = this.#insn.mem!;
    this.#write(size, mem.seg, this.add(this.#offset(mem), delta), v);
  }
  effectiveOffset(): Val {
    return this.#offset(this.#insn.mem!);
  }
  checkLock(): void {
    // The decoder never hands LOCK-prefixed instructions to the compiler.
  }
  noLock(): void {
    // As above.
  }
  undefinedOpcode(): void {
    // The decoder rejects the encodings that would get here.
    throw new Error("undefined encoding reached the block compiler");
  }

  /** True when `seg` is one whose flat, checked state the block was entered with. */
  #inlineSegment(seg: number): boolean {
    return seg === ES || seg === SS || seg === 3;
  }

  /** Linear address in `seg` (ES, SS or DS: they cannot change inside a block; base cached). */
  #linear(seg: number, off: Val): Val {
    let l = this.#segBase[seg];
    if (l === undefined) {
      l = this.#newLocal();
      this.#segBase[seg] = l;
      this.body.push(this.m.local.set(l, this.#stateLoad(S_SEG + seg * 4 + SEG_BASE)));
    }
    return this.add({ local: l }, off);
  }

  #load(size: number, addr: Ref): Ref {
    const m = this.m;
    if (size === 4) return m.i32.load(0, 1, addr);
    if (size === 2) return m.i32.load16_u(0, 1, addr);
    return m.i32.load8_u(0, 1, addr);
  }

  /** The TLB fast-path test for `lin`: the entry grants the access and the access fits the page. */
  #fastTest(tlb: number, lin: Val, size: number): { entry: number; test: Ref } {
    const m = this.m;
    const entry = this.#newLocal();
    // The permission bit is 1 or 2: compare, so that the AND with the page test below is 0/1.
    let test = m.i32.ne(
      m.i32.and(
        m.local.tee(
          entry,
          m.i32.load(
            0,
            4,
            m.i32.add(
              m.i32.const(tlb),
              m.i32.shl(m.i32.shr_u(this.get(lin), m.i32.const(12)), m.i32.const(2)),
            ),
          ),
          binaryen.i32,
        ),
        m.i32.const(this.layout.accessBit),
      ),
      m.i32.const(0),
    );
    if (size > 1) {
      test = m.i32.and(
        test,
        m.i32.le_u(
          m.i32.and(this.get(lin), m.i32.const(0xfff)),
          m.i32.const(0x1000 - size),
        ),
      );
    }
    return { entry, test };
  }

  #hostAddress(entry: number, lin: Val): Ref {
    const m = this.m;
    return m.i32.add(
      m.i32.and(m.local.get(entry, binaryen.i32), m.i32.const(~0xfff)),
      m.i32.and(this.get(lin), m.i32.const(0xfff)),
    );
  }

  #read(size: number, seg: number, off: Val): Val {
    const m = this.m, insn = this.#insn, index = this.#index;
    if (!this.#inlineSegment(seg)) {
      return this.#bind(this.#withState(
        m.call(IMPORTS.readSeg, [
          m.i32.const(seg),
          this.get(off),
          m.i32.const(size),
          m.i32.const(insn.eip),
          this.retiredBefore(index),
        ], binaryen.i32),
        binaryen.i32,
      ));
    }
    const lin = this.#linear(seg, off);
    const { entry, test } = this.#fastTest(this.layout.tlbRead, lin, size);
    const slow = this.#withState(
      m.call(IMPORTS.read, [
        this.get(lin),
        m.i32.const(size),
        m.i32.const(insn.eip),
        this.retiredBefore(index),
      ], binaryen.i32),
      binaryen.i32,
    );
    return this.#bind(m.if(test, this.#load(size, this.#hostAddress(entry, lin)), slow));
  }

  #write(size: number, seg: number, off: Val, v: Val): void {
    const m = this.m, insn = this.#insn, index = this.#index;
    this.#wrote = true;
    if (!this.#inlineSegment(seg)) {
      this.body.push(m.local.set(
        this.codeWritten,
        this.#withState(
          m.call(IMPORTS.writeSeg, [
            m.i32.const(seg),
            this.get(off),
            m.i32.const(size),
            this.get(v),
            m.i32.const(insn.eip),
            this.retiredBefore(index),
          ], binaryen.i32),
          binaryen.i32,
        ),
      ));
      return;
    }
    const lin = this.#linear(seg, off);
    const { entry, test } = this.#fastTest(this.layout.tlbWrite, lin, size);
    const addr = this.#hostAddress(entry, lin);
    const store = size === 4
      ? m.i32.store(0, 1, addr, this.get(v))
      : size === 2
      ? m.i32.store16(0, 1, addr, this.get(v))
      : m.i32.store8(0, 1, addr, this.get(v));
    const slow = m.local.set(
      this.codeWritten,
      this.#withState(
        m.call(IMPORTS.write, [
          this.get(lin),
          m.i32.const(size),
          this.get(v),
          m.i32.const(insn.eip),
          this.retiredBefore(index),
        ], binaryen.i32),
        binaryen.i32,
      ),
    );
    this.body.push(m.if(test, store, slow));
  }

  push(size: number, v: Val): void {
    const esp = this.sub(this.getReg(4, ESP), { k: size });
    this.#write(size, SS, esp, v);
    this.setReg(4, ESP, esp);
  }
  pop(size: number): Val {
    const esp = this.getReg(4, ESP);
    const v = this.#read(size, SS, esp);
    this.setReg(4, ESP, this.add(esp, { k: size }));
    return v;
  }
  peek(size: number, delta: number): Val {
    return this.#read(size, SS, this.add(this.getReg(4, ESP), { k: delta }));
  }
  adjustStack(n: Val): void {
    this.setReg(4, ESP, this.add(this.getReg(4, ESP), n));
  }

  stackRegister(n: number): Val {
    return this.getReg(4, n); // compiled code runs with a 32-bit stack
  }
  stackRead(size: number, off: Val): Val {
    return this.#read(size, SS, off);
  }
  setStackPointer(v: Val): void {
    this.setReg(4, ESP, v);
  }

  helper(id: number, a: Val, b: Val, c: Val): Val {
    const m = this.m;
    const r = this.#bind(this.#withState(
      m.call(IMPORTS.helper, [
        m.i32.const(id),
        this.get(a),
        this.get(b),
        this.get(c),
        m.i32.const(this.#insn.eip),
        this.retiredBefore(this.#index),
      ], binaryen.i32),
      binaryen.i32,
    ));
    // A helper may read and write the registers and flags in the state block.
    this.#dropRegisters();
    this.#flagSource = undefined;
    return r;
  }

  /**
   * Runs the current instruction through the interpreter (cpu/jit/interpreted.ts): the registers
   * held in locals are stored first and reloaded after, the flags are taken as unknown, and the
   * block leaves when the interpreter did not end at the next instruction or wrote translated code.
   */
  interpret(): void {
    this.body.push(this.#interpretCall());
    this.#dropRegisters();
    this.#flagSource = undefined;
  }

  /** The call of `interpret`, leaving the block when it says so. */
  #interpretCall(): Ref {
    const m = this.m, insn = this.#insn;
    const call = this.#withState(
      m.call(IMPORTS.interpret, [
        m.i32.const(insn.eip),
        m.i32.const(insn.next),
        this.retiredBefore(this.#index),
      ], binaryen.i32),
      binaryen.i32,
    );
    return m.if(call, m.return(this.retiredBefore(this.#index + 1)));
  }

  /**
   * An instruction of the SIMD table inline (cpu/semantics/simd.ts): when SSE is enabled (CR0.EM
   * and CR0.TS clear, CR4.OSFXSR set) and a memory operand is in a flat segment, aligned as the
   * instruction requires and in a page the TLB grants, the table's operation runs on the XMM
   * registers in the state block; otherwise the interpreter's handler runs it (and raises its
   * fault). Neither path changes a general register or a flag.
   */
  simd(op: SimdOp): void {
    const m = this.m, insn = this.#insn, i32 = binaryen.i32;
    const state = this.layout.state;
    const xmm = (n: number) => m.i32.const(state + XMM_BYTES + 16 * n);
    const loadXmm = (n: number) => () => m.v128.load(0, 16, xmm(n));
    const word = (w: number) => m.i32.load(0, 4, m.i32.const(state + w * 4));
    // SSE is usable: (CR0 & (EM|TS)) | ((CR4 & OSFXSR) ^ OSFXSR) is 0.
    let test = m.i32.eqz(m.i32.or(
      m.i32.and(word(S_CR0), m.i32.const(CR0_EM | CR0_TS)),
      m.i32.xor(m.i32.and(word(S_CR4), m.i32.const(CR4_OSFXSR)), m.i32.const(CR4_OSFXSR)),
    ));
    let source: () => Ref = loadXmm(insn.rm);
    let target = xmm(insn.rm);
    const mem = insn.mem;
    if (mem !== undefined) {
      // A shift group's memory form is #UD: the interpreter raises it.
      if (!this.#inlineSegment(mem.seg) || op.kind === "shift") return this.interpret();
      const lin = this.#linear(mem.seg, this.effectiveOffset());
      const tlb = op.kind === "store" ? this.layout.tlbWrite : this.layout.tlbRead;
      const size = op.size ?? 16;
      const fast = this.#fastTest(tlb, lin, size);
      test = m.i32.and(test, fast.test);
      if (op.aligned) test = m.i32.and(test, m.i32.eqz(m.i32.and(this.get(lin), m.i32.const(15))));
      const host = this.#newLocal();
      source = size === 4
        ? () => m.v128.load32_zero(0, 1, m.local.get(host, i32))
        : size === 8
        ? () => m.v128.load64_zero(0, 1, m.local.get(host, i32))
        : () => m.v128.load(0, 1, m.local.get(host, i32));
      target = m.local.get(host, i32);
      // The host address is computed only once the test has passed (the entry is then valid).
      const inline = this.#simdOperation(op, insn.reg, source, target, loadXmm);
      this.body.push(m.if(
        test,
        m.block(null, [m.local.set(host, this.#hostAddress(fast.entry, lin)), inline]),
        this.#interpretCall(),
      ));
      return;
    }
    this.body.push(m.if(
      test,
      this.#simdOperation(op, insn.reg, source, target, loadXmm),
      this.#interpretCall(),
    ));
  }

  /**
   * An x87 instruction of cpu/fpu/x87_semantics.ts (form word `form`, cpu/fpu/x87_forms.ts)
   * inline: when the unit is usable (CR0.EM and CR0.TS clear) and a memory operand is in a flat
   * segment, within one page and in a page the TLB grants, the builder the interpreter's kernels
   * are made of runs on the register file in the state block, reading the operand or storing its
   * result in place; when it declines, or the tests fail, the interpreter's handler runs the
   * instruction (and raises its fault). Neither path changes a general register or a flag.
   */
  x87(form: number): void {
    const m = this.m, insn = this.#insn, i32 = binaryen.i32;
    const state = this.layout.state;
    const word = (w: number) => m.i32.load(0, 4, m.i32.const(state + w * 4));
    const selector = (seg: number) =>
      m.i32.and(word(S_SEG + seg * 4 + SEG_SEL), m.i32.const(0xffff));
    const mem = insn.mem, bytes = operandBytes(form);
    if (mem !== undefined && bytes !== 0 && !this.#inlineSegment(mem.seg)) return this.interpret();
    const done = `x87done${this.#index}`, decline = `x87decline${this.#index}`;
    const zero = () => m.i32.const(0);
    const code: Ref[] = [
      m.br(decline, m.i32.and(word(S_CR0), m.i32.const(CR0_EM | CR0_TS))),
    ];
    let operands = {
      lo: zero,
      hi: zero,
      ext: zero,
      dst: zero,
      fdp: zero,
      segs: () => selector(CS),
    };
    if (mem !== undefined && bytes !== 0) {
      const off = this.effectiveOffset();
      const lin = this.#linear(mem.seg, off);
      const store = storesOperand(form);
      const fast = this.#fastTest(store ? this.layout.tlbWrite : this.layout.tlbRead, lin, bytes);
      const host = this.#newLocal();
      const at = () => m.local.get(host, i32);
      // The host address is computed only once the test has passed (the entry is then valid).
      code.push(
        m.br(decline, m.i32.eqz(fast.test)),
        m.local.set(host, this.#hostAddress(fast.entry, lin)),
      );
      operands = {
        lo: store
          ? zero
          : bytes === 2
          ? () => m.i32.load16_u(0, 1, at())
          : () => m.i32.load(0, 1, at()),
        hi: store || bytes < 8 ? zero : () => m.i32.load(4, 1, at()),
        ext: store || bytes < 10 ? zero : () => m.i32.load16_u(8, 1, at()),
        dst: at,
        fdp: () => this.get(off),
        segs: () => m.i32.or(selector(CS), m.i32.shl(selector(mem.seg), m.i32.const(16))),
      };
    }
    const locals = this.#x87Locals;
    const cx = { m, locals, i32, i64: binaryen.i64, decline: () => m.br(decline) };
    code.push(
      ...x87Instruction(cx, formKind(form), formOp(form), {
        ...operands,
        area: () => m.i32.const(state + X87_BYTES),
        eip: () => m.i32.const(insn.eip),
        i: () => m.i32.const(formRegister(form)),
        pop: () => m.i32.const(formPop(form)),
        fop: () => m.i32.const(formFop(form)),
      }),
      m.br(done),
    );
    this.body.push(m.block(done, [m.block(decline, code), this.#interpretCall()]));
  }

  /** Named locals of the x87 builder, shared by the block's x87 instructions. */
  readonly #x87Locals: Locals;

  /** The store of `op`'s result: to XMMreg, or (a "store") to `target`. */
  #simdOperation(
    op: SimdOp,
    reg: number,
    source: () => Ref,
    target: Ref,
    loadXmm: (n: number) => () => Ref,
  ): Ref {
    const m = this.m, insn = this.#insn;
    const imm = () => m.i32.const(insn.imm);
    const xmm = (n: number) => m.i32.const(this.layout.state + XMM_BYTES + 16 * n);
    const registers = insn.mem === undefined;
    if (op.kind === "load") {
      return m.v128.store(0, 16, xmm(reg), moveValue(m, op, loadXmm(reg), source, registers));
    }
    if (op.kind === "store") {
      const value = moveValue(m, op, loadXmm(insn.rm), loadXmm(reg), registers);
      if (registers) return m.v128.store(0, 16, xmm(insn.rm), value);
      // A store to memory writes the low `size` bytes of the value.
      if (op.size === 4) return m.i32.store(0, 1, target, m.i32x4.extract_lane(value, 0));
      if (op.size === 8) return m.i64.store(0, 1, target, m.i64x2.extract_lane(value, 0));
      return m.v128.store(0, 1, target, value);
    }
    if (op.kind === "float") {
      const state = this.layout.state;
      const type = (single: boolean) => single ? binaryen.f32 : binaryen.f64;
      const locals = { type, next: (single: boolean) => this.#newLocal(type(single)) };
      return guardedFloat(
        m,
        op,
        loadXmm(reg),
        source,
        () => m.i32.load(0, 4, m.i32.const(state + MXCSR_BYTES)),
        locals,
        (v) => m.v128.store(0, 16, m.i32.const(state + XMM_BYTES + 16 * reg), v),
        this.#interpretCall(),
      );
    }
    if (op.kind === "shift") {
      return m.v128.store(0, 16, xmm(insn.rm), op.v128!(m, loadXmm(insn.rm), source, imm));
    }
    return m.v128.store(0, 16, xmm(reg), op.v128!(m, loadXmm(reg), source, imm));
  }

  get flagsUnobserved(): boolean {
    return this.#flagsDead;
  }

  flag(mask: number): Val {
    return this.#bind(this.m.call(IMPORTS.flags, [this.m.i32.const(mask)], binaryen.i32));
  }

  cond(cc: number): Val {
    const inline = this.#inlineCondition(cc >> 1);
    if (inline === undefined) {
      return this.#bind(this.m.call(IMPORTS.cond, [this.m.i32.const(cc)], binaryen.i32));
    }
    return cc & 1 ? this.#bind(this.m.i32.eqz(this.get(inline))) : inline;
  }

  /**
   * Condition `pair` (cc >> 1) from the operands of a flag-setting operation earlier in this
   * block, when that is simpler than reading the lazy flags: the usual CMP/TEST + Jcc.
   */
  #inlineCondition(pair: number): Val | undefined {
    const src = this.#flagSource;
    if (src === undefined) return undefined;
    const m = this.m;
    const { a, b, r, msb } = src;
    const sign = () =>
      this.#bind(m.i32.and(m.i32.shr_u(this.get(r), m.i32.const(msb)), m.i32.const(1)));
    const zero = () => this.#bind(m.i32.eqz(this.get(r)));
    const signed = (v: Val) =>
      msb === 31
        ? this.get(v)
        : m.i32.shr_s(m.i32.shl(this.get(v), m.i32.const(31 - msb)), m.i32.const(31 - msb));
    switch (src.kind) {
      case "logic":
        if (pair === 0 || pair === 1) return { k: 0 }; // OF, CF clear
        if (pair === 2 || pair === 3) return zero(); // ZF; CF|ZF
        if (pair === 4 || pair === 6) return sign(); // SF; SF≠OF with OF clear
        if (pair === 7) return this.#bind(m.i32.or(m.i32.eqz(this.get(r)), this.get(sign())));
        return undefined;
      case "sub":
        if (pair === 1) return this.#bind(m.i32.lt_u(this.get(a), this.get(b)));
        if (pair === 2) return zero();
        if (pair === 3) return this.#bind(m.i32.le_u(this.get(a), this.get(b)));
        if (pair === 4) return sign();
        if (pair === 6) return this.#bind(m.i32.lt_s(signed(a), signed(b)));
        if (pair === 7) return this.#bind(m.i32.le_s(signed(a), signed(b)));
        return undefined;
      case "add":
        if (pair === 1) return this.#bind(m.i32.lt_u(this.get(r), this.get(a)));
        if (pair === 2) return zero();
        if (pair === 4) return sign();
        return undefined;
      default:
        if (pair === 2) return zero();
        if (pair === 4) return sign();
        return undefined;
    }
  }

  setArith(op: number, a: Val, b: Val, r: Val, msb: number): void {
    // ADC and SBB: the carry-in makes the simple comparisons below wrong.
    const reads = this.#insn.entry.reads;
    const carryIn = (typeof reads === "function" ? reads(this.#insn.reg) : reads) !== 0;
    this.#flagSource = carryIn
      ? undefined
      : { kind: op === LAZY_ADD ? "add" : "sub", a, b, r, msb };
    if (this.#flagsDead) return;
    this.#stateStore(S_LAZY_OP, this.m.i32.const(op === LAZY_SUB ? LAZY_SUB : LAZY_ADD));
    this.#stateStore(S_LAZY_A, this.get(a));
    this.#stateStore(S_LAZY_B, this.get(b));
    this.#stateStore(S_LAZY_RES, this.get(r));
    this.#stateStore(S_LAZY_MSB, this.m.i32.const(msb));
    this.#stateStore(S_LAZY_MASK, this.m.i32.const(ARITH));
  }

  setResult(r: Val, msb: number, cfAfOf: number): void {
    this.#flagSource = cfAfOf === 0 ? { kind: "logic", a: r, b: r, r, msb } : undefined;
    if (this.#flagsDead) return;
    this.#storeResultFlags(r, msb, this.m.i32.const(cfAfOf));
  }

  setResultFlags(r: Val, msb: number, cfAfOf: Val): void {
    if ("k" in cfAfOf) return this.setResult(r, msb, cfAfOf.k);
    this.#flagSource = undefined;
    if (this.#flagsDead) return;
    this.#storeResultFlags(r, msb, this.get(cfAfOf));
  }

  setResultFlagsIf(c: Val, r: Val, msb: number, cfAfOf: Val): void {
    if ("k" in c) {
      if (c.k !== 0) this.setResultFlags(r, msb, cfAfOf);
      return;
    }
    // Whether the flags change is known only at run time: nothing is known of them after.
    this.#flagSource = undefined;
    if (this.#flagsDead) return;
    const m = this.m;
    const stores = this.#capture(() => this.#storeResultFlags(r, msb, this.get(cfAfOf)));
    this.body.push(m.if(this.get(c), m.block(null, stores)));
  }

  /**
   * Stores a result whose ZF, SF and PF stay lazy: CF, AF and OF go into EFLAGS now, from
   * `cfAfOf` (those three bits and no others).
   */
  #storeResultFlags(r: Val, msb: number, cfAfOf: Ref): void {
    const m = this.m;
    this.#stateStore(
      S_EFLAGS,
      m.i32.or(
        m.i32.and(this.#stateLoad(S_EFLAGS), m.i32.const(~(CF | AF | OF))),
        cfAfOf,
      ),
    );
    this.#stateStore(S_LAZY_RES, this.get(r));
    this.#stateStore(S_LAZY_MSB, m.i32.const(msb));
    this.#stateStore(S_LAZY_MASK, m.i32.const(ZF | SF | PF));
  }

  /** The code `emit` appends to the body, taken out of it (`emit` must add no local state). */
  #capture(emit: () => void): Ref[] {
    const start = this.body.length;
    emit();
    return this.body.splice(start);
  }

  setCarry(cf: Val): void {
    this.#flagSource = undefined;
    if (this.#flagsDead) return;
    const m = this.m;
    // The lazy fields keep describing the other flags; only CF leaves them.
    this.#stateStore(
      S_EFLAGS,
      m.i32.or(m.i32.and(this.#stateLoad(S_EFLAGS), m.i32.const(~CF)), this.get(cf)),
    );
    this.#stateStore(S_LAZY_MASK, m.i32.and(this.#stateLoad(S_LAZY_MASK), m.i32.const(~CF)));
  }

  setIncDec(op: number, a: Val, r: Val, msb: number): void {
    // CF survives: from the operation before, when this block produced it; else from EFLAGS, or
    // from the lazy fields when it is still lazy there.
    const dead = this.#flagsDead;
    const before = this.#flagSource;
    const known = !dead && before !== undefined ? this.#carryOf(before) : undefined;
    this.#flagSource = { kind: "incdec", a, b: { k: 1 }, r, msb };
    if (dead) return;
    const m = this.m;
    const cfVal = known ?? this.#bind(m.if(
      m.i32.and(this.#stateLoad(S_LAZY_MASK), m.i32.const(CF)),
      m.call(IMPORTS.flags, [m.i32.const(CF)], binaryen.i32),
      m.i32.and(this.#stateLoad(S_EFLAGS), m.i32.const(CF)),
    ));
    this.#stateStore(
      S_EFLAGS,
      m.i32.or(m.i32.and(this.#stateLoad(S_EFLAGS), m.i32.const(~CF)), this.get(cfVal)),
    );
    this.#stateStore(S_LAZY_OP, m.i32.const(op));
    this.#stateStore(S_LAZY_A, this.get(a));
    this.#stateStore(S_LAZY_B, m.i32.const(1));
    this.#stateStore(S_LAZY_RES, this.get(r));
    this.#stateStore(S_LAZY_MSB, m.i32.const(msb));
    this.#stateStore(S_LAZY_MASK, m.i32.const(ARITH & ~CF));
  }

  /** CF (0 or 1) left by `src`, when it can be told from its operands. */
  #carryOf(src: FlagSource): Val | undefined {
    if (src.kind === "logic") return { k: 0 };
    if (src.kind === "sub") return this.#inlineCondition(1);
    if (src.kind === "add") return this.#inlineCondition(1);
    return undefined; // INC/DEC keep an older CF
  }

  /** Forgets what the block knows about the flags (a helper may have changed them). */
  forgetFlags(): void {
    this.#flagSource = undefined;
  }

  nextEip(): Val {
    return { k: this.#insn.next };
  }
  relativeTarget(disp: number): Val {
    return { k: (this.#insn.next + disp) | 0 };
  }
  jump(target: Val): void {
    this.exit = { target, cond: undefined };
  }
  jumpIf(c: Val, target: Val): void {
    this.exit = { target, cond: c };
  }

  /** Code that leaves the block: EIP = `eip`, returns the chain's instructions so far. */
  leave(eip: Val, retired: number): Ref {
    const m = this.m;
    return m.block(null, [
      ...this.#flush(),
      m.i32.store(0, 4, m.i32.const(this.layout.state + S_EIP * 4), this.get(eip)),
      m.return(this.retiredBefore(retired)),
    ]);
  }

  /**
   * Code that goes on to the compiled block found in the jump cache for the linear address
   * `target` (a return, an indirect jump, a branch to another page) when the chain may retire
   * more and the TLB still maps that address to the block's memory; else leaves for `target`.
   */
  chainThroughCache(target: Val, retired: number, user: number): Ref {
    const m = this.m, L = this.layout, i32 = binaryen.i32;
    const n = this.#newLocal(), lin = this.#newLocal(), at = this.#newLocal();
    const entry = this.#newLocal(), slot = this.#newLocal();
    const get = (l: number) => m.local.get(l, i32);
    const cacheWord = (offset: number) => m.i32.load(offset, 4, get(at));
    const sig = binaryen.createType([i32]);
    const hash = m.i32.and(
      m.i32.xor(get(lin), m.i32.shr_u(get(lin), m.i32.const(12))),
      m.i32.const(JUMP_CACHE_ENTRIES - 1),
    );
    const tlb = m.i32.load(
      0,
      4,
      m.i32.add(
        m.i32.const(L.tlbRead),
        m.i32.shl(m.i32.shr_u(get(lin), m.i32.const(12)), m.i32.const(2)),
      ),
    );
    const mapped = m.i32.and(
      m.i32.eq(
        m.i32.and(m.local.tee(entry, tlb, i32), m.i32.const(L.accessBit | TLB_NOEXEC_BIT)),
        m.i32.const(L.accessBit),
      ),
      m.i32.eq(
        m.i32.or(
          m.i32.and(get(entry), m.i32.const(~0xfff)),
          m.i32.and(get(lin), m.i32.const(0xfff)),
        ),
        cacheWord(4),
      ),
    );
    return m.block(null, [
      ...this.#flush(),
      m.local.set(n, this.retiredBefore(retired)),
      m.local.set(lin, this.get(target)),
      m.if(
        m.i32.le_s(get(n), m.i32.load(0, 4, m.i32.const(L.chainLimit))),
        m.block(null, [
          m.local.set(at, m.i32.add(m.i32.const(L.jumpCache), m.i32.shl(hash, m.i32.const(4)))),
          m.if(
            m.i32.and(
              m.i32.eq(cacheWord(0), get(lin)),
              m.i32.eq(cacheWord(8), m.i32.const(user)),
            ),
            m.if(
              mapped,
              m.if(
                m.local.tee(slot, cacheWord(12), i32),
                m.return_call_indirect(TABLE, get(slot), [get(n)], sig, i32),
              ),
            ),
          ),
        ]),
      ),
      m.i32.store(0, 4, m.i32.const(L.state + S_EIP * 4), get(lin)),
      m.return(get(n)),
    ]);
  }

  /**
   * Code that goes on to the compiled block whose table slot is in the word at `cell` (0 while
   * there is none) when the chain may retire more, else leaves for EIP = `target`.
   */
  chain(target: number, retired: number, cell: number): Ref {
    const m = this.m;
    const n = this.#newLocal(), slot = this.#newLocal();
    const sig = binaryen.createType([binaryen.i32]);
    return m.block(null, [
      ...this.#flush(),
      m.local.set(n, this.retiredBefore(retired)),
      m.if(
        m.i32.le_s(
          m.local.get(n, binaryen.i32),
          m.i32.load(0, 4, m.i32.const(this.layout.chainLimit)),
        ),
        m.if(
          m.local.tee(slot, m.i32.load(0, 4, m.i32.const(cell)), binaryen.i32),
          m.return_call_indirect(
            TABLE,
            m.local.get(slot, binaryen.i32),
            [m.local.get(n, binaryen.i32)],
            sig,
            binaryen.i32,
          ),
        ),
      ),
      m.i32.store(0, 4, m.i32.const(this.layout.state + S_EIP * 4), m.i32.const(target)),
      m.return(m.local.get(n, binaryen.i32)),
    ]);
  }
}

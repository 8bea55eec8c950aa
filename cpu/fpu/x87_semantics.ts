import type binaryen from "binaryen";
import {
  K_ARITH_I16,
  K_ARITH_I32,
  K_ARITH_M32,
  K_ARITH_M64,
  K_ARITH_STI,
  K_FABS,
  K_FCHS,
  K_FCOM_M32,
  K_FCOM_M64,
  K_FCOM_STI,
  K_FILD_M16,
  K_FILD_M32,
  K_FIST_M16,
  K_FIST_M32,
  K_FLD_CONST,
  K_FLD_M32,
  K_FLD_M64,
  K_FLD_M80,
  K_FLD_STI,
  K_FSQRT,
  K_FST_M32,
  K_FST_M64,
  K_FST_STI,
  K_FSTP_M80,
  K_FTST,
  K_FXCH,
  operandBytes,
} from "./x87_forms.ts";
import {
  REG_SE,
  X87_CW,
  X87_EMPTY,
  X87_FCS,
  X87_FDP,
  X87_FDS,
  X87_FIP,
  X87_FOP,
  X87_REGS,
  X87_SW,
  X87_TOP,
} from "./x87_layout.ts";
import { BIAS } from "./f80.ts";
import { C0, C1, C3, CC, ES, PE } from "./status.ts";

/**
 * The common case of the x87 as WebAssembly, written once as binaryen expressions that both
 * tiers run: the interpreter calls them as small kernels built from this (cpu/fpu/x87_kernels.ts)
 * before its exact handler, compiled code inlines them (cpu/jit/wasm_emitter.ts `x87`) with the
 * interpreter's handler as slow path. Which forms, and the form word, are cpu/fpu/x87_forms.ts's.
 *
 * An instruction works on the register file in the x87 area (cpu/fpu/x87_layout.ts) and does what
 * the exact handlers do when every exception is masked, no exception is pending, the operands are
 * where the stack says (no underflow, no overflow) and every value involved is normal:
 * FADD/FSUB/FSUBR/FMUL/FDIV/FDIVR and FSQRT with a normal result (rounded once under RC and PC,
 * tininess before rounding, as cpu/fpu/rounding.ts), the same with an m16/m32 integer operand,
 * FLD/FST of m32 and m64 whose value is a normal single or double, FLD/FSTP m80 (a copy),
 * FILD m16/m32, FIST/FISTP m16/m32 of a normal value or a zero that fits, FCOM/FUCOM (their pops
 * too) and FTST of normal values and zeros, FLD/FST/FSTP/FXCH between registers, FCHS, FABS,
 * FLD1 and FLDZ; C1 reports rounding up, PE inexact, and FIP/FCS/FOP (FDP/FDS for memory forms)
 * are recorded. Anything else — a denormal, infinity, NaN or unsupported operand (or a zero
 * where not said), a result that overflows or is tiny, an empty or full stack, an unmasked or
 * pending exception — declines before anything is written, and the exact path (cpu/fpu/arith.ts,
 * convert.ts, compare.ts, on bigints) decides; x87_kernels_test.ts holds the two equal on random
 * and edge operands under every RC and PC, tests/differential/x87_vs_host_test.ts both against
 * the host CPU.
 *
 * Significands are i64 here: a sum is kept to 128 bits plus a sticky bit, a product exactly.
 *
 * @module
 */

type Ref = binaryen.ExpressionRef;

/** Named locals of the function being built. */
export interface Locals {
  /** Reads `name`; a name not set yet is an i32. */
  get(name: string): Ref;
  /** Sets `name`, declaring it of `type` (i32 by default) the first time. */
  set(name: string, value: Ref, type?: binaryen.Type): Ref;
}

/** What a builder needs: the module, locals, the value types and how to decline. */
export interface X87Context {
  m: binaryen.Module;
  locals: Locals;
  i32: binaryen.Type;
  i64: binaryen.Type;
  /** Leaves the instruction to the exact path (nothing has been written yet). */
  decline(): Ref;
}

/** The operands of one instruction: fresh i32 expressions for each. */
export interface X87Operands {
  /** Byte address of the x87 area. */
  area(): Ref;
  /** The memory operand read (m32: `lo`; m80: `lo`, `hi` and the 16 bits `ext`), 0 otherwise. */
  lo(): Ref;
  hi(): Ref;
  ext(): Ref;
  /** Where a store's bytes go. */
  dst(): Ref;
  /** The instruction's offset, its memory operand's offset, CS | data selector << 16. */
  eip(): Ref;
  fdp(): Ref;
  segs(): Ref;
  /** The form word's register index, pop bit (0/1) and FOP. */
  i(): Ref;
  pop(): Ref;
  fop(): Ref;
}

/**
 * Named locals over `declare`, which adds a local of the given type to the function being built
 * and returns its index: a name gets its local (i32 unless first set with another type) the
 * first time it is used. The kernels and compiled code both build their locals with it.
 */
export function namedLocals(
  m: binaryen.Module,
  i32: binaryen.Type,
  declare: (type: binaryen.Type) => number,
): Locals {
  const names = new Map<string, { index: number; type: binaryen.Type }>();
  const local = (name: string, type: binaryen.Type) => {
    let l = names.get(name);
    if (l === undefined) {
      l = { index: declare(type), type };
      names.set(name, l);
    }
    return l;
  };
  return {
    get: (name) => {
      const l = local(name, i32);
      return m.local.get(l.index, l.type);
    },
    set: (name, value, type = i32) => m.local.set(local(name, type).index, value),
  };
}

/** Locals under a prefix, so that each inlined helper has its own. */
function scope(locals: Locals, prefix: string): Locals {
  return {
    get: (name) => locals.get(prefix + name),
    set: (name, value, type) => locals.set(prefix + name, value, type),
  };
}

/** `normal(sig, se)`: J set and the biased exponent in 1…0x7ffe. */
function normal(m: binaryen.Module, sig: Ref, se: Ref): Ref {
  return m.i32.and(
    m.i32.lt_u(m.i32.sub(m.i32.and(se, m.i32.const(0x7fff)), m.i32.const(1)), m.i32.const(0x7ffe)),
    m.i64.lt_s(sig, m.i64.const(0n)),
  );
}

/**
 * Sets "inc" in `s`: whether rounding under "rc" moves the magnitude up, for the discarded part
 * `disc` compared with "half" (exactly a half: `tie` decides, to even), given "sign" and
 * "inexact" in `s`. The one rule of every rounding here, as cpu/fpu/rounding.ts's `roundAt`.
 */
function increment(cx: X87Context, s: Locals, disc: string, tie: () => Ref): Ref[] {
  const { m } = cx;
  return [
    s.set("inc", m.i32.const(0)),
    m.if(
      s.get("inexact"),
      m.if(
        m.i32.eqz(s.get("rc")),
        s.set(
          "inc",
          m.i32.or(
            m.i64.gt_u(s.get(disc), s.get("half")),
            m.i32.and(m.i64.eq(s.get(disc), s.get("half")), tie()),
          ),
        ),
        m.if(
          m.i32.eq(s.get("rc"), m.i32.const(1)),
          s.set("inc", s.get("sign")),
          m.if(
            m.i32.eq(s.get("rc"), m.i32.const(2)),
            s.set("inc", m.i32.xor(s.get("sign"), m.i32.const(1))),
          ),
        ),
      ),
    ),
  ];
}

/**
 * Rounds `hi` (bit 63 set) with the 64 bits `ext` below it and `sticky` for anything lower to `p`
 * bits (24, 53 or 64) under `rc`, for sign `sign`. Leaves in `s`: "hi" the kept bits (2^63 with
 * "carry" 1 when rounding up carried out of bit 63), "inc" (rounded up) and "inexact".
 */
function round(
  cx: X87Context,
  s: Locals,
  a: { sign: Ref; hi: Ref; ext: Ref; sticky: Ref; p: Ref; rc: Ref },
): Ref[] {
  const { m, i64 } = cx;
  const L = (v: bigint) => m.i64.const(v);
  return [
    s.set("sign", a.sign),
    s.set("hi", a.hi, i64),
    s.set("ext", a.ext, i64),
    s.set("sticky", a.sticky),
    s.set("p", a.p),
    s.set("rc", a.rc),
    s.set("d", m.i64.extend_u(m.i32.sub(m.i32.const(64), s.get("p"))), i64),
    m.if(
      m.i32.eq(s.get("p"), m.i32.const(64)),
      m.block(null, [
        s.set("disc", s.get("ext"), i64),
        s.set("half", L(1n << 63n), i64),
        s.set("below", s.get("sticky")),
        s.set("odd", m.i32.wrap(m.i64.and(s.get("hi"), L(1n)))),
      ]),
      m.block(null, [
        s.set("mask", m.i64.sub(m.i64.shl(L(1n), s.get("d")), L(1n)), i64),
        s.set("disc", m.i64.and(s.get("hi"), s.get("mask")), i64),
        s.set("half", m.i64.shl(L(1n), m.i64.sub(s.get("d"), L(1n))), i64),
        s.set("below", m.i32.or(m.i64.ne(s.get("ext"), L(0n)), s.get("sticky"))),
        s.set("odd", m.i32.wrap(m.i64.and(m.i64.shr_u(s.get("hi"), s.get("d")), L(1n)))),
        s.set("hi", m.i64.xor(s.get("hi"), s.get("disc")), i64),
      ]),
    ),
    s.set("inexact", m.i32.or(m.i64.ne(s.get("disc"), L(0n)), s.get("below"))),
    ...increment(cx, s, "disc", () => m.i32.or(s.get("below"), s.get("odd"))),
    s.set("carry", m.i32.const(0)),
    m.if(
      s.get("inc"),
      m.block(null, [
        s.set("hi", m.i64.add(s.get("hi"), m.i64.shl(L(1n), s.get("d"))), i64),
        m.if(
          m.i64.eqz(s.get("hi")),
          m.block(null, [s.set("hi", L(1n << 63n), i64), s.set("carry", m.i32.const(1))]),
        ),
      ]),
    ),
  ];
}

/**
 * The packed result of a rounding in `r` for sign `sign` and biased exponent `e` of bit 63
 * before rounding: sets "sig" and "se" in `s`, or declines when the exact result was tiny or the
 * rounded one overflows.
 */
function pack(cx: X87Context, s: Locals, r: Locals, sign: Ref, e: Ref): Ref[] {
  const { m, i64 } = cx;
  return [
    s.set("e", e),
    m.if(
      m.i32.or(
        m.i32.lt_s(s.get("e"), m.i32.const(1)),
        m.i32.gt_s(m.i32.add(s.get("e"), r.get("carry")), m.i32.const(0x7ffe)),
      ),
      cx.decline(),
    ),
    s.set("sig", r.get("hi"), i64),
    s.set("se", m.i32.or(m.i32.shl(sign, m.i32.const(15)), m.i32.add(s.get("e"), r.get("carry")))),
  ];
}

/** An F80 operand: expressions for its significand (i64) and sign/exponent (i32). */
interface Value {
  sig: Ref;
  se: Ref;
}

/**
 * Sets "aSig", "aSe", "bSig", "bSe" in `s`, declining unless `accept` (by default: normal) holds
 * for both operands.
 */
function operands(
  cx: X87Context,
  s: Locals,
  a: Value,
  b: Value,
  accept: (sig: () => Ref, se: () => Ref) => Ref = (sig, se) => normal(cx.m, sig(), se()),
): Ref[] {
  const { m, i64 } = cx;
  return [
    s.set("aSig", a.sig, i64),
    s.set("aSe", a.se),
    s.set("bSig", b.sig, i64),
    s.set("bSe", b.se),
    m.if(
      m.i32.eqz(m.i32.and(
        accept(() => s.get("aSig"), () => s.get("aSe")),
        accept(() => s.get("bSig"), () => s.get("bSe")),
      )),
      cx.decline(),
    ),
  ];
}

/**
 * a + b, or a − b when `sub`: leaves "sig" and "se" in `s` and the rounding's "inc" and
 * "inexact" in `s`'s "r" scope; declines unless both are normal and so is the result.
 */
function add(cx: X87Context, s: Locals, a: Value, b: Value, sub: boolean, p: Ref, rc: Ref): Ref[] {
  const { m, i64 } = cx;
  const L = (v: bigint) => m.i64.const(v);
  const c = (v: number) => m.i32.const(v);
  const r = scope(s, "r.");
  return [
    ...operands(cx, s, a, b),
    s.set("sa", m.i32.shr_u(s.get("aSe"), c(15))),
    s.set("sb", m.i32.xor(m.i32.shr_u(s.get("bSe"), c(15)), c(sub ? 1 : 0))),
    s.set("ea", m.i32.and(s.get("aSe"), c(0x7fff))),
    s.set("eb", m.i32.and(s.get("bSe"), c(0x7fff))),
    // X is the operand of larger magnitude.
    s.set(
      "big",
      m.i32.or(
        m.i32.gt_u(s.get("ea"), s.get("eb")),
        m.i32.and(m.i32.eq(s.get("ea"), s.get("eb")), m.i64.ge_u(s.get("aSig"), s.get("bSig"))),
      ),
    ),
    s.set("x", m.select(s.get("big"), s.get("aSig"), s.get("bSig")), i64),
    s.set("y", m.select(s.get("big"), s.get("bSig"), s.get("aSig")), i64),
    s.set("sx", m.select(s.get("big"), s.get("sa"), s.get("sb"))),
    s.set("ex", m.select(s.get("big"), s.get("ea"), s.get("eb"))),
    s.set(
      "d",
      m.select(
        s.get("big"),
        m.i32.sub(s.get("ea"), s.get("eb")),
        m.i32.sub(s.get("eb"), s.get("ea")),
      ),
    ),
    s.set("sticky", c(0)),
    // Y shifted right by d into yh:ye, `sticky` for what falls below ye.
    m.if(
      m.i32.ge_u(s.get("d"), c(128)),
      m.block(null, [s.set("yh", L(0n), i64), s.set("ye", L(0n), i64), s.set("sticky", c(1))]),
      m.if(
        m.i32.ge_u(s.get("d"), c(64)),
        m.block(null, [
          s.set("n", m.i64.extend_u(m.i32.sub(s.get("d"), c(64))), i64),
          s.set("yh", L(0n), i64),
          s.set("ye", m.i64.shr_u(s.get("y"), s.get("n")), i64),
          s.set(
            "sticky",
            m.i32.and(
              m.i64.ne(s.get("n"), L(0n)),
              m.i64.ne(m.i64.shl(s.get("y"), m.i64.sub(L(64n), s.get("n"))), L(0n)),
            ),
          ),
        ]),
        m.if(
          m.i32.eqz(s.get("d")),
          m.block(null, [s.set("yh", s.get("y"), i64), s.set("ye", L(0n), i64)]),
          m.block(null, [
            s.set("n", m.i64.extend_u(s.get("d")), i64),
            s.set("yh", m.i64.shr_u(s.get("y"), s.get("n")), i64),
            s.set("ye", m.i64.shl(s.get("y"), m.i64.sub(L(64n), s.get("n"))), i64),
          ]),
        ),
      ),
    ),
    m.if(
      m.i32.eq(s.get("sa"), s.get("sb")),
      m.block(null, [
        s.set("hi", m.i64.add(s.get("x"), s.get("yh")), i64),
        s.set("ext", s.get("ye"), i64),
        m.if(
          m.i64.lt_u(s.get("hi"), s.get("x")),
          // Carry out of bit 63: one place right, the bit shifted out joins the sticky bits.
          m.block(null, [
            s.set(
              "sticky",
              m.i32.or(s.get("sticky"), m.i32.wrap(m.i64.and(s.get("ext"), L(1n)))),
            ),
            s.set(
              "ext",
              m.i64.or(m.i64.shr_u(s.get("ext"), L(1n)), m.i64.shl(s.get("hi"), L(63n))),
              i64,
            ),
            s.set("hi", m.i64.or(m.i64.shr_u(s.get("hi"), L(1n)), L(1n << 63n)), i64),
            s.set("ex", m.i32.add(s.get("ex"), c(1))),
          ]),
        ),
      ]),
      m.block(null, [
        // X − Y, where Y has a non-zero tail below ye when `sticky`: one more unit of ye is
        // subtracted and the sticky bit kept (the remainder 1 − tail is strictly in (0, 1)).
        s.set(
          "ext",
          m.i64.sub(m.i64.sub(L(0n), s.get("ye")), m.i64.extend_u(s.get("sticky"))),
          i64,
        ),
        s.set("borrow", m.i32.or(m.i64.ne(s.get("ye"), L(0n)), s.get("sticky"))),
        s.set(
          "hi",
          m.i64.sub(m.i64.sub(s.get("x"), s.get("yh")), m.i64.extend_u(s.get("borrow"))),
          i64,
        ),
        // Zero, or a difference below bit 64 (only when d ≤ 1): the exact path's.
        m.if(m.i64.eqz(s.get("hi")), cx.decline()),
        s.set("n", m.i64.clz(s.get("hi")), i64),
        m.if(
          m.i64.ne(s.get("n"), L(0n)),
          m.block(null, [
            s.set(
              "hi",
              m.i64.or(
                m.i64.shl(s.get("hi"), s.get("n")),
                m.i64.shr_u(s.get("ext"), m.i64.sub(L(64n), s.get("n"))),
              ),
              i64,
            ),
            s.set("ext", m.i64.shl(s.get("ext"), s.get("n")), i64),
            s.set("ex", m.i32.sub(s.get("ex"), m.i32.wrap(s.get("n")))),
          ]),
        ),
      ]),
    ),
    ...round(cx, r, {
      sign: s.get("sx"),
      hi: s.get("hi"),
      ext: s.get("ext"),
      sticky: s.get("sticky"),
      p,
      rc,
    }),
    ...pack(cx, s, r, s.get("sx"), s.get("ex")),
  ];
}

/** a × b: as {@link add}. */
function mul(cx: X87Context, s: Locals, a: Value, b: Value, p: Ref, rc: Ref): Ref[] {
  const { m, i64 } = cx;
  const L = (v: bigint) => m.i64.const(v);
  const c = (v: number) => m.i32.const(v);
  const r = scope(s, "r.");
  const half = (name: string, high: boolean) =>
    high ? m.i64.shr_u(s.get(name), L(32n)) : m.i64.and(s.get(name), L(0xffffffffn));
  return [
    ...operands(cx, s, a, b),
    s.set("sign", m.i32.and(m.i32.shr_u(m.i32.xor(s.get("aSe"), s.get("bSe")), c(15)), c(1))),
    s.set("ll", m.i64.mul(half("aSig", false), half("bSig", false)), i64),
    s.set("lh", m.i64.mul(half("aSig", false), half("bSig", true)), i64),
    s.set("hl", m.i64.mul(half("aSig", true), half("bSig", false)), i64),
    s.set("hh", m.i64.mul(half("aSig", true), half("bSig", true)), i64),
    s.set(
      "mid",
      m.i64.add(m.i64.add(half("ll", true), half("lh", false)), half("hl", false)),
      i64,
    ),
    s.set("lo", m.i64.or(half("ll", false), m.i64.shl(s.get("mid"), L(32n))), i64),
    s.set(
      "hi",
      m.i64.add(
        m.i64.add(s.get("hh"), half("lh", true)),
        m.i64.add(half("hl", true), half("mid", true)),
      ),
      i64,
    ),
    // Operands in [2^63, 2^64): the product is in [2^126, 2^128).
    s.set(
      "ex",
      m.i32.sub(
        m.i32.add(m.i32.and(s.get("aSe"), c(0x7fff)), m.i32.and(s.get("bSe"), c(0x7fff))),
        c(BIAS - 1),
      ),
    ),
    m.if(
      m.i64.ge_s(s.get("hi"), L(0n)),
      m.block(null, [
        s.set(
          "hi",
          m.i64.or(m.i64.shl(s.get("hi"), L(1n)), m.i64.shr_u(s.get("lo"), L(63n))),
          i64,
        ),
        s.set("lo", m.i64.shl(s.get("lo"), L(1n)), i64),
        s.set("ex", m.i32.sub(s.get("ex"), c(1))),
      ]),
    ),
    ...round(cx, r, {
      sign: s.get("sign"),
      hi: s.get("hi"),
      ext: s.get("lo"),
      sticky: c(0),
      p,
      rc,
    }),
    ...pack(cx, s, r, s.get("sign"), s.get("ex")),
  ];
}

/**
 * a ÷ b: as {@link add}. The quotient's 64 significant bits come from restoring division, one
 * bit a step; the remainder then says whether the rest is above, at or below one half of the
 * last bit, which is all rounding needs (a divisor of zero is not normal: declined).
 */
function div(cx: X87Context, s: Locals, a: Value, b: Value, p: Ref, rc: Ref): Ref[] {
  const { m, i64 } = cx;
  const L = (v: bigint) => m.i64.const(v);
  const c = (v: number) => m.i32.const(v);
  const r = scope(s, "r.");
  const loop = `div${loops++}`;
  return [
    ...operands(cx, s, a, b),
    s.set("sign", m.i32.and(m.i32.shr_u(m.i32.xor(s.get("aSe"), s.get("bSe")), c(15)), c(1))),
    s.set(
      "ex",
      m.i32.add(
        m.i32.sub(m.i32.and(s.get("aSe"), c(0x7fff)), m.i32.and(s.get("bSe"), c(0x7fff))),
        c(BIAS),
      ),
    ),
    // a ≥ b: the first quotient bit is 1 and 63 follow; otherwise all 64 come from the loop
    // (the first of them 1) and the quotient is below 1.
    s.set("ge", m.i64.ge_u(s.get("aSig"), s.get("bSig"))),
    s.set("q", m.i64.extend_u(s.get("ge")), i64),
    s.set(
      "rem",
      m.select(s.get("ge"), m.i64.sub(s.get("aSig"), s.get("bSig")), s.get("aSig")),
      i64,
    ),
    s.set("steps", m.select(s.get("ge"), c(63), c(64))),
    s.set("ex", m.i32.sub(s.get("ex"), m.i32.eqz(s.get("ge")))),
    m.loop(
      loop,
      m.block(null, [
        s.set("carry", m.i32.wrap(m.i64.shr_u(s.get("rem"), L(63n)))),
        s.set("rem", m.i64.shl(s.get("rem"), L(1n)), i64),
        s.set("q", m.i64.shl(s.get("q"), L(1n)), i64),
        m.if(
          m.i32.or(s.get("carry"), m.i64.ge_u(s.get("rem"), s.get("bSig"))),
          m.block(null, [
            s.set("rem", m.i64.sub(s.get("rem"), s.get("bSig")), i64),
            s.set("q", m.i64.or(s.get("q"), L(1n)), i64),
          ]),
        ),
        s.set("steps", m.i32.sub(s.get("steps"), c(1))),
        m.br(loop, s.get("steps")),
      ]),
    ),
    // The rest against one half of the last bit: 2·rem against b.
    s.set("twice", m.i64.shl(s.get("rem"), L(1n)), i64),
    s.set(
      "above",
      m.i32.or(
        m.i64.ne(m.i64.shr_u(s.get("rem"), L(63n)), L(0n)),
        m.i64.gt_u(s.get("twice"), s.get("bSig")),
      ),
    ),
    s.set(
      "ext",
      m.select(
        s.get("above"),
        L((1n << 63n) | 1n),
        m.select(
          m.i64.eq(s.get("twice"), s.get("bSig")),
          L(1n << 63n),
          m.i64.extend_u(m.i64.ne(s.get("rem"), L(0n))),
        ),
      ),
      i64,
    ),
    ...round(cx, r, {
      sign: s.get("sign"),
      hi: s.get("q"),
      ext: s.get("ext"),
      sticky: c(0),
      p,
      rc,
    }),
    ...pack(cx, s, r, s.get("sign"), s.get("ex")),
  ];
}

/**
 * √a of a positive normal value: as {@link add}. The 64-bit root of the 127- or 128-bit integer
 * sig·2^63 (even exponent) or sig·2^64 (odd) comes two radicand bits a step; its remainder says
 * whether the rest is above or below one half of the last bit (never exactly: a square root
 * is not an odd multiple of a half), which is all rounding needs.
 */
function sqrt(cx: X87Context, s: Locals, a: Value, p: Ref, rc: Ref): Ref[] {
  const { m, i64 } = cx;
  const L = (v: bigint) => m.i64.const(v);
  const c = (v: number) => m.i32.const(v);
  const r = scope(s, "r.");
  const loop = `sqrt${loops++}`;
  return [
    s.set("aSig", a.sig, i64),
    s.set("aSe", a.se),
    // Positive and normal only (a negative value is invalid, zero its own root).
    m.if(
      m.i32.or(
        m.i32.eqz(normal(m, s.get("aSig"), s.get("aSe"))),
        m.i32.shr_u(s.get("aSe"), c(15)),
      ),
      cx.decline(),
    ),
    s.set("E", m.i32.sub(m.i32.and(s.get("aSe"), c(0x7fff)), c(BIAS))),
    s.set("ex", m.i32.add(m.i32.shr_s(s.get("E"), c(1)), c(BIAS))),
    // The radicand nh:nl, sig shifted left by 63 or 64.
    s.set("odd", m.i32.and(s.get("E"), c(1))),
    s.set("nh", m.select(s.get("odd"), s.get("aSig"), m.i64.shr_u(s.get("aSig"), L(1n))), i64),
    s.set("nl", m.select(s.get("odd"), L(0n), m.i64.shl(s.get("aSig"), L(63n))), i64),
    s.set("root", L(0n), i64),
    s.set("rh", L(0n), i64),
    s.set("rl", L(0n), i64),
    s.set("steps", c(64)),
    m.loop(
      loop,
      m.block(null, [
        // rem = rem·4 + the next two radicand bits; trial = root·4 + 1.
        s.set(
          "rh",
          m.i64.or(m.i64.shl(s.get("rh"), L(2n)), m.i64.shr_u(s.get("rl"), L(62n))),
          i64,
        ),
        s.set("rl", m.i64.or(m.i64.shl(s.get("rl"), L(2n)), m.i64.shr_u(s.get("nh"), L(62n))), i64),
        s.set("nh", m.i64.or(m.i64.shl(s.get("nh"), L(2n)), m.i64.shr_u(s.get("nl"), L(62n))), i64),
        s.set("nl", m.i64.shl(s.get("nl"), L(2n)), i64),
        s.set("th", m.i64.shr_u(s.get("root"), L(62n)), i64),
        s.set("tl", m.i64.or(m.i64.shl(s.get("root"), L(2n)), L(1n)), i64),
        s.set("root", m.i64.shl(s.get("root"), L(1n)), i64),
        m.if(
          m.i32.or(
            m.i64.gt_u(s.get("rh"), s.get("th")),
            m.i32.and(m.i64.eq(s.get("rh"), s.get("th")), m.i64.ge_u(s.get("rl"), s.get("tl"))),
          ),
          m.block(null, [
            s.set(
              "rh",
              m.i64.sub(
                m.i64.sub(s.get("rh"), s.get("th")),
                m.i64.extend_u(m.i64.lt_u(s.get("rl"), s.get("tl"))),
              ),
              i64,
            ),
            s.set("rl", m.i64.sub(s.get("rl"), s.get("tl")), i64),
            s.set("root", m.i64.or(s.get("root"), L(1n)), i64),
          ]),
        ),
        s.set("steps", m.i32.sub(s.get("steps"), c(1))),
        m.br(loop, s.get("steps")),
      ]),
    ),
    // The rest above one half of the last bit exactly when the remainder exceeds the root.
    s.set(
      "ext",
      m.select(
        m.i32.or(m.i64.ne(s.get("rh"), L(0n)), m.i64.gt_u(s.get("rl"), s.get("root"))),
        L((1n << 63n) | 1n),
        m.i64.extend_u(m.i64.ne(s.get("rl"), L(0n))),
      ),
      i64,
    ),
    ...round(cx, r, { sign: c(0), hi: s.get("root"), ext: s.get("ext"), sticky: c(0), p, rc }),
    ...pack(cx, s, r, c(0), s.get("ex")),
  ];
}

/** Numbers the division and square-root loops (their labels must differ within a function). */
let loops = 0;

/**
 * A normal single (`lo`) or double (`hi`:`lo`) widened exactly into "sig" and "se" of `s`;
 * declines for zeros, denormals, infinities and NaNs.
 */
function fromReal(cx: X87Context, s: Locals, lo: Ref, hi: Ref, double: boolean): Ref[] {
  const { m, i64 } = cx;
  const L = (v: bigint) => m.i64.const(v);
  const c = (v: number) => m.i32.const(v);
  const top = double ? 0x7ff : 0xff;
  const frac = double
    ? m.i64.shl(
      m.i64.or(
        m.i64.shl(m.i64.extend_u(m.i32.and(s.get("hi"), c(0xfffff))), L(32n)),
        m.i64.extend_u(s.get("lo")),
      ),
      L(11n),
    )
    : m.i64.shl(m.i64.extend_u(m.i32.and(s.get("lo"), c(0x7fffff))), L(40n));
  const word = () => s.get(double ? "hi" : "lo");
  return [
    s.set("lo", lo),
    s.set("hi", hi),
    s.set("e", m.i32.and(m.i32.shr_u(word(), c(double ? 20 : 23)), c(top))),
    m.if(m.i32.or(m.i32.eqz(s.get("e")), m.i32.eq(s.get("e"), c(top))), cx.decline()),
    s.set("sig", m.i64.or(frac, L(1n << 63n)), i64),
    s.set(
      "se",
      m.i32.or(
        m.i32.shl(m.i32.shr_u(word(), c(31)), c(15)),
        m.i32.add(s.get("e"), c(BIAS - (double ? 1023 : 127))),
      ),
    ),
  ];
}

/**
 * A normal value rounded under `rc` to a normal double (or single): "bits" (i64; a single in its
 * low half), and the rounding's "inc" and "inexact" in `s`'s "r" scope. Declines when the value
 * is not normal or the result would not be a normal number of the format. Precision control
 * does not apply.
 */
function toReal(cx: X87Context, s: Locals, v: Value, double: boolean, rc: Ref): Ref[] {
  const { m, i64 } = cx;
  const L = (x: bigint) => m.i64.const(x);
  const c = (x: number) => m.i32.const(x);
  const r = scope(s, "r.");
  const emax = double ? 1023 : 127;
  return [
    s.set("sig", v.sig, i64),
    s.set("se", v.se),
    m.if(m.i32.eqz(normal(m, s.get("sig"), s.get("se"))), cx.decline()),
    s.set("sign", m.i32.shr_u(s.get("se"), c(15))),
    ...round(cx, r, {
      sign: s.get("sign"),
      hi: s.get("sig"),
      ext: L(0n),
      sticky: c(0),
      p: c(double ? 53 : 24),
      rc,
    }),
    s.set("pre", m.i32.sub(m.i32.and(s.get("se"), c(0x7fff)), c(BIAS))),
    m.if(
      m.i32.or(
        m.i32.lt_s(s.get("pre"), c(1 - emax)),
        m.i32.gt_s(m.i32.add(s.get("pre"), r.get("carry")), c(emax)),
      ),
      cx.decline(),
    ),
    s.set(
      "biased",
      m.i64.extend_u(m.i32.add(m.i32.add(s.get("pre"), r.get("carry")), c(emax))),
      i64,
    ),
    s.set(
      "bits",
      double
        ? m.i64.or(
          m.i64.or(
            m.i64.shl(m.i64.extend_u(s.get("sign")), L(63n)),
            m.i64.shl(s.get("biased"), L(52n)),
          ),
          m.i64.and(m.i64.shr_u(r.get("hi"), L(11n)), L((1n << 52n) - 1n)),
        )
        : m.i64.or(
          m.i64.or(
            m.i64.shl(m.i64.extend_u(s.get("sign")), L(31n)),
            m.i64.shl(s.get("biased"), L(23n)),
          ),
          m.i64.and(m.i64.shr_u(r.get("hi"), L(40n)), L(0x7fffffn)),
        ),
      i64,
    ),
  ];
}

/**
 * The integer `n` (an i32, already sign-extended) exactly as "sig" and "se" of `s`: +0 for 0,
 * normal otherwise.
 */
function fromInt(cx: X87Context, s: Locals, n: Ref): Ref[] {
  const { m, i64 } = cx;
  return [
    s.set("n", n),
    s.set("neg", m.i32.lt_s(s.get("n"), m.i32.const(0))),
    s.set("wide", m.i64.extend_s(s.get("n")), i64),
    s.set(
      "mag",
      m.select(s.get("neg"), m.i64.sub(m.i64.const(0n), s.get("wide")), s.get("wide")),
      i64,
    ),
    s.set("lead", m.i32.wrap(m.i64.clz(s.get("mag")))),
    s.set("sig", m.i64.shl(s.get("mag"), m.i64.extend_u(s.get("lead"))), i64),
    s.set(
      "se",
      m.select(
        m.i64.eqz(s.get("mag")),
        m.i32.const(0),
        m.i32.or(
          m.i32.shl(s.get("neg"), m.i32.const(15)),
          m.i32.sub(m.i32.const(63 + BIAS), s.get("lead")),
        ),
      ),
    ),
  ];
}

/**
 * A normal value or a zero rounded to an integer of `width` bits under `rc`: "n" (i32) and
 * "inc" (rounded away from the integer part), "inexact" in `s`. Declines for any other value and
 * when the result does not fit (the exact path then gives the integer indefinite with IE).
 */
function toInt(cx: X87Context, s: Locals, v: Value, width: 16 | 32, rc: Ref): Ref[] {
  const { m, i64 } = cx;
  const L = (x: bigint) => m.i64.const(x);
  const c = (x: number) => m.i32.const(x);
  return [
    s.set("sig", v.sig, i64),
    s.set("se", v.se),
    s.set("rc", rc),
    s.set("sign", m.i32.shr_u(s.get("se"), c(15))),
    s.set("zero", m.i32.and(m.i64.eqz(s.get("sig")), m.i32.eqz(m.i32.and(s.get("se"), c(0x7fff))))),
    m.if(
      m.i32.eqz(m.i32.or(s.get("zero"), normal(m, s.get("sig"), s.get("se")))),
      cx.decline(),
    ),
    // The exponent of bit 63.
    s.set("e", m.i32.sub(m.i32.and(s.get("se"), c(0x7fff)), c(BIAS))),
    m.if(m.i32.gt_s(s.get("e"), c(30)), cx.decline()),
    s.set("half", L(1n << 63n), i64),
    m.if(
      m.i32.ge_s(s.get("e"), c(0)),
      m.block(null, [
        s.set("sh", m.i64.extend_u(m.i32.sub(c(63), s.get("e"))), i64),
        s.set("int", m.i64.shr_u(s.get("sig"), s.get("sh")), i64),
        s.set(
          "frac",
          m.i64.and(s.get("sig"), m.i64.sub(m.i64.shl(L(1n), s.get("sh")), L(1n))),
          i64,
        ),
        s.set("half", m.i64.shl(L(1n), m.i64.sub(s.get("sh"), L(1n))), i64),
      ]),
      m.block(null, [
        s.set("int", L(0n), i64),
        // Below one half whatever it is, unless it is a half or more (e = −1).
        s.set(
          "frac",
          m.select(
            m.i32.eq(s.get("e"), c(-1)),
            s.get("sig"),
            m.i64.extend_u(m.i32.eqz(s.get("zero"))),
          ),
          i64,
        ),
      ]),
    ),
    s.set("inexact", m.i64.ne(s.get("frac"), L(0n))),
    ...increment(cx, s, "frac", () => m.i32.wrap(m.i64.and(s.get("int"), L(1n)))),
    s.set("int", m.i64.add(s.get("int"), m.i64.extend_u(s.get("inc"))), i64),
    m.if(
      m.select(
        s.get("sign"),
        m.i64.gt_u(s.get("int"), L(width === 32 ? 1n << 31n : 1n << 15n)),
        m.i64.ge_u(s.get("int"), L(width === 32 ? 1n << 31n : 1n << 15n)),
      ),
      cx.decline(),
    ),
    s.set(
      "n",
      m.i32.wrap(
        m.select(s.get("sign"), m.i64.sub(L(0n), s.get("int")), s.get("int")),
      ),
    ),
  ];
}

/**
 * C3 C2 C0 of comparing a with b into "codes" of `s` (greater 000, less 001, equal 100), when
 * each is normal or a zero (zeros are equal whatever their signs); declines for anything else.
 */
function compareValues(cx: X87Context, s: Locals, a: Value, b: Value): Ref[] {
  const { m } = cx;
  const c = (v: number) => m.i32.const(v);
  const isZero = (sig: Ref, se: Ref) =>
    m.i32.and(m.i64.eqz(sig), m.i32.eqz(m.i32.and(se, c(0x7fff))));
  const zero = (sig: string, se: string) => isZero(s.get(sig), s.get(se));
  // Magnitudes order as (exponent, significand), a zero below every normal value.
  const greater = (x: string, y: string) =>
    m.i32.or(
      m.i32.gt_u(m.i32.and(s.get(x + "Se"), c(0x7fff)), m.i32.and(s.get(y + "Se"), c(0x7fff))),
      m.i32.and(
        m.i32.eq(m.i32.and(s.get(x + "Se"), c(0x7fff)), m.i32.and(s.get(y + "Se"), c(0x7fff))),
        m.i64.gt_u(s.get(x + "Sig"), s.get(y + "Sig")),
      ),
    );
  return [
    ...operands(cx, s, a, b, (sig, se) => m.i32.or(isZero(sig(), se()), normal(m, sig(), se()))),
    s.set("sa", m.i32.shr_u(s.get("aSe"), c(15))),
    s.set("sb", m.i32.shr_u(s.get("bSe"), c(15))),
    s.set("aBig", greater("a", "b")),
    s.set("bBig", greater("b", "a")),
    // a < b: signs differ and a is the negative one, or the same sign and a's magnitude is the
    // smaller (positive) or larger (negative). Two zeros are equal.
    s.set(
      "less",
      m.select(
        m.i32.ne(s.get("sa"), s.get("sb")),
        s.get("sa"),
        m.select(s.get("sa"), s.get("aBig"), s.get("bBig")),
      ),
    ),
    s.set(
      "equal",
      m.i32.or(
        m.i32.and(zero("aSig", "aSe"), zero("bSig", "bSe")),
        m.i32.and(
          m.i32.eq(s.get("sa"), s.get("sb")),
          m.i32.eqz(m.i32.or(s.get("aBig"), s.get("bBig"))),
        ),
      ),
    ),
    s.set(
      "codes",
      m.select(s.get("equal"), c(C3), m.select(s.get("less"), c(C0), c(0))),
    ),
  ];
}

/**
 * The whole instruction of kind `kind` (and arithmetic operation `op`) on operands `o`: checks,
 * computes, and only then writes the register file, the status word and the pointers. Declines
 * through `cx.decline()` before writing anything.
 */
export function x87Instruction(cx: X87Context, kind: number, op: number, o: X87Operands): Ref[] {
  const { m, i64 } = cx;
  const f = cx.locals;
  const c = (v: number) => m.i32.const(v);
  const word = (offset: number) => m.i32.load(offset, 4, o.area());
  const setWord = (offset: number, v: Ref) => m.i32.store(offset, 4, o.area(), v);
  /** Physical index of ST(k), k an expression. */
  const phys = (k: Ref) => m.i32.and(m.i32.add(f.get("top"), k), c(7));
  const slot = (p: Ref) => m.i32.add(o.area(), m.i32.shl(p, c(4)));
  const empty = (k: Ref) => m.i32.and(m.i32.shr_u(f.get("empty"), phys(k)), c(1));
  const sigOf = (p: Ref) => m.i64.load(X87_REGS, 4, slot(p));
  const seOf = (p: Ref) => m.i32.load(X87_REGS + REG_SE, 4, slot(p));
  const write = (p: Ref, sig: Ref, se: Ref): Ref[] => [
    f.set("at", slot(p)),
    m.i64.store(X87_REGS, 4, f.get("at"), sig),
    m.i32.store(X87_REGS + REG_SE, 4, f.get("at"), se),
  ];
  const zero = () => c(0);
  /** Push: TOP − 1, the new ST(0) in use. */
  const push = (sig: Ref, se: Ref): Ref[] => [
    f.set("pushSig", sig, i64),
    f.set("pushSe", se),
    f.set("top", m.i32.and(m.i32.sub(f.get("top"), c(1)), c(7))),
    ...write(f.get("top"), f.get("pushSig"), f.get("pushSe")),
    f.set("empty", m.i32.and(f.get("empty"), m.i32.xor(m.i32.shl(c(1), f.get("top")), c(-1)))),
  ];
  const needRoom = () => m.if(m.i32.eqz(empty(c(7))), cx.decline());
  const needSt0 = () => m.if(empty(zero()), cx.decline());
  // PC: 00 single, 10 double, 01 (reserved) and 11 extended.
  const precision = () =>
    m.select(
      m.i32.eqz(f.get("pcf")),
      c(24),
      m.select(m.i32.eq(f.get("pcf"), c(2)), c(53), c(64)),
    );
  const rc = () => m.i32.and(m.i32.shr_u(f.get("cw"), c(10)), c(3));
  const body: Ref[] = [];
  switch (kind) {
    case K_FLD_M32:
    case K_FLD_M64: {
      const v = scope(f, "ld.");
      body.push(needRoom(), ...fromReal(cx, v, o.lo(), o.hi(), kind === K_FLD_M64));
      body.push(...push(v.get("sig"), v.get("se")));
      break;
    }
    case K_FILD_M32:
    case K_FILD_M16: {
      const v = scope(f, "ld.");
      const n = kind === K_FILD_M16 ? m.i32.shr_s(m.i32.shl(o.lo(), c(16)), c(16)) : o.lo();
      body.push(needRoom(), ...fromInt(cx, v, n), ...push(v.get("sig"), v.get("se")));
      break;
    }
    case K_FIST_M32:
    case K_FIST_M16: {
      const v = scope(f, "st.");
      const width = kind === K_FIST_M32 ? 32 : 16;
      body.push(needSt0(), f.set("sp", phys(zero())));
      body.push(...toInt(cx, v, { sig: sigOf(f.get("sp")), se: seOf(f.get("sp")) }, width, rc()));
      body.push(
        width === 32
          ? m.i32.store(0, 1, o.dst(), v.get("n"))
          : m.i32.store16(0, 1, o.dst(), v.get("n")),
        f.set("pe", v.get("inexact")),
        f.set("c1", v.get("inc")),
      );
      break;
    }
    case K_FSQRT: {
      const r = scope(f, "op.");
      body.push(
        needSt0(),
        f.set("dp", phys(zero())),
        f.set("pcf", m.i32.and(m.i32.shr_u(f.get("cw"), c(8)), c(3))),
        ...sqrt(cx, r, { sig: sigOf(f.get("dp")), se: seOf(f.get("dp")) }, precision(), rc()),
        ...write(f.get("dp"), r.get("sig"), r.get("se")),
        f.set("pe", r.get("r.inexact")),
        f.set("c1", r.get("r.inc")),
      );
      break;
    }
    case K_FLD_M80:
      body.push(
        needRoom(),
        ...push(
          m.i64.or(m.i64.extend_u(o.lo()), m.i64.shl(m.i64.extend_u(o.hi()), m.i64.const(32n))),
          o.ext(),
        ),
      );
      break;
    case K_FSTP_M80:
      body.push(
        needSt0(),
        f.set("sp", phys(zero())),
        m.i64.store(0, 1, o.dst(), sigOf(f.get("sp"))),
        m.i32.store16(8, 1, o.dst(), seOf(f.get("sp"))),
      );
      break;
    case K_FCOM_STI:
    case K_FCOM_M32:
    case K_FCOM_M64:
    case K_FTST: {
      const v = scope(f, "ld."), cmp = scope(f, "cmp.");
      body.push(needSt0(), f.set("sp", phys(zero())));
      let b: Value;
      if (kind === K_FCOM_STI) {
        body.push(m.if(empty(o.i()), cx.decline()), f.set("bp", phys(o.i())));
        b = { sig: sigOf(f.get("bp")), se: seOf(f.get("bp")) };
      } else if (kind === K_FTST) b = { sig: m.i64.const(0n), se: c(0) };
      else {
        body.push(...fromReal(cx, v, o.lo(), o.hi(), kind === K_FCOM_M64));
        b = { sig: v.get("sig"), se: v.get("se") };
      }
      body.push(
        ...compareValues(cx, cmp, { sig: sigOf(f.get("sp")), se: seOf(f.get("sp")) }, b),
        f.set("codes", cmp.get("codes")),
      );
      // The pops (the operation field), each tagging ST(0) empty.
      for (let n = 0; n < op; n++) {
        body.push(
          f.set("empty", m.i32.or(f.get("empty"), m.i32.shl(c(1), f.get("top")))),
          f.set("top", m.i32.and(m.i32.add(f.get("top"), c(1)), c(7))),
        );
      }
      break;
    }
    case K_FLD_STI:
      body.push(needRoom(), m.if(empty(o.i()), cx.decline()), f.set("sp", phys(o.i())));
      body.push(...push(sigOf(f.get("sp")), seOf(f.get("sp"))));
      break;
    case K_FLD_CONST:
      // FLD1 (op 0) is 2^0, FLDZ (op 6) +0.
      body.push(
        needRoom(),
        ...push(m.i64.const(op === 0 ? 1n << 63n : 0n), c(op === 0 ? BIAS : 0)),
      );
      break;
    case K_FXCH:
      body.push(
        m.if(m.i32.or(empty(zero()), empty(o.i())), cx.decline()),
        f.set("dp", phys(zero())),
        f.set("sp", phys(o.i())),
        f.set("dSig", sigOf(f.get("dp")), i64),
        f.set("dSe", seOf(f.get("dp"))),
        ...write(f.get("dp"), sigOf(f.get("sp")), seOf(f.get("sp"))),
        ...write(f.get("sp"), f.get("dSig"), f.get("dSe")),
      );
      break;
    case K_FST_STI:
      body.push(
        needSt0(),
        f.set("dp", phys(o.i())),
        f.set("sp", phys(zero())),
        ...write(f.get("dp"), sigOf(f.get("sp")), seOf(f.get("sp"))),
        f.set("empty", m.i32.and(f.get("empty"), m.i32.xor(m.i32.shl(c(1), f.get("dp")), c(-1)))),
      );
      break;
    case K_FST_M32:
    case K_FST_M64: {
      const double = kind === K_FST_M64;
      const v = scope(f, "st.");
      body.push(needSt0(), f.set("sp", phys(zero())));
      body.push(...toReal(cx, v, { sig: sigOf(f.get("sp")), se: seOf(f.get("sp")) }, double, rc()));
      body.push(
        double
          ? m.i64.store(0, 1, o.dst(), v.get("bits"))
          : m.i32.store(0, 1, o.dst(), m.i32.wrap(v.get("bits"))),
        f.set("pe", v.get("r.inexact")),
        f.set("c1", v.get("r.inc")),
      );
      break;
    }
    case K_FCHS:
    case K_FABS:
      body.push(
        needSt0(),
        f.set("sp", phys(zero())),
        m.i32.store(
          X87_REGS + REG_SE,
          4,
          slot(f.get("sp")),
          kind === K_FCHS
            ? m.i32.xor(seOf(f.get("sp")), c(0x8000))
            : m.i32.and(seOf(f.get("sp")), c(0x7fff)),
        ),
      );
      break;
    default: {
      // Arithmetic: ST(dest) ← ST(dest) op src.
      const dest = kind === K_ARITH_STI ? o.i : zero;
      body.push(
        m.if(m.i32.or(empty(zero()), empty(dest())), cx.decline()),
        f.set("dp", phys(dest())),
        f.set("dSig", sigOf(f.get("dp")), i64),
        f.set("dSe", seOf(f.get("dp"))),
      );
      let src: Value;
      if (kind === K_ARITH_M32 || kind === K_ARITH_M64) {
        const v = scope(f, "ld.");
        body.push(...fromReal(cx, v, o.lo(), o.hi(), kind === K_ARITH_M64));
        src = { sig: v.get("sig"), se: v.get("se") };
      } else if (kind === K_ARITH_I32 || kind === K_ARITH_I16) {
        // A zero integer makes a zero operand, which the arithmetic declines.
        const v = scope(f, "ld.");
        const n = kind === K_ARITH_I16 ? m.i32.shr_s(m.i32.shl(o.lo(), c(16)), c(16)) : o.lo();
        body.push(...fromInt(cx, v, n));
        src = { sig: v.get("sig"), se: v.get("se") };
      } else {
        const from = kind === K_ARITH_STI ? zero : o.i;
        body.push(m.if(empty(from()), cx.decline()), f.set("sp", phys(from())));
        src = { sig: sigOf(f.get("sp")), se: seOf(f.get("sp")) };
      }
      body.push(f.set("pcf", m.i32.and(m.i32.shr_u(f.get("cw"), c(8)), c(3))));
      const d: Value = { sig: f.get("dSig"), se: f.get("dSe") };
      const r = scope(f, "op.");
      // 0 add, 1 mul, 4 sub, 5 subr (src − dest), 6 div, 7 divr (src / dest).
      body.push(
        ...(op === 1
          ? mul(cx, r, d, src, precision(), rc())
          : op === 6
          ? div(cx, r, d, src, precision(), rc())
          : op === 7
          ? div(cx, r, src, d, precision(), rc())
          : op === 5
          ? add(cx, r, src, d, true, precision(), rc())
          : add(cx, r, d, src, op === 4, precision(), rc())),
      );
      body.push(
        ...write(f.get("dp"), r.get("sig"), r.get("se")),
        f.set("pe", r.get("r.inexact")),
        f.set("c1", r.get("r.inc")),
      );
    }
  }
  const memory = operandBytes(kind) !== 0;
  const compare = kind === K_FCOM_STI || kind === K_FCOM_M32 || kind === K_FCOM_M64 ||
    kind === K_FTST;
  return [
    f.set("cw", word(X87_CW)),
    f.set("sw", word(X87_SW)),
    // Every exception masked and none pending.
    m.if(
      m.i32.or(
        m.i32.ne(m.i32.and(f.get("cw"), c(0x3f)), c(0x3f)),
        m.i32.and(f.get("sw"), c(ES)),
      ),
      cx.decline(),
    ),
    f.set("top", word(X87_TOP)),
    f.set("empty", word(X87_EMPTY)),
    f.set("pe", c(0)),
    f.set("c1", c(0)),
    ...body,
    // Pop when the form says so.
    m.if(
      o.pop(),
      m.block(null, [
        f.set("empty", m.i32.or(f.get("empty"), m.i32.shl(c(1), f.get("top")))),
        f.set("top", m.i32.and(m.i32.add(f.get("top"), c(1)), c(7))),
      ]),
    ),
    setWord(X87_TOP, f.get("top")),
    setWord(X87_EMPTY, f.get("empty")),
    setWord(
      X87_SW,
      compare
        // A compare replaces C3 C2 C1 C0 (C1 cleared).
        ? m.i32.or(m.i32.and(f.get("sw"), c(~CC & 0xffff)), f.get("codes"))
        : m.i32.or(
          m.i32.or(m.i32.and(f.get("sw"), c(~C1 & 0xffff)), m.select(f.get("c1"), c(C1), c(0))),
          m.select(f.get("pe"), c(PE), c(0)),
        ),
    ),
    setWord(X87_FIP, o.eip()),
    setWord(X87_FCS, m.i32.and(o.segs(), c(0xffff))),
    setWord(X87_FOP, o.fop()),
    ...(memory ? [setWord(X87_FDP, o.fdp()), setWord(X87_FDS, m.i32.shr_u(o.segs(), c(16)))] : []),
  ];
}

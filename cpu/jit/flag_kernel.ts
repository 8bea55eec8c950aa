import binaryen from "binaryen";
import { AF, CF, OF, PF, SF, ZF } from "../eflags.ts";
import {
  LAZY_ADD,
  S_EFLAGS,
  S_LAZY_A,
  S_LAZY_B,
  S_LAZY_MASK,
  S_LAZY_MSB,
  S_LAZY_OP,
  S_LAZY_RES,
} from "../state_layout.ts";

/**
 * The lazy-flag reads of compiled code as WebAssembly: `flags(mask)` and `cond(cc)` give what
 * cpu/lazy_flags.ts's readFlag and testCondition give, from the same fields of the state block.
 * Compiled blocks import them from this module's instance, so a flag that a block cannot derive
 * inline (a Jcc at the start of a block, ADC after a chain) costs a call between WebAssembly
 * functions instead of one into JavaScript. flag_kernel_test.ts holds the two equal on random
 * lazy states for every mask and condition.
 *
 * @module
 */

/** The kernel's functions, as compiled blocks import them. */
export interface FlagKernel {
  flags: (mask: number) => number;
  cond: (cc: number) => number;
}

/** Builds and instantiates the kernel for the state block at byte `state` of `memory`. */
export function flagKernel(memory: WebAssembly.Memory, state: number): FlagKernel {
  const m = new binaryen.Module();
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.Atomics);
    m.setMemory(1, 65536, null, [], true, false, "0");
    m.addMemoryImport("0", "env", "memory", true);
    const i32 = binaryen.i32;
    const word = (w: number) => m.i32.load(0, 4, m.i32.const(state + w * 4));
    const get = (l: number) => m.local.get(l, i32);
    const k = (n: number) => m.i32.const(n);
    // compute(mask): locals 0 mask, 1 res, 2 msb, 3 a, 4 b, 5 f.
    const MASK = 0, RES = 1, MSB = 2, A = 3, B = 4, F = 5;
    const has = (flag: number) => m.i32.and(get(MASK), k(flag));
    const top = (v: binaryen.ExpressionRef) => m.i32.and(m.i32.shr_u(v, get(MSB)), k(1));
    const or = (v: binaryen.ExpressionRef) => m.local.set(F, m.i32.or(get(F), v));
    const not = (v: binaryen.ExpressionRef) => m.i32.xor(v, k(-1));
    const isAdd = m.i32.eq(word(S_LAZY_OP), k(LAZY_ADD));
    const carryAdd = top(m.i32.or(
      m.i32.and(get(A), get(B)),
      m.i32.and(m.i32.or(get(A), get(B)), not(get(RES))),
    ));
    const carrySub = top(m.i32.or(
      m.i32.and(not(get(A)), get(B)),
      m.i32.and(m.i32.or(not(get(A)), get(B)), get(RES)),
    ));
    const overflowAdd = top(m.i32.and(m.i32.xor(get(A), get(RES)), m.i32.xor(get(B), get(RES))));
    const overflowSub = top(m.i32.and(m.i32.xor(get(A), get(B)), m.i32.xor(get(A), get(RES))));
    const compute = m.block(null, [
      m.local.set(RES, word(S_LAZY_RES)),
      m.local.set(MSB, word(S_LAZY_MSB)),
      m.local.set(F, k(0)),
      m.if(has(ZF), m.if(m.i32.eqz(get(RES)), or(k(ZF)))),
      m.if(has(SF), or(m.i32.shl(top(get(RES)), k(7)))),
      // PF: the low byte has an even number of ones.
      m.if(
        has(PF),
        m.if(m.i32.eqz(m.i32.and(m.i32.popcnt(m.i32.and(get(RES), k(0xff))), k(1))), or(k(PF))),
      ),
      m.if(
        has(CF | AF | OF),
        m.block(null, [
          m.local.set(A, word(S_LAZY_A)),
          m.local.set(B, word(S_LAZY_B)),
          m.if(has(AF), or(m.i32.and(m.i32.xor(m.i32.xor(get(A), get(B)), get(RES)), k(AF)))),
          m.if(
            has(CF),
            or(m.if(isAdd, carryAdd, carrySub)),
          ),
          m.if(
            has(OF),
            or(
              m.i32.shl(
                m.if(m.i32.eq(word(S_LAZY_OP), k(LAZY_ADD)), overflowAdd, overflowSub),
                k(11),
              ),
            ),
          ),
        ]),
      ),
      get(F),
    ], i32);
    const locals = [i32, i32, i32, i32, i32];
    m.addFunction("compute", binaryen.createType([i32]), i32, locals, compute);
    // flags(mask): the lazy part computed, the rest from EFLAGS.
    const lazy = 1;
    m.addFunction(
      "flags",
      binaryen.createType([i32]),
      i32,
      [i32],
      m.block(null, [
        m.local.set(lazy, m.i32.and(word(S_LAZY_MASK), get(0))),
        m.if(
          m.i32.eqz(get(lazy)),
          m.return(m.i32.and(word(S_EFLAGS), get(0))),
        ),
        m.i32.or(
          m.call("compute", [get(lazy)], i32),
          m.i32.and(m.i32.and(word(S_EFLAGS), get(0)), not(get(lazy))),
        ),
      ], i32),
    );
    // cond(cc): the condition of Jcc/SETcc/CMOVcc cc, as 0 or 1.
    const f = 1;
    const flag = (mask: number) => m.call("flags", [k(mask)], i32);
    const sfNeOf = () =>
      m.i32.ne(m.i32.eqz(m.i32.and(get(f), k(SF))), m.i32.eqz(m.i32.and(get(f), k(OF))));
    const cases: binaryen.ExpressionRef[] = [
      m.i32.ne(flag(OF), k(0)),
      m.i32.ne(flag(CF), k(0)),
      m.i32.ne(flag(ZF), k(0)),
      m.i32.ne(flag(CF | ZF), k(0)),
      m.i32.ne(flag(SF), k(0)),
      m.i32.ne(flag(PF), k(0)),
      m.block(null, [m.local.set(f, flag(SF | OF)), sfNeOf()], i32),
      m.block(null, [
        m.local.set(f, flag(ZF | SF | OF)),
        m.i32.or(m.i32.ne(m.i32.and(get(f), k(ZF)), k(0)), sfNeOf()),
      ], i32),
    ];
    // Nested selection on cc >> 1, then the low bit inverts.
    let chosen = cases[7];
    for (let i = 6; i >= 0; i--) {
      chosen = m.if(m.i32.eq(m.i32.shr_u(get(0), k(1)), k(i)), cases[i], chosen);
    }
    m.addFunction(
      "cond",
      binaryen.createType([i32]),
      i32,
      [i32],
      m.i32.xor(chosen, m.i32.and(get(0), k(1))),
    );
    m.addFunctionExport("flags", "flags");
    m.addFunctionExport("cond", "cond");
    if (!m.validate()) throw new Error("the flag kernel does not validate");
    m.optimize();
    const bytes = m.emitBinary() as Uint8Array<ArrayBuffer>;
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
    return instance.exports as unknown as FlagKernel;
  } finally {
    m.dispose();
  }
}

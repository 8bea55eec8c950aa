/**
 * Groups 3, 4 and 5 and the IMUL forms: TEST/NOT/NEG and the two- and three-operand IMUL written
 * once; MUL, one-operand IMUL, DIV and IDIV run the shared helpers of cpu/ops/muldiv.ts (64-bit
 * products in EDX:EAX, #DE); INC/DEC of r/m, near CALL/JMP
 * through r/m and PUSH r/m. The far forms of group 5 stay in the interpreter (cpu/ops/control.ts).
 */
import type { Cpu } from "../cpu.ts";
import { ARITH, CF, OF } from "../eflags.ts";
import { CpuFault, UD } from "../fault.ts";
import { div, idiv, imul1, mul } from "../ops/muldiv.ts";
import { LAZY_SUB } from "../state_layout.ts";
import { alu, AND, dec, inc } from "./alu.ts";
import type { Emitter } from "./emitter.ts";
import { defineHelper } from "./helpers.ts";
import { defineSemantics } from "./table.ts";

const MUL_DIV = [mul, imul1, div, idiv].map((fn) =>
  defineHelper((cpu, size, src) => {
    fn(cpu, size, src);
    return 0;
  })
);

function group3<V>(e: Emitter<V>, size: number): void {
  const reg = e.modrmReg, msb = size * 8 - 1;
  const mask = e.k(size === 4 ? -1 : size === 2 ? 0xffff : 0xff);
  if (reg < 2) {
    alu(e, AND, size, e.readRm(size), e.imm(size as 1 | 2 | 4)); // TEST
  } else if (reg === 2) { // NOT
    e.checkLock();
    e.writeRm(size, e.xor(e.readRm(size), mask));
  } else if (reg === 3) { // NEG: 0 − a, CF = (a ≠ 0)
    e.checkLock();
    const a = e.readRm(size);
    const r = e.and(e.sub(e.k(0), a), mask);
    e.setArith(LAZY_SUB, e.k(0), a, r, msb);
    e.writeRm(size, r);
  } else { // MUL IMUL DIV IDIV
    e.noLock();
    e.helper(MUL_DIV[reg - 4], e.k(size), e.readRm(size), e.k(0));
  }
}

const GROUP3 = {
  modrm: true,
  lockable: true,
  // The helpers read nothing but are opaque to the flag analysis: count them as readers.
  reads: (reg: number) => (reg >= 4 ? ARITH : 0),
  writes: (reg: number) => (reg === 2 || reg >= 4 ? 0 : ARITH),
  faults: (reg: number) => reg >= 6,
} as const;
// Only TEST has an immediate.
defineSemantics(0xf6, "grp3 Eb", { ...GROUP3, imm: (reg) => (reg < 2 ? 1 : 0) }, (e) => {
  group3(e, 1);
});
defineSemantics(0xf7, "grp3 Ev", { ...GROUP3, imm: (reg) => (reg < 2 ? "v" : 0) }, (e) => {
  group3(e, e.osize);
});

/**
 * Two- and three-operand IMUL: the product truncated to the operand size; CF = OF = it did not
 * fit. SF, ZF, AF and PF are undefined (SDM vol. 2); family-6 Intel parts compute SF/ZF/PF from
 * the truncated result and clear AF, which is what is recorded.
 */
function imulTruncated<V>(e: Emitter<V>, s: 2 | 4, a: V, b: V): V {
  if (s === 2) {
    // The product of two 16-bit values fits in 32 bits.
    const p = e.mul(e.signExtend(a, 2), e.signExtend(b, 2));
    const r = e.and(p, e.k(0xffff));
    if (!e.flagsUnobserved) {
      const fits = e.isZero(e.xor(p, e.signExtend(r, 2)));
      e.setResultFlags(r, 15, e.select(fits, e.k(0), e.k(CF | OF)));
    }
    return r;
  }
  const r = e.mul(a, b);
  if (!e.flagsUnobserved) {
    const fits = e.isZero(e.xor(e.mulHighS(a, b), e.shrS(r, 31)));
    e.setResultFlags(r, 31, e.select(fits, e.k(0), e.k(CF | OF)));
  }
  return r;
}

const IMUL = { modrm: true, reads: 0, writes: ARITH } as const;
defineSemantics(0x69, "imul Gv,Ev,Iv", { ...IMUL, imm: "v" }, (e) => {
  const s = e.osize;
  const a = e.readRm(s);
  e.setReg(s, e.modrmReg, imulTruncated(e, s, a, e.imm(s)));
});
defineSemantics(0x6b, "imul Gv,Ev,Ib", { ...IMUL, imm: 1 }, (e) => {
  const s = e.osize;
  const a = e.readRm(s);
  e.setReg(s, e.modrmReg, imulTruncated(e, s, a, e.immS8()));
});
defineSemantics(0x1af, "imul Gv,Ev", { ...IMUL, imm: 0 }, (e) => {
  const s = e.osize;
  const a = e.getReg(s, e.modrmReg);
  e.setReg(s, e.modrmReg, imulTruncated(e, s, a, e.readRm(s)));
});

const undefinedEncoding = () => {
  throw new CpuFault(UD);
};

// Group 4 (FE): INC/DEC r/m8.
defineSemantics(0xfe, "grp4 Eb", {
  modrm: true,
  imm: 0,
  lockable: true,
  reads: CF,
  writes: ARITH,
  only: (reg) => reg < 2,
  fallback: undefinedEncoding,
}, (e) => {
  e.checkLock();
  const a = e.readRm(1);
  e.writeRm(1, e.modrmReg === 0 ? inc(e, 1, a) : dec(e, 1, a));
});

/** Group 5 (FF) forms written here: INC, DEC, CALL near, JMP near, PUSH. */
export const GROUP5_HERE = (reg: number) => reg !== 3 && reg !== 5 && reg !== 7;

/** Registers group 5; `fallback` runs the far forms and the undefined encoding. */
export function defineGroup5(fallback: (cpu: Cpu) => void): void {
  defineSemantics(0xff, "grp5 Ev", {
    modrm: true,
    imm: 0,
    lockable: true,
    endsBlock: true,
    stack: true,
    reads: (reg) => (reg < 2 ? CF : 0),
    writes: (reg) => (reg < 2 ? ARITH : 0),
    only: GROUP5_HERE,
    fallback,
  }, (e) => {
    const s = e.osize, reg = e.modrmReg;
    if (reg < 2) {
      e.checkLock();
      const a = e.readRm(s);
      e.writeRm(s, reg === 0 ? inc(e, s, a) : dec(e, s, a));
      return;
    }
    e.noLock();
    const target = e.readRm(s);
    if (reg === 2) {
      const ret = e.nextEip();
      e.jump(target); // the CS limit is checked before anything is pushed
      e.push(s, ret);
    } else if (reg === 4) e.jump(target);
    else e.push(s, target);
  });
}

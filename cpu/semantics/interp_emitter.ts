import type { Cpu } from "../cpu.ts";
import { CpuFault, GP, UD } from "../fault.ts";
import { readFlag, setArith, setIncDec, setResult, testCondition } from "../lazy_flags.ts";
import { CS, S_EFLAGS, S_LAZY_MASK, SS } from "../state_layout.ts";
import { CF } from "../eflags.ts";
import { HELPERS } from "./helpers.ts";
import { mulS32 } from "../ops/muldiv.ts";
import { checkLock } from "../ops/lock.ts";
import type { Emitter } from "./emitter.ts";

/**
 * The interpreter's backend of {@link Emitter}: values are numbers, every operation is carried
 * out at once on the CPU, and operands are decoded from the instruction stream as they are asked
 * for (the ModRM byte has been decoded by the handler before the semantics run).
 */
export class InterpEmitter implements Emitter<number> {
  constructor(readonly cpu: Cpu) {}

  k(n: number): number {
    return n;
  }
  add(a: number, b: number): number {
    return (a + b) | 0;
  }
  sub(a: number, b: number): number {
    return (a - b) | 0;
  }
  and(a: number, b: number): number {
    return a & b;
  }
  or(a: number, b: number): number {
    return a | b;
  }
  xor(a: number, b: number): number {
    return a ^ b;
  }
  shl(a: number, n: number): number {
    return a << n;
  }
  shrU(a: number, n: number): number {
    return a >>> n;
  }
  shrS(a: number, n: number): number {
    return a >> n;
  }
  shlBy(a: number, n: number): number {
    return a << n;
  }
  shrUBy(a: number, n: number): number {
    return a >>> n;
  }
  shrSBy(a: number, n: number): number {
    return a >> n;
  }
  mul(a: number, b: number): number {
    return Math.imul(a, b);
  }
  mulHighS(a: number, b: number): number {
    return mulS32(a, b)[1];
  }
  isZero(a: number): number {
    return a === 0 ? 1 : 0;
  }
  signExtend(v: number, size: 1 | 2): number {
    return size === 1 ? (v << 24) >> 24 : (v << 16) >> 16;
  }
  select(c: number, a: number, b: number): number {
    return c !== 0 ? a : b;
  }
  constant(v: number): number {
    return v;
  }

  get osize(): 2 | 4 {
    return this.cpu.o32 ? 4 : 2;
  }
  get modrmReg(): number {
    return this.cpu.reg;
  }
  get rmIsReg(): boolean {
    return this.cpu.mod === 3;
  }
  imm(size: 1 | 2 | 4): number {
    return this.cpu.fetchImm(size);
  }
  immS8(): number {
    return (this.cpu.fetch8() << 24) >> 24;
  }
  disp(size: 1 | 2 | 4): number {
    const cpu = this.cpu;
    if (size === 1) return (cpu.fetch8() << 24) >> 24;
    if (size === 2) return (cpu.fetch16() << 16) >> 16;
    return cpu.fetch32();
  }

  immByte(): number {
    return this.cpu.fetch8();
  }

  getReg(size: number, n: number): number {
    return this.cpu.getReg(size, n);
  }
  setReg(size: number, n: number, v: number): void {
    this.cpu.setReg(size, n, v);
  }
  readRm(size: number): number {
    return this.cpu.readRm(size);
  }
  writeRm(size: number, v: number): void {
    this.cpu.writeRm(size, v);
  }
  readRmAt(size: number, delta: number): number {
    const cpu = this.cpu;
    return cpu.read(size, cpu.eaSeg, this.#displaced(delta));
  }
  writeRmAt(size: number, delta: number, v: number): void {
    const cpu = this.cpu;
    cpu.write(size, cpu.eaSeg, this.#displaced(delta), v);
  }
  #displaced(delta: number): number {
    const off = (this.cpu.eaOff + delta) | 0;
    return this.cpu.a32 ? off : off & 0xffff;
  }
  effectiveOffset(): number {
    if (this.cpu.mod === 3) throw new CpuFault(UD);
    return this.cpu.eaOff;
  }
  checkLock(): void {
    checkLock(this.cpu);
  }

  push(size: number, v: number): void {
    this.cpu.push(size, v);
  }
  pop(size: number): number {
    return this.cpu.pop(size);
  }
  peek(size: number, delta: number): number {
    return this.cpu.peek(size, delta);
  }
  noLock(): void {
    if (this.cpu.lock) throw new CpuFault(UD);
  }
  undefinedOpcode(): void {
    throw new CpuFault(UD);
  }
  adjustStack(n: number): void {
    this.cpu.sp = (this.cpu.sp + n) | 0;
  }

  stackRegister(n: number): number {
    const cpu = this.cpu;
    return cpu.stack32 ? cpu.st[n] : cpu.r16[n << 1];
  }
  stackRead(size: number, off: number): number {
    const cpu = this.cpu;
    return cpu.read(size, SS, cpu.stack32 ? off : off & 0xffff);
  }
  setStackPointer(v: number): void {
    this.cpu.sp = v;
  }
  helper(id: number, a: number, b: number, c: number): number {
    return HELPERS[id](this.cpu, a, b, c);
  }

  readonly flagsUnobserved = false;

  flag(mask: number): number {
    return readFlag(this.cpu.st, mask);
  }
  cond(cc: number): number {
    return testCondition(this.cpu.st, cc) ? 1 : 0;
  }
  setArith(op: number, a: number, b: number, r: number, msb: number): void {
    setArith(this.cpu.st, op, a, b, r, msb);
  }
  setResult(r: number, msb: number, cfAfOf: number): void {
    setResult(this.cpu.st, r, msb, cfAfOf);
  }
  setResultFlags(r: number, msb: number, cfAfOf: number): void {
    setResult(this.cpu.st, r, msb, cfAfOf);
  }
  setResultFlagsIf(c: number, r: number, msb: number, cfAfOf: number): void {
    if (c !== 0) setResult(this.cpu.st, r, msb, cfAfOf);
  }
  setCarry(cf: number): void {
    const st = this.cpu.st;
    // The lazy fields keep describing the other flags; only CF leaves them.
    st[S_EFLAGS] = (st[S_EFLAGS] & ~CF) | cf;
    st[S_LAZY_MASK] &= ~CF;
  }
  setIncDec(op: number, a: number, r: number, msb: number): void {
    setIncDec(this.cpu.st, op, a, r, msb);
  }

  nextEip(): number {
    return this.cpu.eip;
  }
  relativeTarget(disp: number): number {
    const t = (this.cpu.eip + disp) | 0;
    return this.cpu.o32 ? t : t & 0xffff;
  }
  jump(target: number): void {
    jumpNear(this.cpu, target);
  }
  jumpIf(c: number, target: number): void {
    if (c !== 0) this.jump(target);
  }
}

/** Near transfer to `target` with the operand-size wrap and the CS limit check. */
export function jumpNear(cpu: Cpu, target: number): void {
  if (!cpu.o32) target &= 0xffff;
  if ((target >>> 0) > cpu.segLimit(CS)) throw new CpuFault(GP, 0);
  cpu.eip = target;
}

import type { Cpu } from "../cpu.ts";
import { CF, OF } from "../eflags.ts";
import { CpuFault, DE } from "../fault.ts";
import { setResult } from "../lazy_flags.ts";
import { EAX, EDX } from "../state_layout.ts";

/** Unsigned 32×32→64 multiply: [low, high] as unsigned 32-bit numbers. */
export function mulU32(a: number, b: number): [number, number] {
  a >>>= 0;
  b >>>= 0;
  const aL = a & 0xffff, aH = a >>> 16, bL = b & 0xffff, bH = b >>> 16;
  const ll = aL * bL, lh = aL * bH, hl = aH * bL, hh = aH * bH;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  const lo = ((mid << 16) | (ll & 0xffff)) >>> 0;
  const hi = (hh + (lh >>> 16) + (hl >>> 16) + Math.floor(mid / 0x10000)) >>> 0;
  return [lo, hi];
}

/** Signed 32×32→64 multiply: [low, high] as int32 halves. */
export function mulS32(a: number, b: number): [number, number] {
  const [lo, hiU] = mulU32(a, b);
  let hi = hiU;
  if (a < 0 || (a | 0) < 0) hi -= b >>> 0;
  if ((b | 0) < 0) hi -= a >>> 0;
  return [lo | 0, hi | 0];
}

/**
 * Flags after MUL/IMUL: CF = OF = `overflow`. SF, ZF, AF and PF are undefined
 * (SDM vol. 2); family-6 Intel parts compute SF/ZF/PF from the low result and
 * clear AF, which is what we record.
 */
function mulFlags(cpu: Cpu, low: number, msb: number, overflow: boolean): void {
  setResult(cpu.st, low, msb, overflow ? CF | OF : 0);
}

/** MUL r/m (F6/F7 /4). */
export function mul(cpu: Cpu, size: number, src: number): void {
  if (size === 1) {
    const r = cpu.getReg(1, EAX) * src;
    cpu.r16[0] = r;
    mulFlags(cpu, r & 0xff, 7, r > 0xff);
  } else if (size === 2) {
    const r = cpu.r16[0] * src;
    cpu.r16[0] = r;
    cpu.r16[EDX << 1] = r >>> 16;
    mulFlags(cpu, r & 0xffff, 15, r > 0xffff);
  } else {
    const [lo, hi] = mulU32(cpu.st[EAX], src);
    cpu.st[EAX] = lo;
    cpu.st[EDX] = hi;
    mulFlags(cpu, lo | 0, 31, hi !== 0);
  }
}

/** One-operand IMUL r/m (F6/F7 /5). */
export function imul1(cpu: Cpu, size: number, src: number): void {
  if (size === 1) {
    const r = ((cpu.getReg(1, EAX) << 24) >> 24) * ((src << 24) >> 24);
    cpu.r16[0] = r;
    mulFlags(cpu, r & 0xff, 7, r !== (r << 24) >> 24);
  } else if (size === 2) {
    const r = ((cpu.r16[0] << 16) >> 16) * ((src << 16) >> 16);
    cpu.r16[0] = r;
    cpu.r16[EDX << 1] = r >> 16;
    mulFlags(cpu, r & 0xffff, 15, r !== (r << 16) >> 16);
  } else {
    const [lo, hi] = mulS32(cpu.st[EAX], src | 0);
    cpu.st[EAX] = lo;
    cpu.st[EDX] = hi;
    mulFlags(cpu, lo, 31, hi !== lo >> 31);
  }
}

/** DIV r/m (F6/F7 /6): #DE on division by zero or quotient overflow. */
export function div(cpu: Cpu, size: number, src: number): void {
  if (src === 0) throw new CpuFault(DE);
  if (size === 1) {
    const n = cpu.r16[0];
    const q = Math.floor(n / src);
    if (q > 0xff) throw new CpuFault(DE);
    cpu.r16[0] = q | ((n % src) << 8);
  } else if (size === 2) {
    const n = (cpu.r16[EDX << 1] * 0x10000) + cpu.r16[0];
    const q = Math.floor(n / src);
    if (q > 0xffff) throw new CpuFault(DE);
    cpu.r16[0] = q;
    cpu.r16[EDX << 1] = n % src;
  } else {
    const hi = cpu.st[EDX] >>> 0, lo = cpu.st[EAX] >>> 0;
    src >>>= 0;
    if (hi >= src) throw new CpuFault(DE);
    if (hi === 0) {
      cpu.st[EAX] = Math.floor(lo / src);
      cpu.st[EDX] = lo % src;
    } else {
      const n = (BigInt(hi) << 32n) | BigInt(lo);
      const d = BigInt(src);
      cpu.st[EAX] = Number(n / d);
      cpu.st[EDX] = Number(n % d);
    }
  }
}

/** IDIV r/m (F6/F7 /7): quotient truncates toward zero; #DE when it does not fit. */
export function idiv(cpu: Cpu, size: number, src: number): void {
  if (size === 1) {
    const d = (src << 24) >> 24;
    if (d === 0) throw new CpuFault(DE);
    const n = (cpu.r16[0] << 16) >> 16;
    const q = Math.trunc(n / d);
    if (q > 127 || q < -128) throw new CpuFault(DE);
    cpu.r16[0] = (q & 0xff) | ((n % d & 0xff) << 8);
  } else if (size === 2) {
    const d = (src << 16) >> 16;
    if (d === 0) throw new CpuFault(DE);
    const n = (cpu.r16[EDX << 1] << 16) | cpu.r16[0];
    const q = Math.trunc(n / d);
    if (q > 32767 || q < -32768) throw new CpuFault(DE);
    cpu.r16[0] = q;
    cpu.r16[EDX << 1] = n % d;
  } else {
    const d = src | 0;
    if (d === 0) throw new CpuFault(DE);
    const hi = cpu.st[EDX], lo = cpu.st[EAX] >>> 0;
    const n = (BigInt(hi) << 32n) | BigInt(lo);
    const q = n / BigInt(d);
    if (q > 0x7fffffffn || q < -0x80000000n) throw new CpuFault(DE);
    cpu.st[EAX] = Number(q);
    cpu.st[EDX] = Number(n % BigInt(d));
  }
}

import type { Cpu } from "../cpu.ts";
import { CF, OF } from "../eflags.ts";
import { readEflags, readFlag, setResult, writeEflags } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";
import { sizeMask } from "./arith.ts";
import { rotateValue } from "../semantics/shift.ts";
import { ECX } from "../state_layout.ts";

export const ROL = 0, ROR = 1, RCL = 2, RCR = 3, SHL = 4, SHR = 5, SAL = 6, SAR = 7;

/** Sets only CF and OF, leaving SF/ZF/AF/PF alone (rotates). */
function setCfOf(cpu: Cpu, cf: number, of: number): void {
  const f = readEflags(cpu.st) & ~(CF | OF);
  writeEflags(cpu.st, f | (cf ? CF : 0) | (of ? OF : 0));
}

/**
 * Rotates `a` (`size` bytes) by `count` (already masked to 5 bits, not zero): ROL, ROR, RCL,
 * RCR, with CF and OF per SDM vol. 2 "RCL/RCR/ROL/ROR" (OF by the one-bit formula for larger
 * counts, as family-6 parts do). The shifts proper are in cpu/semantics/shift.ts.
 */
export function rotate(cpu: Cpu, op: number, size: number, a: number, count: number): number {
  const bits = size * 8;
  const mask = sizeMask(size);
  const msb = bits - 1;
  a &= mask;
  let r: number, cf: number;
  switch (op) {
    case ROL: {
      r = rotateValue(cpu.emit, ROL, size, a, count);
      cf = r & 1;
      setCfOf(cpu, cf, ((r >>> msb) & 1) ^ cf);
      return r;
    }
    case ROR: {
      r = rotateValue(cpu.emit, ROR, size, a, count);
      cf = (r >>> msb) & 1;
      setCfOf(cpu, cf, cf ^ ((r >>> (msb - 1)) & 1));
      return r;
    }
    default: {
      let n = count % (bits + 1);
      if (n === 0) return a;
      const c = readFlag(cpu.st, CF);
      if (size === 4) {
        // 33-bit rotation through CF, n in 1..31 (JS shift counts are taken mod 32).
        if (op === RCL) {
          r = n === 1 ? (a << 1) | c : (a << n) | (c << (n - 1)) | (a >>> (33 - n));
          cf = (a >>> (32 - n)) & 1;
        } else {
          r = n === 1 ? (a >>> 1) | (c << 31) : (a >>> n) | (c << (32 - n)) | (a << (33 - n));
          cf = (a >>> (n - 1)) & 1;
        }
      } else {
        if (op === RCR) n = bits + 1 - n;
        const v = (c << bits) | a;
        const wide = (1 << (bits + 1)) - 1;
        const rot = ((v << n) | (v >>> (bits + 1 - n))) & wide;
        r = rot & mask;
        cf = (rot >>> bits) & 1;
      }
      const of = op === RCL ? ((r >>> msb) & 1) ^ cf : ((r >>> msb) ^ (r >>> (msb - 1))) & 1;
      setCfOf(cpu, cf, of);
      return r;
    }
  }
}

/** SHLD (left = true) and SHRD; 16-bit counts above 16 follow Intel's 48-bit behaviour. */
export function doubleShift(
  cpu: Cpu,
  left: boolean,
  size: number,
  dst: number,
  src: number,
  count: number,
): number {
  count &= 0x1f;
  if (count === 0) return dst;
  let r: number, cf: number;
  if (size === 4) {
    if (left) {
      r = (dst << count) | (count === 32 ? 0 : src >>> (32 - count));
      cf = (dst >>> (32 - count)) & 1;
    } else {
      r = (dst >>> count) | (src << (32 - count));
      cf = (dst >>> (count - 1)) & 1;
    }
  } else {
    dst &= 0xffff;
    src &= 0xffff;
    if (left) {
      const t = ((dst << 16) | src) >>> 0;
      let w = count < 32 ? (t << count) >>> 0 : 0;
      if (count > 16) w |= dst << (count - 16);
      r = (w >>> 16) & 0xffff;
      cf = (t >>> (32 - count)) & 1;
    } else {
      const t = ((src << 16) | dst) >>> 0;
      let w = t >>> count;
      if (count > 16) w |= dst << (32 - count);
      r = w & 0xffff;
      cf = (t >>> (count - 1)) & 1;
    }
  }
  const msb = size * 8 - 1;
  const of = ((r ^ dst) >>> msb) & 1;
  setResult(cpu.st, r & sizeMask(size), msb, (cf ? CF : 0) | (of ? OF : 0));
  return r & sizeMask(size);
}

function shxd(cpu: Cpu, left: boolean, countFromCl: boolean): void {
  cpu.decodeModrm();
  const s = cpu.osize;
  const count = countFromCl ? cpu.r8[ECX << 2] : cpu.fetch8();
  const dst = cpu.readRm(s);
  if ((count & 0x1f) === 0) return;
  cpu.writeRm(s, doubleShift(cpu, left, s, dst, cpu.getReg(s, cpu.reg), count));
}
define(0x1a4, "shld Ev,Gv,Ib", (cpu) => shxd(cpu, true, false));
define(0x1a5, "shld Ev,Gv,CL", (cpu) => shxd(cpu, true, true));
define(0x1ac, "shrd Ev,Gv,Ib", (cpu) => shxd(cpu, false, false));
define(0x1ad, "shrd Ev,Gv,CL", (cpu) => shxd(cpu, false, true));

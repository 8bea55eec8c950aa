import type { Cpu } from "../cpu.ts";
import { CF, ZF } from "../eflags.ts";
import { CpuFault, UD } from "../fault.ts";
import { readEflags, writeEflags } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";
import { checkLock } from "./lock.ts";

export const BT = 0, BTS = 1, BTR = 2, BTC = 3;

function setFlagBit(cpu: Cpu, flag: number, on: boolean): void {
  const f = readEflags(cpu.st);
  writeEflags(cpu.st, on ? f | flag : f & ~flag);
}

/**
 * BT/BTS/BTR/BTC. With a register bit offset and a memory operand the offset
 * is a signed bit string index that may leave the operand (SDM vol. 2 BT).
 * CF receives the bit; the other status flags are kept.
 */
function bitOp(cpu: Cpu, op: number, offset: number, fromRegister: boolean): void {
  const size = cpu.osize;
  const bits = size * 8;
  if (op !== BT) checkLock(cpu);
  let value: number, bit: number;
  let seg = 0, off = 0;
  if (cpu.mod === 3) {
    bit = offset & (bits - 1);
    value = cpu.getReg(size, cpu.rm);
  } else {
    seg = cpu.eaSeg;
    off = cpu.eaOff;
    if (fromRegister) {
      const signed = size === 4 ? offset | 0 : (offset << 16) >> 16;
      off = (off + (signed >> (size === 4 ? 5 : 4)) * size) | 0;
      if (!cpu.a32) off &= 0xffff;
    }
    bit = offset & (bits - 1);
    value = cpu.read(size, seg, off);
  }
  const old = (value >>> bit) & 1;
  setFlagBit(cpu, CF, old === 1);
  if (op === BT) return;
  const m = 1 << bit;
  const nv = op === BTS ? value | m : op === BTR ? value & ~m : value ^ m;
  if (cpu.mod === 3) cpu.setReg(size, cpu.rm, nv);
  else cpu.write(size, seg, off, nv);
}

const NAMES = ["bt", "bts", "btr", "btc"];
for (let op = 0; op < 4; op++) {
  define(0x1a3 + op * 8, `${NAMES[op]} Ev,Gv`, (cpu) => {
    cpu.decodeModrm();
    bitOp(cpu, op, cpu.getReg(cpu.osize, cpu.reg), true);
  }, { lockable: op !== BT });
}
define(0x1ba, "grp8 Ev,Ib", (cpu) => {
  cpu.decodeModrm();
  if (cpu.reg < 4) throw new CpuFault(UD);
  bitOp(cpu, cpu.reg - 4, cpu.fetch8(), false);
}, { lockable: true });

/** BSF/BSR: ZF = (source is zero), in which case the destination is left unchanged. */
function bitScan(cpu: Cpu, reverse: boolean): void {
  cpu.decodeModrm();
  const size = cpu.osize;
  const v = cpu.readRm(size);
  if (v === 0) {
    setFlagBit(cpu, ZF, true);
    return;
  }
  const idx = reverse ? 31 - Math.clz32(v) : 31 - Math.clz32(v & -v);
  cpu.setReg(size, cpu.reg, idx);
  setFlagBit(cpu, ZF, false);
}
define(0x1bc, "bsf Gv,Ev", (cpu) => bitScan(cpu, false));
define(0x1bd, "bsr Gv,Ev", (cpu) => bitScan(cpu, true));

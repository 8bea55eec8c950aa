// BT, BTS, BTR and BTC are written once in cpu/semantics/bits.ts.
import type { Cpu } from "../cpu.ts";
import { ZF } from "../eflags.ts";
import { readEflags, writeEflags } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";

/** Sets or clears the EFLAGS bits of `flag`. */
function setFlagBit(cpu: Cpu, flag: number, on: boolean): void {
  const f = readEflags(cpu.st);
  writeEflags(cpu.st, on ? f | flag : f & ~flag);
}

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

import type { Cpu } from "../cpu.ts";
import { CpuFault, UD } from "../fault.ts";
import { define } from "../opcode_table.ts";
import { loadSegment } from "../segmentation.ts";
import { CS, EAX, EBX, EDX, SS } from "../state_layout.ts";
import { alu, CMP } from "./arith.ts";
import { checkLock } from "./lock.ts";
import { FEAT_CX8 } from "../cpu_model.ts";
import { requireFeature } from "./feature_gate.ts";

// MOV
define(0x8c, "mov Ev,Sw", (cpu) => {
  cpu.decodeModrm();
  if (cpu.reg > 5) throw new CpuFault(UD);
  const sel = cpu.segSel(cpu.reg);
  // A register destination gets the selector zero-extended with a 32-bit operand size.
  if (cpu.mod === 3) cpu.setReg(cpu.osize, cpu.rm, sel);
  else cpu.write16(cpu.eaSeg, cpu.eaOff, sel);
});
define(0x8e, "mov Sw,Ew", (cpu) => {
  cpu.decodeModrm();
  if (cpu.reg > 5 || cpu.reg === CS) throw new CpuFault(UD);
  loadSegment(cpu, cpu.reg, cpu.readRm(2));
  if (cpu.reg === SS) cpu.inhibitInterrupts(true);
}, { endsBlock: true });

// XCHG

// Conversions
define(0xd7, "xlat", (cpu) => {
  const seg = cpu.segOverride >= 0 ? cpu.segOverride : 3;
  const off = cpu.a32 ? cpu.st[EBX] + cpu.r8[0] : (cpu.r16[EBX << 1] + cpu.r8[0]) & 0xffff;
  cpu.r8[0] = cpu.read8(seg, off);
});
for (let r = 0; r < 8; r++) {
  define(0x1c8 + r, "bswap Zd", (cpu) => {
    const v = cpu.st[r];
    // With a 16-bit operand size the result is undefined; real CPUs write zero.
    if (!cpu.o32) cpu.r16[r << 1] = 0;
    else {
      cpu.st[r] = ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
    }
  });
}

// Conditional moves and sets

// XADD, CMPXCHG, CMPXCHG8B
define(0x1c0, "xadd Eb,Gb", (cpu) => xadd(cpu, 1), { lockable: true });
define(0x1c1, "xadd Ev,Gv", (cpu) => xadd(cpu, cpu.osize), { lockable: true });
function xadd(cpu: Cpu, size: number): void {
  cpu.decodeModrm();
  checkLock(cpu);
  const dst = cpu.readRm(size);
  const src = cpu.getReg(size, cpu.reg);
  const sum = alu(cpu, 0, size, dst, src);
  cpu.setReg(size, cpu.reg, dst);
  cpu.writeRm(size, sum);
}
define(0x1b0, "cmpxchg Eb,Gb", (cpu) => cmpxchg(cpu, 1), { lockable: true });
define(0x1b1, "cmpxchg Ev,Gv", (cpu) => cmpxchg(cpu, cpu.osize), { lockable: true });
function cmpxchg(cpu: Cpu, size: number): void {
  cpu.decodeModrm();
  checkLock(cpu);
  const dst = cpu.readRm(size);
  const acc = cpu.getReg(size, EAX);
  alu(cpu, CMP, size, acc, dst);
  if ((acc & mask(size)) === (dst & mask(size))) cpu.writeRm(size, cpu.getReg(size, cpu.reg));
  else {
    // The destination is written back with its own value (a locked cycle always writes).
    cpu.writeRm(size, dst);
    cpu.setReg(size, EAX, dst);
  }
}
function mask(size: number): number {
  return size === 4 ? -1 : size === 2 ? 0xffff : 0xff;
}
define(0x1c7, "grp9 cmpxchg8b Mq", (cpu) => {
  cpu.decodeModrm();
  if (cpu.reg !== 1 || cpu.mod === 3) throw new CpuFault(UD);
  requireFeature(cpu, FEAT_CX8);
  const lo = cpu.read32(cpu.eaSeg, cpu.eaOff);
  const hi = cpu.read32(cpu.eaSeg, cpu.eaOff + 4);
  const st = cpu.st;
  // Only ZF is written by CMPXCHG8B (SDM vol. 2); the others keep their values.
  const flags = cpu.eflags;
  if (lo === st[EAX] && hi === st[EDX]) {
    cpu.write32(cpu.eaSeg, cpu.eaOff, st[EBX]);
    cpu.write32(cpu.eaSeg, cpu.eaOff + 4, st[1]);
    cpu.eflags = flags | 0x40;
  } else {
    cpu.write32(cpu.eaSeg, cpu.eaOff, lo);
    cpu.write32(cpu.eaSeg, cpu.eaOff + 4, hi);
    st[EAX] = lo;
    st[EDX] = hi;
    cpu.eflags = flags & ~0x40;
  }
}, { lockable: true });

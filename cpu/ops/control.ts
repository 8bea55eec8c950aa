import type { Cpu } from "../cpu.ts";
import { IOPL, OF } from "../eflags.ts";
import { BP, BR, CpuFault, GP, OF_, UD } from "../fault.ts";
import { deliverInterrupt } from "../interrupts.ts";
import { readFlag, testCondition } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";
import { CS, ECX, S_EFLAGS } from "../state_layout.ts";
import { dec, inc } from "./arith.ts";
import { checkLock } from "./alu_ops.ts";
import { farCall, farJump, farReturn, interruptReturn } from "./far.ts";

/** Near transfer to `target` with the operand-size wrap and the CS limit check. */
export function jumpNear(cpu: Cpu, target: number): void {
  if (!cpu.o32) target &= 0xffff;
  if ((target >>> 0) > cpu.segLimit(CS)) throw new CpuFault(GP, 0);
  cpu.eip = target;
}

const BLOCK = { endsBlock: true };

for (let cc = 0; cc < 16; cc++) {
  define(0x70 + cc, "jcc Jb", (cpu) => {
    const d = (cpu.fetch8() << 24) >> 24;
    if (testCondition(cpu.st, cc)) jumpNear(cpu, cpu.eip + d);
  }, BLOCK);
  define(0x180 + cc, "jcc Jv", (cpu) => {
    const d = cpu.o32 ? cpu.fetch32() : (cpu.fetch16() << 16) >> 16;
    if (testCondition(cpu.st, cc)) jumpNear(cpu, cpu.eip + d);
  }, BLOCK);
}
define(0xeb, "jmp Jb", (cpu) => {
  const d = (cpu.fetch8() << 24) >> 24;
  jumpNear(cpu, cpu.eip + d);
}, BLOCK);
define(0xe9, "jmp Jv", (cpu) => {
  const d = cpu.o32 ? cpu.fetch32() : (cpu.fetch16() << 16) >> 16;
  jumpNear(cpu, cpu.eip + d);
}, BLOCK);
define(0xe8, "call Jv", (cpu) => {
  const s = cpu.osize;
  const d = s === 4 ? cpu.fetch32() : (cpu.fetch16() << 16) >> 16;
  const ret = cpu.eip;
  const target = s === 4 ? ret + d : (ret + d) & 0xffff;
  if ((target >>> 0) > cpu.segLimit(CS)) throw new CpuFault(GP, 0);
  cpu.push(s, ret);
  cpu.eip = target;
}, BLOCK);
define(0xc3, "ret", (cpu) => {
  const s = cpu.osize;
  const target = cpu.peek(s, 0);
  jumpNear(cpu, target);
  cpu.sp = (cpu.sp + s) | 0;
}, BLOCK);
define(0xc2, "ret Iw", (cpu) => {
  const s = cpu.osize;
  const n = cpu.fetch16();
  const target = cpu.peek(s, 0);
  jumpNear(cpu, target);
  cpu.sp = (cpu.sp + s + n) | 0;
}, BLOCK);
define(0xcb, "retf", (cpu) => farReturn(cpu, cpu.osize, 0), BLOCK);
define(0xca, "retf Iw", (cpu) => farReturn(cpu, cpu.osize, cpu.fetch16()), BLOCK);
define(0xea, "jmp Ap", (cpu) => {
  const off = cpu.o32 ? cpu.fetch32() : cpu.fetch16();
  farJump(cpu, cpu.fetch16(), off);
}, BLOCK);
define(0x9a, "call Ap", (cpu) => {
  const off = cpu.o32 ? cpu.fetch32() : cpu.fetch16();
  farCall(cpu, cpu.fetch16(), off, cpu.osize);
}, BLOCK);
define(0xcf, "iret", (cpu) => {
  interruptReturn(cpu, cpu.osize);
  cpu.nmiBlocked = false; // IRET ends the NMI handler's blocking (SDM vol. 3 §6.7.1)
}, BLOCK);

// LOOP family and JCXZ: the counter is CX or ECX by address size.
function loop(cpu: Cpu, kind: number): void {
  const d = (cpu.fetch8() << 24) >> 24;
  const c = (cpu.getAddrReg(ECX) - 1) | 0;
  cpu.setAddrReg(ECX, c);
  const nz = cpu.a32 ? c !== 0 : (c & 0xffff) !== 0;
  const zf = readFlag(cpu.st, 0x40) !== 0;
  const take = kind === 2 ? nz : kind === 1 ? nz && zf : nz && !zf;
  if (take) jumpNear(cpu, cpu.eip + d);
}
define(0xe0, "loopnz Jb", (cpu) => loop(cpu, 0), BLOCK);
define(0xe1, "loopz Jb", (cpu) => loop(cpu, 1), BLOCK);
define(0xe2, "loop Jb", (cpu) => loop(cpu, 2), BLOCK);
define(0xe3, "jcxz Jb", (cpu) => {
  const d = (cpu.fetch8() << 24) >> 24;
  if (cpu.getAddrReg(ECX) === 0) jumpNear(cpu, cpu.eip + d);
}, BLOCK);

// Software interrupts: EIP already points past the instruction (they are traps).
function softInt(cpu: Cpu, vector: number): void {
  if (cpu.v86 && ((cpu.st[S_EFLAGS] & IOPL) >>> 12) < 3) throw new CpuFault(GP, 0);
  deliverInterrupt(cpu, vector, { software: true, external: false, errorCode: -1 });
}
define(0xcc, "int3", (cpu) => {
  deliverInterrupt(cpu, BP, { software: true, external: false, errorCode: -1 });
}, BLOCK);
define(0xcd, "int Ib", (cpu) => softInt(cpu, cpu.fetch8()), BLOCK);
define(0xce, "into", (cpu) => {
  if (readFlag(cpu.st, OF)) {
    deliverInterrupt(cpu, OF_, { software: true, external: false, errorCode: -1 });
  }
}, BLOCK);
define(0xf1, "int1", (cpu) => {
  deliverInterrupt(cpu, 1, { software: false, external: false, errorCode: -1 });
}, BLOCK);
define(0x62, "bound Gv,Ma", (cpu) => {
  cpu.decodeModrm();
  cpu.requireMemory();
  const s = cpu.osize;
  const idx = s === 4 ? cpu.st[cpu.reg] : (cpu.r16[cpu.reg << 1] << 16) >> 16;
  const lo = s === 4
    ? cpu.read32(cpu.eaSeg, cpu.eaOff)
    : (cpu.read16(cpu.eaSeg, cpu.eaOff) << 16) >> 16;
  const hi = s === 4
    ? cpu.read32(cpu.eaSeg, cpu.eaOff + 4)
    : (cpu.read16(cpu.eaSeg, cpu.eaOff + 2) << 16) >> 16;
  if (idx < lo || idx > hi) throw new CpuFault(BR);
});

/** Group 5 (FF): INC, DEC, CALL, CALLF, JMP, JMPF, PUSH. */
define(0xff, "grp5 Ev", (cpu) => {
  cpu.decodeModrm();
  const s = cpu.osize;
  switch (cpu.reg) {
    case 0:
      checkLock(cpu);
      cpu.writeRm(s, inc(cpu, s, cpu.readRm(s)));
      return;
    case 1:
      checkLock(cpu);
      cpu.writeRm(s, dec(cpu, s, cpu.readRm(s)));
      return;
  }
  if (cpu.lock) throw new CpuFault(UD);
  switch (cpu.reg) {
    case 2: {
      const target = cpu.readRm(s);
      const ret = cpu.eip;
      const t = s === 4 ? target : target & 0xffff;
      if ((t >>> 0) > cpu.segLimit(CS)) throw new CpuFault(GP, 0);
      cpu.push(s, ret);
      cpu.eip = t;
      return;
    }
    case 3: {
      cpu.requireMemory();
      const off = cpu.read(s, cpu.eaSeg, cpu.eaOff);
      const sel = cpu.read16(cpu.eaSeg, cpu.eaOff + s);
      farCall(cpu, sel, off, s);
      return;
    }
    case 4:
      jumpNear(cpu, cpu.readRm(s));
      return;
    case 5: {
      cpu.requireMemory();
      const off = cpu.read(s, cpu.eaSeg, cpu.eaOff);
      const sel = cpu.read16(cpu.eaSeg, cpu.eaOff + s);
      farJump(cpu, sel, off);
      return;
    }
    case 6:
      cpu.push(s, cpu.readRm(s));
      return;
    default:
      throw new CpuFault(UD);
  }
}, { endsBlock: true, lockable: true });

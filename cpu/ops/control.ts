import type { Cpu } from "../cpu.ts";
import { IOPL, OF } from "../eflags.ts";
import { BP, BR, CpuFault, GP, OF_, UD } from "../fault.ts";
import { deliverInterrupt } from "../interrupts.ts";
import { readFlag } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";
import { ECX, S_EFLAGS } from "../state_layout.ts";
import { jumpNear } from "../semantics/interp_emitter.ts";

export { jumpNear };
import { defineGroup5 } from "../semantics/groups.ts";
import { farCall, farJump, farReturn, interruptReturn } from "./far.ts";

const BLOCK = { endsBlock: true };

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

// Group 5 (FF): INC, DEC, near CALL/JMP and PUSH are in cpu/semantics/groups.ts; the far forms
// (and the undefined /7) run here.
defineGroup5((cpu) => {
  const s = cpu.osize;
  if (cpu.lock || cpu.reg === 7) throw new CpuFault(UD);
  cpu.requireMemory();
  const off = cpu.read(s, cpu.eaSeg, cpu.eaOff);
  const sel = cpu.read16(cpu.eaSeg, cpu.eaOff + s);
  if (cpu.reg === 3) farCall(cpu, sel, off, s);
  else farJump(cpu, sel, off);
});

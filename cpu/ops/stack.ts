import type { Cpu } from "../cpu.ts";
import { AC, ARITH, DF, ID, IF, IOPL, NT, RF, TF, VIF, VIP, VM } from "../eflags.ts";
import { CpuFault, GP, UD } from "../fault.ts";
import { define } from "../opcode_table.ts";
import { loadSegment } from "../segmentation.ts";
import { EBP, ESP, S_EFLAGS, SS } from "../state_layout.ts";

define(0x8f, "pop Ev", (cpu) => {
  const s = cpu.osize;
  // The value is popped first: an ESP-based destination address sees the incremented ESP.
  const v = cpu.pop(s);
  cpu.decodeModrm();
  if (cpu.reg !== 0) throw new CpuFault(UD);
  cpu.writeRm(s, v);
});

define(0x60, "pusha", (cpu) => {
  const s = cpu.osize;
  const sp = cpu.getReg(s, ESP);
  for (let r = 0; r < 8; r++) cpu.push(s, r === ESP ? sp : cpu.getReg(s, r));
});
define(0x61, "popa", (cpu) => {
  const s = cpu.osize;
  for (let r = 7; r >= 0; r--) {
    const v = cpu.pop(s);
    if (r !== ESP) cpu.setReg(s, r, v);
  }
});

/** EFLAGS as PUSHF stores it: VM and RF read as zero (SDM vol. 2 PUSHF). */
define(0x9c, "pushf", (cpu) => {
  if (cpu.v86 && ((cpu.st[S_EFLAGS] & IOPL) >>> 12) < 3) throw new CpuFault(GP, 0);
  cpu.push(cpu.osize, cpu.eflags & ~(VM | RF));
});
define(0x9d, "popf", (cpu) => {
  const s = cpu.osize;
  if (cpu.v86 && ((cpu.st[S_EFLAGS] & IOPL) >>> 12) < 3) throw new CpuFault(GP, 0);
  writeFlagsChecked(cpu, cpu.pop(s), s);
}, { endsBlock: true });

/**
 * EFLAGS load with the privilege rules of POPF (and IRET at the same level):
 * IOPL only at CPL 0, IF only when CPL ≤ IOPL; VM, VIP, VIF never; RF cleared.
 */
export function writeFlagsChecked(cpu: Cpu, v: number, size: number): void {
  const old = cpu.eflags;
  let mask = ARITH | TF | DF | NT | AC | ID | IF | IOPL;
  if (cpu.protectedMode) {
    const iopl = (old & IOPL) >>> 12;
    if (cpu.v86) mask &= ~IOPL;
    else {
      if (cpu.cpl > 0) mask &= ~IOPL;
      if (cpu.cpl > iopl) mask &= ~IF;
    }
  }
  if (size === 2) mask &= 0xffff;
  cpu.eflags = ((old & ~mask) | (v & mask)) & ~(RF | (size === 2 ? 0 : 0)) &
    ~(mask & (VIF | VIP));
}

// Segment register pushes and pops: a 32-bit push writes only the low 16 bits.
function pushSeg(cpu: Cpu, seg: number): void {
  const s = cpu.osize;
  if (s === 2) cpu.push(2, cpu.segSel(seg));
  else {
    const sp = (cpu.sp - 4) | 0;
    const off = cpu.stack32 ? sp : sp & 0xffff;
    cpu.write16(SS, off, cpu.segSel(seg));
    cpu.sp = sp;
  }
}
function popSeg(cpu: Cpu, seg: number): void {
  const s = cpu.osize;
  const sel = cpu.peek(2, 0);
  // The increment uses the stack size in force before the load (POP SS may change it).
  const stack32 = cpu.stack32;
  const sp = (cpu.sp + s) | 0;
  loadSegment(cpu, seg, sel);
  if (stack32) cpu.st[ESP] = sp;
  else cpu.r16[ESP << 1] = sp;
  if (seg === SS) cpu.inhibitInterrupts(true);
}
define(0x06, "push es", (cpu) => pushSeg(cpu, 0));
define(0x07, "pop es", (cpu) => popSeg(cpu, 0));
define(0x0e, "push cs", (cpu) => pushSeg(cpu, 1));
define(0x16, "push ss", (cpu) => pushSeg(cpu, 2));
define(0x17, "pop ss", (cpu) => popSeg(cpu, 2), { endsBlock: true });
define(0x1e, "push ds", (cpu) => pushSeg(cpu, 3));
define(0x1f, "pop ds", (cpu) => popSeg(cpu, 3));
define(0x1a0, "push fs", (cpu) => pushSeg(cpu, 4));
define(0x1a1, "pop fs", (cpu) => popSeg(cpu, 4));
define(0x1a8, "push gs", (cpu) => pushSeg(cpu, 5));
define(0x1a9, "pop gs", (cpu) => popSeg(cpu, 5));

define(0xc8, "enter Iw,Ib", (cpu) => {
  const size = cpu.fetch16();
  const level = cpu.fetch8() & 31;
  const s = cpu.osize;
  cpu.push(s, cpu.getReg(s, EBP));
  // FrameTemp is ESP or SP by operand size, whatever the stack size (SDM vol. 2 ENTER): a
  // 32-bit ENTER on a 16-bit stack keeps ESP's upper half in EBP.
  const frame = s === 4 ? cpu.st[ESP] : cpu.r16[ESP << 1];
  if (level > 0) {
    let bp = cpu.stack32 ? cpu.st[EBP] : cpu.r16[EBP << 1];
    for (let i = 1; i < level; i++) {
      bp = (bp - s) | 0;
      cpu.push(s, cpu.read(s, SS, cpu.stack32 ? bp : bp & 0xffff));
    }
    cpu.push(s, frame);
  }
  const sp = (cpu.sp - size) | 0;
  if (size !== 0) {
    // #SS or #PF when a write at the final stack pointer would fault (SDM vol. 2 ENTER),
    // before EBP changes: the run loop restores ESP on a fault.
    cpu.probeWrite(cpu.linear(SS, cpu.stack32 ? sp : sp & 0xffff, 1, true), 1);
  }
  cpu.setReg(s, EBP, frame);
  cpu.sp = sp;
});

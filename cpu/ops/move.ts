import type { Cpu } from "../cpu.ts";
import { CpuFault, UD } from "../fault.ts";
import { testCondition } from "../lazy_flags.ts";
import { define } from "../opcode_table.ts";
import { loadSegment } from "../segmentation.ts";
import { CS, EAX, EBX, EDX, SS } from "../state_layout.ts";
import { alu, CMP } from "./arith.ts";
import { checkLock } from "./alu_ops.ts";

// MOV
define(0x88, "mov Eb,Gb", (cpu) => {
  cpu.decodeModrm();
  cpu.writeRm(1, cpu.getReg(1, cpu.reg));
});
define(0x89, "mov Ev,Gv", (cpu) => {
  cpu.decodeModrm();
  const s = cpu.osize;
  cpu.writeRm(s, cpu.getReg(s, cpu.reg));
});
define(0x8a, "mov Gb,Eb", (cpu) => {
  cpu.decodeModrm();
  cpu.setReg(1, cpu.reg, cpu.readRm(1));
});
define(0x8b, "mov Gv,Ev", (cpu) => {
  cpu.decodeModrm();
  const s = cpu.osize;
  cpu.setReg(s, cpu.reg, cpu.readRm(s));
});
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
define(0x8d, "lea Gv,M", (cpu) => {
  cpu.decodeModrm();
  cpu.requireMemory();
  cpu.setReg(cpu.osize, cpu.reg, cpu.eaOff);
});
for (let r = 0; r < 8; r++) {
  define(0xb0 + r, "mov Zb,Ib", (cpu) => cpu.setReg(1, r, cpu.fetch8()));
  define(0xb8 + r, "mov Zv,Iv", (cpu) => {
    const s = cpu.osize;
    cpu.setReg(s, r, cpu.fetchImm(s));
  });
}
define(0xc6, "mov Eb,Ib", (cpu) => {
  cpu.decodeModrm();
  if (cpu.reg !== 0) throw new CpuFault(UD);
  cpu.writeRm(1, cpu.fetch8());
});
define(0xc7, "mov Ev,Iv", (cpu) => {
  cpu.decodeModrm();
  if (cpu.reg !== 0) throw new CpuFault(UD);
  const s = cpu.osize;
  cpu.writeRm(s, cpu.fetchImm(s));
});

/** The moffs operand of A0–A3: an address-size displacement in DS or the override. */
function moffs(cpu: Cpu): number {
  cpu.eaSeg = cpu.segOverride >= 0 ? cpu.segOverride : 3;
  return cpu.a32 ? cpu.fetch32() : cpu.fetch16();
}
define(0xa0, "mov AL,Ob", (cpu) => {
  const off = moffs(cpu);
  cpu.setReg(1, EAX, cpu.read8(cpu.eaSeg, off));
});
define(0xa1, "mov eAX,Ov", (cpu) => {
  const off = moffs(cpu);
  const s = cpu.osize;
  cpu.setReg(s, EAX, cpu.read(s, cpu.eaSeg, off));
});
define(0xa2, "mov Ob,AL", (cpu) => {
  const off = moffs(cpu);
  cpu.write8(cpu.eaSeg, off, cpu.getReg(1, EAX));
});
define(0xa3, "mov Ov,eAX", (cpu) => {
  const off = moffs(cpu);
  const s = cpu.osize;
  cpu.write(s, cpu.eaSeg, off, cpu.getReg(s, EAX));
});

// XCHG
define(0x86, "xchg Eb,Gb", (cpu) => {
  cpu.decodeModrm();
  checkLock(cpu);
  const a = cpu.readRm(1);
  cpu.writeRm(1, cpu.getReg(1, cpu.reg));
  cpu.setReg(1, cpu.reg, a);
}, { lockable: true });
define(0x87, "xchg Ev,Gv", (cpu) => {
  cpu.decodeModrm();
  checkLock(cpu);
  const s = cpu.osize;
  const a = cpu.readRm(s);
  cpu.writeRm(s, cpu.getReg(s, cpu.reg));
  cpu.setReg(s, cpu.reg, a);
}, { lockable: true });
define(0x90, "nop", (cpu) => {
  // F3 90 is PAUSE; plain 90 is XCHG eAX,eAX: nothing to do either way.
  void cpu;
});
for (let r = 1; r < 8; r++) {
  define(0x90 + r, "xchg Zv,eAX", (cpu) => {
    const s = cpu.osize;
    const a = cpu.getReg(s, r);
    cpu.setReg(s, r, cpu.getReg(s, EAX));
    cpu.setReg(s, EAX, a);
  });
}

// Conversions
define(0x98, "cbw/cwde", (cpu) => {
  if (cpu.o32) cpu.st[EAX] = (cpu.r16[0] << 16) >> 16;
  else cpu.r16[0] = (cpu.r8[0] << 24) >> 24;
});
define(0x99, "cwd/cdq", (cpu) => {
  if (cpu.o32) cpu.st[EDX] = cpu.st[EAX] >> 31;
  else cpu.r16[EDX << 1] = (cpu.r16[0] << 16) >> 31;
});
define(0x1b6, "movzx Gv,Eb", (cpu) => {
  cpu.decodeModrm();
  cpu.setReg(cpu.osize, cpu.reg, cpu.readRm(1));
});
define(0x1b7, "movzx Gv,Ew", (cpu) => {
  cpu.decodeModrm();
  cpu.setReg(cpu.osize, cpu.reg, cpu.readRm(2));
});
define(0x1be, "movsx Gv,Eb", (cpu) => {
  cpu.decodeModrm();
  cpu.setReg(cpu.osize, cpu.reg, (cpu.readRm(1) << 24) >> 24);
});
define(0x1bf, "movsx Gv,Ew", (cpu) => {
  cpu.decodeModrm();
  cpu.setReg(cpu.osize, cpu.reg, (cpu.readRm(2) << 16) >> 16);
});
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
for (let cc = 0; cc < 16; cc++) {
  define(0x140 + cc, "cmovcc Gv,Ev", (cpu) => {
    cpu.decodeModrm();
    const s = cpu.osize;
    const v = cpu.readRm(s); // the source is read (and may fault) whatever the condition
    if (testCondition(cpu.st, cc)) cpu.setReg(s, cpu.reg, v);
  });
  define(0x190 + cc, "setcc Eb", (cpu) => {
    cpu.decodeModrm();
    cpu.writeRm(1, testCondition(cpu.st, cc) ? 1 : 0);
  });
}

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

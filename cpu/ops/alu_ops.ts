import type { Cpu } from "../cpu.ts";
import { CpuFault, UD } from "../fault.ts";
import { define } from "../opcode_table.ts";
import { EAX } from "../state_layout.ts";
import { alu, CMP, dec, inc, neg } from "./arith.ts";
import { div, idiv, imul1, imulTruncated, mul } from "./muldiv.ts";

const NAMES = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];

/** LOCK is valid only on a read-modify-write memory destination (SDM vol. 2 LOCK). */
export function checkLock(cpu: Cpu): void {
  if (cpu.lock && cpu.mod === 3) throw new CpuFault(UD);
}

/** Read-modify-write of the r/m operand with an ALU op (CMP writes nothing). */
function rmw(cpu: Cpu, op: number, size: number, b: number): void {
  if (cpu.lock) checkLock(cpu);
  if (cpu.mod === 3) {
    const r = alu(cpu, op, size, cpu.getReg(size, cpu.rm), b);
    if (op !== CMP) cpu.setReg(size, cpu.rm, r);
    return;
  }
  const a = cpu.read(size, cpu.eaSeg, cpu.eaOff);
  const r = alu(cpu, op, size, a, b);
  if (op !== CMP) cpu.write(size, cpu.eaSeg, cpu.eaOff, r);
}

for (let op = 0; op < 8; op++) {
  const base = op << 3, name = NAMES[op];
  const lockable = op !== CMP;
  define(base, `${name} Eb,Gb`, (cpu) => {
    cpu.decodeModrm();
    rmw(cpu, op, 1, cpu.getReg(1, cpu.reg));
  }, { lockable });
  define(base + 1, `${name} Ev,Gv`, (cpu) => {
    cpu.decodeModrm();
    const s = cpu.osize;
    rmw(cpu, op, s, cpu.getReg(s, cpu.reg));
  }, { lockable });
  define(base + 2, `${name} Gb,Eb`, (cpu) => {
    cpu.decodeModrm();
    const r = alu(cpu, op, 1, cpu.getReg(1, cpu.reg), cpu.readRm(1));
    if (op !== CMP) cpu.setReg(1, cpu.reg, r);
  });
  define(base + 3, `${name} Gv,Ev`, (cpu) => {
    cpu.decodeModrm();
    const s = cpu.osize;
    const r = alu(cpu, op, s, cpu.getReg(s, cpu.reg), cpu.readRm(s));
    if (op !== CMP) cpu.setReg(s, cpu.reg, r);
  });
  define(base + 4, `${name} AL,Ib`, (cpu) => {
    const r = alu(cpu, op, 1, cpu.getReg(1, EAX), cpu.fetch8());
    if (op !== CMP) cpu.setReg(1, EAX, r);
  });
  define(base + 5, `${name} eAX,Iv`, (cpu) => {
    const s = cpu.osize;
    const r = alu(cpu, op, s, cpu.getReg(s, EAX), cpu.fetchImm(s));
    if (op !== CMP) cpu.setReg(s, EAX, r);
  });
}

// Group 1: 80 Eb,Ib; 81 Ev,Iv; 82 Eb,Ib (alias of 80 in 32-bit mode); 83 Ev,Ib sign-extended.
define(0x80, "grp1 Eb,Ib", (cpu) => {
  cpu.decodeModrm();
  rmw(cpu, cpu.reg, 1, cpu.fetch8());
}, { lockable: true });
define(0x81, "grp1 Ev,Iv", (cpu) => {
  cpu.decodeModrm();
  const s = cpu.osize;
  rmw(cpu, cpu.reg, s, cpu.fetchImm(s));
}, { lockable: true });
define(0x82, "grp1 Eb,Ib", (cpu) => {
  cpu.decodeModrm();
  rmw(cpu, cpu.reg, 1, cpu.fetch8());
}, { lockable: true });
define(0x83, "grp1 Ev,Ib", (cpu) => {
  cpu.decodeModrm();
  rmw(cpu, cpu.reg, cpu.osize, (cpu.fetch8() << 24) >> 24);
}, { lockable: true });

// TEST
define(0x84, "test Eb,Gb", (cpu) => {
  cpu.decodeModrm();
  alu(cpu, 4, 1, cpu.readRm(1), cpu.getReg(1, cpu.reg));
});
define(0x85, "test Ev,Gv", (cpu) => {
  cpu.decodeModrm();
  const s = cpu.osize;
  alu(cpu, 4, s, cpu.readRm(s), cpu.getReg(s, cpu.reg));
});
define(0xa8, "test AL,Ib", (cpu) => {
  alu(cpu, 4, 1, cpu.getReg(1, EAX), cpu.fetch8());
});
define(0xa9, "test eAX,Iv", (cpu) => {
  const s = cpu.osize;
  alu(cpu, 4, s, cpu.getReg(s, EAX), cpu.fetchImm(s));
});

// INC/DEC r16/r32
for (let r = 0; r < 8; r++) {
  define(0x40 + r, "inc Zv", (cpu) => {
    const s = cpu.osize;
    cpu.setReg(s, r, inc(cpu, s, cpu.getReg(s, r)));
  });
  define(0x48 + r, "dec Zv", (cpu) => {
    const s = cpu.osize;
    cpu.setReg(s, r, dec(cpu, s, cpu.getReg(s, r)));
  });
}

/** Group 3 (F6/F7): TEST, NOT, NEG, MUL, IMUL, DIV, IDIV. */
function group3(cpu: Cpu, size: number): void {
  cpu.decodeModrm();
  switch (cpu.reg) {
    case 0:
    case 1:
      alu(cpu, 4, size, cpu.readRm(size), cpu.fetchImm(size));
      return;
    case 2:
      checkLock(cpu);
      cpu.writeRm(size, ~cpu.readRm(size));
      return;
    case 3:
      checkLock(cpu);
      cpu.writeRm(size, neg(cpu, size, cpu.readRm(size)));
      return;
    default:
      if (cpu.lock) throw new CpuFault(UD);
  }
  const src = cpu.readRm(size);
  switch (cpu.reg) {
    case 4:
      return mul(cpu, size, src);
    case 5:
      return imul1(cpu, size, src);
    case 6:
      return div(cpu, size, src);
    default:
      return idiv(cpu, size, src);
  }
}
define(0xf6, "grp3 Eb", (cpu) => group3(cpu, 1), { lockable: true });
define(0xf7, "grp3 Ev", (cpu) => group3(cpu, cpu.osize), { lockable: true });

define(0xfe, "grp4 Eb", (cpu) => {
  cpu.decodeModrm();
  checkLock(cpu);
  if (cpu.reg === 0) cpu.writeRm(1, inc(cpu, 1, cpu.readRm(1)));
  else if (cpu.reg === 1) cpu.writeRm(1, dec(cpu, 1, cpu.readRm(1)));
  else throw new CpuFault(UD);
}, { lockable: true });

define(0x69, "imul Gv,Ev,Iv", (cpu) => {
  cpu.decodeModrm();
  const s = cpu.osize;
  const a = cpu.readRm(s);
  cpu.setReg(s, cpu.reg, imulTruncated(cpu, s, a, cpu.fetchImm(s)));
});
define(0x6b, "imul Gv,Ev,Ib", (cpu) => {
  cpu.decodeModrm();
  const s = cpu.osize;
  const a = cpu.readRm(s);
  cpu.setReg(s, cpu.reg, imulTruncated(cpu, s, a, (cpu.fetch8() << 24) >> 24));
});
define(0x1af, "imul Gv,Ev", (cpu) => {
  cpu.decodeModrm();
  const s = cpu.osize;
  cpu.setReg(s, cpu.reg, imulTruncated(cpu, s, cpu.getReg(s, cpu.reg), cpu.readRm(s)));
});

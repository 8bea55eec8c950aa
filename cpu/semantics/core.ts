/**
 * The meaning of the everyday integer instructions, written once against {@link Emitter}:
 * ALU forms, TEST, INC/DEC, MOV, LEA, MOVZX/MOVSX, PUSH/POP of registers and immediates,
 * Jcc/JMP/CALL/RET near, SETcc and CMOVcc. The interpreter's handlers for these opcodes are
 * made from these functions (cpu/semantics/table.ts) and the JIT compiles the same functions.
 */
import { ARITH, CF, OF, PF, SF, ZF } from "../eflags.ts";
import { EAX } from "../state_layout.ts";
import { FEAT_CMOV } from "../cpu_model.ts";
import { alu, ALU_WRITES, aluReads, CMP, dec, inc } from "./alu.ts";
import type { Emitter } from "./emitter.ts";
import { defineSemantics } from "./table.ts";

/** Flags read by condition code `cc` (Jcc, SETcc, CMOVcc). */
export function conditionReads(cc: number): number {
  return [OF, CF, ZF, CF | ZF, SF, PF, SF | OF, ZF | SF | OF][cc >> 1];
}

/** Read-modify-write of the r/m operand (CMP and TEST write nothing back). */
function rmw<V>(e: Emitter<V>, op: number, size: number, b: V): void {
  e.checkLock();
  const r = alu(e, op, size, e.readRm(size), b);
  if (op !== CMP) e.writeRm(size, r);
}

const NAMES = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const NONE = { reads: 0, writes: 0 };
const group1Reads = (reg: number) => aluReads(reg);

for (let op = 0; op < 8; op++) {
  const base = op << 3, name = NAMES[op];
  const flags = { reads: aluReads(op), writes: ALU_WRITES };
  const lockable = op !== CMP;
  defineSemantics(base, `${name} Eb,Gb`, { modrm: true, imm: 0, lockable, ...flags }, (e) => {
    rmw(e, op, 1, e.getReg(1, e.modrmReg));
  });
  defineSemantics(base + 1, `${name} Ev,Gv`, { modrm: true, imm: 0, lockable, ...flags }, (e) => {
    const s = e.osize;
    rmw(e, op, s, e.getReg(s, e.modrmReg));
  });
  defineSemantics(base + 2, `${name} Gb,Eb`, { modrm: true, imm: 0, ...flags }, (e) => {
    const r = alu(e, op, 1, e.getReg(1, e.modrmReg), e.readRm(1));
    if (op !== CMP) e.setReg(1, e.modrmReg, r);
  });
  defineSemantics(base + 3, `${name} Gv,Ev`, { modrm: true, imm: 0, ...flags }, (e) => {
    const s = e.osize;
    const r = alu(e, op, s, e.getReg(s, e.modrmReg), e.readRm(s));
    if (op !== CMP) e.setReg(s, e.modrmReg, r);
  });
  defineSemantics(base + 4, `${name} AL,Ib`, { modrm: false, imm: 1, ...flags }, (e) => {
    const r = alu(e, op, 1, e.getReg(1, EAX), e.imm(1));
    if (op !== CMP) e.setReg(1, EAX, r);
  });
  defineSemantics(base + 5, `${name} eAX,Iv`, { modrm: false, imm: "v", ...flags }, (e) => {
    const s = e.osize;
    const r = alu(e, op, s, e.getReg(s, EAX), e.imm(s));
    if (op !== CMP) e.setReg(s, EAX, r);
  });
}

// Group 1: 80 Eb,Ib; 81 Ev,Iv; 82 Eb,Ib (alias of 80 in 32-bit mode); 83 Ev,Ib sign-extended.
const GROUP1 = { modrm: true, lockable: true, reads: group1Reads, writes: ALU_WRITES } as const;
defineSemantics(0x80, "grp1 Eb,Ib", { ...GROUP1, imm: 1 }, (e) => {
  rmw(e, e.modrmReg, 1, e.imm(1));
});
defineSemantics(0x81, "grp1 Ev,Iv", { ...GROUP1, imm: "v" }, (e) => {
  const s = e.osize;
  rmw(e, e.modrmReg, s, e.imm(s));
});
defineSemantics(0x82, "grp1 Eb,Ib", { ...GROUP1, imm: 1 }, (e) => {
  rmw(e, e.modrmReg, 1, e.imm(1));
});
defineSemantics(0x83, "grp1 Ev,Ib", { ...GROUP1, imm: 1 }, (e) => {
  rmw(e, e.modrmReg, e.osize, e.immS8());
});

// TEST: AND without a result.
const TEST = { reads: 0, writes: ARITH };
defineSemantics(0x84, "test Eb,Gb", { modrm: true, imm: 0, ...TEST }, (e) => {
  alu(e, 4, 1, e.readRm(1), e.getReg(1, e.modrmReg));
});
defineSemantics(0x85, "test Ev,Gv", { modrm: true, imm: 0, ...TEST }, (e) => {
  const s = e.osize;
  alu(e, 4, s, e.readRm(s), e.getReg(s, e.modrmReg));
});
defineSemantics(0xa8, "test AL,Ib", { modrm: false, imm: 1, ...TEST }, (e) => {
  alu(e, 4, 1, e.getReg(1, EAX), e.imm(1));
});
defineSemantics(0xa9, "test eAX,Iv", { modrm: false, imm: "v", ...TEST }, (e) => {
  const s = e.osize;
  alu(e, 4, s, e.getReg(s, EAX), e.imm(s));
});

// INC/DEC r16/r32: CF is kept, so it is read.
const INCDEC = { modrm: false, imm: 0, reads: CF, writes: ARITH } as const;
for (let r = 0; r < 8; r++) {
  defineSemantics(0x40 + r, "inc Zv", INCDEC, (e) => {
    const s = e.osize;
    e.setReg(s, r, inc(e, s, e.getReg(s, r)));
  });
  defineSemantics(0x48 + r, "dec Zv", INCDEC, (e) => {
    const s = e.osize;
    e.setReg(s, r, dec(e, s, e.getReg(s, r)));
  });
}

// MOV
const MOV_RM = { modrm: true, imm: 0, ...NONE } as const;
defineSemantics(0x88, "mov Eb,Gb", MOV_RM, (e) => e.writeRm(1, e.getReg(1, e.modrmReg)));
defineSemantics(0x89, "mov Ev,Gv", MOV_RM, (e) => {
  const s = e.osize;
  e.writeRm(s, e.getReg(s, e.modrmReg));
});
defineSemantics(0x8a, "mov Gb,Eb", MOV_RM, (e) => e.setReg(1, e.modrmReg, e.readRm(1)));
defineSemantics(0x8b, "mov Gv,Ev", MOV_RM, (e) => {
  const s = e.osize;
  e.setReg(s, e.modrmReg, e.readRm(s));
});
defineSemantics(0x8d, "lea Gv,M", { ...MOV_RM, memoryOnly: true }, (e) => {
  e.setReg(e.osize, e.modrmReg, e.effectiveOffset());
});
for (let r = 0; r < 8; r++) {
  defineSemantics(0xb0 + r, "mov Zb,Ib", { modrm: false, imm: 1, ...NONE }, (e) => {
    e.setReg(1, r, e.imm(1));
  });
  defineSemantics(0xb8 + r, "mov Zv,Iv", { modrm: false, imm: "v", ...NONE }, (e) => {
    const s = e.osize;
    e.setReg(s, r, e.imm(s));
  });
}
defineSemantics(0xc6, "mov Eb,Ib", { modrm: true, imm: 1, ...NONE }, (e) => {
  if (e.modrmReg !== 0) e.undefinedOpcode();
  e.writeRm(1, e.imm(1));
});
defineSemantics(0xc7, "mov Ev,Iv", { modrm: true, imm: "v", ...NONE }, (e) => {
  if (e.modrmReg !== 0) e.undefinedOpcode();
  const s = e.osize;
  e.writeRm(s, e.imm(s));
});
defineSemantics(0x1b6, "movzx Gv,Eb", MOV_RM, (e) => {
  e.setReg(e.osize, e.modrmReg, e.readRm(1));
});
defineSemantics(0x1b7, "movzx Gv,Ew", MOV_RM, (e) => {
  e.setReg(e.osize, e.modrmReg, e.readRm(2));
});
defineSemantics(0x1be, "movsx Gv,Eb", MOV_RM, (e) => {
  e.setReg(e.osize, e.modrmReg, e.signExtend(e.readRm(1), 1));
});
defineSemantics(0x1bf, "movsx Gv,Ew", MOV_RM, (e) => {
  e.setReg(e.osize, e.modrmReg, e.signExtend(e.readRm(2), 2));
});

// PUSH/POP
const STACK = { modrm: false, imm: 0, stack: true, ...NONE } as const;
for (let r = 0; r < 8; r++) {
  defineSemantics(0x50 + r, "push Zv", STACK, (e) => {
    const s = e.osize;
    e.push(s, e.getReg(s, r)); // PUSH ESP stores the value before the decrement
  });
  defineSemantics(0x58 + r, "pop Zv", STACK, (e) => {
    const s = e.osize;
    e.setReg(s, r, e.pop(s)); // POP ESP: the popped value wins over the increment
  });
}
defineSemantics(0x68, "push Iv", { ...STACK, imm: "v" }, (e) => {
  const s = e.osize;
  e.push(s, e.imm(s));
});
defineSemantics(0x6a, "push Ib", { ...STACK, imm: 1 }, (e) => e.push(e.osize, e.immS8()));

// Near control transfers
const BRANCH = { modrm: false, reads: 0, writes: 0, endsBlock: true } as const;
for (let cc = 0; cc < 16; cc++) {
  const flags = { reads: conditionReads(cc) };
  defineSemantics(0x70 + cc, "jcc Jb", { ...BRANCH, ...flags, imm: 1 }, (e) => {
    const target = e.relativeTarget(e.disp(1));
    e.jumpIf(e.cond(cc), target);
  });
  defineSemantics(0x180 + cc, "jcc Jv", { ...BRANCH, ...flags, imm: "v" }, (e) => {
    const target = e.relativeTarget(e.disp(e.osize));
    e.jumpIf(e.cond(cc), target);
  });
}
defineSemantics(0xeb, "jmp Jb", { ...BRANCH, imm: 1 }, (e) => {
  e.jump(e.relativeTarget(e.disp(1)));
});
defineSemantics(0xe9, "jmp Jv", { ...BRANCH, imm: "v" }, (e) => {
  e.jump(e.relativeTarget(e.disp(e.osize)));
});
defineSemantics(0xe8, "call Jv", { ...BRANCH, imm: "v", stack: true }, (e) => {
  const s = e.osize;
  const target = e.relativeTarget(e.disp(s));
  const ret = e.nextEip();
  e.jump(target); // the CS limit is checked before anything is pushed
  e.push(s, ret);
});
defineSemantics(0xc3, "ret", { ...BRANCH, imm: 0, stack: true }, (e) => {
  const s = e.osize;
  e.jump(e.peek(s, 0));
  e.adjustStack(e.k(s));
});
defineSemantics(0xc2, "ret Iw", { ...BRANCH, imm: 2, stack: true }, (e) => {
  const s = e.osize;
  const n = e.imm(2);
  e.jump(e.peek(s, 0));
  e.adjustStack(e.add(n, e.k(s)));
});

// Conditional moves and sets
for (let cc = 0; cc < 16; cc++) {
  const flags = { reads: conditionReads(cc), writes: 0 };
  defineSemantics(
    0x140 + cc,
    "cmovcc Gv,Ev",
    { modrm: true, imm: 0, ...flags, feature: FEAT_CMOV },
    (e) => {
      const s = e.osize;
      const v = e.readRm(s); // the source is read (and may fault) whatever the condition
      e.setReg(s, e.modrmReg, e.select(e.cond(cc), v, e.getReg(s, e.modrmReg)));
    },
  );
  defineSemantics(0x190 + cc, "setcc Eb", { modrm: true, imm: 0, ...flags }, (e) => {
    e.writeRm(1, e.cond(cc));
  });
}

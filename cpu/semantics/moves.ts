/** XCHG, CBW/CWDE, CWD/CDQ, MOV with a moffs operand, and LEAVE, written once. */
import { EAX, EBP, EDX } from "../state_layout.ts";
import { defineSemantics } from "./table.ts";

const NONE = { reads: 0, writes: 0 } as const;

// XCHG with memory is locked whatever the prefix says; LOCK with a register operand is #UD.
defineSemantics(0x86, "xchg Eb,Gb", { modrm: true, imm: 0, lockable: true, ...NONE }, (e) => {
  e.checkLock();
  const a = e.readRm(1);
  e.writeRm(1, e.getReg(1, e.modrmReg));
  e.setReg(1, e.modrmReg, a);
});
defineSemantics(0x87, "xchg Ev,Gv", { modrm: true, imm: 0, lockable: true, ...NONE }, (e) => {
  e.checkLock();
  const s = e.osize;
  const a = e.readRm(s);
  e.writeRm(s, e.getReg(s, e.modrmReg));
  e.setReg(s, e.modrmReg, a);
});
// F3 90 is PAUSE; plain 90 is XCHG eAX,eAX: nothing to do either way.
defineSemantics(0x90, "nop", { modrm: false, imm: 0, ...NONE }, () => {});
for (let r = 1; r < 8; r++) {
  defineSemantics(0x90 + r, "xchg Zv,eAX", { modrm: false, imm: 0, ...NONE }, (e) => {
    const s = e.osize;
    const a = e.getReg(s, r);
    e.setReg(s, r, e.getReg(s, EAX));
    e.setReg(s, EAX, a);
  });
}

defineSemantics(0x98, "cbw/cwde", { modrm: false, imm: 0, ...NONE }, (e) => {
  if (e.osize === 4) e.setReg(4, EAX, e.signExtend(e.getReg(2, EAX), 2));
  else e.setReg(2, EAX, e.signExtend(e.getReg(1, EAX), 1));
});
defineSemantics(0x99, "cwd/cdq", { modrm: false, imm: 0, ...NONE }, (e) => {
  if (e.osize === 4) e.setReg(4, EDX, e.shrS(e.getReg(4, EAX), 31));
  else e.setReg(2, EDX, e.shrS(e.signExtend(e.getReg(2, EAX), 2), 15));
});

// A0–A3: the operand is DS:moffs (or the override), an r/m memory operand to the semantics.
const MOFFS = { modrm: "moffs", imm: 0, ...NONE } as const;
defineSemantics(0xa0, "mov AL,Ob", MOFFS, (e) => e.setReg(1, EAX, e.readRm(1)));
defineSemantics(0xa1, "mov eAX,Ov", MOFFS, (e) => {
  const s = e.osize;
  e.setReg(s, EAX, e.readRm(s));
});
defineSemantics(0xa2, "mov Ob,AL", MOFFS, (e) => e.writeRm(1, e.getReg(1, EAX)));
defineSemantics(0xa3, "mov Ov,eAX", MOFFS, (e) => {
  const s = e.osize;
  e.writeRm(s, e.getReg(s, EAX));
});

defineSemantics(0xc9, "leave", { modrm: false, imm: 0, stack: true, ...NONE }, (e) => {
  const s = e.osize;
  const bp = e.stackRegister(EBP);
  const v = e.stackRead(s, bp);
  e.setStackPointer(e.add(bp, e.k(s)));
  e.setReg(s, EBP, v);
});

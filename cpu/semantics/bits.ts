/**
 * BT, BTS, BTR and BTC (0F A3/AB/B3/BB with a register bit offset, 0F BA /4-7 with an
 * immediate one), written once. SDM vol. 2 "BT": CF receives the selected bit, ZF is kept and
 * OF SF AF PF are undefined (kept here, as before). With a memory operand and a register offset
 * the offset is a signed index into a bit string that starts at the operand: the word or dword
 * holding the bit lies `offset >> 4` (`>> 5`) operands away, outside the operand when the
 * offset is negative or large. An immediate offset is taken modulo the operand width.
 */
import { CpuFault, UD } from "../fault.ts";
import type { Emitter } from "./emitter.ts";
import { defineSemantics } from "./table.ts";

// The operations in opcode order (0F A3 + 8·op) and 0F BA ModRM.reg − 4 order; 3 is BTC.
const BT = 0, BTS = 1, BTR = 2;
const NAMES = ["bt", "bts", "btr", "btc"];

/** Operation `op` on the r/m operand's bit `offset` (a register's value, or an immediate). */
function bitOp<V>(e: Emitter<V>, op: number, offset: V, fromRegister: boolean): void {
  if (op === BT) e.noLock();
  else e.checkLock();
  const size = e.osize, bits = size * 8;
  const bit = e.and(offset, e.k(bits - 1));
  // The bit string's operand that holds the bit, in bytes from the addressed one.
  let delta: V | undefined;
  if (fromRegister && !e.rmIsReg) {
    const signed = size === 4 ? offset : e.signExtend(offset, 2);
    delta = e.shl(e.shrS(signed, size === 4 ? 5 : 4), size === 4 ? 2 : 1);
  }
  const value = delta === undefined ? e.readRm(size) : e.readRmAt(size, delta);
  const cf = e.and(e.shrUBy(value, bit), e.k(1));
  if (op !== BT) {
    const mask = e.shlBy(e.k(1), bit);
    const v = op === BTS
      ? e.or(value, mask)
      : op === BTR
      ? e.and(value, e.xor(mask, e.k(-1)))
      : e.xor(value, mask);
    // Written before CF changes, so that a faulting store leaves the flags as they were.
    if (delta === undefined) e.writeRm(size, v);
    else e.writeRmAt(size, delta, v);
  }
  e.setCarry(cf);
}

// Only CF is written: the flag analysis counts none of them as a writer of all six.
for (let op = 0; op < 4; op++) {
  defineSemantics(0x1a3 + op * 8, `${NAMES[op]} Ev,Gv`, {
    modrm: true,
    imm: 0,
    lockable: op !== BT,
    reads: 0,
    writes: 0,
  }, (e) => bitOp(e, op, e.getReg(e.osize, e.modrmReg), true));
}

defineSemantics(0x1ba, "grp8 Ev,Ib", {
  modrm: true,
  imm: 1,
  lockable: true,
  reads: 0,
  writes: 0,
  only: (reg) => reg >= 4,
  fallback: () => {
    throw new CpuFault(UD);
  },
}, (e) => bitOp(e, e.modrmReg - 4, e.k(e.immByte()), false));

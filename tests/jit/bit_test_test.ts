/**
 * BT, BTS, BTR and BTC in compiled code, at 16 and 32 bits: on a register with a register or an
 * immediate offset (taken modulo the width), and on memory with an immediate offset or with a
 * register offset that addresses a word or dword before or after the operand (SDM vol. 2 "BT",
 * bit-string addressing). CF and the flags kept (ZF, SF from a CMP before) are stored by SETcc.
 */
import assert from "node:assert/strict";
import { ALU, Asm, CC } from "./_asm.ts";
import { compiledAddresses } from "./_compiled.ts";
import { CODE, DATA, runBothTiers } from "./_machine.ts";
import { EBP, EBX, EDI, EDX, ESI } from "../../cpu/state_layout.ts";

const NAMES = ["bt", "bts", "btr", "btc"];
/** The bit string the memory forms work on, and where the results go. */
const STRING = DATA + 0x1000, STRING_BYTES = 0x400, OUT = DATA;
const REG_OFFSETS = [0, 1, 15, 16, 31, 32, 63, 100, -1, -16, -17, -32, -33, -500, 0x1ff, -0x200];
const IMM_OFFSETS = [0, 1, 7, 15, 16, 31, 32, 0x25, 0xff];
/** SETcc stored after each: B (CF, the bit), E and S (kept from the CMP before). */
const SETCC: [number, string][] = [[0x92, "setb"], [0x94, "sete"], [0x98, "sets"]];

function value(i: number): number {
  return Math.imul(i + 1, 0x9e3779b1) ^ (i * 0x85ebca6b);
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** Encodes a BT-family instruction on `ebx`/`bx` or on `[esi]`. */
function bitOp(a: Asm, op: number, size: 2 | 4, memory: boolean, imm: number | undefined): void {
  const prefix = size === 2 ? [0x66] : [];
  const rm = memory ? "[esi]" : size === 2 ? "bx" : "ebx";
  const modrm = (reg: number) => (memory ? 0 : 0xc0) | (reg << 3) | (memory ? ESI : EBX);
  if (imm === undefined) {
    const src = size === 2 ? "dx" : "edx";
    a.bytes(`${NAMES[op]} ${rm}, ${src}`, ...prefix, 0x0f, 0xa3 + 8 * op, modrm(EDX));
  } else {
    a.bytes(`${NAMES[op]} ${rm}, ${imm}`, ...prefix, 0x0f, 0xba, modrm(4 + op), imm);
  }
}

/** The program: a section per form, its flags and register stored at OUT. */
function program(): { asm: Asm; ops: number[] } {
  const a = new Asm(CODE);
  const ops: number[] = [];
  let i = 0, out = OUT, section = 0;
  // Twice through: the first pass compiles each section, the second runs it compiled.
  a.movImm(EBP, 2).label("pass");
  for (const size of [2, 4] as const) {
    for (let op = 0; op < 4; op++) {
      for (const memory of [false, true]) {
        const offsets = [
          ...REG_OFFSETS.map((o) => ({ reg: o, imm: undefined })),
          ...IMM_OFFSETS.map((o) => ({ reg: value(i + o), imm: o })),
        ];
        for (const { reg, imm } of offsets) {
          a.movImm(EBX, value(i++)).movImm(EDI, value(i++)).movImm(ESI, STRING + STRING_BYTES / 2);
          a.alu(ALU.CMP, EBX, EDI);
          a.movImm(EDX, reg);
          const at = a.here;
          bitOp(a, op, size, memory, imm);
          if (at >>> 12 === (a.here - 1) >>> 12) ops.push(at);
          for (const [opcode, name] of SETCC) {
            a.bytes(`${name} [0x${out.toString(16)}]`, 0x0f, opcode, 0x05, ...le32(out++));
          }
          a.store(out, EBX);
          out += 4;
          a.jmp(`s${section}`).label(`s${section++}`);
        }
      }
    }
  }
  return { asm: a.dec(EBP).jcc(CC.NZ, "pass").hlt(), ops };
}

/** The bit string's initial contents. */
function bitString(): Asm {
  const d = new Asm(STRING);
  for (let k = 0; k < STRING_BYTES; k += 4) d.bytes("data", ...le32(value(1000 + k)));
  return d;
}

Deno.test("compiled BT/BTS/BTR/BTC match the interpreter on registers and bit strings", () => {
  const { asm, ops } = program();
  const { interp, jit } = runBothTiers([bitString(), asm], CODE);
  assert.deepEqual(jit.state, interp.state);
  const bytes = (t: typeof jit) => t.machine.phys.readBytes(DATA, 0x2000);
  assert.deepEqual(bytes(jit), bytes(interp));
  // Each one runs inside a compiled block rather than ending one.
  const compiled = compiledAddresses(jit.machine, asm.listing);
  assert.deepEqual(ops.filter((at) => !compiled.has(at)).map((at) => at.toString(16)), []);
});

/**
 * Shifts and rotates by CL (D2/D3) in compiled code: every operation at every width with the
 * counts around the edges (0 leaves the flags alone, 1 defines OF, the width, 31, and counts
 * that the 5-bit mask folds: 32, 33, 255), on a register operand. The flags each leaves are
 * stored by SETcc, read through a following INC (CF kept), or overwritten unseen by an ADD.
 */
import assert from "node:assert/strict";
import { ALU, Asm, CC } from "./_asm.ts";
import { compiledAddresses } from "./_compiled.ts";
import { CODE, DATA, runBothTiers } from "./_machine.ts";
import { EAX, EBP, EBX, ECX, EDI, EDX, ESI } from "../../cpu/state_layout.ts";

const NAMES = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];
const COUNTS = [0, 1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 255];
/** SETcc conditions stored after each shift: B (CF), O, Z, S, P. */
const SETCC: [number, string][] = [[0x92, "setb"], [0x90, "seto"], [0x94, "sete"], [0x98, "sets"], [
  0x9a,
  "setp",
]];
const REG8 = ["al", "cl", "dl", "bl"];

function value(i: number): number {
  return Math.imul(i + 1, 0x9e3779b1) ^ (i * 0x85ebca6b);
}

/** `shift ebx/bx/bl, cl` for group-2 operation `op`. */
function shiftCl(a: Asm, op: number, size: 1 | 2 | 4): void {
  const reg = size === 1 ? REG8[EBX] : size === 2 ? "bx" : "ebx";
  const prefix = size === 2 ? [0x66] : [];
  a.bytes(`${NAMES[op]} ${reg}, cl`, ...prefix, size === 1 ? 0xd2 : 0xd3, 0xc0 | (op << 3) | EBX);
}

/** The program: one section per operation, width and count, its results stored at DATA. */
function program(): { asm: Asm; shifts: number[] } {
  const a = new Asm(CODE);
  const shifts: number[] = [];
  let i = 0, out = DATA, section = 0;
  // Twice through: the first pass compiles each section, the second runs it compiled.
  a.movImm(EBP, 2).label("pass");
  for (const size of [1, 2, 4] as const) {
    for (let op = 0; op < 8; op++) {
      for (const count of COUNTS) {
        // Flags before: from a CMP of two values, so that a count of 0 has something to keep.
        a.movImm(EBX, value(i++)).movImm(EDI, value(i++)).movImm(ESI, value(i++));
        a.alu(ALU.CMP, EDI, ESI);
        a.movImm(ECX, count | (value(i++) & ~0xff));
        const at = a.here;
        shiftCl(a, op, size);
        // One that straddles two pages is the interpreter's, as any such instruction is.
        if (at >>> 12 === (a.here - 1) >>> 12) shifts.push(at);
        const form = i % 3;
        if (form === 0) {
          for (const [opcode, name] of SETCC) {
            a.bytes(`${name} [0x${out.toString(16)}]`, 0x0f, opcode, 0x05, ...le32(out++));
          }
        } else if (form === 1) {
          a.movImm(EDX, value(i++)).inc(EDX).alu(ALU.ADC, EAX, EDX); // CF through INC
        } else a.alu(ALU.ADD, EDX, EBX); // every flag overwritten before anyone sees them
        a.store(out, EBX);
        out += 4;
        // Each section a block of its own: the run loop looks for compiled code after a jump.
        a.jmp(`s${section}`).label(`s${section++}`);
      }
    }
  }
  a.dec(EBP).jcc(CC.NZ, "pass").hlt();
  return { asm: a, shifts };
}

function le32(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

Deno.test("compiled shifts and rotates by CL match the interpreter at every count", () => {
  const { asm, shifts } = program();
  const { interp, jit } = runBothTiers([asm], CODE);
  assert.deepEqual(jit.state, interp.state);
  assert.equal(jit.instructions, interp.instructions);
  const bytes = (t: typeof jit) => t.machine.phys.readBytes(DATA, 0x4000);
  assert.deepEqual(bytes(jit), bytes(interp));
  // Each shift runs inside a compiled block rather than ending one.
  const compiled = compiledAddresses(jit.machine, asm.listing);
  const missing = shifts.filter((at) => !compiled.has(at)).map((at) => at.toString(16));
  assert.deepEqual(missing, [], "shifts by CL left to the interpreter");
});

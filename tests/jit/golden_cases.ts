/**
 * The blocks whose compiled code is kept as golden WebAssembly text in tests/jit/golden/: a few
 * representative shapes, compiled with one fixed configuration (4 MiB of RAM, since addresses in
 * the code depend on it; every block compiled on first sight, one block per module).
 * golden_test.ts compares the JIT's output with the files; golden_accept.ts rewrites them.
 *
 * @module
 */
import { ALU, Asm, CC } from "./_asm.ts";
import { CODE, DATA, TestMachine } from "./_machine.ts";
import { wasmToText } from "./_wat.ts";
import { EAX, EBX, ECX, ESI } from "../../cpu/state_layout.ts";

/** One golden program. */
export interface GoldenCase {
  /** File name in tests/jit/golden/, without `.wat`. */
  name: string;
  /** What its blocks show. */
  description: string;
  /** Run at CPL 3, ending with INT3 (else at CPL 0, ending with HLT). @default false */
  user?: boolean;
  /** The program, run from its origin to its end. */
  program(): Asm;
}

/** The golden programs. */
export const GOLDEN_CASES: GoldenCase[] = [
  {
    name: "alu_jcc_loop",
    description: "an ALU and Jcc loop (dead flag work removed, the exit chained to itself)",
    program() {
      const a = new Asm(CODE);
      a.movImm(ECX, 5);
      a.label("top").alu(ALU.ADD, EAX, ECX).alu(ALU.XOR, EBX, EAX).dec(ECX).jcc(CC.NZ, "top");
      return a.hlt();
    },
  },
  {
    name: "load_store",
    description: "a user-mode load and store through the TLB fast path, with their slow paths",
    user: true,
    program() {
      const a = new Asm(CODE);
      a.movImm(ECX, 5).movImm(ESI, DATA);
      a.label("top").loadIndirect(EAX, ESI).aluImm(ALU.ADD, EAX, 1).storeIndirect(ESI, 4, EAX);
      a.dec(ECX).jcc(CC.NZ, "top");
      return a.int3();
    },
  },
  {
    name: "call_ret",
    description: "a CALL, and a RET that goes on through the jump cache",
    program() {
      const a = new Asm(CODE);
      a.movImm(ECX, 5);
      a.label("top").call("func");
      a.dec(ECX).jcc(CC.NZ, "top");
      a.hlt();
      a.label("func").aluImm(ALU.ADD, EAX, 1).ret();
      return a;
    },
  },
  {
    name: "interpreter_exit",
    description: "a block ending before an instruction left to the interpreter (CLD)",
    program() {
      const a = new Asm(CODE);
      a.movImm(ECX, 5);
      a.label("top").mov(EAX, ECX).aluImm(ALU.ADD, EAX, 1).bytes("cld", 0xfc);
      a.dec(ECX).jcc(CC.NZ, "top");
      return a.hlt();
    },
  },
  {
    name: "shift_by_cl",
    description: "a SHL by CL, whose flags are written only when the masked count is not 0",
    program() {
      const a = new Asm(CODE);
      a.movImm(ECX, 5);
      a.label("top").mov(EAX, ECX).aluImm(ALU.ADD, EAX, 1).shlCl(EAX);
      a.dec(ECX).jcc(CC.NZ, "top");
      return a.hlt();
    },
  },
  {
    name: "x87_inline",
    description:
      "x87 instructions inside a block: FLD m32, FADD and FSTP m32 inline (the interpreter's handler as slow path), FRNDINT a call to the interpreter",
    program() {
      const a = new Asm(CODE);
      a.movImm(ECX, 5).movImm(ESI, DATA);
      a.label("top").bytes("fld dword [esi]", 0xd9, 0x06).bytes("fadd st0, st0", 0xd8, 0xc0);
      a.bytes("frndint", 0xd9, 0xfc);
      a.bytes("fstp dword [esi]", 0xd9, 0x1e).aluImm(ALU.ADD, EAX, 1);
      a.dec(ECX).jcc(CC.NZ, "top");
      return a.hlt();
    },
  },
  {
    name: "simd_inline",
    description: "SSE2 integer instructions of the SIMD table inline, the interpreter as slow path",
    program() {
      const a = new Asm(CODE);
      a.bytes("mov eax, cr4", 0x0f, 0x20, 0xe0).bytes("or eax, 0x600", 0x0d, 0x00, 0x06, 0, 0);
      a.bytes("mov cr4, eax", 0x0f, 0x22, 0xe0);
      a.movImm(ECX, 5).movImm(ESI, DATA);
      a.label("top").bytes("movdqa xmm0, [esi]", 0x66, 0x0f, 0x6f, 0x06);
      a.bytes("paddd xmm1, xmm0", 0x66, 0x0f, 0xfe, 0xc8);
      a.dec(ECX).jcc(CC.NZ, "top");
      return a.hlt();
    },
  },
];

/** Path of the golden file of `c`. */
export function goldenPath(c: GoldenCase): URL {
  return new URL(`./golden/${c.name}.wat`, import.meta.url);
}

/** The compiled code of `c`'s blocks as text, each module headed by the block it holds. */
export async function goldenText(c: GoldenCase): Promise<string> {
  const m = new TestMachine({ user: c.user });
  const program = c.program();
  m.load(program);
  m.start(program.origin);
  m.runToHalt();
  const parts = [
    `;; ${c.description}`,
    ";; Compiled by tests/jit/golden_cases.ts; after a reviewed change: deno task jit-golden",
  ];
  for (const module of m.modules) {
    parts.push("");
    module.blocks.forEach((b, i) => {
      parts.push(`;; b${i}: block at 0x${b.eip.toString(16)}, ${b.instructions} instructions`);
      const first = program.listing.findIndex((line) => line.address === b.eip);
      for (const line of program.listing.slice(first, first + b.instructions)) {
        parts.push(`;;   ${line.address.toString(16)}  ${line.text}`);
      }
    });
    parts.push((await wasmToText(module.bytes)).trimEnd());
  }
  return parts.join("\n") + "\n";
}

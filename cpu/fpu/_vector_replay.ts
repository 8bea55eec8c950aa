/**
 * Replays one case of the vectors recorded on a real CPU (testdata/x87_vectors.txt and
 * testdata/x87_transcendental_vectors.txt, whose inputs read
 * `insn cw sw top eflags mem16 st0,st1,...`): the register file is loaded with FRSTOR, the
 * memory operand and EFLAGS set, and the one instruction run.
 */
import { f80Hex, parseF80 } from "./f80.ts";
import { MemoryHost, run } from "./_memory_host.ts";
import { Fpu } from "./fpu.ts";
import "./x87_kernels.ts";

/** A case after its instruction ran: the FPU and the host it ran on. */
export interface Replayed {
  /** The instruction's two opcode bytes in hex, as recorded. */
  insn: string;
  fpu: Fpu;
  host: MemoryHost;
}

/** The operand of a memory form sits here; the FRSTOR image at 0x100. */
export const OPERAND = 0x1000;

/** Loads the state that `inputs` (the part of a line before ` => `) describes and runs it. */
export function replayInputs(inputs: string): Replayed {
  const [insn, cw, sw, top, eflags, mem, stack] = inputs.split(" ");
  const host = new MemoryHost();
  host.cr0 = 0x11; // NE = 0: pending exceptions only raise FERR#, so every case runs
  const fpu = new Fpu(host);
  const regs = stack === "-" ? [] : stack.split(",");
  const t = Number(top);
  let tw = 0xffff;
  regs.forEach((_, i) => tw &= ~(3 << (2 * ((t + i) & 7))));
  host.write32(0x100, 0xffff0000 | parseInt(cw, 16));
  host.write32(0x104, 0xffff0000 | parseInt(sw, 16) | (t << 11));
  host.write32(0x108, 0xffff0000 | tw);
  regs.forEach((r, i) => host.pokeF80(0x100 + 28 + 10 * i, parseF80(r)));
  run(fpu, 0xdd, 0x20, 0x100); // frstor
  host.poke(OPERAND, mem);
  host.eflags = parseInt(eflags, 16);
  run(fpu, parseInt(insn.slice(0, 2), 16), parseInt(insn.slice(2), 16), OPERAND);
  return { insn, fpu, host };
}

/** ST(0)–ST(7) in the vectors' notation: 20 hex digits each, "-" for an empty register. */
export function registersText(fpu: Fpu): string {
  return Array.from(
    { length: 8 },
    (_, i) => fpu.isEmpty(i) ? "-" : f80Hex(fpu.register(i)).replace(":", ""),
  ).join(",");
}

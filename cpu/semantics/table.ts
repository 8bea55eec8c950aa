import type { Cpu } from "../cpu.ts";
import { define } from "../opcode_table.ts";
import { DS } from "../state_layout.ts";
import { requireFeature } from "../ops/feature_gate.ts";
import type { Emitter } from "./emitter.ts";

/** How the operands of an instruction follow its opcode, for decoders that work ahead. */
export type ImmediateForm =
  /** No immediate. */
  | 0
  /** A byte, a word or a dword. */
  | 1
  | 2
  | 4
  /** An immediate of the operand size. */
  | "v";

/** What a decoder, a block builder and the flag analysis know about an instruction. */
export interface SemanticsInfo {
  /**
   * A ModRM byte follows the opcode; "moffs" is an address-size offset instead (MOV A0–A3),
   * which the semantics see as a memory r/m operand.
   */
  modrm: boolean | "moffs";
  /** The immediate (or branch displacement) after the ModRM operand; per ModRM.reg for groups. */
  imm: ImmediateForm | ((reg: number) => ImmediateForm);
  /** Arithmetic flags read (CF PF AF ZF SF OF mask); a function of ModRM.reg for groups. */
  reads: number | ((reg: number) => number);
  /** Arithmetic flags all written (a subset is not counted). */
  writes: number | ((reg: number) => number);
  /** The instruction touches the stack (and may fault there). */
  stack?: boolean;
  /** Control leaves the straight line: a block ends after it. */
  endsBlock?: boolean;
  /** LOCK is allowed (with a memory destination). */
  lockable?: boolean;
  /** The r/m operand must be memory (LEA). */
  memoryOnly?: boolean;
  /** The instruction may raise an exception even without a memory operand (DIV). */
  faults?: (reg: number) => boolean;
  /**
   * The JIT compiles it (the default); false leaves it to the interpreter, "register" compiles
   * only the forms whose ModRM r/m operand is a register (mod = 3).
   */
  compiled?: boolean | "register";
  /**
   * The ModRM.reg values these semantics cover; the others (far CALL/JMP of group 5) run the
   * interpreter's `fallback` handler and are never compiled.
   */
  only?: (reg: number) => boolean;
  fallback?: (cpu: Cpu) => void;
  /**
   * The CPUID leaf 1 EDX bit announcing the instruction (CMOV): on a model without it the
   * instruction is #UD, and the JIT leaves it to the interpreter.
   */
  feature?: number;
}

/** A semantic function: what the instruction does, for any backend. */
export type Semantics = <V>(e: Emitter<V>) => void;

/** One entry of the semantics table. */
export interface SemanticsEntry extends SemanticsInfo {
  name: string;
  run: Semantics;
}

/**
 * Instructions whose meaning is written once (cpu/semantics/core.ts), indexed like the opcode
 * table (0x0F xx at 0x100 + xx). The interpreter's handler for each is made from it, and the JIT
 * compiles exactly these; anything else ends a compiled block and runs in the interpreter.
 */
export const SEMANTICS: (SemanticsEntry | undefined)[] = new Array(0x200).fill(undefined);

/** Installs `run` as the meaning of `opcode`, and the interpreter handler derived from it. */
export function defineSemantics(
  opcode: number,
  name: string,
  info: SemanticsInfo,
  run: Semantics,
): void {
  SEMANTICS[opcode] = { name, run, ...info };
  const { only, fallback } = info;
  let handler: (cpu: Cpu) => void;
  if (info.modrm === "moffs") {
    handler = (cpu) => {
      cpu.mod = 0;
      cpu.eaSeg = cpu.segOverride >= 0 ? cpu.segOverride : DS;
      cpu.eaOff = cpu.a32 ? cpu.fetch32() : cpu.fetch16();
      run(cpu.emit);
    };
  } else if (only !== undefined && fallback !== undefined) {
    handler = (cpu) => {
      cpu.decodeModrm();
      if (only(cpu.reg)) run(cpu.emit);
      else fallback(cpu);
    };
  } else if (info.modrm) {
    handler = (cpu) => {
      cpu.decodeModrm();
      run(cpu.emit);
    };
  } else handler = (cpu) => run(cpu.emit);
  const feature = info.feature;
  if (feature !== undefined) {
    const ungated = handler;
    handler = (cpu) => {
      requireFeature(cpu, feature);
      ungated(cpu);
    };
  }
  define(opcode, name, handler, { endsBlock: info.endsBlock, lockable: info.lockable });
}

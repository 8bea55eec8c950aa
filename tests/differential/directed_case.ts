/**
 * How directed cases are written: a name, the initial registers/flags that differ from the
 * defaults, and the instructions with their flag effects. Defaults: registers zero, ESP =
 * data + 0x800, EFLAGS = 0x202, data byte i = i & 0xff.
 */

import { DF, FIXED_ONE, IF, STATUS } from "./flags.ts";
import { type Insn, insn, le } from "./encode.ts";
import { flowFlags, type GeneratedCase } from "./generator.ts";
import { DEFAULT_CODE_ADDRESS, DEFAULT_DATA_ADDRESS, DEFAULT_DATA_SIZE } from "./layout.ts";

/** Base of the data area of directed cases. */
export const D = DEFAULT_DATA_ADDRESS;
/** Base of the code of directed cases. */
export const CODE = DEFAULT_CODE_ADDRESS;

/** Initial state that differs from the defaults. */
export interface Init {
  eax?: number;
  ecx?: number;
  edx?: number;
  ebx?: number;
  ebp?: number;
  esi?: number;
  edi?: number;
  /** Status flags and DF (IF and bit 1 are always set). */
  flags?: number;
}

const REG_KEYS = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;

/** An instruction of a directed case (same record the generator produces). */
export const op = insn;

/** Little-endian bytes of an absolute address (a disp32 or imm32). */
export function abs(addr: number): number[] {
  return le(addr, 4);
}

/** Builds a directed case; throws if it reads a flag that is undefined at that point. */
export function dc(name: string, init: Init, ...code: Insn[]): GeneratedCase {
  const state = flowFlags(0, code);
  if (state === null) throw new Error(`directed case "${name}" reads an undefined flag`);
  const regs = Uint32Array.of(0, 0, 0, 0, D + 0x800, 0, 0, 0);
  REG_KEYS.forEach((k, r) => {
    const v = (init as Record<string, number | undefined>)[k];
    if (v !== undefined) regs[r] = v >>> 0;
  });
  const data = new Uint8Array(DEFAULT_DATA_SIZE);
  for (let i = 0; i < data.length; i++) data[i] = i & 0xff;
  const hex = (b: number) => b.toString(16).padStart(2, "0");
  return {
    name,
    code: Uint8Array.from(code.flatMap((i) => i.bytes)),
    codeAddress: CODE,
    regs,
    eflags: ((init.flags ?? 0) & (STATUS | DF)) | IF | FIXED_ONE,
    dataAddress: D,
    data,
    undefinedFlags: state,
    listing: code.map((i) => `${i.bytes.map(hex).join(" ").padEnd(36)} ${i.text}`),
  };
}

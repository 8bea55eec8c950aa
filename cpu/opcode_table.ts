import type { Handler } from "./cpu.ts";
import { CpuFault, UD } from "./fault.ts";

/** What the table knows about one opcode besides its handler. */
export interface OpcodeInfo {
  /** Mnemonic, for disassembly-style test names and statistics. */
  name: string;
  handler: Handler;
  /** The instruction may change EIP non-sequentially or the CPU mode: a block ends after it. */
  endsBlock: boolean;
  /** A LOCK prefix is allowed (with a memory destination). */
  lockable: boolean;
}

const UNDEFINED: OpcodeInfo = {
  name: "(bad)",
  handler: () => {
    throw new CpuFault(UD);
  },
  endsBlock: true,
  lockable: false,
};

/**
 * The one opcode table: index 0x00–0xff is the one-byte map, 0x100–0x1ff the
 * 0F map. Every family module fills its entries through `define`; decoding,
 * dispatch and block boundaries all read from here.
 */
export const OPCODES: OpcodeInfo[] = new Array(0x200).fill(UNDEFINED);

/** Handlers alone, indexed like OPCODES, for the dispatch hot path. */
export const HANDLERS: Handler[] = new Array(0x200).fill(UNDEFINED.handler);

/** 1 where a LOCK prefix is allowed, read by the decoder. */
export const LOCKABLE = new Uint8Array(0x200);

/** 1 where a block ends after the instruction (the run loop looks for compiled code next). */
export const ENDS_BLOCK = new Uint8Array(0x200).fill(1);

/** Installs the handler for `opcode` (0x0F xx is 0x100 + xx). */
export function define(
  opcode: number,
  name: string,
  handler: Handler,
  options: { endsBlock?: boolean; lockable?: boolean } = {},
): void {
  if (OPCODES[opcode] !== UNDEFINED) {
    throw new Error(`opcode 0x${opcode.toString(16)} defined twice (${name})`);
  }
  const lockable = options.lockable ?? false;
  OPCODES[opcode] = { name, handler, endsBlock: options.endsBlock ?? false, lockable };
  HANDLERS[opcode] = handler;
  LOCKABLE[opcode] = lockable ? 1 : 0;
  ENDS_BLOCK[opcode] = options.endsBlock ? 1 : 0;
}

/**
 * Lays another handler over `opcode`'s: `wrap` gets the present one (undefined if none) and
 * returns the handler that replaces it. For mandatory-prefix forms (66, F2, F3 select another
 * instruction under the same opcode, SDM vol. 2 §2.1.2), which are added in their own modules.
 */
export function overlay(
  opcode: number,
  name: string,
  wrap: (present: Handler | undefined) => Handler,
): void {
  if (!isDefined(opcode)) return define(opcode, name, wrap(undefined));
  const entry = OPCODES[opcode];
  const handler = wrap(entry.handler);
  OPCODES[opcode] = { ...entry, name: `${entry.name}|${name}`, handler };
  HANDLERS[opcode] = handler;
}

/** True when `opcode` has a handler. */
export function isDefined(opcode: number): boolean {
  return OPCODES[opcode] !== UNDEFINED;
}

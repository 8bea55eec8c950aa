import type { Cpu } from "../cpu.ts";

/**
 * Shared helpers: instruction semantics written once as plain functions of the CPU, for what is
 * not worth expressing through the emitter (multiply and divide with their 64-bit results and
 * #DE, rotates through the flags). The interpreter calls them directly; compiled code calls
 * them through one import. Arguments and result are 32-bit values.
 */
export type Helper = (cpu: Cpu, a: number, b: number, c: number) => number;

/** Helpers by id, in registration order. */
export const HELPERS: Helper[] = [];

/** Registers `fn` and returns its id. */
export function defineHelper(fn: Helper): number {
  HELPERS.push(fn);
  return HELPERS.length - 1;
}

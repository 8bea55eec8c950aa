/**
 * Where the x87 kernels (cpu/fpu/x87_kernels.ts) come from. That module builds it with binaryen,
 * whose module initialises with top-level await; the x87 unit and the opcode modules do not import
 * it, so their evaluation order does not depend on binaryen's. cpu/ops/mod.ts loads it after the
 * handlers (as it does the SIMD kernels), and it installs itself here.
 *
 * @module
 */

/**
 * A kernel: `(area, form, lo, hi, ext, dst, eip, fdp, segs)` → 1 when it executed the
 * instruction, 0 when it declined and changed nothing (see cpu/fpu/x87_kernels.ts). There is one
 * per kind of form (per operation where the kind has several), named and ordered as
 * x87_forms.ts KERNEL_EXPORTS.
 */
export type X87Kernel = (
  area: number,
  form: number,
  lo: number,
  hi: number,
  ext: number,
  dst: number,
  eip: number,
  fdp: number,
  segs: number,
) => number;

/** The kernels working on one memory, by export name. */
export type X87Kernels = Readonly<Record<string, X87Kernel>>;

let source: ((memory: WebAssembly.Memory) => X87Kernels) | undefined;

/** Installs the function that gives the kernels working on a machine's memory. */
export function installX87Kernel(make: (memory: WebAssembly.Memory) => X87Kernels): void {
  source = make;
}

/** The kernels working on `memory`; throws when cpu/fpu/x87_kernels.ts was never loaded. */
export function x87KernelsFor(memory: WebAssembly.Memory): X87Kernels {
  if (source === undefined) {
    throw new Error("the x87 kernel is not loaded: import cpu/fpu/x87_kernels.ts");
  }
  return source(memory);
}

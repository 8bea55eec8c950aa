/**
 * A compiled module as WebAssembly text, through wabt's wasm2wat (loaded on first use), with the
 * features compiled blocks use: shared memory and atomics (threads), tail calls
 * (`return_call_indirect`) and reference types (the function table shared between modules).
 * For `-d jit_dump` and the golden dumps of the JIT's tests.
 *
 * @module
 */

type Wabt = {
  readWasm(bytes: Uint8Array, features: Record<string, boolean>): {
    generateNames(): void;
    applyNames(): void;
    toText(options: { foldExprs: boolean; inlineExport: boolean }): string;
    destroy(): void;
  };
};

let wabt: Promise<Wabt> | undefined;

/** The module `bytes` as text, one instruction a line (folded expressions off). */
export async function wasmToText(bytes: Uint8Array): Promise<string> {
  wabt ??= import("wabt").then((m) => m.default() as Promise<Wabt>);
  const module = (await wabt).readWasm(bytes, {
    readDebugNames: true,
    threads: true,
    tail_call: true,
    reference_types: true,
    mutable_globals: true,
    bulk_memory: true,
  });
  try {
    module.generateNames();
    module.applyNames();
    return module.toText({ foldExprs: false, inlineExport: false });
  } finally {
    module.destroy();
  }
}

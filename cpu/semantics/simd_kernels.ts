import binaryen from "binaryen";
import { guardedFloat, moveValue, SIMD_OPS, type SimdOp } from "./simd.ts";
import { installKernelSource, type SimdKernel } from "../ops/simd_kernel_ops.ts";

/**
 * The interpreter's side of cpu/semantics/simd.ts: one WebAssembly function per instruction of
 * the table, `(dst, src, imm)` → the 16 bytes at memory offset `dst` become the instruction's
 * result of them, of the 16 bytes at `src` and of the immediate byte, and 1 is returned; a
 * "float" kernel takes `imm` as the address of MXCSR and returns 0, changing nothing, when the
 * result needs the interpreter's exact path; a "load" or "store" kernel takes `imm` as 1 for a
 * move between registers, 0 when one side is memory (see `moveValue`). The module imports the
 * machine's shared memory, so `dst` and `src` are the XMM registers in the state block or the
 * scratch operand there. Compiled once per process, instantiated once per machine memory.
 *
 * @module
 */

const BINARY: readonly SimdOp[] = SIMD_OPS;

let compiled: WebAssembly.Module | undefined;

/** The kernel module's binary, built from the table. */
export function kernelModuleBytes(): Uint8Array {
  const m = new binaryen.Module();
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.SIMD128 | binaryen.Features.Atomics);
    m.setMemory(1, 65536, null, [], true, false, "0");
    m.addMemoryImport("0", "env", "memory", true);
    const i32 = binaryen.i32;
    const load = (local: number) => () => m.v128.load(0, 1, m.local.get(local, i32));
    const imm = () => m.local.get(2, i32);
    const store = (v: binaryen.ExpressionRef) => m.v128.store(0, 1, m.local.get(0, i32), v);
    BINARY.forEach((op, i) => {
      const vars: binaryen.Type[] = [];
      let body: binaryen.ExpressionRef;
      if (op.kind === "float") {
        const type = (single: boolean) => single ? binaryen.f32 : binaryen.f64;
        const locals = { type, next: (single: boolean) => 3 + vars.push(type(single)) - 1 };
        const guarded = guardedFloat(
          m,
          op,
          load(0),
          load(1),
          () => m.i32.load(0, 4, m.local.get(2, i32)),
          locals,
          store,
          m.return(m.i32.const(0)),
        );
        body = m.block(null, [guarded, m.i32.const(1)], i32);
      } else if (op.kind === "load" || op.kind === "store") {
        // `imm` is 1 for a register-to-register move, 0 when one side is memory.
        const move = (registers: boolean) => store(moveValue(m, op, load(0), load(1), registers));
        body = m.block(null, [m.if(imm(), move(true), move(false)), m.i32.const(1)], i32);
      } else body = m.block(null, [store(op.v128!(m, load(0), load(1), imm)), m.i32.const(1)], i32);
      m.addFunction(`k${i}`, binaryen.createType([i32, i32, i32]), i32, vars, body);
      m.addFunctionExport(`k${i}`, `k${i}`);
    });
    if (!m.validate()) throw new Error("the SIMD kernel module does not validate");
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

const instances = new WeakMap<WebAssembly.Memory, Map<SimdOp, SimdKernel>>();

/** The kernels working on `memory`, by table entry. */
export function simdKernels(memory: WebAssembly.Memory): Map<SimdOp, SimdKernel> {
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    compiled ??= new WebAssembly.Module(kernelModuleBytes() as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    kernels = new Map(BINARY.map((op, i) => [op, instance.exports[`k${i}`] as SimdKernel]));
    instances.set(memory, kernels);
  }
  return kernels;
}

installKernelSource(simdKernels);

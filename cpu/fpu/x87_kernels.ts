import binaryen from "binaryen";
import { installX87Kernel, type X87Kernels } from "./x87_kernel_source.ts";
import { KERNEL_EXPORTS } from "./x87_forms.ts";
import { namedLocals, x87Instruction, type X87Operands } from "./x87_semantics.ts";

/**
 * The interpreter's side of cpu/fpu/x87_semantics.ts: one WebAssembly function per kind of form
 * (per operation where the kind has several; x87_forms.ts KERNEL_EXPORTS), each
 *
 *   (area, form, lo, hi, ext, dst, eip, fdp, segs) → 1 done, 0 declined (nothing changed),
 *
 * working on the register file at byte `area` of the machine's memory (cpu/fpu/x87_layout.ts):
 * `form` is the form word, `lo`/`hi`/`ext` a memory operand read (m16/m32: `lo`; m80: the 16
 * bits at +8 in `ext`), `dst` where a store's bytes go, `eip` the instruction's offset, `fdp` its memory operand's offset, `segs` the code
 * selector in bits 15–0 and the operand's segment selector in bits 31–16. The module imports the
 * machine's shared memory; it is compiled once per process and instantiated once per memory.
 *
 * @module
 */

const i32 = binaryen.i32, i64 = binaryen.i64;

function addKernel(m: binaryen.Module, name: string, kind: number, op: number): void {
  // Nine i32 parameters, then the locals the builder names.
  const vars: binaryen.Type[] = [];
  const locals = namedLocals(m, i32, (type) => 9 + vars.push(type) - 1);
  const param = (i: number) => () => m.local.get(i, i32);
  const form = param(1);
  const operands: X87Operands = {
    area: param(0),
    lo: param(2),
    hi: param(3),
    ext: param(4),
    dst: param(5),
    eip: param(6),
    fdp: param(7),
    segs: param(8),
    // The fields of the form word (x87_forms.ts formRegister, formPop, formFop).
    i: () => m.i32.and(m.i32.shr_u(form(), m.i32.const(8)), m.i32.const(7)),
    pop: () => m.i32.and(m.i32.shr_u(form(), m.i32.const(11)), m.i32.const(1)),
    fop: () => m.i32.shr_u(form(), m.i32.const(16)),
  };
  const cx = { m, locals, i32, i64, decline: () => m.return(m.i32.const(0)) };
  const body = m.block(null, [...x87Instruction(cx, kind, op, operands), m.i32.const(1)], i32);
  m.addFunction(name, binaryen.createType(new Array(9).fill(i32)), i32, vars, body);
  m.addFunctionExport(name, name);
}

/** The kernel module's binary. */
export function x87ModuleBytes(): Uint8Array {
  const m = new binaryen.Module();
  try {
    m.setFeatures(binaryen.Features.MVP | binaryen.Features.Atomics);
    m.setMemory(1, 65536, null, [], true, false, "0");
    m.addMemoryImport("0", "env", "memory", true);
    for (const k of KERNEL_EXPORTS) addKernel(m, k.name, k.kind, k.op);
    if (!m.validate()) throw new Error("the x87 kernel module does not validate");
    m.optimize();
    return m.emitBinary();
  } finally {
    m.dispose();
  }
}

let compiled: WebAssembly.Module | undefined;
const instances = new WeakMap<WebAssembly.Memory, X87Kernels>();

/** The kernels working on `memory` (one instance per memory). */
export function x87Kernels(memory: WebAssembly.Memory): X87Kernels {
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    compiled ??= new WebAssembly.Module(x87ModuleBytes() as Uint8Array<ArrayBuffer>);
    const instance = new WebAssembly.Instance(compiled, { env: { memory } });
    kernels = instance.exports as unknown as X87Kernels;
    instances.set(memory, kernels);
  }
  return kernels;
}

installX87Kernel(x87Kernels);

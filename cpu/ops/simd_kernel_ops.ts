/**
 * Interpreter handlers for the instructions of cpu/semantics/simd.ts whose meaning is a
 * WebAssembly SIMD operation: the checks and the operand fetch are the SSE ones, the operation
 * itself is the table's kernel (cpu/semantics/simd_kernels.ts) run on the XMM registers in the
 * state block, so the interpreter and compiled code execute one definition.
 */
import type { Cpu, Handler } from "../cpu.ts";
import { FEAT_SSE2 } from "../cpu_model.ts";
import { CpuFault, UD } from "../fault.ts";
import type { SimdOp } from "../semantics/simd.ts";
import { MXCSR_BYTES, SIMD_SCRATCH_BYTES, XMM_BYTES } from "../state_layout.ts";
import type { Fpu } from "../fpu/mod.ts";
import { noPrefix, readXmmRm, sseCheck, writeMem } from "./sse_common.ts";
import { sse2Check } from "./sse2_dispatch.ts";

/**
 * A kernel: `dst` ← op(`dst`, `src`, `imm`), `dst` and `src` byte offsets of 16-byte operands
 * in the machine's memory, `imm` the immediate byte (0 for instructions without one; the address
 * of MXCSR for a "float" kernel). Returns 1, or 0 when a "float" kernel left the work to the
 * interpreter's exact path.
 */
export type SimdKernel = (dst: number, src: number, imm: number) => number;

/**
 * Where the kernels come from: cpu/semantics/simd_kernels.ts installs itself here when it is
 * loaded (cpu/ops/mod.ts imports it after the handlers). It builds them with binaryen, whose
 * module initialises with top-level await; importing it from the handler modules would let the
 * opcode modules that do not depend on it run first and install their opcodes out of order.
 */
let kernelSource: ((memory: WebAssembly.Memory) => Map<SimdOp, SimdKernel>) | undefined;

/** Installs the function that gives the kernels working on a machine's memory. */
export function installKernelSource(
  source: (memory: WebAssembly.Memory) => Map<SimdOp, SimdKernel>,
): void {
  kernelSource = source;
}

/** Per CPU: its kernels and a view of the scratch operand. */
interface KernelState {
  kernels: Map<SimdOp, SimdKernel>;
  scratch: Uint32Array;
}

function stateOf(cpu: Cpu): KernelState {
  let s = cpu.ext.simdKernels as KernelState | undefined;
  if (s === undefined) {
    const phys = cpu.phys;
    s = {
      kernels: kernelSource!(phys.memory),
      scratch: new Uint32Array(phys.memory.buffer, phys.cpuArea + SIMD_SCRATCH_BYTES, 4),
    };
    cpu.ext.simdKernels = s;
  }
  return s;
}

/** The handler of "binary" table entry `op`: `xmm ← op(xmm, xmm/m128[, imm8])`. */
export function kernelHandler(op: SimdOp): Handler {
  const sse2 = op.feature === FEAT_SSE2;
  return (cpu) => {
    cpu.decodeModrm();
    const imm = op.imm ? cpu.fetch8() : 0;
    if (op.prefix === "none") noPrefix(cpu);
    const fpu = sse2 ? sse2Check(cpu) : sseCheck(cpu);
    const state = stateOf(cpu);
    const xmm = cpu.phys.cpuArea + XMM_BYTES;
    let src = xmm + 16 * cpu.rm;
    if (cpu.mod !== 3) {
      readXmmRm(cpu, fpu, state.scratch, 16, op.aligned);
      src = cpu.phys.cpuArea + SIMD_SCRATCH_BYTES;
    }
    state.kernels.get(op)!(xmm + 16 * cpu.reg, src, imm);
  };
}

/**
 * The handler of a group of "shift" entries (66 0F 71/72/73 ib), `members[reg]`: a register
 * operand only, an undefined member or a memory form is #UD.
 */
export function shiftGroupHandler(members: (SimdOp | undefined)[]): Handler {
  return (cpu) => {
    cpu.decodeModrm();
    const count = cpu.fetch8();
    const op = members[cpu.reg];
    if (cpu.mod !== 3 || op === undefined) throw new CpuFault(UD);
    sse2Check(cpu);
    const xmm = cpu.phys.cpuArea + XMM_BYTES + 16 * cpu.rm;
    stateOf(cpu).kernels.get(op)!(xmm, xmm, count);
  };
}

/**
 * Runs "float" entry `op` of the SIMD table for the instruction being interpreted (its ModRM
 * decoded, its checks done, its source operand in `src` when it is in memory): true when the
 * kernel computed the result, false when the exact path must (MXCSR or an operand outside the
 * kernel's domain; nothing was changed).
 */
export function tryFloatKernel(cpu: Cpu, op: SimdOp, src: Uint32Array): boolean {
  const state = stateOf(cpu);
  const area = cpu.phys.cpuArea;
  let from = area + XMM_BYTES + 16 * cpu.rm;
  if (cpu.mod !== 3) {
    state.scratch.set(src);
    from = area + SIMD_SCRATCH_BYTES;
  }
  return state.kernels.get(op)!(area + XMM_BYTES + 16 * cpu.reg, from, area + MXCSR_BYTES) === 1;
}

/**
 * Runs "load" or "store" entry `op` of the SIMD table for the instruction being interpreted (its
 * ModRM decoded, its prefix and checks done): the table's kernel gives the destination its new
 * value. A memory source is read into the scratch operand first (zero-extended to 16 bytes); for
 * a memory destination the kernel's value goes to the scratch operand and its low `size` bytes
 * are written from there, so a fault leaves every register as it was.
 */
export function runMove(cpu: Cpu, fpu: Fpu, op: SimdOp): void {
  const state = stateOf(cpu);
  const area = cpu.phys.cpuArea;
  const xmm = area + XMM_BYTES, scratch = area + SIMD_SCRATCH_BYTES;
  const kernel = state.kernels.get(op)!, size = op.size ?? 16;
  if (op.kind === "load") {
    if (cpu.mod === 3) {
      kernel(xmm + 16 * cpu.reg, xmm + 16 * cpu.rm, 1);
      return;
    }
    readXmmRm(cpu, fpu, state.scratch, size, op.aligned);
    kernel(xmm + 16 * cpu.reg, scratch, 0);
    return;
  }
  if (cpu.mod === 3) {
    kernel(xmm + 16 * cpu.rm, xmm + 16 * cpu.reg, 1);
    return;
  }
  kernel(scratch, xmm + 16 * cpu.reg, 0);
  writeMem(cpu, state.scratch, size, op.aligned);
}

/**
 * SSE3 (Intel SDM vol. 2; CPUID.1:ECX.PNI): ADDSUBPS/PD, HADDPS/PD, HSUBPS/PD, MOVSHDUP,
 * MOVSLDUP, MOVDDUP and LDDQU, selected by F2/F3/66 on 0F 12, 16, 7C, 7D, D0 and F0; and the
 * gate in front of FISTTP (DB/DD/DF /1, memory), whose semantics live in the x87 unit.
 * MONITOR/MWAIT have their own CPUID bit and stay #UD.
 */
import type { Cpu, Handler } from "../cpu.ts";
import { FEAT2_HYPERVISOR, FEAT2_PNI, IMPLEMENTED_LEAF1_ECX } from "../cpu_model.ts";
import { CpuFault, UD } from "../fault.ts";
import type { Fpu } from "../fpu/mod.ts";
import { HANDLERS, OPCODES } from "../opcode_table.ts";
import { S_EIP } from "../state_layout.ts";
import * as F from "./sse_float.ts";
import * as G from "./sse2_float.ts";
import {
  DST,
  ENV,
  finish,
  operandAddress,
  readXmmRm,
  setXmm,
  SRC,
  sseCheck,
} from "./sse_common.ts";
import { overlay } from "./sse2_dispatch.ts";
import { readOperands } from "./xmm_operands.ts";

/** Whether the CPU model reports SSE3. */
export function hasSse3(cpu: Cpu): boolean {
  return ((cpu.model.leaf1Ecx ?? FEAT2_HYPERVISOR) & IMPLEMENTED_LEAF1_ECX & FEAT2_PNI) !== 0;
}

/** #UD without SSE3, then the SSE checks. */
function sse3Check(cpu: Cpu): Fpu {
  if (!hasSse3(cpu)) throw new CpuFault(UD);
  return sseCheck(cpu);
}

/** `op xmm, xmm/m128` under MXCSR: `result` gives the four words of XMMreg from DST and SRC. */
function arith(result: () => number[]) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    const fpu = sse3Check(cpu);
    readOperands(cpu, fpu, 16);
    ENV.begin(fpu.mxcsr);
    const r = result();
    if (finish(cpu, fpu)) setXmm(fpu, cpu.reg, Uint32Array.from(r));
  };
}

/** `op xmm, xmm/m128` on single-precision lanes: DST[i] ← f(i, DST, SRC) under MXCSR. */
function singles(f: (env: F.SseEnv, i: number, d: Uint32Array, s: Uint32Array) => number) {
  return arith(() => [0, 1, 2, 3].map((i) => f(ENV, i, DST, SRC)));
}

const pair = (v: Uint32Array, i: number): G.Pair => [v[2 * i], v[2 * i + 1]];

/** `op xmm, xmm/m128` on double-precision lanes. */
function doubles(f: (env: F.SseEnv, i: number, d: Uint32Array, s: Uint32Array) => G.Pair) {
  return arith(() => [0, 1].flatMap((i) => f(ENV, i, DST, SRC)));
}

// 0F D0: F2 ADDSUBPS, 66 ADDSUBPD: subtract in the even lanes, add in the odd ones.
overlay(0xd0, "addsubps/pd", {
  f2: singles((e, i, d, s) => i & 1 ? F.add(e, d[i], s[i]) : F.sub(e, d[i], s[i])),
  p66: doubles((e, i, d, s) =>
    i & 1 ? G.add64(e, pair(d, i), pair(s, i)) : G.sub64(e, pair(d, i), pair(s, i))
  ),
});

/** HADD/HSUB: the low result lanes from adjacent destination lanes, the high from the source. */
function horizontal(sub: boolean) {
  return {
    f2: singles((e, i, d, s) => {
      const v = i < 2 ? d : s, k = 2 * (i & 1);
      return sub ? F.sub(e, v[k], v[k + 1]) : F.add(e, v[k], v[k + 1]);
    }),
    p66: doubles((e, i, d, s) => {
      const v = i === 0 ? d : s;
      return sub ? G.sub64(e, pair(v, 0), pair(v, 1)) : G.add64(e, pair(v, 0), pair(v, 1));
    }),
  };
}
overlay(0x7c, "haddps/pd", horizontal(false));
overlay(0x7d, "hsubps/pd", horizontal(true));

/** A move that duplicates lanes of the source: `pick` gives the source lane of each lane. */
function duplicate(size: 8 | 16, pick: number[]) {
  return (cpu: Cpu) => {
    cpu.decodeModrm();
    const fpu = sse3Check(cpu);
    readXmmRm(cpu, fpu, SRC, size, true);
    setXmm(fpu, cpu.reg, Uint32Array.from(pick.map((k) => SRC[k])));
  };
}
overlay(0x12, "movsldup/movddup", {
  f3: duplicate(16, [0, 0, 2, 2]),
  f2: duplicate(8, [0, 1, 0, 1]),
});
overlay(0x16, "movshdup", { f3: duplicate(16, [1, 1, 3, 3]) });

// F2 0F F0: LDDQU xmm, m128 (unaligned; no register form).
overlay(0xf0, "lddqu", {
  f2: (cpu) => {
    cpu.decodeModrm();
    if (cpu.mod === 3) throw new CpuFault(UD);
    const fpu = sse3Check(cpu);
    const lin = operandAddress(cpu, 16, false, false);
    for (let i = 0; i < 4; i++) SRC[i] = cpu.readLin32((lin + 4 * i) | 0);
    setXmm(fpu, cpu.reg, SRC);
  },
});

/** FISTTP is DB/DD/DF with a memory ModRM whose reg field is 1: #UD on a CPU without SSE3. */
function gateFisttp(opcode: number): void {
  const base: Handler = OPCODES[opcode].handler;
  const handler: Handler = (cpu) => {
    if (!hasSse3(cpu)) {
      const eip = cpu.st[S_EIP];
      const modrm = cpu.fetch8();
      cpu.st[S_EIP] = eip;
      if (modrm < 0xc0 && ((modrm >> 3) & 7) === 1) throw new CpuFault(UD);
    }
    base(cpu);
  };
  OPCODES[opcode] = { ...OPCODES[opcode], handler };
  HANDLERS[opcode] = handler;
}
for (const opcode of [0xdb, 0xdd, 0xdf]) gateFisttp(opcode);

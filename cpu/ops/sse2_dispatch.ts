/**
 * Mandatory-prefix selection for the 0F opcodes SSE2 shares with MMX and SSE (Intel SDM vol. 2
 * §2.1.2, table A-3): 66, F2 or F3 picks another instruction. The opcode table keeps one
 * handler per opcode, so the SSE2 forms are laid over the existing handler (opcode_table's
 * `overlay`): the last F2/F3
 * prefix wins over 66, and a prefix without a form of its own falls through to the old
 * handler, which raises #UD for it as before.
 */
import { type Cpu, type Handler, REP_NONE, REP_NZ, REP_Z } from "../cpu.ts";
import { FEAT_SSE2 } from "../cpu_model.ts";
import { CpuFault, UD } from "../fault.ts";
import type { Fpu } from "../fpu/mod.ts";
import { overlay as overlayHandler } from "../opcode_table.ts";
import { requireFeature } from "./feature_gate.ts";
import { sseCheck } from "./sse_common.ts";

/** The prefixed forms of one opcode. */
export interface PrefixForms {
  /** No mandatory prefix (only for an opcode nothing defined yet). */
  none?: Handler;
  /** 66. */
  p66?: Handler;
  /** F2. */
  f2?: Handler;
  /** F3. */
  f3?: Handler;
}

/** Installs `forms` for 0F `second`, keeping the present handler for the other prefixes. */
export function overlay(second: number, name: string, forms: PrefixForms): void {
  overlayHandler(0x100 | second, name, (present) => {
    const fallback: Handler = present ?? forms.none ?? (() => {
      throw new CpuFault(UD);
    });
    return (cpu) => {
      const h = cpu.rep === REP_NZ
        ? forms.f2
        : cpu.rep === REP_Z
        ? forms.f3
        : cpu.rep === REP_NONE && cpu.o32 !== cpu.code32
        ? forms.p66
        : undefined;
      (h ?? fallback)(cpu);
    };
  });
}

/** The checks before an SSE2 instruction on XMM state (as SSE's, plus the SSE2 feature). */
export function sse2Check(cpu: Cpu): Fpu {
  requireFeature(cpu, FEAT_SSE2);
  return sseCheck(cpu);
}

/**
 * Directed edge cases for every family, run alongside the random ones: sign and carry
 * boundaries, shift and rotate counts 0/1/31/32/33 and RCL/RCR through CF, the byte registers
 * AH/CH/DH/BH, BCD adjust edges, zero sources for BSF/BSR, all condition codes, ESP-relative
 * stack operands, string ops in both directions and taken/untaken branches.
 */

import type { GeneratedCase } from "./generator.ts";
import { aluCases, bcdCases, mulDivCases, shiftCases } from "./directed_arith.ts";
import { bitCases, branchCases, miscCases, stackCases, stringCases } from "./directed_data.ts";

/** All directed cases, each named after what it checks. */
export function directedCases(): GeneratedCase[] {
  return [
    ...aluCases(),
    ...shiftCases(),
    ...mulDivCases(),
    ...bcdCases(),
    ...bitCases(),
    ...miscCases(),
    ...stackCases(),
    ...stringCases(),
    ...branchCases(),
  ];
}

/** Differential testing of x86 implementations against the host CPU. */

export type { FlatResult, FlatTestCase } from "./types.ts";
export { buildElf32, elf32HeaderSize, type ElfSegment, PF_R, PF_W, PF_X } from "./elf32.ts";
export { buildHarnessImage, checkHostCase } from "./harness_image.ts";
export { type HostRunOptions, runOnHost } from "./host_runner.ts";
export {
  caseSeed,
  FAMILIES,
  type Family,
  flowFlags,
  generateCase,
  generateCaseAt,
  generateCases,
  type GeneratedCase,
  type GenerateOptions,
} from "./generator.ts";
export { directedCases } from "./directed.ts";
export {
  type CompareOptions,
  compareResults,
  type Difference,
  formatReport,
  type ReportedCase,
  type ReportOptions,
} from "./compare.ts";
export {
  type BatchRunner,
  type DifferentialFailure,
  type DifferentialOptions,
  failureHistogram,
  perCase,
  runDifferential,
} from "./run_differential.ts";
export * from "./flags.ts";
export * from "./layout.ts";
export { Rng } from "./rng.ts";

export * from "./fpu.ts";
export * from "./fpu_host.ts";
export type { F80, F80Class } from "./f80.ts";
export { classify, f80, f80Hex, parseF80 } from "./f80.ts";
export { lookup } from "./opcode_table.ts";
export type { FpuOp } from "./opcode_table.ts";

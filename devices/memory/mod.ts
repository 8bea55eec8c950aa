export * from "./layout.ts";
export * from "./physical_memory.ts";

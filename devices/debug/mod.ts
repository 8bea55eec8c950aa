export * from "./isa_debug_exit.ts";
export * from "./isa_debugcon.ts";

export * from "./byte_fifo.ts";
export * from "./host_input.ts";
export * from "./registers.ts";
export * from "./uart16550.ts";

export * from "./io_apic.ts";
export * from "./irq_splitter.ts";
export * from "./local_apic.ts";
export * from "./msi.ts";
export * from "./registers.ts";
export * from "./timer_counter.ts";

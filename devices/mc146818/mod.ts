export * from "./memory_size.ts";
export * from "./registers.ts";
export * from "./rtc.ts";

export * from "./pit.ts";
export * from "./ticks.ts";

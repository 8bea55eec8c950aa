export * from "./access.ts";
export * from "./range_bus.ts";

export * from "./config_regs.ts";
export type { BarKind, BarOptions } from "./bar.ts";
export * from "./pci_address.ts";
export * from "./pci_function.ts";
export * from "./pci_bus.ts";
export * from "./config_ports.ts";
export * from "./i440fx.ts";
export * from "./piix3.ts";
export * from "./assign_resources.ts";

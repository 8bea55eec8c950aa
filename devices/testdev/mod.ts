/**
 * QEMU's test devices for guest test suites: the ISA `pc-testdev` and the
 * PCI `pci-testdev`, with their `-device` types.
 * @module
 */

export * from "./pc_testdev.ts";
export * from "./pci_testdev.ts";
export * from "./device_types.ts";

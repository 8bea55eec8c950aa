/**
 * The virtio PCI transport (virtio 1.x §4.1): legacy I/O registers, modern capabilities, MSI-X
 * and INTx, carrying any `VirtioDevice`.
 *
 * @module
 */

export * from "./virtio_constants.ts";
export * from "./virtio_device.ts";
export * from "./msix.ts";
export * from "./legacy_registers.ts";
export * from "./modern_registers.ts";
export * from "./modern_capabilities.ts";
export * from "./virtio_pci_function.ts";

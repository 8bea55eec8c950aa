/**
 * The device type registry: device types registered by name with a typed
 * property schema, QEMU-style `-device` and `-global` parsing, resolution of
 * a `-device` to typed values, and the `-device help` texts.
 * @module
 */

export * from "./device_type.ts";
export * from "./config_error.ts";
export * from "./device_option.ts";
export * from "./global_option.ts";
export * from "./pci_address.ts";
export * from "./device_registry.ts";
export * from "./resolve_device.ts";
export * from "./resolve_devices.ts";
export * from "./device_help.ts";

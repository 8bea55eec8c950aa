/**
 * QEMU's firmware configuration device (fw_cfg) on I/O ports, with DMA, and
 * the items QEMU's pc machine puts in it.
 * @module
 */

export * from "./keys.ts";
export * from "./encode.ts";
export * from "./item_store.ts";
export * from "./fw_cfg.ts";
export * from "./linux_items.ts";
export * from "./qemu_pc_items.ts";
export * from "./device_type.ts";

/**
 * The VMM's side of guest networking: QEMU's in-VMM hubs (`-netdev hubport`) and the NICs the
 * board adds (`-nic`, default MAC addresses).
 *
 * @module
 */

export * from "./hub.ts";
export * from "./net_hubs.ts";
export * from "./nics.ts";

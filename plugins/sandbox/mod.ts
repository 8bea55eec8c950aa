/**
 * The device-plugin sandbox: bundling a plugin, reading its description without running it in
 * the VMM's thread, and starting its backend in a permission-restricted Worker behind a
 * host-side `VirtioDevice` proxy, with doorbells, interrupt requests and faults carried through
 * a shared control block.
 *
 * @module
 */

export * from "./bundle_plugin.ts";
export * from "./chardev_bridge.ts";
export * from "./control_block.ts";
export * from "./dirty_pages.ts";
export * from "./load_plugin.ts";
export * from "./permissions.ts";
export * from "./plugin_device.ts";
export * from "./worker_options.ts";

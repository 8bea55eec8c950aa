/**
 * Reading a plugin's description (name, schema, IDs) in a sandbox without any permission, so
 * that a third party's code never runs in the VMM's own thread, and turning it into a registry
 * device type.
 *
 * @module
 */

import type { DeviceType } from "../registry/device_type.ts";
import type { PluginDescriptor } from "../sdk/define_device.ts";
import { describeDevice } from "../sdk/define_device.ts";
import { type BundledPlugin, bundlePlugin } from "./bundle_plugin.ts";
import { pluginGrants } from "./permissions.ts";
import { Sandbox } from "./_sandbox.ts";

/** A bundled plugin with its checked description. */
export interface LoadedPlugin {
  /** The bundled module. */
  readonly bundle: BundledPlugin;
  /** Its description, checked. */
  readonly descriptor: PluginDescriptor;
}

/** Where a plugin comes from: a module path or URL (bundled here), or an existing bundle. */
export type PluginSource = string | URL | BundledPlugin;

/** Options of {@link loadPlugin}. */
export interface LoadPluginOptions {
  /** How long the module may take to evaluate. @default 10000 */
  startTimeoutMs?: number;
}

/**
 * Bundles the plugin (unless given a bundle), evaluates it in a sandbox with no permission and
 * returns its checked description. Throws a clear Error for a module that does not bundle, does
 * not export a `defineDevice()` result, or declares a malformed schema.
 *
 * @example
 * ```ts ignore
 * const plugin = await loadPlugin("./my_rng.ts");
 * registry.register(pluginDeviceType(plugin));
 * ```
 */
export async function loadPlugin(
  source: PluginSource,
  options: LoadPluginOptions = {},
): Promise<LoadedPlugin> {
  const bundle = typeof source === "string" || source instanceof URL
    ? await bundlePlugin(source)
    : source;
  const sandbox = await Sandbox.open({
    mode: "inspect",
    plugin: bundle,
    props: {},
    grants: pluginGrants({}, {}),
    watchdogMs: 2000,
    memoryLimitMb: 64,
    startTimeoutMs: options.startTimeoutMs ?? 10000,
    heartbeatMs: 50,
  });
  try {
    const { descriptor } = await sandbox.described();
    return { bundle, descriptor: describeDevice(descriptor) };
  } catch (e) {
    throw new Error(`device plugin ${bundle.origin}: ${(e as Error).message}`);
  } finally {
    await sandbox.close();
  }
}

/**
 * The registry's view of a loaded plugin: a `virtio-pci` device type whose `impl` is the plugin.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const type = pluginDeviceType({
 *   bundle: { code: "", origin: "rng.ts" },
 *   descriptor: { name: "my-rng-pci", category: "Misc", deviceId: 4, properties: {} },
 * });
 * assert.equal(type.bus, "virtio-pci");
 * assert.equal(type.impl?.descriptor.deviceId, 4);
 * ```
 */
export function pluginDeviceType(plugin: LoadedPlugin): DeviceType<LoadedPlugin> {
  const d = plugin.descriptor;
  return {
    name: d.name,
    ...(d.description !== undefined ? { description: d.description } : {}),
    bus: "virtio-pci",
    category: d.category,
    properties: d.properties,
    ...(d.aliases !== undefined ? { aliases: d.aliases } : {}),
    impl: plugin,
  };
}

import type { DeviceRegistry } from "../../plugins/registry/mod.ts";
import { loadPlugin } from "../../plugins/sandbox/mod.ts";
import { virtioPluginType } from "./virtio_plugin_type.ts";

/**
 * The device plugins shipped with the VMM: loaded through the same sandbox
 * and registry path as a third party's `--plugin`, by name, when needed.
 */
export const BUILTIN_PLUGINS: readonly { names: readonly string[]; module: URL }[] = [
  {
    names: ["virtio-rng-pci", "virtio-rng"],
    module: new URL("../../plugins/devices/virtio_rng.ts", import.meta.url),
  },
  {
    names: ["virtio-blk-pci", "virtio-blk"],
    module: new URL("../../plugins/devices/virtio_blk.ts", import.meta.url),
  },
  {
    names: ["virtio-console-pci", "virtio-serial-pci", "virtio-serial"],
    module: new URL("../../plugins/devices/virtio_console.ts", import.meta.url),
  },
  {
    names: ["virtio-balloon-pci", "virtio-balloon"],
    module: new URL("../../plugins/devices/virtio_balloon.ts", import.meta.url),
  },
  {
    names: ["virtio-net-pci", "virtio-net"],
    module: new URL("../../plugins/devices/virtio_net.ts", import.meta.url),
  },
];

/** Thrown when a plugin cannot be loaded; the message names the file. */
export class PluginLoadError extends Error {
  override name = "PluginLoadError";
}

async function load(registry: DeviceRegistry, source: string | URL): Promise<void> {
  let plugin;
  try {
    plugin = await loadPlugin(source);
  } catch (e) {
    throw new PluginLoadError(`plugin ${source}: ${(e as Error).message}`);
  }
  registry.register(virtioPluginType(plugin));
}

/**
 * Registers the built-in plugins that `wanted` names (all of them when
 * `wanted` is "all", as `-device help` needs), then each `--plugin` path.
 */
export async function loadPlugins(
  registry: DeviceRegistry,
  wanted: Iterable<string> | "all",
  paths: readonly string[] = [],
): Promise<void> {
  const names = wanted === "all" ? undefined : new Set(wanted);
  const builtins = BUILTIN_PLUGINS.filter((p) => !names || p.names.some((n) => names.has(n)));
  await Promise.all(builtins.map((p) => load(registry, p.module)));
  for (const path of paths) await load(registry, path);
}

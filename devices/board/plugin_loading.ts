import type { DeviceRegistry, DeviceType } from "../../plugins/registry/mod.ts";
import { loadPlugin } from "../../plugins/sandbox/mod.ts";
import { SERIAL_PORT_TYPES, virtioSerialTypes } from "../../plugins/devices/virtio_serial_bus.ts";
import type { DeviceImpl } from "./device_impl.ts";
import { virtioPluginType } from "./virtio_plugin_type.ts";

/** A device plugin shipped with the VMM. */
export interface BuiltinPlugin {
  /** The `-device` names that need it. */
  readonly names: readonly string[];
  /** Its module. */
  readonly module: URL;
  /** The registry types it gives. @default its virtio-pci type alone */
  readonly types?: (type: DeviceType<DeviceImpl>) => DeviceType<DeviceImpl>[];
}

/** A virtio-serial port is plugged as part of its virtio-serial-pci: nothing of its own. */
const PART_OF_ITS_BUS: DeviceImpl = { plug() {} };

/**
 * The device plugins shipped with the VMM: loaded through the same sandbox
 * and registry path as a third party's `--plugin`, by name, when needed.
 */
export const BUILTIN_PLUGINS: readonly BuiltinPlugin[] = [
  {
    names: ["virtio-rng-pci", "virtio-rng"],
    module: new URL("../../plugins/devices/virtio_rng.ts", import.meta.url),
  },
  {
    names: ["virtio-blk-pci", "virtio-blk"],
    module: new URL("../../plugins/devices/virtio_blk.ts", import.meta.url),
  },
  {
    names: ["virtio-console-pci"],
    module: new URL("../../plugins/devices/virtio_console.ts", import.meta.url),
  },
  {
    // The device and the ports on its bus.
    names: ["virtio-serial-pci", "virtio-serial", ...SERIAL_PORT_TYPES],
    module: new URL("../../plugins/devices/virtio_serial.ts", import.meta.url),
    types: (type) => virtioSerialTypes(type, PART_OF_ITS_BUS),
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

async function load(
  registry: DeviceRegistry,
  source: string | URL,
  types: BuiltinPlugin["types"] = (type) => [type],
): Promise<void> {
  let plugin;
  try {
    plugin = await loadPlugin(source);
  } catch (e) {
    throw new PluginLoadError(`plugin ${source}: ${(e as Error).message}`);
  }
  for (const type of types(virtioPluginType(plugin))) registry.register(type);
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
  await Promise.all(builtins.map((p) => load(registry, p.module, p.types)));
  for (const path of paths) await load(registry, path);
}

import type { DeviceType } from "../../plugins/registry/mod.ts";
import type { PropertySpec } from "../../plugins/schema/mod.ts";
import { type LoadedPlugin, startPluginDevice } from "../../plugins/sandbox/mod.ts";
import { VirtioPciFunction } from "../virtio_pci/mod.ts";
import type { DeviceImpl, DeviceProps } from "./device_impl.ts";

/**
 * Properties every virtio-pci device has whatever its backend, with QEMU's
 * names: they configure the transport, not the device.
 */
export const TRANSPORT_PROPERTIES: Readonly<Record<string, PropertySpec>> = {
  vectors: { type: "u32", default: 2, max: 2048, help: "number of MSI-X vectors (0 = INTx only)" },
  "disable-legacy": { type: "bool", default: false, help: "no legacy (0.9) interface" },
  "disable-modern": { type: "bool", default: false, help: "no modern (1.x) interface" },
};

/** PCI class of virtio devices whose plugin does not name one (QEMU's "other" class). */
const DEFAULT_CLASS = 0x00ff;

function splitProps(props: DeviceProps): { transport: DeviceProps; device: DeviceProps } {
  const transport: Record<string, unknown> = {};
  const device: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (k in TRANSPORT_PROPERTIES) transport[k] = v;
    else device[k] = v;
  }
  return { transport, device };
}

/**
 * The registry entry of a loaded plugin: its own properties plus the
 * transport's. Each instance starts the plugin in its sandbox, then plugs a
 * virtio-pci function backed by it into the PCI bus.
 */
export function virtioPluginType(plugin: LoadedPlugin): DeviceType<DeviceImpl> {
  const d = plugin.descriptor;
  for (const name of Object.keys(TRANSPORT_PROPERTIES)) {
    if (name in d.properties) {
      throw new Error(
        `plugin ${d.name}: property '${name}' is reserved for the virtio-pci transport`,
      );
    }
  }
  return {
    name: d.name,
    ...(d.description !== undefined ? { description: d.description } : {}),
    bus: "virtio-pci",
    category: d.category,
    properties: { ...TRANSPORT_PROPERTIES, ...d.properties },
    ...(d.aliases !== undefined ? { aliases: d.aliases } : {}),
    impl: {
      async prepare(env, props, placement) {
        const { transport, device } = splitProps(props);
        const dev = await startPluginDevice(plugin, device as Record<string, never>, {
          memory: env.memory.memory,
          ramSize: env.memory.ramSize,
          backends: env.backends,
          id: placement.id ?? d.name,
          // DMA into a page holding translated guest code drops the translations.
          onGuestWrite: (page) => {
            if (env.memory.codePages[page]) env.memory.onCodeWrite?.(page);
          },
        });
        env.onClose(() => dev.close());
        return (ctx) => {
          const vectors = transport.vectors as number;
          const fn = new VirtioPciFunction(dev, {
            name: placement.id ?? d.name,
            classCode: dev.pciClass ?? d.pciClass ?? DEFAULT_CLASS,
            vectors,
            deliverMsi: vectors > 0 ? ctx.deliverMsi : undefined,
            disableLegacy: transport["disable-legacy"] as boolean,
            disableModern: transport["disable-modern"] as boolean,
          });
          ctx.pci.add(fn, placement.addr ?? {});
          ctx.onSlice(() => dev.pollInterrupts());
        };
      },
    },
  };
}

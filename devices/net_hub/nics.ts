/**
 * NICs as the board creates them: the NIC of each `-nic` (QEMU's net/net.c `net_param_nic` and
 * hw/pci/pci.c `pci_nic_init_nofail`), and QEMU's default MAC address for every NIC that has no
 * `mac=`. QEMU's default model on `pc` is e1000, which deno-vmm does not have: a `-nic` without
 * `model=` gets a virtio-net-pci.
 *
 * @module
 */

import type { NicSpec } from "../../options.ts";
import {
  assignMacAddresses,
  formatMacAddress,
  parseMacAddress,
} from "../../plugins/devices/virtio_net_config.ts";
import type { DeviceType, ResolvedDevice } from "../../plugins/registry/mod.ts";

/** The model of a `-nic` without `model=`. */
export const DEFAULT_NIC_MODEL = "virtio-net-pci";

/** The device type a `-nic`'s `model=` names: "virtio" is QEMU's short name for virtio-net-pci. */
export function nicModel(nic: NicSpec): string {
  if (nic.model === undefined) return DEFAULT_NIC_MODEL;
  return nic.model === "virtio" ? "virtio-net-pci" : nic.model;
}

/**
 * The `-device` text of a `-nic`'s NIC: its model on its netdev, with its `mac=` if it has one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nicDeviceText } from "./nics.ts";
 * const netdev = { type: "hubport", id: "__org.qemu.nic0", props: { hubid: "0" } };
 * assert.equal(
 *   nicDeviceText({ netdev, model: "virtio", mac: "52:54:00:00:00:01" }),
 *   "virtio-net-pci,netdev=__org.qemu.nic0,mac=52:54:00:00:00:01",
 * );
 * ```
 */
export function nicDeviceText(nic: NicSpec): string {
  const mac = nic.mac === undefined ? "" : `,mac=${nic.mac}`;
  return `${nicModel(nic)},netdev=${nic.netdev.id}${mac}`;
}

/** True for a type QEMU would take as a `-nic` model: a PCI network device with a netdev. */
export function isNicModel(type: DeviceType): boolean {
  return (type.bus === "pci" || type.bus === "virtio-pci") && type.category === "Network" &&
    Object.values(type.properties).some((spec) => spec.type === "netdev");
}

/**
 * The first `-nic` model that names no NIC type of `registry`, as written, or undefined when
 * all do. QEMU refuses it with "Unsupported NIC model: NAME" (qemu_find_nic_model); aliases do
 * not count, as QEMU compares type names.
 */
export function unsupportedNicModel(
  registry: { get(name: string): DeviceType | undefined },
  nics: readonly NicSpec[],
): string | undefined {
  for (const nic of nics) {
    const name = nicModel(nic);
    const type = registry.get(name);
    if (!type || type.name !== name || !isNicModel(type)) return nic.model ?? name;
  }
  return undefined;
}

/**
 * The devices with QEMU's default `mac=` given to each NIC (a device with a `netdev` and a
 * `mac` property) that has none, in order: see `assignMacAddresses`. Other devices, and NICs
 * with a MAC, come back unchanged.
 */
export function withDefaultMacs<T extends ResolvedDevice>(devices: readonly T[]): T[] {
  const nics = devices.filter((d) =>
    d.type.properties.mac !== undefined &&
    Object.values(d.type.properties).some((spec) => spec.type === "netdev")
  );
  const macs = assignMacAddresses(nics.map((d) => {
    const text = d.props.mac;
    if (typeof text !== "string") return undefined;
    try {
      return parseMacAddress(text);
    } catch {
      // The device refuses it with QEMU's message when it starts; here it only takes no slot.
      return Uint8Array.of(0, 0, 0, 0, 0, 0);
    }
  }));
  const assigned = new Map(nics.map((d, i) => [d, macs[i]]));
  return devices.map((d) => {
    const mac = assigned.get(d);
    if (!mac || typeof d.props.mac === "string") return d;
    return {
      ...d,
      props: { ...d.props, mac: formatMacAddress(mac) },
      origins: { ...d.origins, mac: "default" },
    };
  });
}

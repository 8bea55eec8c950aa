/**
 * The text of `-device help` and `-device NAME,help`, line for line as QEMU's
 * qdev_print_devinfos() and qdev_device_help() print it (system/qdev-monitor.c).
 */

import { formatPropertyHelp, formatPropertyHelpLine } from "../schema/mod.ts";
import { DeviceConfigError } from "./config_error.ts";
import { deviceLocation, type DeviceOption } from "./device_option.ts";
import { compareNames } from "./device_registry.ts";
import { busTypeName, DEVICE_CATEGORIES, type DeviceType, isPciBus } from "./device_type.ts";

/** What the help texts need of a registry. */
export interface DeviceCatalog {
  /** The type registered under a name or alias. */
  get(name: string): DeviceType | undefined;
  /** Every registered type. */
  list(): DeviceType[];
}

/** One `-device help` line: `name "X", bus PCI, alias "y", desc "…"`. */
export function formatDeviceInfo(type: DeviceType): string {
  let line = `name "${type.name}"`;
  const bus = busTypeName(type.bus);
  if (bus) line += `, bus ${bus}`;
  // QEMU's alias table gives each type at most one alias.
  if (type.aliases?.length) line += `, alias "${type.aliases[0]}"`;
  if (type.description) line += `, desc "${type.description}"`;
  return line;
}

/**
 * The text of `-device help`: each category in QEMU's order under a heading
 * like "Storage devices:", names sorted without regard to case. As in QEMU,
 * every heading but Controller/Bridge/Hub's is preceded by an empty line.
 */
export function formatDeviceList(registry: Pick<DeviceCatalog, "list">): string {
  const types = [...registry.list()].sort((a, b) => compareNames(a.name, b.name));
  let out = "";
  DEVICE_CATEGORIES.forEach((category, i) => {
    const members = types.filter((t) => t.category === category);
    if (members.length === 0) return;
    out += `${i ? "\n" : ""}${category} devices:\n`;
    for (const t of members) out += formatDeviceInfo(t) + "\n";
  });
  return out;
}

// pci_props "addr" (hw/pci/pci.c) with qdev_prop_pci_devfn's description.
const PCI_ADDR_HELP = formatPropertyHelpLine("addr", "int32", {
  description: "Slot and optional function number, example: 06.0 or 06",
  defaultText: "-1",
});

/**
 * The text of `-device NAME,help`: "NAME options:" then one line per
 * property sorted as strings, or "There are no options for NAME.".
 */
export function formatDeviceProperties(type: DeviceType): string {
  const lines = Object.entries(type.properties).map(([name, spec]) =>
    formatPropertyHelp(name, spec)
  );
  if (isPciBus(type.bus)) lines.push(PCI_ADDR_HELP);
  if (lines.length === 0) return `There are no options for ${type.name}.\n`;
  // g_ptr_array_sort(qemu_pstrcmp0): plain byte order of the whole lines.
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${type.name} options:\n${lines.map((l) => l + "\n").join("")}`;
}

/**
 * The help a `-device` argument asks for: the list for `-device help`, the
 * properties for `-device NAME,help` (NAME may be an alias). Throws
 * DeviceConfigError "Device 'NAME' not found" for an unknown NAME, and a
 * plain Error when the argument asks for no help.
 */
export function formatDeviceHelp(registry: DeviceCatalog, option: DeviceOption): string {
  if (option.help === "devices") return formatDeviceList(registry);
  if (option.help !== "properties") {
    throw new Error(`${deviceLocation(option.text)} does not ask for help`);
  }
  const type = registry.get(option.driver);
  if (!type) {
    throw new DeviceConfigError(`Device '${option.driver}' not found`, {
      location: deviceLocation(option.text),
    });
  }
  return formatDeviceProperties(type);
}

/**
 * Checks that need the whole command line at once: duplicate ids, a backend
 * claimed by two devices, and `-global`s nothing used.
 */

import { isReferenceType } from "../schema/mod.ts";
import { type ConfigWarning, DeviceConfigError } from "./config_error.ts";
import { deviceLocation, type DeviceOption } from "./device_option.ts";
import { isPciBus } from "./device_type.ts";
import type { GlobalProperty } from "./global_option.ts";
import type { DeviceLookup, ResolveContext, ResolvedDevice } from "./resolve_device.ts";
import { resolveDevice } from "./resolve_device.ts";

/** Every `-device` of a command line, typed and checked together. */
export interface ResolvedDevices {
  /** The devices, in command-line order. */
  readonly devices: readonly ResolvedDevice[];
  /** Warnings about `-global`s no device used. */
  readonly warnings: readonly ConfigWarning[];
}

/**
 * Resolves `-device`s in order, as QEMU creates them, and additionally
 * refuses a repeated id ("Duplicate ID 'x' for device") and a -drive,
 * -netdev or -chardev that a second device claims. Throws DeviceConfigError.
 */
export function resolveDevices(
  registry: DeviceLookup,
  options: readonly DeviceOption[],
  context: ResolveContext = {},
): ResolvedDevices {
  // QemuOpts refuses a duplicate id while parsing, before any device exists.
  const ids = new Set<string>();
  for (const option of options) {
    if (option.id === undefined) continue;
    if (ids.has(option.id)) {
      throw new DeviceConfigError(`Duplicate ID '${option.id}' for device`, {
        location: deviceLocation(option.text),
      });
    }
    ids.add(option.id);
  }

  const claimed = {
    drive: new Set<string>(),
    netdev: new Set<string>(),
    chardev: new Set<string>(),
  };
  const devices: ResolvedDevice[] = [];
  for (const option of options) {
    const device = resolveDevice(registry, option, context);
    for (const [name, spec] of Object.entries(device.type.properties)) {
      const value = device.props[name];
      if (!isReferenceType(spec.type) || typeof value !== "string") continue;
      if (claimed[spec.type].has(value)) {
        throw new DeviceConfigError(inUse(device.type.name, name, spec.type, value), {
          location: deviceLocation(option.text),
        });
      }
      claimed[spec.type].add(value);
    }
    devices.push(device);
  }
  return {
    devices,
    warnings: unusedGlobalWarnings(registry, { globals: context.globals, devices }),
  };
}

// QEMU's wording for a busy backend (drive, netdev and chardev setters, qdev-properties-system.c).
function inUse(owner: string, prop: string, kind: "drive" | "netdev" | "chardev", id: string) {
  switch (kind) {
    case "drive":
      return `Drive '${id}' is already in use by another device`;
    case "netdev":
      return `Property '${owner}.${prop}' can't take value '${id}', it's in use`;
    case "chardev":
      return `Property '${owner}.${prop}' can't take value '${id}': Device '${id}' is in use`;
  }
}

/**
 * QEMU's qdev_prop_check_globals(): a global naming no device type, or
 * naming a type that cannot be hot-plugged later yet went unused, is warned
 * about once the machine is built. PCI devices count as hot-pluggable.
 */
export function unusedGlobalWarnings(
  registry: DeviceLookup,
  options: {
    /** Every `-global` of the command line. @default none */
    globals?: readonly GlobalProperty[];
    /** Every device built. @default none */
    devices?: readonly ResolvedDevice[];
  },
): ConfigWarning[] {
  const used = new Set((options.devices ?? []).flatMap((d) => d.globals));
  const warnings: ConfigWarning[] = [];
  for (const g of options.globals ?? []) {
    if (used.has(g)) continue;
    const type = registry.get(g.driver);
    // Globals match type names only; an alias is not a class name.
    if (!type || type.name !== g.driver) {
      warnings.push({ detail: `global ${g.driver}.${g.property} has invalid class name` });
    } else if (!isPciBus(type.bus)) {
      warnings.push({ detail: `global ${g.driver}.${g.property}=${g.value} not used` });
    }
  }
  return warnings;
}

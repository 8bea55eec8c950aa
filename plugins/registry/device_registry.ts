/**
 * Every device type the VMM can instantiate, built-in or third-party alike,
 * registered by name with its property schema (QEMU's qdev type registry plus
 * qdev_alias_table).
 */

import { validatePropertySpec } from "../schema/mod.ts";
import type { PropertySpec } from "../schema/mod.ts";
import { isHelpOption } from "./_qemu_opts.ts";
import type { DeviceOption } from "./device_option.ts";
import {
  BUS_KINDS,
  DEVICE_CATEGORIES,
  type DeviceCategory,
  type DeviceType,
  isPciBus,
} from "./device_type.ts";
import { type ResolveContext, type ResolvedDevice, resolveDevice } from "./resolve_device.ts";

// Type names end at ',' and '=' on the command line, so neither may appear.
const TYPE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+:-]*$/;
// Handled by the option parser itself, never by a device's schema.
const GENERIC_PROPERTIES = new Set(["driver", "id", "bus", "__proto__"]);

/**
 * Device types by name and alias.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DeviceRegistry, parseDeviceOption, parseGlobalOption } from "./mod.ts";
 *
 * const registry = new DeviceRegistry();
 * registry.register({
 *   name: "isa-debug-exit",
 *   bus: "isa",
 *   category: "Misc",
 *   properties: { iobase: { type: "u32", default: 0x501 }, iosize: { type: "u32", default: 2 } },
 * });
 * const device = registry.resolve(parseDeviceOption("isa-debug-exit,iobase=0xf4"), {
 *   globals: [parseGlobalOption("isa-debug-exit.iosize=1")],
 * });
 * assert.deepEqual(device.props, { iobase: 0xf4, iosize: 1 });
 * ```
 */
export class DeviceRegistry {
  #types = new Map<string, DeviceType>();
  #aliases = new Map<string, DeviceType>();

  /**
   * Adds a device type. Throws an Error when its name or an alias is taken,
   * or when its bus, category or property schema is malformed.
   * Returns the stored (validated, frozen) type.
   */
  register<Impl>(type: DeviceType<Impl>): DeviceType<Impl> {
    const checked = checkType(type);
    for (const name of [checked.name, ...(checked.aliases ?? [])]) {
      const owner = this.get(name);
      if (owner) {
        throw new Error(
          owner.name === name
            ? `device type '${name}' is already registered`
            : `device type name '${name}' is already an alias of '${owner.name}'`,
        );
      }
    }
    this.#types.set(checked.name, checked);
    for (const alias of checked.aliases ?? []) this.#aliases.set(alias, checked);
    return checked as DeviceType<Impl>;
  }

  /** The type registered under `name` or under an alias `name`, if any. */
  get(name: string): DeviceType | undefined {
    return this.#types.get(name) ?? this.#aliases.get(name);
  }

  /** Every registered type, sorted by name without regard to case as QEMU lists them. */
  list(): DeviceType[] {
    return [...this.#types.values()].sort((a, b) => compareNames(a.name, b.name));
  }

  /**
   * Types a parsed `-device`: looks up the driver (or alias), applies
   * defaults, then matching `-global`s in order, then the `-device` values,
   * and checks that references name a defined -drive/-netdev/-chardev.
   * Throws DeviceConfigError with QEMU's wording.
   */
  resolve(option: DeviceOption, context: ResolveContext = {}): ResolvedDevice {
    return resolveDevice(this, option, context);
  }
}

/** strcasecmp() order, the order of QEMU's object_class_get_list_sorted(). */
export function compareNames(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function checkType<Impl>(type: DeviceType<Impl>): DeviceType<Impl> {
  if (typeof type !== "object" || type === null) throw new Error("device type must be an object");
  const name = type.name;
  const fail = (why: string): never => {
    throw new Error(`device type '${String(name)}': ${why}`);
  };
  const checkName = (what: string, n: unknown) => {
    if (typeof n !== "string" || !TYPE_NAME.test(n) || isHelpOption(n)) {
      fail(`${what} '${String(n)}' is not a usable -device name`);
    }
  };
  checkName("name", name);
  const aliases = type.aliases ?? [];
  if (!Array.isArray(aliases)) fail("aliases must be a list");
  for (const alias of aliases) checkName("alias", alias);
  if (new Set([name, ...aliases]).size !== aliases.length + 1) fail("aliases repeat a name");
  if (!BUS_KINDS.includes(type.bus)) fail(`unknown bus '${String(type.bus)}'`);
  if (!DEVICE_CATEGORIES.includes(type.category as DeviceCategory)) {
    fail(`unknown category '${String(type.category)}'`);
  }
  if (type.description !== undefined && typeof type.description !== "string") {
    fail("description must be a string");
  }
  if (typeof type.properties !== "object" || type.properties === null) {
    fail("properties must be an object");
  }
  const properties: Record<string, PropertySpec> = {};
  for (const [prop, spec] of Object.entries(type.properties)) {
    if (GENERIC_PROPERTIES.has(prop) || (prop === "addr" && isPciBus(type.bus))) {
      fail(`property '${prop}' is generic to every ${prop === "addr" ? "PCI " : ""}device`);
    }
    properties[prop] = validatePropertySpec(prop, spec, { owner: name });
  }
  return Object.freeze({
    ...type,
    properties: Object.freeze(properties),
    ...(type.aliases ? { aliases: Object.freeze([...aliases]) } : {}),
  });
}

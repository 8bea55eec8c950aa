/**
 * From a parsed `-device` to typed property values, in QEMU's order
 * (qdev_device_add_from_qdict): find the model, find the bus, apply defaults
 * and `-global`s as the object is created, then set the `-device` values.
 */

import { isReferenceType, parsePropertyValue, PropertyValueError } from "../schema/mod.ts";
import type { PropertyValue, ValueSource } from "../schema/mod.ts";
import { DeviceConfigError } from "./config_error.ts";
import { deviceLocation, type DeviceOption } from "./device_option.ts";
import { type BusKind, busTypeName, type DeviceType, isPciBus } from "./device_type.ts";
import type { GlobalProperty } from "./global_option.ts";
import { parsePciAddress, type PciAddress } from "./pci_address.ts";

/** The rest of the command line a device is checked against. */
export interface ResolveContext {
  /** `-global`s in command-line order; later ones override earlier ones. */
  readonly globals?: readonly GlobalProperty[];
  /** Ids of the `-drive`s defined. @default none */
  readonly drives?: Iterable<string>;
  /** Ids of the `-netdev`s defined. @default none */
  readonly netdevs?: Iterable<string>;
  /** Ids of the `-chardev`s defined. @default none */
  readonly chardevs?: Iterable<string>;
  /**
   * The machine's buses by name (e.g. "pci.0" → "pci", "isa.0" → "isa"). When
   * given, `bus=` must name one of the right kind. @default bus= is not checked
   */
  readonly buses?: ReadonlyMap<string, BusKind>;
}

/** Where a resolved value came from. */
export type PropertyOrigin = "default" | "global" | "device";

/** A device ready to instantiate: its type and typed property values. */
export interface ResolvedDevice<Impl = unknown> {
  /** The registered type (an alias resolves to it). */
  readonly type: DeviceType<Impl>;
  /** `id=`, if given. */
  readonly id?: string;
  /** `bus=`, if given. */
  readonly bus?: string;
  /** `addr=` of a PCI device, if given by `-device` or `-global`. */
  readonly addr?: PciAddress;
  /** Typed values; a property without default that nobody set is absent. */
  readonly props: Readonly<Record<string, PropertyValue>>;
  /** Where each value in `props` (and `addr`) came from. */
  readonly origins: Readonly<Record<string, PropertyOrigin>>;
  /** The `-global`s that applied to this device, in order. */
  readonly globals: readonly GlobalProperty[];
}

/** What resolveDevice needs of a registry. */
export interface DeviceLookup {
  /** The type registered under a name or alias. */
  get(name: string): DeviceType | undefined;
}

/** Resolves one `-device` against the registry; see DeviceRegistry.resolve. */
export function resolveDevice(
  registry: DeviceLookup,
  option: DeviceOption,
  context: ResolveContext = {},
): ResolvedDevice {
  if (option.help) {
    throw new Error(`${deviceLocation(option.text)} asks for help; use formatDeviceHelp()`);
  }
  const location = deviceLocation(option.text);
  try {
    return build(registry, option, context);
  } catch (e) {
    if (e instanceof DeviceConfigError) throw e.at(location);
    throw e;
  }
}

function build(registry: DeviceLookup, option: DeviceOption, ctx: ResolveContext): ResolvedDevice {
  const type = registry.get(option.driver);
  if (!type) throw new DeviceConfigError(`'${option.driver}' is not a valid device model name`);
  if (ctx.buses) checkBus(type, option.bus, ctx.buses);

  const props: Record<string, PropertyValue> = {};
  const origins: Record<string, PropertyOrigin> = {};
  let addr: PciAddress | undefined;
  const setBy = new Map<string, GlobalProperty>();
  const backends = {
    drive: new Set(ctx.drives ?? []),
    netdev: new Set(ctx.netdevs ?? []),
    chardev: new Set(ctx.chardevs ?? []),
  };

  for (const [name, spec] of Object.entries(type.properties)) {
    if ("default" in spec && spec.default !== undefined) {
      props[name] = spec.default;
      origins[name] = "default";
    }
  }

  const set = (name: string, text: string, source: ValueSource) => {
    if (name === "addr" && isPciBus(type.bus)) {
      addr = parsePciAddress(text);
      if (!addr) {
        throw new DeviceConfigError(`Property '${type.name}.addr' doesn't take value '${text}'`);
      }
      origins.addr = source;
      return;
    }
    if (!Object.hasOwn(type.properties, name)) {
      throw new DeviceConfigError(`Property '${type.name}.${name}' not found`);
    }
    const spec = type.properties[name];
    let value: PropertyValue;
    try {
      value = parsePropertyValue(spec, text, { owner: type.name, name, source });
    } catch (e) {
      if (e instanceof PropertyValueError) throw new DeviceConfigError(e.message);
      throw e;
    }
    if (isReferenceType(spec.type)) {
      const cantFind = () =>
        new DeviceConfigError(`Property '${type.name}.${name}' can't find value '${text}'`);
      // set_netdev() looks the backend up first; set_drive/set_chr check the
      // old value first and read "" as "no backend".
      if (spec.type === "netdev" && !backends.netdev.has(text)) throw cantFind();
      const global = setBy.get(name);
      if (origins[name] === "global" && global) {
        throw new DeviceConfigError(
          `-global ${global.driver}.${global.property}=... conflicts with ${name}=${text}`,
        );
      }
      if (text === "" && spec.type !== "netdev") {
        delete props[name];
        delete origins[name];
        return;
      }
      if (!backends[spec.type].has(text)) throw cantFind();
    }
    props[name] = value;
    origins[name] = source;
  };

  // Globals go in when the object is created, before any -device value.
  const applied: GlobalProperty[] = [];
  for (const g of ctx.globals ?? []) {
    if (g.driver !== type.name) continue;
    applied.push(g);
    try {
      set(g.property, g.value, "global");
    } catch (e) {
      if (!(e instanceof DeviceConfigError)) throw e;
      throw new DeviceConfigError(
        `can't apply global ${g.driver}.${g.property}=${g.value}: ${e.detail}`,
      );
    }
    setBy.set(g.property, g);
  }
  for (const [name, text] of option.props) set(name, text, "device");

  return {
    type,
    ...(option.id !== undefined ? { id: option.id } : {}),
    ...(option.bus !== undefined ? { bus: option.bus } : {}),
    ...(addr ? { addr } : {}),
    props,
    origins,
    globals: applied,
  };
}

// The kind of bus a device of each kind plugs into.
function wantedBus(kind: BusKind): BusKind | undefined {
  if (isPciBus(kind)) return "pci";
  return kind === "none" ? undefined : kind;
}

function checkBus(type: DeviceType, bus: string | undefined, buses: ReadonlyMap<string, BusKind>) {
  const wanted = wantedBus(type.bus);
  if (bus !== undefined) {
    const kind = buses.get(bus);
    if (kind === undefined) throw new DeviceConfigError(`Bus '${bus}' not found`);
    if (wantedBus(kind) !== wanted) {
      throw new DeviceConfigError(
        `Device '${type.name}' can't go on ${busTypeName(kind) ?? kind} bus`,
      );
    }
  } else if (wanted !== undefined && ![...buses.values()].some((k) => wantedBus(k) === wanted)) {
    throw new DeviceConfigError(
      `No '${busTypeName(type.bus)}' bus found for device '${type.name}'`,
    );
  }
}

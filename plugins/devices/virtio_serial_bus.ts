/**
 * QEMU's "virtio-serial-bus" on the VMM side: the `virtconsole` and `virtserialport` device
 * types, how a command line's ports are placed on its `virtio-serial-pci` devices (port numbers
 * and refusals worded as hw/char/virtio-serial-bus.c and hw/char/virtio-console.c), and the
 * chardev that tells a device when the host side of a port connects or disconnects.
 *
 * A port is not a device of its own here: it becomes part of its `virtio-serial-pci`, whose
 * plugin gets the port table and one chardev per port (_virtio_serial_ports.ts).
 *
 * @module
 */

import { DeviceConfigError, type DeviceType, type ResolvedDevice } from "../registry/mod.ts";
import type { PropertySpec, PropertyValue } from "../schema/mod.ts";
import type { HostChardev } from "../sandbox/mod.ts";
import {
  encodePortEvent,
  encodePortTable,
  PORT_EVENTS_PROPERTY,
  portChardevProperty,
  PORTS_PROPERTY,
  type SerialPortSpec,
} from "./_virtio_serial_ports.ts";

/** The device type whose instances carry a virtio-serial bus. */
export const VIRTIO_SERIAL_PCI = "virtio-serial-pci";
/** The `-device` names of the port types. */
export const SERIAL_PORT_TYPES = ["virtconsole", "virtserialport"] as const;

/** QEMU's VIRTIO_CONSOLE_BAD_ID: `nr` not given. */
const NO_PORT_NUMBER = 0xffff_ffff;

// virtser_props (hw/char/virtio-serial-bus.c) and virtconsole_properties (virtio-console.c).
const PORT_PROPERTIES: Readonly<Record<string, PropertySpec>> = {
  chardev: { type: "chardev" },
  name: { type: "string" },
  nr: { type: "u32", default: NO_PORT_NUMBER },
};

/**
 * The registry types of a virtio-serial bus: `pci` (the `virtio-serial-pci` plugin's type) with
 * its internal properties left out, and `virtconsole` and `virtserialport`, whose instances get
 * `portImpl` (a port is plugged as part of its device, so it has nothing to do of its own).
 */
export function virtioSerialTypes<Impl>(pci: DeviceType<Impl>, portImpl: Impl): DeviceType<Impl>[] {
  const visible = Object.entries(pci.properties).filter(([name]) => !isInternalProperty(name));
  const port = (name: string): DeviceType<Impl> => ({
    name,
    bus: "virtio-serial",
    category: "Input",
    properties: PORT_PROPERTIES,
    impl: portImpl,
  });
  return [
    { ...pci, properties: Object.fromEntries(visible) },
    ...SERIAL_PORT_TYPES.map(port),
  ];
}

function isInternalProperty(name: string): boolean {
  return name === PORTS_PROPERTY || name === PORT_EVENTS_PROPERTY || /^port\.\d+$/.test(name);
}

/** A chardev whose peer comes and goes (devices/chardev's SocketChardev). */
interface ConnectingChardev extends HostChardev {
  readonly connected: boolean;
  onConnection(listener: (connected: boolean) => void): () => void;
}

function isConnecting(chardev: HostChardev): chardev is ConnectingChardev {
  return typeof (chardev as Partial<ConnectingChardev>).onConnection === "function";
}

/** Options of {@link attachSerialPorts}. */
export interface AttachSerialPortsOptions {
  /** Where each device was given (`-device TEXT`), index for index, for messages. */
  readonly locations?: readonly string[];
  /** The command line's chardevs by id: those of ports report their connections. */
  readonly chardevs?: ReadonlyMap<string, HostChardev>;
}

/** What {@link attachSerialPorts} returns. */
export interface AttachedSerialPorts<T> {
  /** The devices, in order; each `virtio-serial-pci` now carries its ports' properties. */
  readonly devices: T[];
  /** Connection-event chardevs the devices' properties name, to add to the backends. */
  readonly chardevs: Record<string, HostChardev>;
}

interface Bus {
  /** `bus=` name: "ID.0" for a device with an id (QEMU names others, but does not find them). */
  readonly name?: string;
  /** Index of the device in the list. */
  readonly device: number;
  readonly maxPorts: number;
  /** QEMU's ports_map: a bit per port number taken; port 0 is reserved for a console. */
  readonly map: Uint32Array;
  readonly ports: (SerialPortSpec & { readonly chardev?: string })[];
}

/**
 * Places every `virtconsole` and `virtserialport` on a `virtio-serial-pci` given before it
 * (`bus=ID.0`, or the first one), numbering ports as QEMU does: a console takes port 0 if free,
 * any other port the lowest free number from 1. Throws DeviceConfigError with QEMU's message
 * (and the `-device` as location) for a port without a bus, a number taken or out of range, a
 * name given twice, or a `virtserialport` on port 0.
 */
export function attachSerialPorts<T extends ResolvedDevice>(
  devices: readonly T[],
  options: AttachSerialPortsOptions = {},
): AttachedSerialPorts<T> {
  const buses: Bus[] = [];
  const names = new Set<string>();
  devices.forEach((device, index) => {
    const fail = (detail: string) =>
      new DeviceConfigError(detail, { location: options.locations?.[index] });
    if (device.type.name === VIRTIO_SERIAL_PCI) {
      const maxPorts = Number(device.props.max_ports ?? 31);
      const bus: Bus = {
        ...(device.id !== undefined ? { name: `${device.id}.0` } : {}),
        device: index,
        maxPorts,
        map: new Uint32Array(Math.ceil(maxPorts / 32)),
        ports: [],
      };
      bus.map[0] |= 1;
      // `chardev=` on the device itself: the console on port 0 that deno-vmm's single-port
      // virtio-serial-pci had.
      const chardev = device.props[portChardevProperty(0)];
      if (typeof chardev === "string") bus.ports.push({ nr: 0, console: true, chardev });
      buses.push(bus);
      return;
    }
    if (!(SERIAL_PORT_TYPES as readonly string[]).includes(device.type.name)) return;
    const bus = device.bus === undefined ? buses[0] : buses.find((b) => b.name === device.bus);
    if (!bus) {
      throw fail(
        device.bus === undefined
          ? `No 'virtio-serial-bus' bus found for device '${device.type.name}'`
          : `Bus '${device.bus}' not found`,
      );
    }
    bus.ports.push(placePort(bus, device, names, fail));
  });

  const out = devices.slice();
  const chardevs: Record<string, HostChardev> = {};
  buses.forEach((bus, i) => {
    const device = devices[bus.device];
    const props: Record<string, PropertyValue> = {
      ...device.props,
      [PORTS_PROPERTY]: encodePortTable(bus.ports),
    };
    const watched: [number, HostChardev][] = [];
    for (const port of bus.ports) {
      if (port.chardev === undefined) continue;
      props[portChardevProperty(port.nr)] = port.chardev;
      const chardev = options.chardevs?.get(port.chardev);
      if (!port.console && chardev) watched.push([port.nr, chardev]);
    }
    if (watched.length > 0) {
      // Not a -chardev id (those start with a letter), so it cannot clash with one.
      const id = `#virtio-serial${i}-events`;
      chardevs[id] = new PortEvents(watched);
      props[PORT_EVENTS_PROPERTY] = id;
    }
    out[bus.device] = { ...device, props };
  });
  return { devices: out, chardevs };
}

/** virtser_port_device_realize() and virtconsole_realize(), in their order of checks. */
function placePort(
  bus: Bus,
  device: ResolvedDevice,
  names: Set<string>,
  fail: (detail: string) => Error,
): SerialPortSpec & { chardev?: string } {
  const console = device.type.name === "virtconsole";
  const taken = (nr: number) => bus.ports.some((p) => p.nr === nr);
  const given = Number(device.props.nr ?? NO_PORT_NUMBER);
  const name = typeof device.props.name === "string" ? device.props.name : undefined;
  if (given !== NO_PORT_NUMBER && taken(given)) {
    throw fail(`virtio-serial-bus: A port already exists at id ${given}`);
  }
  if (name !== undefined && names.has(name)) {
    throw fail(`virtio-serial-bus: A port already exists by name ${name}`);
  }
  let nr = given;
  if (nr === NO_PORT_NUMBER) {
    nr = console && !taken(0) ? 0 : freePortNumber(bus.map);
    if (nr === NO_PORT_NUMBER) {
      throw fail("virtio-serial-bus: Maximum port limit for this device reached");
    }
  }
  if (nr >= bus.maxPorts) {
    throw fail(
      `virtio-serial-bus: Out-of-range port id specified, max. allowed: ${bus.maxPorts - 1}`,
    );
  }
  if (nr === 0 && !console) {
    throw fail(
      "Port number 0 on virtio-serial devices reserved for virtconsole devices for " +
        "backward compatibility.",
    );
  }
  bus.map[nr >>> 5] |= 1 << (nr & 31);
  if (name !== undefined) names.add(name);
  const chardev = typeof device.props.chardev === "string" ? device.props.chardev : undefined;
  return {
    nr,
    console,
    ...(name !== undefined ? { name } : {}),
    ...(chardev !== undefined ? { chardev } : {}),
  };
}

/** find_free_port_id(): the lowest clear bit of the map, which may lie past max_ports. */
function freePortNumber(map: Uint32Array): number {
  for (let i = 0; i < map.length; i++) {
    const free = ~map[i];
    if (free !== 0) return i * 32 + (31 - Math.clz32(free & -free));
  }
  return NO_PORT_NUMBER;
}

/**
 * The host end of a device's connection-event chardev: reports ports whose chardev connects or
 * disconnects, and the whole state whenever the device writes (asks).
 */
class PortEvents implements HostChardev {
  readonly #ports: readonly [number, HostChardev][];
  #receiver: (data: Uint8Array) => void = () => {};
  readonly #encoder = new TextEncoder();

  constructor(ports: readonly [number, HostChardev][]) {
    this.#ports = ports;
    for (const [nr, chardev] of ports) {
      if (!isConnecting(chardev)) continue;
      chardev.onConnection((open) =>
        this.#send(encodePortEvent({ kind: open ? "open" : "close", nr }))
      );
    }
  }

  /** The device asks for the state of every port. */
  write(_data: Uint8Array): void {
    let text = encodePortEvent({ kind: "sync" });
    for (const [nr, chardev] of this.#ports) {
      const open = isConnecting(chardev) ? chardev.connected : true;
      text += encodePortEvent({ kind: open ? "open" : "close", nr });
    }
    this.#send(text);
  }

  setReceiver(cb: (data: Uint8Array) => void): void {
    this.#receiver = cb;
  }

  #send(text: string): void {
    this.#receiver(this.#encoder.encode(text));
  }
}

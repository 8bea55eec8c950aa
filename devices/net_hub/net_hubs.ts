/**
 * The hubs a command line describes (QEMU's net/hub.c `net_init_hubport`): one {@link NetHub}
 * per `hubid`, one port per `-netdev hubport`. A port's peer is either the NIC whose `netdev`
 * property names the port, reached through a {@link HubChannel} its sandbox is granted, or the
 * netdev the port's `netdev=` joins, whose socket this thread opens (QEMU runs every netdev
 * in its main loop too). The hubs live on the VMM thread and copy frames between ports there.
 *
 * @module
 */

import type { PropertySpec, PropertyValue } from "../../plugins/schema/mod.ts";
import type { NetdevHubBackend } from "../../plugins/sandbox/mod.ts";
import { type NetBackend, openNetBackend } from "../../plugins/devices/virtio_net_backend.ts";
import { HubChannel } from "../../plugins/devices/virtio_net_hub_channel.ts";
import { netdevBackend, type NetdevOptions } from "../../plugins/devices/virtio_net_netdev.ts";
import { DeviceConfigError } from "../../plugins/registry/mod.ts";
import { parseCInteger } from "../../options.ts";
import { type HubPeer, NetHub } from "./hub.ts";

/** A device as far as the hubs care: the netdev properties it sets. */
export interface NetdevUser {
  /** Its type's name and property schema. */
  readonly type: {
    readonly name: string;
    readonly properties: Readonly<Record<string, PropertySpec>>;
  };
  /** Its property values. */
  readonly props: Readonly<Record<string, PropertyValue>>;
}

/** Options of {@link openNetHubs}. */
export interface NetHubsOptions {
  /** The machine's devices: a `netdev` property naming a hubport makes that NIC the port's peer. */
  readonly devices?: readonly NetdevUser[];
  /** Where each device was asked for (`-device ...`), same order, for messages. @default none */
  readonly locations?: readonly (string | undefined)[];
  /** Warnings and the joined netdevs' log lines. @default stderr */
  readonly log?: (line: string) => void;
  /** Bytes of each channel ring (a power of two). @default HUB_RING_BYTES */
  readonly ringBytes?: number;
}

/** The hubs of a machine, running until `close`. */
export class NetHubs {
  /** The hubs by `hubid`. */
  readonly hubs: ReadonlyMap<number, NetHub>;
  readonly #channels: ReadonlyMap<string, HubChannel>;
  readonly #backends: readonly NetBackend[];

  /** Use {@link openNetHubs}. */
  constructor(
    hubs: ReadonlyMap<number, NetHub>,
    channels: ReadonlyMap<string, HubChannel>,
    backends: readonly NetBackend[],
  ) {
    this.hubs = hubs;
    this.#channels = channels;
    this.#backends = backends;
  }

  /** What hubport `id` grants the NIC that names it; undefined when no NIC does. */
  backend(id: string): NetdevHubBackend | undefined {
    const channel = this.#channels.get(id);
    return channel ? { mode: "hub", channel: channel.buffer } : undefined;
  }

  /** Stops every port and closes the joined netdevs' sockets. */
  close(): void {
    for (const channel of this.#channels.values()) channel.close();
    for (const backend of this.#backends) {
      try {
        backend.close();
      } catch {
        // Closing is best effort: the socket may already be gone.
      }
    }
  }
}

/**
 * Builds the hubs of `netdevs` (in command-line order, `-nic`s last, as QEMU creates them) and
 * opens the netdevs that hubports join. Throws an Error in QEMU's words for a `netdev=` naming
 * no earlier netdev, and a DeviceConfigError for a NIC naming a netdev a hubport already took
 * ("it's in use"); rejects when a joined netdev's socket cannot be opened.
 */
export async function openNetHubs(
  netdevs: readonly NetdevOptions[],
  options: NetHubsOptions = {},
): Promise<NetHubs> {
  const log = options.log ?? ((line: string) => console.error(line));
  const users = netdevUsers(options.devices ?? [], options.locations ?? []);
  const joined = joinedNetdevs(netdevs);
  // A joined pair are each other's peer: no NIC can take either (QEMU's set_netdev()).
  const peered = new Set([...joined.keys(), ...joined.values()]);
  for (const [id, user] of users) {
    if (!peered.has(id)) continue;
    throw new DeviceConfigError(
      `Property '${user.property}' can't take value '${id}', it's in use`,
      { location: user.location },
    );
  }

  const hubs = new Map<number, NetHub>();
  const channels = new Map<string, HubChannel>();
  const backends: NetBackend[] = [];
  const kinds = new Map<NetHub, { nic: boolean; host: boolean }>();
  try {
    for (const netdev of netdevs) {
      if (netdev.type !== "hubport") continue;
      const id = hubId(netdev);
      let hub = hubs.get(id);
      if (!hub) {
        hub = new NetHub(id);
        hubs.set(id, hub);
        kinds.set(hub, { nic: false, host: false });
      }
      const port = hub.addPort(netdev.id);
      const kind = kinds.get(hub)!;
      const target = joined.get(netdev.id);
      if (target !== undefined) {
        const peer = netdevs.find((n) => n.id === target)!;
        let blocked = false;
        const backend = await openJoined(peer, {
          receive: (frame) => {
            port.send(frame);
            return true; // a hub never holds a sender back
          },
          writable: () => void (blocked = false),
          log: (message) => log(`netdev '${peer.id}': ${message}`),
        });
        backends.push(backend);
        port.peer = {
          deliver(frame) {
            if (blocked) return false;
            // The backend owns the frame now; false only says that its queue is full.
            if (!backend.send(frame)) blocked = true;
            return true;
          },
        };
        kind.host = true;
      } else if (users.has(netdev.id)) {
        const channel = new HubChannel({ capacity: options.ringBytes });
        channels.set(netdev.id, channel);
        port.peer = channel satisfies HubPeer;
        channel.watch(() => {
          for (const frame of channel.take()) port.send(frame);
        });
        kind.nic = true;
      } else {
        log(`warning: hub port ${netdev.id} has no peer`);
      }
    }
  } catch (e) {
    new NetHubs(hubs, channels, backends).close();
    throw e;
  }
  // QEMU's net_hub_check_clients().
  for (const [hub, kind] of kinds) {
    if (kind.host && !kind.nic) log(`warning: hub ${hub.id} with no nics`);
    if (kind.nic && !kind.host) log(`warning: hub ${hub.id} is not connected to host network`);
  }
  return new NetHubs(hubs, channels, backends);
}

/** Each hubport's `netdev=`, checked: an earlier netdev, not a hubport, joined once. */
function joinedNetdevs(netdevs: readonly NetdevOptions[]): Map<string, string> {
  const joined = new Map<string, string>();
  const taken = new Set<string>();
  netdevs.forEach((netdev, i) => {
    const target = netdev.type === "hubport" ? netdev.props.netdev : undefined;
    if (target === undefined) return;
    const fail = (why: string): never => {
      throw new Error(`-netdev hubport,id=${netdev.id}: ${why}`);
    };
    // QEMU creates netdevs in order and looks the peer up among those already made.
    const peer = netdevs.slice(0, i).find((n) => n.id === target);
    if (!peer) fail(`netdev '${target}' not found`);
    // Two hubs joined port to port could send a frame round for ever.
    if (peer!.type === "hubport") fail(`netdev '${target}' is a hub port: hubs cannot be joined`);
    if (taken.has(target)) fail(`netdev '${target}' is in use`);
    taken.add(target);
    joined.set(netdev.id, target);
  });
  return joined;
}

/** Netdev ids that devices name, with the property and where the device was asked for. */
function netdevUsers(
  devices: readonly NetdevUser[],
  locations: readonly (string | undefined)[],
): Map<string, { property: string; location?: string }> {
  const users = new Map<string, { property: string; location?: string }>();
  devices.forEach((device, i) => {
    for (const [name, spec] of Object.entries(device.type.properties)) {
      const value = device.props[name];
      if (spec.type !== "netdev" || typeof value !== "string" || value === "") continue;
      users.set(value, { property: `${device.type.name}.${name}`, location: locations[i] });
    }
  });
  return users;
}

/** `hubid=` as QEMU's int parser reads it: decimal, 0x hex or 0 octal. */
function hubId(netdev: NetdevOptions): number {
  const n = parseCInteger(netdev.props.hubid ?? "");
  if (n === undefined) {
    throw new Error(`-netdev hubport,id=${netdev.id}: Parameter 'hubid' expects an int64 value`);
  }
  return n;
}

/** Opens a joined netdev's socket on this thread; the error names the netdev. */
async function openJoined(
  netdev: NetdevOptions,
  hooks: Parameters<typeof openNetBackend>[1],
): Promise<NetBackend> {
  const address = netdevBackend(netdev);
  try {
    return await openNetBackend(address, hooks);
  } catch (e) {
    throw new Error(`-netdev ${netdev.type},id=${netdev.id}: ${(e as Error).message}`);
  }
}

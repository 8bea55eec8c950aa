/**
 * What a plugin's sandbox may touch, derived from its properties and nothing else: a `drive`
 * property grants read (and write unless read-only) on that one image file, a `netdev` property
 * grants network access to that one host:port. Environment, subprocesses, FFI, system
 * information, imports and every other file or address stay denied. A UDP netdev grants its
 * local address as well, which its socket is bound to. A hub port netdev grants no permission:
 * its frames cross to the VMM's hub through shared memory.
 *
 * @module
 */

import type { PropertySpec, PropertyValue } from "../schema/mod.ts";
import type { HostChardev } from "./chardev_bridge.ts";

/** How a `-drive` id maps to a host file. */
export interface DriveBackend {
  /** Image path on the host. */
  readonly file: string;
  /** `readonly=on`: the sandbox gets no write permission. @default false */
  readonly readonly?: boolean;
}

/**
 * How a device uses a `-netdev` address: "connect" opens a TCP connection to it, "listen" accepts
 * TCP connections on it, "udp" exchanges datagrams with it from a local address.
 */
export type NetdevMode = "connect" | "listen" | "udp";

/** A host address and port. */
export interface NetdevAddress {
  /** Host name or address. */
  readonly hostname: string;
  /** Port. */
  readonly port: number;
}

/** How a `-netdev` id maps to a host endpoint. */
export interface NetdevSocketBackend extends NetdevAddress {
  /** What the device does with `hostname:port`. @default "connect" */
  readonly mode?: NetdevMode;
  /** With mode "udp": the local address datagrams leave from and arrive at. @default none */
  readonly local?: NetdevAddress;
}

/**
 * How a `-netdev hubport` id reaches a device: the shared memory of its port's frame channel
 * to the VMM's hub (plugins/devices/virtio_net_hub_channel.ts). It grants no permission.
 */
export interface NetdevHubBackend {
  /** Frames go through the VMM's hub. */
  readonly mode: "hub";
  /** The channel's shared memory. */
  readonly channel: SharedArrayBuffer;
}

/** What a `-netdev` id gives the device that names it: a host endpoint or a hub port. */
export type NetdevBackend = NetdevSocketBackend | NetdevHubBackend;

/** The command line's backends, by id, that properties may refer to. */
export interface PluginBackends {
  /** `-drive` ids. @default none */
  readonly drives?: Readonly<Record<string, DriveBackend>>;
  /** `-netdev` ids. @default none */
  readonly netdevs?: Readonly<Record<string, NetdevBackend>>;
  /**
   * `-chardev` ids. They grant no permission: a `chardev` property's bytes cross through shared
   * memory (chardev_bridge.ts). @default none
   */
  readonly chardevs?: Readonly<Record<string, HostChardev>>;
}

/** Deno permission options for a Worker, every kind spelt out. */
export interface SandboxPermissions {
  /** Files readable. */
  read: string[] | false;
  /** Files writable. */
  write: string[] | false;
  /** host:port pairs reachable. */
  net: string[] | false;
  /** Always denied. */
  env: false;
  /** Always denied. */
  run: false;
  /** Always denied. */
  ffi: false;
  /** Always denied. */
  sys: false;
  /** Always denied. */
  import: false;
}

/** What a device's properties grant, per property. */
export interface PluginGrants {
  /** The Worker's `deno.permissions`. */
  readonly permissions: SandboxPermissions;
  /** Drive files by property name. */
  readonly files: Readonly<Record<string, { path: string; readonly: boolean }>>;
  /** Network endpoints and hub channels by property name. */
  readonly netdevs: Readonly<Record<string, NetdevBackend>>;
}

/**
 * Derives a sandbox's grants from its schema and property values. Throws an Error when a
 * `drive` or `netdev` value names no backend.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const grants = pluginGrants(
 *   { drive: { type: "drive" }, serial: { type: "string" } },
 *   { drive: "disk0", serial: "/etc/passwd" }, // a string property grants nothing
 *   { drives: { disk0: { file: "/images/disk.img", readonly: true } } },
 * );
 * assert.deepEqual(grants.permissions.read, ["/images/disk.img"]);
 * assert.equal(grants.permissions.write, false);
 * assert.equal(grants.permissions.env, false);
 * ```
 */
export function pluginGrants(
  properties: Readonly<Record<string, PropertySpec>>,
  props: Readonly<Record<string, PropertyValue>>,
  backends: PluginBackends = {},
): PluginGrants {
  const read: string[] = [];
  const write: string[] = [];
  const net: string[] = [];
  const files: Record<string, { path: string; readonly: boolean }> = {};
  const netdevs: Record<string, NetdevBackend> = {};
  for (const [name, spec] of Object.entries(properties)) {
    const value = props[name];
    if (value === undefined) continue;
    if (spec.type === "drive") {
      const drive = Object.hasOwn(backends.drives ?? {}, String(value))
        ? backends.drives![String(value)]
        : undefined;
      if (!drive) throw new Error(`property '${name}': no -drive with id '${String(value)}'`);
      const path = absolute(drive.file);
      const readonly = drive.readonly ?? false;
      files[name] = { path, readonly };
      read.push(path);
      if (!readonly) write.push(path);
    } else if (spec.type === "netdev") {
      const nd = Object.hasOwn(backends.netdevs ?? {}, String(value))
        ? backends.netdevs![String(value)]
        : undefined;
      if (!nd) throw new Error(`property '${name}': no -netdev with id '${String(value)}'`);
      if (nd.mode === "hub") {
        if (!(nd.channel instanceof SharedArrayBuffer)) {
          throw new Error(`property '${name}': -netdev '${String(value)}' has no hub channel`);
        }
        netdevs[name] = { mode: "hub", channel: nd.channel };
        continue;
      }
      const unusable = () =>
        new Error(`property '${name}': -netdev '${String(value)}' has no usable address`);
      if (!usableAddress(nd) || (nd.local !== undefined && !usableAddress(nd.local))) {
        throw unusable();
      }
      if (nd.mode === "udp" && nd.local === undefined) throw unusable();
      netdevs[name] = {
        hostname: nd.hostname,
        port: nd.port,
        ...(nd.mode !== undefined ? { mode: nd.mode } : {}),
        ...(nd.local !== undefined
          ? { local: { hostname: nd.local.hostname, port: nd.local.port } }
          : {}),
      };
      net.push(hostPort(nd));
      // A datagram socket needs its own address too: binding it is checked against the grant.
      if (nd.local !== undefined) net.push(hostPort(nd.local));
    }
  }
  return {
    permissions: {
      read: read.length > 0 ? read : false,
      write: write.length > 0 ? write : false,
      net: net.length > 0 ? net : false,
      env: false,
      run: false,
      ffi: false,
      sys: false,
      import: false,
    },
    files,
    netdevs,
  };
}

function usableAddress(a: NetdevAddress): boolean {
  return typeof a.hostname === "string" && a.hostname !== "" && Number.isInteger(a.port) &&
    a.port >= 0 && a.port <= 0xffff;
}

// Deno's net permission syntax puts an IPv6 address in brackets before the port.
function hostPort(a: NetdevAddress): string {
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}

// Deno resolves permission paths against the working directory; resolving here keeps the
// granted path and the path the device opens identical whatever directory the Worker sees.
function absolute(path: string): string {
  if (typeof path !== "string" || path === "") throw new Error("a -drive needs a file name");
  if (path.startsWith("/")) return path;
  return `${Deno.cwd().replace(/\/$/, "")}/${path}`;
}

/**
 * What a plugin's sandbox may touch, derived from its properties and nothing else: a `drive`
 * property grants read (and write unless read-only) on that one image file, a `netdev` property
 * grants network access to that one host:port. Environment, subprocesses, FFI, system
 * information, imports and every other file or address stay denied.
 *
 * @module
 */

import type { PropertySpec, PropertyValue } from "../schema/mod.ts";

/** How a `-drive` id maps to a host file. */
export interface DriveBackend {
  /** Image path on the host. */
  readonly file: string;
  /** `readonly=on`: the sandbox gets no write permission. @default false */
  readonly readonly?: boolean;
}

/** How a `-netdev` id maps to a host endpoint. */
export interface NetdevBackend {
  /** Host name or address the device may connect to (or listen on). */
  readonly hostname: string;
  /** Port. */
  readonly port: number;
}

/** The command line's backends, by id, that properties may refer to. */
export interface PluginBackends {
  /** `-drive` ids. @default none */
  readonly drives?: Readonly<Record<string, DriveBackend>>;
  /** `-netdev` ids. @default none */
  readonly netdevs?: Readonly<Record<string, NetdevBackend>>;
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
  /** Network endpoints by property name. */
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
      if (!Number.isInteger(nd.port) || nd.port < 0 || nd.port > 0xffff || nd.hostname === "") {
        throw new Error(`property '${name}': -netdev '${String(value)}' has no usable address`);
      }
      netdevs[name] = { hostname: nd.hostname, port: nd.port };
      net.push(`${nd.hostname}:${nd.port}`);
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

// Deno resolves permission paths against the working directory; resolving here keeps the
// granted path and the path the device opens identical whatever directory the Worker sees.
function absolute(path: string): string {
  if (typeof path !== "string" || path === "") throw new Error("a -drive needs a file name");
  if (path.startsWith("/")) return path;
  return `${Deno.cwd().replace(/\/$/, "")}/${path}`;
}

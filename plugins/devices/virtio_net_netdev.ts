/**
 * From `-netdev` options to what a `netdev` property grants a device's sandbox: the address,
 * and whether the device connects to it, listens on it or sends datagrams to it, or for a
 * `hubport` the channel to the VMM's hub that the caller opened. The VMM calls this on the
 * command line's netdevs; each kind maps to one virtio-net backend. QEMU's address syntax and
 * messages where it has them (net/socket.c, net/stream.c, util/qemu-sockets.c).
 *
 * @module
 */

import type { NetdevAddress, NetdevBackend, NetdevSocketBackend } from "../sandbox/permissions.ts";

/** A `-netdev` as the option parser leaves it: `-netdev socket,id=n0,listen=:1234`. */
export interface NetdevOptions {
  /** "socket", "stream", "user", "hubport", ... */
  readonly type: string;
  /** `id=`. */
  readonly id: string;
  /** The other properties, as written. */
  readonly props: Readonly<Record<string, string>>;
}

/** Options of {@link netdevBackends}. */
export interface NetdevBackendsOptions {
  /**
   * The channel of a `hubport` netdev's port on the VMM's hub (devices/net_hub); undefined
   * leaves the port out (no NIC names it). @default none: a hubport is refused
   */
  hubport?: (netdev: NetdevOptions) => NetdevBackend | undefined;
}

/**
 * The backend of each netdev, by id. Throws an Error naming the netdev for a kind or an address
 * that no device could use: `-netdev user` (slirp), multicast sockets, UNIX streams, and
 * `hubport` without `options.hubport`.
 */
export function netdevBackends(
  netdevs: readonly NetdevOptions[],
  options: NetdevBackendsOptions = {},
): Record<string, NetdevBackend> {
  const out: Record<string, NetdevBackend> = {};
  for (const netdev of netdevs) {
    if (netdev.type === "hubport" && options.hubport) {
      const port = options.hubport(netdev);
      if (port) out[netdev.id] = port;
    } else {
      out[netdev.id] = netdevBackend(netdev);
    }
  }
  return out;
}

/**
 * The host address of one socket or stream netdev; throws as {@link netdevBackends} (a hubport
 * has no address: its frames go through the VMM's hub).
 */
export function netdevBackend(netdev: NetdevOptions): NetdevSocketBackend {
  const fail = (why: string): never => {
    throw new Error(`-netdev ${netdev.type},id=${netdev.id}: ${why}`);
  };
  const p = netdev.props;
  switch (netdev.type) {
    case "socket": {
      if (p.mcast !== undefined) fail("socket mcast= is not supported (use udp= or a stream)");
      if (p.udp !== undefined) {
        if (p.localaddr === undefined) fail("localaddr= is mandatory with udp=");
        return {
          ...hostPort(p.udp, { anyHost: false }, fail),
          mode: "udp",
          local: hostPort(p.localaddr!, { anyHost: true }, fail),
        };
      }
      if (p.localaddr !== undefined) fail("localaddr= is only valid with mcast= or udp=");
      if (p.listen !== undefined) {
        return { ...hostPort(p.listen, { anyHost: true }, fail), mode: "listen" };
      }
      if (p.connect !== undefined) {
        return { ...hostPort(p.connect, { anyHost: false }, fail), mode: "connect" };
      }
      return fail("exactly one of listen=, connect=, mcast= or udp= is required");
    }
    case "stream": {
      if (p["addr.type"] !== "inet") fail(`stream addr.type=${p["addr.type"]} is not supported`);
      if (p.reconnect !== undefined && p.reconnect !== "0") {
        fail("stream reconnect= is not supported");
      }
      const listen = p.server === "on";
      const address = hostPort(`${p["addr.host"] ?? ""}:${p["addr.port"] ?? ""}`, {
        anyHost: listen,
      }, fail);
      return { ...address, mode: listen ? "listen" : "connect" };
    }
    case "user":
      return fail(
        "user-mode networking (slirp) is not supported; use -netdev socket or -netdev stream",
      );
    case "hubport":
      return fail("a hub port has no host address: its frames go through the VMM's hub");
    default:
      return fail(`netdev type '${netdev.type}' cannot carry a device's frames`);
  }
}

/**
 * QEMU's `inet_parse` for `host:port` (host may be `[v6]`): an empty host means every address
 * when listening (`anyHost`), and is refused otherwise. The port is a decimal number.
 */
function hostPort(
  text: string,
  options: { anyHost: boolean },
  fail: (why: string) => never,
): NetdevAddress {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(text);
  if (!m) return fail(`host address '${text}' doesn't contain ':' separating host from port`);
  let hostname = m[1] ?? m[2];
  const port = /^\d{1,5}$/.test(m[3]) ? Number(m[3]) : NaN;
  if (!(port <= 0xffff)) return fail(`port '${m[3]}' in '${text}' is not a port number`);
  if (hostname === "") {
    if (!options.anyHost) return fail(`host address '${text}' has no host`);
    hostname = m[1] !== undefined ? "::" : "0.0.0.0";
  }
  return { hostname, port };
}

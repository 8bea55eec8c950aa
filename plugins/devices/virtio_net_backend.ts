/**
 * The host side of a virtio-net device: where its frames go and come from. One backend per
 * `-netdev` kind, each opened inside the device's sandbox on what its `netdev` property grants:
 * UDP datagrams (`-netdev socket,udp=`) or a TCP stream with QEMU's 4-byte length prefix
 * (`-netdev socket,listen=|connect=`, `-netdev stream`) on one address, or the shared-memory
 * channel of a port of the VMM's hub (`-netdev hubport`), which needs no network at all.
 *
 * @module
 */

import type { NetdevEndpoint } from "../sdk/mod.ts";
import type { NetdevAddress, NetdevHubBackend, NetdevMode } from "../sandbox/permissions.ts";
import { HubChannelEndpoint } from "./virtio_net_hub_channel.ts";
import { openDatagramBackend } from "./virtio_net_udp.ts";
import { openStreamBackend } from "./virtio_net_stream.ts";

/**
 * QEMU's NET_BUFSIZE (4096 + 65536): the largest frame a socket backend passes either way.
 * Ethernet frames of a 65535-byte MTU fit.
 */
export const NET_BUFSIZE = 4096 + 65536;

/**
 * What a `netdev` property grants: an address, with what the device does with it, or a hub
 * port's channel.
 */
export type NetdevGrant =
  | NetdevEndpoint & {
    /** @default "connect" */
    readonly mode?: NetdevMode;
    /** The local address of a "udp" netdev. */
    readonly local?: NetdevAddress;
  }
  | NetdevHubBackend;

/** What a backend calls back into the device. */
export interface NetBackendHooks {
  /**
   * A frame arrived (the device may keep `frame`). Returns false when the device holds as many
   * frames as it will: a stream backend stops reading until `resume()`, a datagram backend goes
   * on and the device drops what does not fit, as a full NIC would.
   */
  receive(frame: Uint8Array): boolean;
  /** The send queue has room again after `send` returned false. */
  writable(): void;
  /** A line for the VMM's log. */
  log(message: string): void;
}

/** One open backend. */
export interface NetBackend {
  /**
   * Sends one Ethernet frame; the backend owns `frame` from now on. Returns false when its
   * send queue is full: the device then waits for `NetBackendHooks.writable`.
   */
  send(frame: Uint8Array): boolean;
  /** Reading may go on: the device has room for frames again. */
  resume(): void;
  /** Closes the backend's sockets. */
  close(): void;
}

/** A device without a `netdev`: frames sent are dropped, none arrive (QEMU's NIC without peer). */
export const NO_BACKEND: NetBackend = Object.freeze({
  send: () => true,
  resume() {},
  close() {},
});

/**
 * Opens the backend `grant` describes. Rejects with an Error naming the address when the socket
 * cannot be bound or the peer cannot be reached.
 */
export function openNetBackend(grant: NetdevGrant, hooks: NetBackendHooks): Promise<NetBackend> {
  if (grant.mode === "hub") {
    const endpoint = new HubChannelEndpoint(grant.channel, hooks);
    endpoint.start();
    return Promise.resolve(endpoint);
  }
  switch (grant.mode ?? "connect") {
    case "udp":
      if (!grant.local) throw new Error("a udp netdev needs a local address");
      return openDatagramBackend({ peer: grant, local: grant.local }, hooks);
    case "listen":
      return openStreamBackend({ address: grant, listen: true }, hooks);
    case "connect":
      return openStreamBackend({ address: grant, listen: false }, hooks);
    default:
      throw new Error(`unknown netdev mode '${String(grant.mode)}'`);
  }
}

/** `host:port`, with an IPv6 address in brackets, for messages. */
export function formatAddress(a: NetdevAddress): string {
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}

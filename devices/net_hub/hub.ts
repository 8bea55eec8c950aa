/**
 * QEMU's hub (net/hub.c): an Ethernet segment inside the VMM. Every frame a port receives from
 * its peer goes out of every other port of the same hub, never back to the port it came from.
 * A hub does not learn addresses and does not queue: a port whose peer cannot take a frame now
 * loses it, as a receiver that cannot keep up loses frames on a real hub.
 *
 * @module
 */

import { HUB_MAX_FRAME } from "../../plugins/devices/virtio_net_hub_channel.ts";

/** Where a port's frames go: a NIC's channel, or a netdev the port is joined to. */
export interface HubPeer {
  /**
   * Takes one frame (the peer may keep it and must not change it). False when the peer has no
   * room: the frame is dropped.
   */
  deliver(frame: Uint8Array): boolean;
}

/** One port of a {@link NetHub}: `-netdev hubport,id=NAME,hubid=N`. */
export class HubPort {
  /** The netdev id, or QEMU's `hubNportM` for an unnamed port. */
  readonly name: string;
  /** The hub it belongs to. */
  readonly hub: NetHub;
  /** Where frames from the other ports go; none (frames are dropped) until one is set. */
  peer: HubPeer | undefined;
  /** Frames from the other ports this port's peer could not take. */
  dropped = 0;
  /** Frames from this port's peer refused for their size (empty, or above HUB_MAX_FRAME). */
  refused = 0;

  /** Use {@link NetHub.addPort}. */
  constructor(hub: NetHub, name: string, peer?: HubPeer) {
    this.hub = hub;
    this.name = name;
    this.peer = peer;
  }

  /** A frame from this port's peer into the hub; returns how many other ports took it. */
  send(frame: Uint8Array): number {
    return this.hub.forward(this, frame);
  }
}

/**
 * A hub and its ports.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const hub = new NetHub(0);
 * const got: string[] = [];
 * const a = hub.addPort("a", { deliver: () => got.push("a") > 0 });
 * hub.addPort("b", { deliver: () => got.push("b") > 0 });
 * hub.addPort("c", { deliver: () => got.push("c") > 0 });
 * assert.equal(a.send(new Uint8Array(60)), 2);
 * assert.deepEqual(got, ["b", "c"]);
 * ```
 */
export class NetHub {
  /** `hubid=`. */
  readonly id: number;
  readonly #ports: HubPort[] = [];

  /** An empty hub numbered `id`. */
  constructor(id: number) {
    this.id = id;
  }

  /** The ports, in the order they were added. */
  get ports(): readonly HubPort[] {
    return this.#ports;
  }

  /** Adds a port; without a name it is called `hub<id>port<n>`, as QEMU names it. */
  addPort(name: string | undefined, peer?: HubPeer): HubPort {
    const port = new HubPort(this, name ?? `hub${this.id}port${this.#ports.length}`, peer);
    this.#ports.push(port);
    return port;
  }

  /**
   * Sends `frame`, which came from `from`'s peer, to the peer of every other port. Returns how
   * many took it. A frame that is empty or longer than HUB_MAX_FRAME goes nowhere.
   */
  forward(from: HubPort, frame: Uint8Array): number {
    if (from.hub !== this) throw new Error(`port ${from.name} is not on hub ${this.id}`);
    if (frame.length === 0 || frame.length > HUB_MAX_FRAME) {
      from.refused++;
      return 0;
    }
    let taken = 0;
    for (const port of this.#ports) {
      if (port === from || !port.peer) continue;
      let ok = false;
      try {
        ok = port.peer.deliver(frame);
      } catch {
        // A peer that fails loses the frame; the others still get it.
      }
      if (ok) taken++;
      else port.dropped++;
    }
    return taken;
  }
}

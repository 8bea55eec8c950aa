/**
 * `virtio-net-pci`: an Ethernet card (virtio 1.1 §5.1), as QEMU's hw/net/virtio-net.c behaves
 * toward a guest without offloads: one receive and one transmit queue, the MAC address and the
 * link state in configuration space, optionally mergeable receive buffers. Frames go to and
 * come from the `-netdev` its `netdev` property names: a socket netdev's address, the only one
 * this device's sandbox may reach (the socket lives in the sandbox), or a `hubport`'s channel to
 * the VMM's hub in shared memory, which needs no network permission at all.
 *
 * @module
 */

import { defineDevice, type DeviceHandlers } from "../sdk/mod.ts";
import {
  type NetBackend,
  type NetdevGrant,
  NO_BACKEND,
  openNetBackend,
} from "./virtio_net_backend.ts";
import {
  DEFAULT_QUEUE_SIZE,
  NET_CONFIG_SIZE,
  netFeatures,
  netSettings,
  RX_QUEUE,
  TX_QUEUE,
  writeNetConfig,
} from "./virtio_net_config.ts";
import { NetReceiver } from "./virtio_net_rx.ts";
import { NetTransmitter } from "./virtio_net_tx.ts";

/** The virtio-net-pci device type: its default export is what `loadPlugin` reads. */
export default defineDevice({
  name: "virtio-net-pci",
  aliases: ["virtio-net"],
  category: "Network",
  deviceId: 1,
  // PCI_CLASS_NETWORK_ETHERNET, as QEMU's virtio-net-pci.
  pciClass: 0x0200,
  features: (props) => netFeatures(netSettings(props)),
  // §5.1.2: receiveq1 and transmitq1; no control queue (VIRTIO_NET_F_CTRL_VQ is not offered).
  queueSizes: (props) => {
    const s = netSettings(props);
    return [s.rxQueueSize, s.txQueueSize];
  },
  configSize: NET_CONFIG_SIZE,
  properties: {
    netdev: { type: "netdev" },
    // QEMU's macaddr property, help text included (hw/core/qdev-properties-system.c).
    mac: { type: "string", help: "Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56" },
    // QEMU describes its feature-bit properties as "on/off".
    mrg_rxbuf: { type: "bool", default: true, help: "on/off" },
    // Ranges are checked by the device, with QEMU's message.
    rx_queue_size: { type: "u16", default: DEFAULT_QUEUE_SIZE },
    tx_queue_size: { type: "u16", default: DEFAULT_QUEUE_SIZE },
  },
  async backend(props, env) {
    const settings = netSettings(props);
    // The link is up from the start, as QEMU's NIC is whether or not its peer is connected.
    writeNetConfig(env.configView, settings.mac, true);

    let backend: NetBackend = NO_BACKEND;
    let failed = false;
    const log = (message: string) => env.log(message);
    const rx = new NetReceiver(env, { room: () => backend.resume(), log });
    const tx = new NetTransmitter(env, () => backend, log);
    // Freed at the first fault, so that the sandbox started after the guest's reset can bind
    // the same address again.
    const halt = () => {
      if (failed) return;
      failed = true;
      backend.close();
    };
    const stop = (e: unknown): never => {
      halt();
      throw e;
    };
    // Socket callbacks run outside the handlers: a driver error found there is thrown again
    // from a timer, which the sandbox turns into NEEDS_RESET like a handler's exception.
    const guard = <T>(fn: () => T, fallback: T): T => {
      if (failed) return fallback;
      try {
        return fn();
      } catch (e) {
        halt();
        setTimeout(() => {
          throw e;
        });
        return fallback;
      }
    };

    const grant = env.netdevs.netdev as NetdevGrant | undefined;
    if (grant) {
      backend = await openNetBackend(grant, {
        receive: (frame) => guard(() => rx.receive(frame), true),
        writable: () => guard(() => tx.writable(), undefined),
        log: (message) => env.log(`netdev '${props.netdev}': ${message}`),
      });
    } else {
      // QEMU's warning for a NIC whose frames go nowhere.
      env.log("warning: nic has no peer");
    }

    const handlers: DeviceHandlers = {
      activate(features, queues) {
        try {
          rx.activate(queues[RX_QUEUE], features);
          tx.activate(queues[TX_QUEUE], features);
        } catch (e) {
          stop(e);
        }
      },
      notify(index) {
        try {
          if (index === RX_QUEUE) rx.flush();
          else if (index === TX_QUEUE) tx.flush();
        } catch (e) {
          stop(e);
        }
      },
      reset() {
        rx.reset();
        tx.reset();
      },
    };
    return handlers;
  },
});

/**
 * `virtio-console-pci`: a virtio console (virtio 1.1 §5.3) with one console port on the chardev
 * its `chardev` property names, as QEMU 0.12's virtio-console-pci behaved toward a guest. Linux
 * binds it as /dev/hvc0.
 *
 * It offers no VIRTIO_CONSOLE_F_MULTIPORT, so port 0 is the console and `max_ports` only fills
 * `max_nr_ports` of the configuration space. QEMU's present `virtio-serial-pci`, with
 * multiport and `virtconsole` / `virtserialport` ports, is virtio_serial.ts.
 *
 * @module
 */

import { defineDevice, featureBit } from "../sdk/mod.ts";
import { ConsolePort } from "./_virtio_console_port.ts";

/** §5.3.3: `emerg_wr` is valid (QEMU's `emergency-write`, on by default). */
export const VIRTIO_CONSOLE_F_EMERG_WRITE = 2;

/** Field offsets of `struct virtio_console_config` (§5.3.4). */
export const CONSOLE_CONFIG = { cols: 0, rows: 2, maxNrPorts: 4, emergWr: 8 } as const;

/**
 * QEMU's configuration size: up to `emerg_wr` included when EMERG_WRITE is offered, before it
 * otherwise (hw/char/virtio-serial-bus.c, `virtio_serial_device_realize`).
 */
export function consoleConfigSize(emergencyWrite: boolean): number {
  return emergencyWrite ? 12 : 8;
}

/** QEMU's queue size for every port queue (`virtio_add_queue(vdev, 128, ...)`). */
export const PORT_QUEUE_SIZE = 128;
/** QEMU's default `max_ports`. */
export const DEFAULT_MAX_PORTS = 31;
/** QEMU's largest `max_ports`: VIRTIO_QUEUE_MAX / 2 - 1. */
const MAX_PORTS = 511;
/** PCI_CLASS_COMMUNICATION_OTHER, the 2009 transport's default for the console. */
const CLASS_COMMUNICATION_OTHER = 0x0780;

/**
 * The PCI class for the `class` property as QEMU 0.12 took it (and virtio-serial-pci still
 * does): 0x0380 (display, other, QEMU 0.10) and 0x00ff (others, qemu-kvm) are kept, anything
 * else gives 0x0780 (communication, other).
 */
export function consolePciClass(classProperty: unknown): number {
  const value = Number(classProperty);
  return [0x0380, 0x00ff].includes(value) ? value : CLASS_COMMUNICATION_OTHER;
}

/** The virtio console device type: its default export is what `loadPlugin` reads. */
export default defineDevice({
  name: "virtio-console-pci",
  description: "virtio console: one console port (hvc0) on a chardev",
  // QEMU lists virtio-serial-pci under "Input devices".
  category: "Input",
  deviceId: 3,
  pciClass: (props) => consolePciClass(props.class),
  features: (props) =>
    props["emergency-write"] ?? true ? featureBit(VIRTIO_CONSOLE_F_EMERG_WRITE) : 0n,
  // §5.3.2: without VIRTIO_CONSOLE_F_MULTIPORT, receiveq(port0) and transmitq(port0) only.
  queueSizes: [PORT_QUEUE_SIZE, PORT_QUEUE_SIZE],
  configSize: (props) => consoleConfigSize(props["emergency-write"] ?? true),
  properties: {
    chardev: { type: "chardev" },
    max_ports: {
      type: "u32",
      default: DEFAULT_MAX_PORTS,
      min: 1,
      max: MAX_PORTS,
      help: "max_nr_ports in the configuration space (ports beyond the console need multiport)",
    },
    "emergency-write": {
      type: "bool",
      default: true,
      help: "offer VIRTIO_CONSOLE_F_EMERG_WRITE (bytes written to emerg_wr go to the chardev)",
    },
    class: {
      type: "u32",
      default: 0,
      help: "PCI class: 0x0780 (default), 0x0380 or 0x00ff; anything else gives 0x0780",
    },
  },
  backend(props, env) {
    const emergencyWrite = props["emergency-write"] ?? true;
    const view = env.configView;
    // §5.3.4: cols and rows are only valid with VIRTIO_CONSOLE_F_SIZE, which is not offered.
    view.setUint16(CONSOLE_CONFIG.cols, 0, true);
    view.setUint16(CONSOLE_CONFIG.rows, 0, true);
    view.setUint32(CONSOLE_CONFIG.maxNrPorts, props.max_ports ?? DEFAULT_MAX_PORTS, true);
    if (emergencyWrite) view.setUint32(CONSOLE_CONFIG.emergWr, 0, true);
    const port = new ConsolePort(env, env.chardevs.chardev);
    return {
      activate: () => port.activate(),
      notify: (index) => port.notify(index),
      reset: () => port.reset(),
      writeConfig(offset, _size, value) {
        // §5.3.4: a driver that negotiated EMERG_WRITE writes a byte to emerg_wr to output it
        // to port 0, even before the queues are up (so before this backend learns the
        // negotiated features: the field exists only when the feature is offered). QEMU sends
        // the low byte and ignores a zero write (a short write after an emergency write must not
        // repeat it); so does this device.
        if (offset !== CONSOLE_CONFIG.emergWr || value === 0) return;
        port.writeByte(value);
      },
    };
  },
});

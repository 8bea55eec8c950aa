/**
 * `virtio-serial-pci` (alias `virtio-serial`): QEMU's multiport virtio console (virtio 1.1
 * §5.3, hw/char/virtio-serial-bus.c). With `max_ports` above 1 (31 by default) it offers
 * VIRTIO_CONSOLE_F_MULTIPORT and speaks the control protocol of §5.3.6.2: the driver says
 * DEVICE_READY, the device announces each port (DEVICE_ADD), the driver readies it (PORT_READY)
 * and learns whether it is a console (CONSOLE_PORT, Linux's hvcN), its name (PORT_NAME, in
 * /sys/class/virtio-ports/) and whether the host side is open (PORT_OPEN); the guest opening
 * and closing /dev/vportNpM comes back as PORT_OPEN too.
 *
 * Its ports are the `virtconsole` and `virtserialport` devices on its bus, which the VMM hands
 * over as internal properties (_virtio_serial_ports.ts); `chardev=` on the device itself puts a
 * console on port 0, which is how deno-vmm's single-port `virtio-serial-pci` was used.
 *
 * @module
 */

import { defineDevice, type DeviceEnv, featureBit } from "../sdk/mod.ts";
import { ConsolePort } from "./_virtio_console_port.ts";
import {
  CONTROL_RECEIVEQ,
  CONTROL_TRANSMITQ,
  ControlEvent,
  type ControlMessage,
  ControlQueues,
} from "./_virtio_serial_control.ts";
import {
  decodePortTable,
  MAX_SERIAL_PORTS,
  PORT_EVENTS_PROPERTY,
  portChardevProperty,
  type PortEvent,
  PortEventReader,
  portOfQueue,
  PORTS_PROPERTY,
  receiveQueueOf,
  type SerialPortSpec,
  transmitQueueOf,
} from "./_virtio_serial_ports.ts";
import {
  CONSOLE_CONFIG,
  consoleConfigSize,
  consolePciClass,
  DEFAULT_MAX_PORTS,
  PORT_QUEUE_SIZE,
  VIRTIO_CONSOLE_F_EMERG_WRITE,
} from "./virtio_console.ts";

/** §5.3.3: multiple ports and the control queues. */
export const VIRTIO_CONSOLE_F_MULTIPORT = 1;

/** QEMU's size of the two control queues (`virtio_add_queue(vdev, 32, control_in)`). */
const CONTROL_QUEUE_SIZE = 32;

/**
 * QEMU's queues for `maxPorts` ports (§5.3.2): receiveq and transmitq of port 0, the control
 * receiveq and transmitq, then a pair for each further port. QEMU creates the control pair even
 * for one port, where the feature is not offered and the driver uses the first two only.
 */
export function serialQueueSizes(maxPorts: number): number[] {
  const sizes = [PORT_QUEUE_SIZE, PORT_QUEUE_SIZE, CONTROL_QUEUE_SIZE, CONTROL_QUEUE_SIZE];
  for (let nr = 1; nr < maxPorts; nr++) sizes.push(PORT_QUEUE_SIZE, PORT_QUEUE_SIZE);
  return sizes;
}

/** The `chardev` property of each port after port 0, set by the VMM only. */
const PORT_CHARDEVS = Object.fromEntries(
  Array.from(
    { length: MAX_SERIAL_PORTS - 1 },
    (_, i) => [portChardevProperty(i + 1), { type: "chardev" as const, help: "set by the VMM" }],
  ),
);

/** A port of the running device. */
interface Port {
  readonly spec: SerialPortSpec;
  readonly data: ConsolePort;
  /** The driver sent PORT_READY for it (and so knows it). */
  ready: boolean;
}

/** The virtio-serial device type: its default export is what `loadPlugin` reads. */
export default defineDevice({
  name: "virtio-serial-pci",
  aliases: ["virtio-serial"],
  description: "virtio console with virtconsole and virtserialport ports",
  // QEMU lists virtio-serial-pci under "Input devices".
  category: "Input",
  deviceId: 3,
  pciClass: (props) => consolePciClass(props.class),
  features: (props) =>
    (props["emergency-write"] ?? true ? featureBit(VIRTIO_CONSOLE_F_EMERG_WRITE) : 0n) |
    ((props.max_ports ?? DEFAULT_MAX_PORTS) > 1 ? featureBit(VIRTIO_CONSOLE_F_MULTIPORT) : 0n),
  queueSizes: (props) => serialQueueSizes(props.max_ports ?? DEFAULT_MAX_PORTS),
  configSize: (props) => consoleConfigSize(props["emergency-write"] ?? true),
  properties: {
    max_ports: {
      type: "u32",
      default: DEFAULT_MAX_PORTS,
      min: 1,
      max: MAX_SERIAL_PORTS,
      help: "number of ports (max_nr_ports); above 1 the device offers multiport",
    },
    "emergency-write": {
      type: "bool",
      default: true,
      help: "offer VIRTIO_CONSOLE_F_EMERG_WRITE (bytes written to emerg_wr go to a console)",
    },
    class: {
      type: "u32",
      default: 0,
      help: "PCI class: 0x0780 (default), 0x0380 or 0x00ff; anything else gives 0x0780",
    },
    chardev: {
      type: "chardev",
      help: "a console on port 0 on this chardev, as -device virtconsole,chardev= gives",
    },
    [PORTS_PROPERTY]: { type: "string", help: "the port table, set by the VMM" },
    [PORT_EVENTS_PROPERTY]: { type: "chardev", help: "set by the VMM" },
    ...PORT_CHARDEVS,
  },
  backend(props, env) {
    const maxPorts = props.max_ports ?? DEFAULT_MAX_PORTS;
    const emergencyWrite = props["emergency-write"] ?? true;
    const view = env.configView;
    // §5.3.4: cols and rows are only valid with VIRTIO_CONSOLE_F_SIZE, which is not offered.
    view.setUint16(CONSOLE_CONFIG.cols, 0, true);
    view.setUint16(CONSOLE_CONFIG.rows, 0, true);
    view.setUint32(CONSOLE_CONFIG.maxNrPorts, maxPorts, true);
    if (emergencyWrite) view.setUint32(CONSOLE_CONFIG.emergWr, 0, true);
    return new SerialDevice(env, portTable(props[PORTS_PROPERTY], maxPorts, env), emergencyWrite);
  },
});

/** The table the VMM gave, or for a device used alone, a console on port 0 if it has `chardev`. */
function portTable(text: string | undefined, maxPorts: number, env: DeviceEnv): SerialPortSpec[] {
  if (text !== undefined && text !== "") return decodePortTable(text, maxPorts);
  return env.chardevs[portChardevProperty(0)] ? [{ nr: 0, console: true }] : [];
}

/** The backend: port data queues, the control queues and the host's connection events. */
class SerialDevice {
  readonly #env: DeviceEnv;
  readonly #ports = new Map<number, Port>();
  readonly #control: ControlQueues;
  readonly #emergencyWrite: boolean;
  #multiport = false;

  constructor(env: DeviceEnv, table: readonly SerialPortSpec[], emergencyWrite: boolean) {
    this.#env = env;
    this.#emergencyWrite = emergencyWrite;
    this.#control = new ControlQueues(env, (message) => this.#onControl(message));
    const events = env.chardevs[PORT_EVENTS_PROPERTY];
    for (const spec of table) {
      const chardev = env.chardevs[portChardevProperty(spec.nr)];
      // QEMU opens a console's host side as it starts; a serial port's when its chardev
      // connects, which the event chardev reports (without one, a chardev counts as connected).
      const data = new ConsolePort(env, chardev, {
        receiveq: receiveQueueOf(spec.nr),
        transmitq: transmitQueueOf(spec.nr),
        guestConnected: false,
        hostConnected: chardev !== undefined && (spec.console || events === undefined),
      });
      this.#ports.set(spec.nr, { spec, data, ready: false });
    }
    if (events) {
      const reader = new PortEventReader();
      const buf = new Uint8Array(256);
      events.onInput(() => {
        for (let n = events.read(buf); n > 0; n = events.read(buf)) {
          for (const event of reader.push(buf.subarray(0, n))) this.#onHostEvent(event);
        }
      });
      // Asks for the state of every port: a restarted sandbox learns it again.
      events.write(new TextEncoder().encode("sync\n"));
    }
  }

  activate(features: bigint): void {
    this.#multiport = (features & featureBit(VIRTIO_CONSOLE_F_MULTIPORT)) !== 0n;
    for (const port of this.#ports.values()) port.data.activate();
    if (this.#multiport) this.#control.activate();
    // Without multiport the driver cannot say it opened port 0: it is open once the driver is
    // (QEMU's set_status).
    else this.#ports.get(0)?.data.setGuestConnected(true);
  }

  notify(index: number): void {
    if (index === CONTROL_RECEIVEQ || index === CONTROL_TRANSMITQ) {
      if (this.#multiport) this.#control.notify(index);
      return;
    }
    const nr = portOfQueue(index)!;
    if (nr !== 0 && !this.#multiport) return;
    const port = this.#ports.get(nr);
    if (port) port.data.notify(index);
    else if (index === transmitQueueOf(nr)) this.#discard(index);
  }

  reset(): void {
    this.#multiport = false;
    this.#control.reset();
    for (const port of this.#ports.values()) {
      port.data.reset();
      port.data.setGuestConnected(false);
      port.ready = false;
    }
  }

  writeConfig(offset: number, _size: number, value: number): void {
    // §5.3.4, as QEMU's set_config: the low byte goes to the first console whose host side is
    // open; a zero write is the tail of a short write and is ignored.
    if (!this.#emergencyWrite || offset !== CONSOLE_CONFIG.emergWr || value === 0) return;
    for (const port of this.#ports.values()) {
      if (port.spec.console && port.data.hostConnected) {
        port.data.writeByte(value);
        return;
      }
    }
  }

  /** §5.3.6.2: a message from the driver. */
  #onControl(message: ControlMessage): void {
    const send = (id: number, event: number, value: number, payload?: Uint8Array) =>
      this.#control.send({ id, event, value }, payload);
    if (message.event === ControlEvent.DEVICE_READY) {
      if (message.value === 0) {
        this.#env.log("virtio-serial-bus: Guest failure in adding device");
        return;
      }
      for (const nr of this.#ports.keys()) send(nr, ControlEvent.DEVICE_ADD, 1);
      return;
    }
    const port = this.#ports.get(message.id);
    if (!port) {
      this.#env.log(`virtio-serial-bus: Unexpected port id ${message.id}`);
      return;
    }
    switch (message.event) {
      case ControlEvent.PORT_READY: {
        if (message.value === 0) {
          this.#env.log(`virtio-serial-bus: Guest failure in adding port ${message.id}`);
          return;
        }
        port.ready = true;
        const { nr, console, name } = port.spec;
        if (console) send(nr, ControlEvent.CONSOLE_PORT, 1);
        if (name !== undefined) {
          // The name follows the header and ends in a NUL, as QEMU sends it.
          const bytes = new TextEncoder().encode(name);
          const payload = new Uint8Array(bytes.length + 1);
          payload.set(bytes);
          send(nr, ControlEvent.PORT_NAME, 1, payload);
        }
        if (port.data.hostConnected) send(nr, ControlEvent.PORT_OPEN, 1);
        return;
      }
      case ControlEvent.PORT_OPEN:
        port.data.setGuestConnected(message.value !== 0);
        return;
    }
  }

  /** The host side of a serial port connected or disconnected. */
  #onHostEvent(event: PortEvent): void {
    if (event.kind === "sync") return;
    const port = this.#ports.get(event.nr);
    if (!port || port.spec.console || !port.data.hasChardev) return;
    const open = event.kind === "open";
    if (port.data.hostConnected === open) return;
    port.data.setHostConnected(open);
    // A port the driver has not readied yet learns the state with PORT_READY's answer.
    if (this.#multiport && port.ready) {
      this.#control.send({ id: event.nr, event: ControlEvent.PORT_OPEN, value: open ? 1 : 0 });
    }
  }

  /** Returns output on a queue no port owns, unread (QEMU's `discard_vq_data`). */
  #discard(index: number): void {
    const queue = this.#env.queue(index);
    let returned = 0;
    for (let chain = queue.pop(); chain; chain = queue.pop()) {
      queue.addUsed(chain.head, 0);
      returned++;
    }
    if (returned > 0) this.#env.signalUsed(index);
  }
}

import assert from "node:assert/strict";
import { MemoryChardev } from "../../devices/chardev/mod.ts";
import { describeDevice, deviceShape } from "../sdk/mod.ts";
import { loadPlugin, type PluginDevice, startPluginDevice } from "../sandbox/mod.ts";
import type { GuestRam, MockDriver } from "../virtqueue/mod.ts";
import serialDefinition, { serialQueueSizes, VIRTIO_CONSOLE_F_MULTIPORT } from "./virtio_serial.ts";
import { CONSOLE_CONFIG, VIRTIO_CONSOLE_F_EMERG_WRITE } from "./virtio_console.ts";
import {
  CONTROL_HEADER_BYTES,
  CONTROL_RECEIVEQ,
  CONTROL_TRANSMITQ,
  ControlEvent,
  type ControlMessage,
  decodeControl,
  encodeControl,
} from "./_virtio_serial_control.ts";
import {
  encodePortTable,
  PORT_EVENTS_PROPERTY,
  PORTS_PROPERTY,
  receiveQueueOf,
  transmitQueueOf,
} from "./_virtio_serial_ports.ts";
import {
  activate,
  DEVICE_WAIT_MS,
  exchange,
  type RecordingActivation,
  testRig,
  until,
} from "./_testing.ts";

const plugin = await loadPlugin(new URL("./virtio_serial.ts", import.meta.url));
const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const VERSION_1 = 1n << 32n;
const MULTIPORT = 1n << BigInt(VIRTIO_CONSOLE_F_MULTIPORT);
const { DEVICE_READY, DEVICE_ADD, PORT_READY, CONSOLE_PORT, PORT_OPEN, PORT_NAME } = ControlEvent;

/** Three ports (eight queues): a console on 0 (c0), "org.test.0" on 1 (s0), 2 without chardev. */
const TABLE = encodePortTable([
  { nr: 0, console: true },
  { nr: 1, console: false, name: "org.test.0" },
  { nr: 2, console: false },
]);

interface Started {
  device: PluginDevice;
  chardevs: Record<string, MemoryChardev>;
  reports: string[];
}

async function start(
  ram: GuestRam,
  props: Record<string, string | number | boolean>,
  ids: readonly string[] = [],
): Promise<Started> {
  const chardevs = Object.fromEntries(ids.map((id) => [id, new MemoryChardev()]));
  const reports: string[] = [];
  const device = await startPluginDevice(plugin, props, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    backends: { chardevs },
    report: (line) => reports.push(line),
  });
  return { device, chardevs, reports };
}

/** The three-port device of {@link TABLE}, with the connection-event chardev `ev`. */
function threePorts(ram: GuestRam): Promise<Started> {
  return start(ram, {
    max_ports: 3,
    [PORTS_PROPERTY]: TABLE,
    chardev: "c0",
    "port.1": "s0",
    [PORT_EVENTS_PROPERTY]: "ev",
  }, ["c0", "s0", "ev"]);
}

/** The driver's side of the control queues (§5.3.6.2). */
class ControlDriver {
  readonly #device: PluginDevice;
  readonly #rx: MockDriver;
  readonly #tx: MockDriver;
  readonly #got: { message: ControlMessage; payload: Uint8Array }[] = [];

  constructor(device: PluginDevice, drivers: MockDriver[]) {
    this.#device = device;
    this.#rx = drivers[CONTROL_RECEIVEQ];
    this.#tx = drivers[CONTROL_TRANSMITQ];
  }

  /** Posts `count` receive buffers of 64 bytes, as Linux fills c_ivq. */
  offer(count: number): void {
    for (let i = 0; i < count; i++) this.#rx.addBuffer([], [64]);
    if (this.#rx.kick()) this.#device.notify(CONTROL_RECEIVEQ);
  }

  /** Sends one message and waits until the device has consumed it. */
  async send(id: number, event: number, value: number): Promise<void> {
    this.#tx.addBuffer([encodeControl({ id, event, value })], []);
    await exchange(this.#device, this.#tx, CONTROL_TRANSMITQ, 1);
  }

  /** Waits for `count` more device messages and returns them (payload after the header). */
  async receive(count: number): Promise<{ message: ControlMessage; payload: Uint8Array }[]> {
    await until(
      () => {
        for (const used of this.#rx.getUsed()) {
          this.#got.push({
            message: decodeControl(used.written)!,
            payload: used.written.subarray(CONTROL_HEADER_BYTES),
          });
        }
        return this.#got.length >= count;
      },
      DEVICE_WAIT_MS,
      `${count} control messages`,
    );
    return this.#got.splice(0, count);
  }

  /** Messages that arrived and were not taken yet. */
  extra(): number {
    for (const used of this.#rx.getUsed()) {
      this.#got.push({ message: decodeControl(used.written)!, payload: used.written });
    }
    return this.#got.length;
  }
}

const brief = (list: { message: ControlMessage }[]) =>
  list.map(({ message: m }) => [m.id, m.event, m.value]);

/** Activates with multiport and brings every port of {@link TABLE} up as Linux does. */
async function multiportUp(
  device: PluginDevice,
  drivers: MockDriver[],
): Promise<{ ctx: RecordingActivation; control: ControlDriver }> {
  const ctx = activate(device, drivers, VERSION_1 | MULTIPORT);
  const control = new ControlDriver(device, drivers);
  control.offer(16);
  await control.send(0, DEVICE_READY, 1);
  await control.receive(3);
  for (const nr of [0, 1, 2]) await control.send(nr, PORT_READY, 1);
  return { ctx, control };
}

Deno.test("virtio-serial-pci describes itself with QEMU's names, IDs, queues and features", () => {
  const d = plugin.descriptor;
  assert.equal(d.name, "virtio-serial-pci");
  assert.deepEqual(d.aliases, ["virtio-serial"]);
  assert.equal(d.category, "Input");
  assert.equal(d.deviceId, 3);
  assert.equal((d.properties.max_ports as { default: number }).default, 31);
  const shape = deviceShape(serialDefinition, { max_ports: 31, "emergency-write": true, class: 0 });
  assert.equal(shape.queueSizes.length, 64, "2 * (max_ports + 1), as QEMU");
  assert.equal(shape.features, (1n << BigInt(VIRTIO_CONSOLE_F_EMERG_WRITE)) | MULTIPORT);
  assert.equal(shape.pciClass, 0x0780);
  // One port: QEMU still creates the control queues but offers no multiport.
  const single = deviceShape(serialDefinition, { max_ports: 1, "emergency-write": false });
  assert.deepEqual(single.queueSizes, [128, 128, 32, 32]);
  assert.equal(single.features, 0n);
  assert.equal(single.configSize, 8);
  assert.ok(describeDevice(serialDefinition).properties["port.510"], "a chardev per port");
});

Deno.test("serialQueueSizes follows §5.3.2: port 0, control, then a pair per further port", () => {
  assert.deepEqual(serialQueueSizes(3), [128, 128, 32, 32, 128, 128, 128, 128]);
  assert.deepEqual([1, 2].map(receiveQueueOf), [4, 6]);
  assert.deepEqual([0, 2].map(transmitQueueOf), [1, 7]);
});

Deno.test("verify_spec_5_3_6_2: DEVICE_READY gets DEVICE_ADD per port; PORT_READY gets CONSOLE_PORT, PORT_NAME and PORT_OPEN", async () => {
  const { ram, drivers } = testRig(8, 32);
  const { device, chardevs, reports } = await threePorts(ram);
  try {
    assert.equal(device.readConfig(CONSOLE_CONFIG.maxNrPorts, 4), 3);
    activate(device, drivers, VERSION_1 | MULTIPORT);
    const control = new ControlDriver(device, drivers);
    // The device asks the VMM for the host side of its ports as it starts.
    await until(() => chardevs.ev.text() === "sync\n", DEVICE_WAIT_MS, "the state request");

    // Messages wait for receive buffers instead of being lost.
    await control.send(0, DEVICE_READY, 1);
    control.offer(16);
    assert.deepEqual(brief(await control.receive(3)), [
      [0, DEVICE_ADD, 1],
      [1, DEVICE_ADD, 1],
      [2, DEVICE_ADD, 1],
    ]);

    // A console with a chardev is open on the host side from the start.
    await control.send(0, PORT_READY, 1);
    assert.deepEqual(brief(await control.receive(2)), [[0, CONSOLE_PORT, 1], [0, PORT_OPEN, 1]]);

    // A named serial port: the name, NUL-terminated, after the header; its socket is not
    // connected yet, so no PORT_OPEN.
    await control.send(1, PORT_READY, 1);
    const [name] = await control.receive(1);
    assert.deepEqual(brief([name]), [[1, PORT_NAME, 1]]);
    assert.equal(decode(name.payload), "org.test.0\0");

    // The host side connects: PORT_OPEN 1; disconnects: PORT_OPEN 0.
    chardevs.ev.inject("sync\nopen 1\n");
    assert.deepEqual(brief(await control.receive(1)), [[1, PORT_OPEN, 1]]);
    // A port without name or chardev answers nothing; the next message is the close.
    await control.send(2, PORT_READY, 1);
    chardevs.ev.inject("clo");
    chardevs.ev.inject("se 1\n");
    assert.deepEqual(brief(await control.receive(1)), [[1, PORT_OPEN, 0]]);
    assert.equal(control.extra(), 0);

    await control.send(9, PORT_READY, 1);
    await until(
      () => reports.some((r) => r.includes("Unexpected port id 9")),
      DEVICE_WAIT_MS,
      "the unknown port to be reported",
    );
  } finally {
    await device.close();
  }
});

Deno.test("virtio-serial-pci: a port's input waits for the guest to open it; output goes to its chardev", async () => {
  const { ram, drivers } = testRig(8, 32);
  const { device, chardevs } = await threePorts(ram);
  try {
    const { control } = await multiportUp(device, drivers);
    chardevs.ev.inject("sync\nopen 1\n");
    await control.receive(4); // CONSOLE_PORT, PORT_OPEN(0), PORT_NAME(1), PORT_OPEN(1)
    const rx = drivers[receiveQueueOf(1)];
    const tx = drivers[transmitQueueOf(1)];
    for (let i = 0; i < 4; i++) rx.addBuffer([], [32]);
    if (rx.kick()) device.notify(receiveQueueOf(1));

    chardevs.s0.inject("before the guest opened\n");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rx.usedIdx, 0, "QEMU writes to a multiport port only once the guest opened it");
    await control.send(1, PORT_OPEN, 1);
    await until(() => rx.usedIdx === 1, DEVICE_WAIT_MS, "the input");
    assert.equal(decode(rx.getUsed()[0].written), "before the guest opened\n");

    tx.addBuffer([encode("from the guest\n")], []);
    await exchange(device, tx, transmitQueueOf(1), 1);
    await until(() => chardevs.s0.text() === "from the guest\n", DEVICE_WAIT_MS, "the output");

    // Port 0 is the console: its queues are 0 and 1 whatever the port count.
    const con = drivers[transmitQueueOf(0)];
    assert.equal(transmitQueueOf(0), 1);
    con.addBuffer([encode("console\n")], []);
    await exchange(device, con, 1, 1);
    await until(() => chardevs.c0.text() === "console\n", DEVICE_WAIT_MS, "console output");
  } finally {
    await device.close();
  }
});

Deno.test("virtio-serial-pci returns output unread while the host side is closed, on a port without chardev, and on no port", async () => {
  const { ram, drivers } = testRig(8, 32);
  const { device, chardevs } = await threePorts(ram);
  try {
    await multiportUp(device, drivers);
    // s0 has not connected (no `open 1` event): the chain comes back, nothing is written.
    const tx = drivers[transmitQueueOf(1)];
    tx.addBuffer([encode("nobody is there")], []);
    const [used] = await exchange(device, tx, transmitQueueOf(1), 1);
    assert.equal(used.len, 0);
    const bare = drivers[transmitQueueOf(2)];
    bare.addBuffer([encode("into the void")], []);
    await exchange(device, bare, transmitQueueOf(2), 1);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(chardevs.s0.text(), "");
  } finally {
    await device.close();
  }
  // Only port 0 exists (chardev= alone): port 1's transmitq is drained, as QEMU's
  // discard_vq_data does for a queue no port owns.
  const alone = testRig(8, 32);
  const { device: single } = await start(alone.ram, { max_ports: 3, chardev: "c0" }, ["c0"]);
  try {
    activate(single, alone.drivers, VERSION_1 | MULTIPORT);
    const control = new ControlDriver(single, alone.drivers);
    control.offer(4);
    await control.send(0, DEVICE_READY, 1);
    assert.deepEqual(brief(await control.receive(1)), [[0, DEVICE_ADD, 1]]);
    const orphan = alone.drivers[transmitQueueOf(1)];
    orphan.addBuffer([encode("no port 1")], []);
    const [back] = await exchange(single, orphan, transmitQueueOf(1), 1);
    assert.equal(back.len, 0);
  } finally {
    await single.close();
  }
});

Deno.test("virtio-serial-pci,chardev= without multiport is the console on port 0 at once (§5.3.2 queues 0 and 1)", async () => {
  const { ram, drivers } = testRig(4, 32);
  const { device, chardevs } = await start(ram, { max_ports: 1, chardev: "c0" }, ["c0"]);
  try {
    assert.equal(device.features & MULTIPORT, 0n);
    activate(device, drivers, VERSION_1);
    const [rx, tx] = drivers;
    chardevs.c0.inject("typed\n");
    rx.addBuffer([], [16]);
    if (rx.kick()) device.notify(0);
    await until(() => rx.usedIdx === 1, DEVICE_WAIT_MS, "input without PORT_OPEN");
    assert.equal(decode(rx.getUsed()[0].written), "typed\n");
    tx.addBuffer([encode("shown\n")], []);
    await exchange(device, tx, 1, 1);
    await until(() => chardevs.c0.text() === "shown\n", DEVICE_WAIT_MS, "output");
  } finally {
    await device.close();
  }
});

Deno.test("virtio-serial-pci writes an emergency byte to the first open console (§5.3.4)", async () => {
  const { ram } = testRig(8, 32);
  const { device, chardevs } = await threePorts(ram);
  try {
    device.writeConfig(CONSOLE_CONFIG.emergWr, 4, 0x21);
    device.writeConfig(CONSOLE_CONFIG.emergWr, 1, 0);
    await until(() => chardevs.c0.text() === "!", DEVICE_WAIT_MS, "the emergency byte");
    assert.equal(chardevs.s0.text(), "");
  } finally {
    await device.close();
  }
});

Deno.test("virtio-serial-pci after a reset: the ports are announced again and closed on the guest side", async () => {
  const { ram, drivers } = testRig(8, 32);
  const { device, chardevs } = await threePorts(ram);
  try {
    const { control } = await multiportUp(device, drivers);
    await control.send(0, PORT_OPEN, 1);
    device.reset();
    for (const d of drivers) d.reset();
    const again = await multiportUp(device, drivers);
    // Console input waits for the new driver to open the port again.
    const rx = drivers[0];
    rx.addBuffer([], [16]);
    if (rx.kick()) device.notify(0);
    chardevs.c0.inject("x");
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(rx.usedIdx, 0);
    await again.control.send(0, PORT_OPEN, 1);
    await until(() => rx.usedIdx === 1, DEVICE_WAIT_MS, "input after PORT_OPEN");
  } finally {
    await device.close();
  }
});

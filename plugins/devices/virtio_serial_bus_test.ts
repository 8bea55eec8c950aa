import assert from "node:assert/strict";
import {
  DeviceRegistry,
  type DeviceType,
  formatDeviceInfo,
  formatDeviceProperties,
  parseDeviceOption,
  resolveDevices,
} from "../registry/mod.ts";
import type { HostChardev } from "../sandbox/mod.ts";
import { attachSerialPorts, virtioSerialTypes } from "./virtio_serial_bus.ts";
import { decodePortTable, PORT_EVENTS_PROPERTY, PORTS_PROPERTY } from "./_virtio_serial_ports.ts";

/** The registry type of the plugin as virtioPluginType builds it, reduced to what matters. */
const PCI: DeviceType = {
  name: "virtio-serial-pci",
  bus: "virtio-pci",
  category: "Input",
  aliases: ["virtio-serial"],
  properties: {
    max_ports: { type: "u32", default: 31, min: 1, max: 511 },
    chardev: { type: "chardev" },
    [PORTS_PROPERTY]: { type: "string" },
    [PORT_EVENTS_PROPERTY]: { type: "chardev" },
    "port.1": { type: "chardev" },
    "port.2": { type: "chardev" },
  },
};

function registry(): DeviceRegistry {
  const r = new DeviceRegistry();
  for (const type of virtioSerialTypes(PCI, undefined)) r.register(type);
  return r;
}

const CHARDEVS = ["c0", "c1", "s0", "s1"];

/** Resolves and attaches `-device` texts; returns the devices and event chardevs. */
function attach(texts: string[], chardevs = new Map<string, HostChardev>()) {
  const options = texts.map((t) => parseDeviceOption(t));
  const { devices } = resolveDevices(registry(), options, { chardevs: CHARDEVS });
  return attachSerialPorts(devices, {
    locations: texts.map((t) => `-device ${t}`),
    chardevs,
  });
}

/** The port table each virtio-serial-pci of the command line got. */
function tables(texts: string[]) {
  return attach(texts).devices
    .filter((d) => d.type.name === "virtio-serial-pci")
    .map((d) => decodePortTable(String(d.props[PORTS_PROPERTY]), Number(d.props.max_ports)));
}

Deno.test("virtioSerialTypes: the device without its internal properties, and QEMU's port types", () => {
  const [pci, console, port] = virtioSerialTypes(PCI, "impl");
  assert.deepEqual(Object.keys(pci.properties), ["max_ports", "chardev"]);
  assert.equal(formatDeviceInfo(console), 'name "virtconsole", bus virtio-serial-bus');
  assert.equal(formatDeviceInfo(port), 'name "virtserialport", bus virtio-serial-bus');
  assert.equal(port.category, "Input");
  assert.equal(port.impl, "impl");
  // Line for line what qemu-system-i386 7.2 prints for `-device virtserialport,help`.
  assert.equal(
    formatDeviceProperties(port),
    "virtserialport options:\n" +
      "  chardev=<str>          - ID of a chardev to use as a backend\n" +
      "  name=<str>\n" +
      "  nr=<uint32>            -  (default: 4294967295)\n",
  );
});

Deno.test("ports are numbered as QEMU does: a console takes 0 if free, others the lowest free from 1", () => {
  assert.deepEqual(
    tables([
      "virtio-serial-pci",
      "virtserialport,chardev=s0",
      "virtconsole,chardev=c0",
      "virtserialport,nr=5,name=org.x",
      "virtconsole",
    ]),
    [[
      { nr: 1, console: false },
      { nr: 0, console: true },
      { nr: 5, console: false, name: "org.x" },
      { nr: 2, console: true },
    ]],
  );
  // chardev= on the device is the console on port 0; a virtconsole then goes elsewhere.
  assert.deepEqual(tables(["virtio-serial-pci,chardev=c0", "virtconsole,chardev=c1"]), [[
    { nr: 0, console: true },
    { nr: 1, console: true },
  ]]);
  // 31 ports fill the first word of the port map; the 32nd is port 32, below max_ports=40.
  const many = Array.from({ length: 32 }, () => "virtserialport");
  assert.equal(tables(["virtio-serial-pci,max_ports=40", ...many])[0].at(-1)?.nr, 32);
});

Deno.test("ports go to the first virtio-serial-pci, or to the one bus=ID.0 names", () => {
  const { devices } = attach([
    "virtio-serial-pci",
    "virtio-serial-pci,id=vs",
    "virtserialport,bus=vs.0,name=second",
    "virtserialport,name=first",
  ]);
  const [a, b] = [devices[0], devices[1]].map((d) =>
    decodePortTable(String(d.props[PORTS_PROPERTY]), 31)
  );
  assert.deepEqual(a, [{ nr: 1, console: false, name: "first" }]);
  assert.deepEqual(b, [{ nr: 1, console: false, name: "second" }]);
});

Deno.test("attachSerialPorts refuses what QEMU 7.2 refuses, with its messages", () => {
  const fails = (texts: string[], message: string) =>
    assert.throws(() => attach(texts), (e: Error) => {
      assert.equal(e.message, message);
      return true;
    });
  const bus = "No 'virtio-serial-bus' bus found for device 'virtconsole'";
  fails(["virtconsole"], `-device virtconsole: ${bus}`);
  fails(["virtconsole", "virtio-serial-pci"], `-device virtconsole: ${bus}`);
  fails(
    ["virtio-serial-pci", "virtserialport,nr=0"],
    "-device virtserialport,nr=0: Port number 0 on virtio-serial devices reserved for " +
      "virtconsole devices for backward compatibility.",
  );
  fails(
    ["virtio-serial-pci,max_ports=2", "virtserialport", "virtserialport"],
    "-device virtserialport: virtio-serial-bus: Out-of-range port id specified, max. allowed: 1",
  );
  fails(
    ["virtio-serial-pci,max_ports=1", "virtconsole", "virtconsole"],
    "-device virtconsole: virtio-serial-bus: Out-of-range port id specified, max. allowed: 0",
  );
  fails(
    ["virtio-serial-pci", "virtserialport,name=a", "virtserialport,name=a"],
    "-device virtserialport,name=a: virtio-serial-bus: A port already exists by name a",
  );
  fails(
    ["virtio-serial-pci", "virtserialport,nr=3", "virtserialport,nr=3"],
    "-device virtserialport,nr=3: virtio-serial-bus: A port already exists at id 3",
  );
  fails(
    ["virtio-serial-pci", "virtconsole", "virtconsole,nr=0"],
    "-device virtconsole,nr=0: virtio-serial-bus: A port already exists at id 0",
  );
  fails(
    ["virtio-serial-pci", "virtserialport,bus=foo"],
    "-device virtserialport,bus=foo: Bus 'foo' not found",
  );
  // QEMU names a bus without id virtio-serial-bus.N but does not find it by that name.
  fails(
    ["virtio-serial-pci", "virtserialport,bus=virtio-serial-bus.0"],
    "-device virtserialport,bus=virtio-serial-bus.0: Bus 'virtio-serial-bus.0' not found",
  );
  fails(
    ["virtio-serial-pci,max_ports=64", ...Array(64).fill("virtserialport")],
    "-device virtserialport: virtio-serial-bus: Maximum port limit for this device reached",
  );
});

/** A chardev whose peer connects and leaves on demand, like a socket chardev. */
class FakeSocket implements HostChardev {
  connected = false;
  #listeners: ((c: boolean) => void)[] = [];
  write(): void {}
  setReceiver(): void {}
  onConnection(listener: (connected: boolean) => void): () => void {
    this.#listeners.push(listener);
    return () => {};
  }
  set(connected: boolean): void {
    this.connected = connected;
    for (const l of this.#listeners) l(connected);
  }
}

Deno.test("each virtio-serial-pci with serial ports gets the chardevs and a connection-event chardev", () => {
  const socket = new FakeSocket();
  const file: HostChardev = { write() {}, setReceiver() {} };
  const { devices, chardevs } = attach([
    "virtio-serial-pci",
    "virtconsole,chardev=c0",
    "virtserialport,chardev=s0",
    "virtserialport,chardev=s1",
  ], new Map([["c0", file], ["s0", socket], ["s1", file]]));
  const props = devices[0].props;
  assert.equal(props.chardev, "c0");
  assert.equal(props["port.1"], "s0");
  assert.equal(props["port.2"], "s1");
  const id = String(props[PORT_EVENTS_PROPERTY]);
  assert.deepEqual(Object.keys(chardevs), [id]);
  assert.ok(!/^[A-Za-z]/.test(id), "no -chardev id can be the same");

  const events = chardevs[id];
  const got: string[] = [];
  events.setReceiver((data) => got.push(new TextDecoder().decode(data)));
  // The device asks; a file is always connected, the socket not yet. Consoles are not reported.
  events.write(new Uint8Array(1));
  assert.deepEqual(got.splice(0), ["sync\nclose 1\nopen 2\n"]);
  socket.set(true);
  socket.set(false);
  assert.deepEqual(got, ["open 1\n", "close 1\n"]);
  // Ports without chardevs, or consoles alone, need no events.
  assert.deepEqual(attach(["virtio-serial-pci", "virtconsole,chardev=c0"]).chardevs, {});
});

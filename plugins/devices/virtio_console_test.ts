import assert from "node:assert/strict";
import { MemoryChardev } from "../../devices/chardev/mod.ts";
import { parsePropertyValue } from "../schema/mod.ts";
import { describeDevice, deviceShape } from "../sdk/mod.ts";
import { loadPlugin, type PluginDevice, startPluginDevice } from "../sandbox/mod.ts";
import type { GuestRam, MockDriver } from "../virtqueue/mod.ts";
import consoleDefinition, {
  CONSOLE_CONFIG,
  VIRTIO_CONSOLE_F_EMERG_WRITE,
} from "./virtio_console.ts";
import { RECEIVEQ, TRANSMITQ } from "./_virtio_console_port.ts";
import { activate, DEVICE_WAIT_MS, exchange, testRig, until } from "./_testing.ts";

const plugin = await loadPlugin(new URL("./virtio_console.ts", import.meta.url));
const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function start(
  ram: GuestRam,
  props: Record<string, string | number | boolean> = { chardev: "c0" },
  chardev = new MemoryChardev(),
  report: (line: string) => void = () => {},
): Promise<{ device: PluginDevice; chardev: MemoryChardev }> {
  const device = await startPluginDevice(plugin, props, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    backends: { chardevs: { c0: chardev } },
    report,
  });
  return { device, chardev };
}

/** Offers receive buffers of `len` bytes each. */
function offerReceive(device: PluginDevice, rx: MockDriver, count: number, len: number): void {
  for (let i = 0; i < count; i++) rx.addBuffer([], [len]);
  if (rx.kick()) device.notify(RECEIVEQ);
}

Deno.test("virtio-console-pci describes itself with QEMU's names, IDs and properties", () => {
  const d = plugin.descriptor;
  assert.equal(d.name, "virtio-console-pci");
  // virtio-serial-pci is the multiport device now (virtio_serial.ts).
  assert.equal(d.aliases, undefined);
  assert.equal(d.category, "Input");
  assert.equal(d.deviceId, 3);
  // The class follows the `class` property (tests/virtio_class_test.ts), so it is per device.
  assert.equal(d.pciClass, undefined);
  assert.equal(deviceShape(consoleDefinition, { class: 0 }).pciClass, 0x0780);
  assert.equal(d.properties.chardev.type, "chardev");
  assert.equal((d.properties.max_ports as { default: number }).default, 31);
  const props = describeDevice(consoleDefinition).properties;
  const owner = "virtio-console-pci";
  assert.throws(
    () => parsePropertyValue(props.max_ports, "0", { owner, name: "max_ports" }),
    /max_ports doesn't take value 0/,
  );
  assert.throws(
    () => parsePropertyValue(props.max_ports, "512", { owner, name: "max_ports" }),
    /max_ports doesn't take value 512/,
  );
});

Deno.test("virtio-console-pci: queues, features and configuration space follow its properties", async () => {
  const { ram } = testRig(2);
  const { device } = await start(ram, { chardev: "c0", max_ports: 7 });
  try {
    assert.deepEqual(device.queueSizes, [128, 128], "receiveq and transmitq of port 0");
    assert.equal(device.features, 1n << BigInt(VIRTIO_CONSOLE_F_EMERG_WRITE));
    assert.equal(device.configSize, 12);
    assert.equal(device.readConfig(CONSOLE_CONFIG.maxNrPorts, 4), 7);
    assert.equal(device.readConfig(CONSOLE_CONFIG.cols, 4), 0, "no VIRTIO_CONSOLE_F_SIZE");
  } finally {
    await device.close();
  }
  const { device: plain } = await start(ram, { "emergency-write": false });
  try {
    assert.equal(plain.features, 0n);
    assert.equal(plain.configSize, 8, "emerg_wr only exists with the feature");
  } finally {
    await plain.close();
  }
});

Deno.test("virtio-console-pci sends guest output to the chardev in order, and host input to the guest", async () => {
  const { ram, drivers: [rx, tx] } = testRig(2);
  const { device, chardev } = await start(ram);
  try {
    chardev.inject("typed before the driver was ready\n");
    const ctx = activate(device, [rx, tx]);

    // Output: a chain in two pieces, then one with a writable part the device must ignore.
    const heads = [
      tx.addBuffer([encode("hello, "), encode("host\n")], []),
      tx.addBuffer([encode("second line\n")], [8]),
    ];
    const used = await exchange(device, tx, TRANSMITQ, 2);
    assert.deepEqual(used.map((u) => [u.id, u.len]), [[heads[0], 0], [heads[1], 0]]);
    await until(() => chardev.text() === "hello, host\nsecond line\n", DEVICE_WAIT_MS, "output");

    // Input: what waited is delivered as soon as there are receive buffers, and spans two.
    offerReceive(device, rx, 4, 20);
    await until(() => rx.usedIdx === 2, DEVICE_WAIT_MS, "the waiting input");
    const early = rx.getUsed();
    assert.deepEqual(early.map((u) => u.len), [20, 14]);
    assert.equal(
      decode(early[0].written) + decode(early[1].written),
      "typed before the driver was ready\n",
    );

    // Input typed later goes into the buffers still offered.
    chardev.inject("ls\n");
    await until(() => rx.usedIdx === 3, DEVICE_WAIT_MS, "later input");
    assert.deepEqual(rx.getUsed().map((u) => decode(u.written)), ["ls\n"]);
    device.pollInterrupts();
    assert.ok(ctx.interrupts.includes(RECEIVEQ) && ctx.interrupts.includes(TRANSMITQ));
    assert.deepEqual(ctx.failures, []);
  } finally {
    await device.close();
  }
});

Deno.test("virtio-console-pci delivers output larger than the host's ring without losing a byte", async () => {
  const { ram, drivers: [rx, tx] } = testRig(2, 128);
  const { device, chardev } = await start(ram);
  try {
    activate(device, [rx, tx]);
    // 24 chains of 12 KiB: 288 KiB, more than four times the bridge's 64 KiB ring.
    const chunks = Array.from(
      { length: 24 },
      (_, i) => Uint8Array.from({ length: 12 * 1024 }, (_, j) => (i * 7 + j) & 0xff),
    );
    for (const c of chunks) tx.addBuffer([c.subarray(0, 5000), c.subarray(5000)], []);
    await exchange(device, tx, TRANSMITQ, chunks.length);
    const expected = new Uint8Array(chunks.length * 12 * 1024);
    chunks.forEach((c, i) => expected.set(c, i * c.length));
    await until(() => chardev.output().length === expected.length, DEVICE_WAIT_MS, "all output");
    assert.deepEqual(chardev.output(), expected);
  } finally {
    await device.close();
  }
});

Deno.test("virtio-console-pci without a chardev returns output chains and never fills receive buffers", async () => {
  const { ram, drivers: [rx, tx] } = testRig(2);
  const { device } = await start(ram, {});
  try {
    activate(device, [rx, tx]);
    offerReceive(device, rx, 2, 16);
    const head = tx.addBuffer([encode("nobody listens")], []);
    const [used] = await exchange(device, tx, TRANSMITQ, 1);
    assert.deepEqual([used.id, used.len], [head, 0]);
    assert.equal(rx.usedIdx, 0);
  } finally {
    await device.close();
  }
});

Deno.test("virtio-console-pci writes an emergency byte to the chardev (§5.3.4), ignoring zero", async () => {
  const { ram } = testRig(2);
  const { device, chardev } = await start(ram);
  try {
    device.writeConfig(CONSOLE_CONFIG.emergWr, 4, 0x41);
    device.writeConfig(CONSOLE_CONFIG.emergWr, 1, 0);
    device.writeConfig(CONSOLE_CONFIG.emergWr, 1, 0x142); // only the low byte counts
    device.writeConfig(CONSOLE_CONFIG.maxNrPorts, 4, 0x43); // read-only: ignored
    await until(() => chardev.text().length >= 2, DEVICE_WAIT_MS, "emergency bytes");
    assert.equal(chardev.text(), "AB");
    assert.equal(device.readConfig(CONSOLE_CONFIG.emergWr, 4), 0);
    assert.equal(device.readConfig(CONSOLE_CONFIG.maxNrPorts, 4), 31);
  } finally {
    await device.close();
  }
});

Deno.test("virtio-console-pci: a transmit chain outside RAM stops the device; a reset brings it back", async () => {
  const { ram, drivers: [rx, tx] } = testRig(2);
  const reports: string[] = [];
  const { device, chardev } = await start(
    ram,
    { chardev: "c0" },
    new MemoryChardev(),
    (line) => reports.push(line),
  );
  try {
    let ctx = activate(device, [rx, tx]);
    const head = tx.addBuffer([encode("lost")], []);
    tx.writeDescriptor(head, { addrLow: ram.size - 2 });
    if (tx.kick()) device.notify(TRANSMITQ);
    await until(() => ctx.failures.length > 0, DEVICE_WAIT_MS, "the device to fail");
    assert.match(ctx.failures[0], /virtqueue protocol was broken on queue 1/);
    device.reset();
    rx.reset();
    tx.reset();
    ctx = activate(device, [rx, tx]);
    tx.addBuffer([encode("back again\n")], []);
    await exchange(device, tx, TRANSMITQ, 1);
    await until(() => chardev.text() === "back again\n", DEVICE_WAIT_MS, "output after reset");
    assert.ok(reports.some((line) => /NEEDS_RESET/.test(line)), reports.join("\n"));
  } finally {
    await device.close();
  }
});

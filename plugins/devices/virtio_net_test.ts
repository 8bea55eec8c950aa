import assert from "node:assert/strict";
import { loadPlugin, type PluginDevice, startPluginDevice } from "../sandbox/mod.ts";
import type { MockDriver, UsedElement } from "../virtqueue/mod.ts";
import { featureBit, VIRTIO_F_VERSION_1 } from "../sdk/mod.ts";
import { activate, DEVICE_WAIT_MS, exchange, testRig, until } from "./_testing.ts";
import {
  NET_CONFIG,
  NET_CONFIG_SIZE,
  RX_QUEUE,
  TX_QUEUE,
  VIRTIO_NET_F_MAC,
  VIRTIO_NET_F_MRG_RXBUF,
  VIRTIO_NET_F_STATUS,
} from "./virtio_net_config.ts";
import { freeUdpPort, UdpPeer } from "./virtio_net_test_peer.ts";

const plugin = await loadPlugin(new URL("./virtio_net.ts", import.meta.url));

const VERSION_1 = featureBit(VIRTIO_F_VERSION_1);
const MRG_RXBUF = featureBit(VIRTIO_NET_F_MRG_RXBUF);
const LEGACY_BASE = featureBit(VIRTIO_NET_F_MAC) | featureBit(VIRTIO_NET_F_STATUS);

/** An Ethernet frame whose bytes depend on `seed`. */
function frame(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + 1) & 0xff);
}

/** A 10- or 12-byte transmit header as a driver without offloads writes it: zeros. */
function txHeader(size: number): Uint8Array {
  return new Uint8Array(size);
}

interface Rig {
  device: PluginDevice;
  rx: MockDriver;
  tx: MockDriver;
  peer: UdpPeer;
  /** The device's own UDP port. */
  local: number;
  reports: string[];
  /** Used receive buffers the test has taken. */
  rxTaken: number;
  [Symbol.asyncDispose](): Promise<void>;
}

/** A device on a UDP link to a fresh peer, with mock drivers for both queues. */
async function udpRig(props: Record<string, string | boolean> = {}): Promise<Rig> {
  const { ram, drivers: [rx, tx] } = testRig(2, 256);
  const peer = await UdpPeer.open();
  const local = await freeUdpPort();
  const reports: string[] = [];
  const device = await startPluginDevice(plugin, { netdev: "n0", ...props }, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    backends: {
      netdevs: {
        n0: {
          hostname: "127.0.0.1",
          port: peer.port,
          mode: "udp",
          local: { hostname: "127.0.0.1", port: local },
        },
      },
    },
    report: (line) => reports.push(line),
  });
  return {
    device,
    rx,
    tx,
    peer,
    local,
    reports,
    rxTaken: 0,
    async [Symbol.asyncDispose]() {
      await device.close();
      await peer.close();
    },
  };
}

/** Waits until the device has reported a line matching `pattern` (fault details come later). */
async function reported(rig: Rig, pattern: RegExp): Promise<void> {
  await until(() => rig.reports.some((l) => pattern.test(l)), DEVICE_WAIT_MS, `${pattern}`);
}

/** Offers one transmit chain and returns what the peer received. */
async function transmit(rig: Rig, readable: Uint8Array[]): Promise<Uint8Array> {
  const head = rig.tx.addBuffer(readable, []);
  const [used] = await exchange(rig.device, rig.tx, TX_QUEUE, 1);
  assert.deepEqual([used.id, used.len], [head, 0], "a sent chain comes back with nothing written");
  const got = await rig.peer.next();
  assert.equal(got.port, rig.local, "the frame left from the netdev's localaddr");
  return got.data;
}

/**
 * Waits for `count` more receive buffers to come back used than the test has taken so far
 * (counted from what was taken, as a frame may be in before the test starts waiting).
 */
async function received(rig: Rig, count: number): Promise<UsedElement[]> {
  const target = (rig.rxTaken + count) & 0xffff;
  await until(() => rig.rx.usedIdx === target, DEVICE_WAIT_MS, `${count} received frames`);
  rig.rxTaken = target;
  return rig.rx.getUsed();
}

/** Offers `count` receive buffers of `size` bytes and notifies the receive queue. */
function offerRx(rig: Rig, count: number, size = 2048): number[] {
  const heads = Array.from({ length: count }, () => rig.rx.addBuffer([], [size]));
  if (rig.rx.kick()) rig.device.notify(RX_QUEUE);
  return heads;
}

Deno.test("virtio-net-pci describes itself with QEMU's names, IDs, features and config", async () => {
  await using rig = await udpRig({ mac: "52:54:00:ab:cd:ef" });
  const { device } = rig;
  assert.equal(device.descriptor.name, "virtio-net-pci");
  assert.deepEqual(device.descriptor.aliases, ["virtio-net"]);
  assert.equal(device.descriptor.category, "Network");
  assert.equal(device.descriptor.pciClass, 0x0200);
  assert.equal(device.deviceId, 1);
  assert.equal(device.features, LEGACY_BASE | MRG_RXBUF | featureBit(27));
  assert.deepEqual(device.queueSizes, [256, 256]);
  assert.equal(device.configSize, NET_CONFIG_SIZE);
  const mac = [0, 1, 2, 3, 4, 5].map((i) => device.readConfig(NET_CONFIG.mac + i, 1));
  assert.deepEqual(mac, [0x52, 0x54, 0x00, 0xab, 0xcd, 0xef]);
  assert.equal(device.readConfig(NET_CONFIG.status, 2), 1, "VIRTIO_NET_S_LINK_UP");
});

Deno.test("virtio-net-pci on the modern transport: 12-byte headers both ways over UDP", async (t) => {
  await using rig = await udpRig();
  const ctx = activate(rig.device, [rig.rx, rig.tx], VERSION_1 | MRG_RXBUF);

  await t.step("a frame behind its header in one buffer reaches the peer without it", async () => {
    const f = frame(60, 1);
    const joined = new Uint8Array(12 + f.length);
    joined.set(f, 12);
    assert.deepEqual(await transmit(rig, [joined]), f);
  });

  await t.step("a header and a frame split over three buffers reach the peer as one", async () => {
    const f = frame(1514, 2);
    assert.deepEqual(
      await transmit(rig, [txHeader(12), f.subarray(0, 100), f.subarray(100)]),
      f,
    );
  });

  await t.step("a frame from the peer lands behind a header with num_buffers 1", async () => {
    const [head] = offerRx(rig, 1);
    const f = frame(98, 3);
    await rig.peer.send(f, rig.local);
    const [used] = await received(rig, 1);
    assert.deepEqual([used.id, used.len], [head, 12 + f.length]);
    assert.deepEqual([...used.written.subarray(0, 12)], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    assert.deepEqual(used.written.subarray(12), f);
    rig.device.pollInterrupts();
    assert.ok(ctx.interrupts.includes(RX_QUEUE));
  });

  await t.step("frames that arrive before any buffer wait, and come out in order", async () => {
    const frames = [frame(64, 4), frame(200, 5), frame(1000, 6)];
    for (const f of frames) await rig.peer.send(f, rig.local);
    // Not a timing assertion: the order must be the same whenever the frames arrive.
    await new Promise((r) => setTimeout(r, 100));
    offerRx(rig, 1);
    const [first] = await received(rig, 1);
    assert.deepEqual(first.written.subarray(12), frames[0]);
    offerRx(rig, 2);
    const rest = await received(rig, 2);
    assert.deepEqual(rest.map((u) => u.written.subarray(12)), frames.slice(1));
  });

  await t.step(
    "a frame too long for the buffer is dropped and the buffer serves the next",
    async () => {
      const [head] = offerRx(rig, 1, 12 + 100);
      await rig.peer.send(frame(101, 7), rig.local);
      const small = frame(100, 8);
      await rig.peer.send(small, rig.local);
      const [used] = await received(rig, 1);
      assert.deepEqual([used.id, used.len], [head, 112]);
      assert.deepEqual(used.written.subarray(12), small);
      await reported(rig, /101-byte frame does not fit a 112-byte/);
    },
  );

  assert.deepEqual(ctx.failures, []);
});

Deno.test("virtio-net-pci for a legacy driver: a 10-byte header without MRG_RXBUF", async () => {
  await using rig = await udpRig({ mrg_rxbuf: false });
  assert.equal(rig.device.features & MRG_RXBUF, 0n, "mrg_rxbuf=off withdraws the feature");
  const ctx = activate(rig.device, [rig.rx, rig.tx], LEGACY_BASE);
  const out = frame(42, 9);
  assert.deepEqual(await transmit(rig, [txHeader(10), out]), out);
  const [head] = offerRx(rig, 1);
  const f = frame(77, 10);
  await rig.peer.send(f, rig.local);
  const [used] = await received(rig, 1);
  assert.deepEqual([used.id, used.len], [head, 10 + f.length]);
  assert.deepEqual([...used.written.subarray(0, 10)], Array(10).fill(0));
  assert.deepEqual(used.written.subarray(10), f);
  assert.deepEqual(ctx.failures, []);
});

Deno.test("virtio-net-pci for a legacy driver with MRG_RXBUF: the 12-byte header", async () => {
  await using rig = await udpRig();
  const ctx = activate(rig.device, [rig.rx, rig.tx], LEGACY_BASE | MRG_RXBUF);
  const out = frame(54, 11);
  assert.deepEqual(await transmit(rig, [txHeader(12), out]), out);
  offerRx(rig, 1);
  const f = frame(60, 12);
  await rig.peer.send(f, rig.local);
  const [used] = await received(rig, 1);
  assert.equal(used.len, 12 + f.length);
  assert.equal(new DataView(used.written.buffer).getUint16(10, true), 1, "num_buffers");
  assert.deepEqual(used.written.subarray(12), f);
  assert.deepEqual(ctx.failures, []);
});

Deno.test("virtio-net-pci stops with NEEDS_RESET on a broken transmit ring, and a reset revives it", async () => {
  await using rig = await udpRig();
  let ctx = activate(rig.device, [rig.rx, rig.tx], VERSION_1);
  const head = rig.tx.addBuffer([txHeader(12), frame(60, 13)], []);
  const data = rig.tx.readDescriptor(head).next;
  rig.tx.writeDescriptor(data, { addrLow: 0x7fff_f000 });
  if (rig.tx.kick()) rig.device.notify(TX_QUEUE);
  await until(() => ctx.failures.length > 0, DEVICE_WAIT_MS, "the device to fail");
  assert.match(ctx.failures[0], /virtqueue protocol/);
  await reported(rig, /out-of-ram|past RAM/);

  // The restarted sandbox binds the same local address again.
  rig.device.reset();
  rig.rx.reset();
  rig.tx.reset();
  ctx = activate(rig.device, [rig.rx, rig.tx], VERSION_1);
  const f = frame(60, 14);
  assert.deepEqual(await transmit(rig, [txHeader(12), f]), f);
  assert.deepEqual(ctx.failures, []);
});

Deno.test("virtio-net-pci refuses a transmit chain shorter than its header", async () => {
  await using rig = await udpRig();
  const ctx = activate(rig.device, [rig.rx, rig.tx], VERSION_1);
  rig.tx.addBuffer([new Uint8Array(11)], []);
  if (rig.tx.kick()) rig.device.notify(TX_QUEUE);
  await until(() => ctx.failures.length > 0, DEVICE_WAIT_MS, "the device to fail");
  assert.match(ctx.failures[0], /the plugin threw/);
  await reported(rig, /VirtioNetError: virtio-net header incorrect: 11 bytes/);
  assert.equal(rig.peer.queued, 0, "nothing was sent");
});

Deno.test("virtio-net-pci stops when a frame meets a receive chain with no writable buffer", async () => {
  await using rig = await udpRig();
  const ctx = activate(rig.device, [rig.rx, rig.tx], VERSION_1);
  rig.rx.addBuffer([new Uint8Array(64)], []);
  if (rig.rx.kick()) rig.device.notify(RX_QUEUE);
  await rig.peer.send(frame(60, 15), rig.local);
  await until(() => ctx.failures.length > 0, DEVICE_WAIT_MS, "the device to fail");
  await reported(rig, /VirtioNetError: virtio-net receive queue contains no in buffers/);
});

Deno.test("virtio-net-pci stops on an available index that jumps past the queue", async () => {
  await using rig = await udpRig();
  const ctx = activate(rig.device, [rig.rx, rig.tx], VERSION_1);
  rig.rx.setAvailIdx(1000);
  rig.device.notify(RX_QUEUE);
  await rig.peer.send(frame(60, 16), rig.local);
  await until(() => ctx.failures.length > 0, DEVICE_WAIT_MS, "the device to fail");
  assert.match(ctx.failures[0], /virtqueue protocol/);
  await reported(rig, /avail-idx-jump/);
});

Deno.test("virtio-net-pci without a netdev takes frames and drops them, as a NIC without peer", async () => {
  const { ram, drivers: [rx, tx] } = testRig(2, 256);
  const reports: string[] = [];
  await using device = await startPluginDevice(plugin, {}, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    report: (line) => reports.push(line),
  });
  const ctx = activate(device, [rx, tx], VERSION_1);
  const head = tx.addBuffer([txHeader(12), frame(60, 17)], []);
  const [used] = await exchange(device, tx, TX_QUEUE, 1);
  assert.deepEqual([used.id, used.len], [head, 0]);
  await until(() => reports.some((l) => /nic has no peer/.test(l)), DEVICE_WAIT_MS, "a warning");
  assert.deepEqual(ctx.failures, []);
});

Deno.test("virtio-net-pci refuses a malformed mac before it starts, with QEMU's message", async () => {
  const { ram } = testRig();
  await assert.rejects(
    startPluginDevice(plugin, { mac: "52:54:00:12:34" }, {
      memory: ram.u8.buffer as SharedArrayBuffer,
      ramSize: ram.size,
      report: () => {},
    }),
    /Property 'virtio-net-pci.mac' doesn't take value '52:54:00:12:34'/,
  );
});

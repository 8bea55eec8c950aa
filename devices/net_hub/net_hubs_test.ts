import assert from "node:assert/strict";
import { loadPlugin, startPluginDevice } from "../../plugins/sandbox/mod.ts";
import {
  activate,
  DEVICE_WAIT_MS,
  exchange,
  testRig,
  until,
} from "../../plugins/devices/_testing.ts";
import { RX_QUEUE, TX_QUEUE } from "../../plugins/devices/virtio_net_config.ts";
import type { NetdevOptions } from "../../plugins/devices/virtio_net_netdev.ts";
import { freeUdpPort, UdpPeer } from "../../plugins/devices/virtio_net_test_peer.ts";
import { HubChannelEndpoint } from "../../plugins/devices/virtio_net_hub_channel.ts";
import { openNetHubs } from "./net_hubs.ts";

const plugin = await loadPlugin(new URL("../../plugins/devices/virtio_net.ts", import.meta.url));

const NIC_TYPE = { name: "virtio-net-pci", properties: { netdev: { type: "netdev" as const } } };
const nic = (netdev: string) => ({ type: NIC_TYPE, props: { netdev } });
const hubport = (id: string, hubid: string, netdev?: string): NetdevOptions => ({
  type: "hubport",
  id,
  props: netdev === undefined ? { hubid } : { hubid, netdev },
});

function frame(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 11 + seed) & 0xff);
}

/** A sandboxed virtio-net-pci on hubport `id`, activated, with receive buffers posted. */
async function nicOn(hubs: Awaited<ReturnType<typeof openNetHubs>>, id: string) {
  const { ram, drivers } = testRig(2, 256);
  const [rx, tx] = drivers;
  const device = await startPluginDevice(plugin, { netdev: id }, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    backends: { netdevs: { [id]: hubs.backend(id)! } },
    report: () => {},
  });
  const ctx = activate(device, drivers);
  for (let i = 0; i < 8; i++) rx.addBuffer([], [2048]);
  if (rx.kick()) device.notify(RX_QUEUE);
  /** Frames the guest has received so far (12-byte virtio-net header stripped). */
  const received = () => rx.getUsed().map((u) => u.written.subarray(12, u.len));
  const seen: Uint8Array[] = [];
  const take = () => {
    seen.push(...received());
    return seen;
  };
  const send = async (f: Uint8Array) => {
    tx.addBuffer([new Uint8Array(12), f], []);
    await exchange(device, tx, TX_QUEUE, 1);
  };
  return { device, ctx, take, send };
}

Deno.test({
  name:
    "two sandboxed NICs and a UDP netdev on one hub: each frame reaches the others, not its sender",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const far = await UdpPeer.open();
    const local = await freeUdpPort();
    const lines: string[] = [];
    const hubs = await openNetHubs([
      {
        type: "socket",
        id: "s0",
        props: { udp: `127.0.0.1:${far.port}`, localaddr: `127.0.0.1:${local}` },
      },
      hubport("a", "0"),
      hubport("b", "0"),
      hubport("up", "0", "s0"),
    ], { devices: [nic("a"), nic("b")], log: (line) => lines.push(line) });
    assert.deepEqual(lines, [], "a hub with NICs and a host netdev needs no warning");
    assert.equal(hubs.backend("up"), undefined, "a joined port has no channel to grant");
    const a = await nicOn(hubs, "a");
    const b = await nicOn(hubs, "b");
    try {
      const fromA = frame(1514, 1);
      await a.send(fromA);
      await until(() => b.take().length === 1, DEVICE_WAIT_MS, "A's frame at B");
      assert.deepEqual(b.take(), [fromA]);
      const datagram = await far.next();
      assert.deepEqual(datagram.data, fromA, "A's frame left through the joined netdev");
      assert.equal(datagram.port, local, "from the netdev's localaddr");

      const fromHost = frame(60, 2);
      await far.send(fromHost, local);
      await until(() => a.take().length === 1 && b.take().length === 2, DEVICE_WAIT_MS, "host");
      assert.deepEqual(a.take(), [fromHost], "A got the host's frame and never its own");
      assert.deepEqual(b.take()[1], fromHost);

      const fromB = frame(300, 3);
      await b.send(fromB);
      await until(() => a.take().length === 2, DEVICE_WAIT_MS, "B's frame at A");
      assert.deepEqual(a.take()[1], fromB);
      assert.deepEqual((await far.next()).data, fromB);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(b.take().length, 2, "B never got its own frame back");
      assert.equal(far.queued, 0, "the host never got its own frame back");
      assert.deepEqual([...a.ctx.failures, ...b.ctx.failures], []);
    } finally {
      await a.device.close();
      await b.device.close();
      hubs.close();
      await far.close();
    }
  },
});

Deno.test("a hub drops frames for a NIC whose channel is full and keeps serving the others", async () => {
  const hubs = await openNetHubs(
    [hubport("a", "0"), hubport("b", "0"), hubport("c", "0")],
    { devices: [nic("a"), nic("b"), nic("c")], log: () => {}, ringBytes: 1 << 17 },
  );
  const hub = hubs.hubs.get(0)!;
  // a sends, b reads everything, c never reads.
  const got: Uint8Array[] = [];
  const a = new HubChannelEndpoint(hubs.backend("a")!.channel, {
    receive: () => true,
    writable() {},
    log() {},
  });
  const b = new HubChannelEndpoint(hubs.backend("b")!.channel, {
    receive: (f) => got.push(f) > 0,
    writable() {},
    log() {},
  });
  b.start();
  const count = 120; // 120 × 1518 bytes is more than c's 128 KiB ring
  try {
    for (let i = 0; i < count; i++) {
      await until(() => a.send(frame(1514, i)), DEVICE_WAIT_MS, "room to send");
      if (i % 16 === 15) await until(() => got.length === i + 1, DEVICE_WAIT_MS, "b reading");
    }
    await until(() => got.length === count, DEVICE_WAIT_MS, "every frame at b");
    assert.deepEqual(got.map((f) => f[0]), Array.from({ length: count }, (_, i) => i & 0xff));
    const [, , c] = hub.ports;
    assert.equal(c.dropped, count - Math.floor((1 << 17) / 1518), "c lost what did not fit");
    assert.equal(hub.ports[1].dropped, 0);
  } finally {
    a.close();
    b.close();
    hubs.close();
  }
});

Deno.test("openNetHubs refuses a netdev= that names nothing earlier, a hub port, or a taken one", async () => {
  const sock = { type: "socket", id: "s0", props: { connect: "127.0.0.1:9" } };
  await assert.rejects(
    openNetHubs([hubport("h", "0", "s0"), sock]),
    /^Error: -netdev hubport,id=h: netdev 's0' not found$/,
  );
  await assert.rejects(
    openNetHubs([hubport("g", "1"), hubport("h", "0", "g")]),
    /-netdev hubport,id=h: netdev 'g' is a hub port: hubs cannot be joined/,
  );
  await assert.rejects(
    openNetHubs([sock, hubport("h", "0", "s0"), hubport("i", "1", "s0")]),
    /-netdev hubport,id=i: netdev 's0' is in use/,
  );
  await assert.rejects(
    openNetHubs([hubport("h", "zero")]),
    /-netdev hubport,id=h: Parameter 'hubid' expects an int64 value/,
  );
});

Deno.test("a NIC cannot take a netdev a hub port joined, nor a joined hub port", async () => {
  const sock = { type: "socket", id: "s0", props: { connect: "127.0.0.1:9" } };
  for (const taken of ["s0", "h"]) {
    await assert.rejects(
      openNetHubs([sock, hubport("h", "0", "s0")], {
        devices: [nic(taken)],
        locations: [`-device virtio-net-pci,netdev=${taken}`],
      }),
      new RegExp(
        `^DeviceConfigError: -device virtio-net-pci,netdev=${taken}: ` +
          `Property 'virtio-net-pci.netdev' can't take value '${taken}', it's in use$`,
      ),
    );
  }
});

Deno.test("openNetHubs warns as QEMU's net_hub_check_clients does", async () => {
  const lines: string[] = [];
  const far = await UdpPeer.open();
  const local = await freeUdpPort();
  const hubs = await openNetHubs([
    {
      type: "socket",
      id: "s0",
      props: { udp: `127.0.0.1:${far.port}`, localaddr: `127.0.0.1:${local}` },
    },
    hubport("lonely", "0"),
    hubport("nic", "1"),
    hubport("j", "0x2", "s0"),
  ], { devices: [nic("nic")], log: (line) => lines.push(line) });
  try {
    assert.deepEqual(lines, [
      "warning: hub port lonely has no peer",
      "warning: hub 1 is not connected to host network",
      "warning: hub 2 with no nics",
    ]);
    assert.deepEqual([...hubs.hubs.keys()], [0, 1, 2], "hubid=0x2 is hub 2");
  } finally {
    hubs.close();
    await far.close();
  }
});

Deno.test("openNetHubs names the joined netdev whose socket cannot be opened", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    openNetHubs([
      { type: "socket", id: "s0", props: { connect: `127.0.0.1:${port}` } },
      hubport("h", "0", "s0"),
    ], { log: () => {} }),
    new RegExp(`^Error: -netdev socket,id=s0: can't connect to 127.0.0.1:${port}`),
  );
});

import assert from "node:assert/strict";
import { loadPlugin, type NetdevBackend, startPluginDevice } from "../sandbox/mod.ts";
import { featureBit, VIRTIO_F_VERSION_1 } from "../sdk/mod.ts";
import { activate, DEVICE_WAIT_MS, exchange, testRig, until } from "./_testing.ts";
import { RX_QUEUE, TX_QUEUE } from "./virtio_net_config.ts";
import { FrameReader, lengthPrefixed } from "./virtio_net_framing.ts";
import { freeTcpPort } from "./virtio_net_test_peer.ts";

const plugin = await loadPlugin(new URL("./virtio_net.ts", import.meta.url));

function frame(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 17 + seed) & 0xff);
}

/** Reads one length-prefixed frame from `conn`. */
async function readFrame(conn: Deno.Conn, reader: FrameReader): Promise<Uint8Array> {
  const chunk = new Uint8Array(4096);
  for (;;) {
    const n = await conn.read(chunk);
    if (n === null) throw new Error("the device closed the connection");
    const [first] = reader.push(chunk.subarray(0, n));
    if (first) return first;
  }
}

async function streamDevice(netdev: NetdevBackend) {
  const { ram, drivers } = testRig(2, 256);
  const reports: string[] = [];
  const device = await startPluginDevice(plugin, { netdev: "n0" }, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    backends: { netdevs: { n0: netdev } },
    report: (line) => reports.push(line),
  });
  return { device, drivers, reports };
}

/** Frames both ways over `conn`: one from the peer into the guest, one from the guest out. */
async function exchangeFrames(
  { device, drivers: [rx, tx] }: Awaited<ReturnType<typeof streamDevice>>,
  conn: Deno.Conn,
): Promise<void> {
  const ctx = activate(device, [rx, tx]);
  assert.equal(ctx.features, featureBit(VIRTIO_F_VERSION_1));
  const rxHead = rx.addBuffer([], [2048]);
  if (rx.kick()) device.notify(RX_QUEUE);
  const inbound = frame(1514, 1);
  // Split mid-prefix and mid-frame: TCP owes the peer no boundaries.
  const bytes = lengthPrefixed(inbound);
  await conn.write(bytes.subarray(0, 2));
  await conn.write(bytes.subarray(2, 700));
  await conn.write(bytes.subarray(700));
  await until(() => rx.usedIdx === 1, DEVICE_WAIT_MS, "the frame from the peer");
  const [used] = rx.getUsed();
  assert.deepEqual([used.id, used.len], [rxHead, 12 + inbound.length]);
  assert.deepEqual(used.written.subarray(12), inbound);

  const outbound = frame(60, 2);
  tx.addBuffer([new Uint8Array(12), outbound], []);
  await exchange(device, tx, TX_QUEUE, 1);
  assert.deepEqual(await readFrame(conn, new FrameReader(70000)), outbound);
  assert.deepEqual(ctx.failures, []);
}

Deno.test("virtio-net-pci on -netdev socket,listen= serves a peer that connects", async () => {
  const port = freeTcpPort();
  const rig = await streamDevice({ hostname: "127.0.0.1", port, mode: "listen" });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await exchangeFrames(rig, conn);
  } finally {
    conn.close();
    await rig.device.close();
  }
});

Deno.test("virtio-net-pci on -netdev socket,connect= reaches a listening peer", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepted = listener.accept();
  const rig = await streamDevice({ hostname: "127.0.0.1", port, mode: "connect" });
  const conn = await accepted;
  try {
    await exchangeFrames(rig, conn);
  } finally {
    conn.close();
    listener.close();
    await rig.device.close();
  }
});

Deno.test("virtio-net-pci on -netdev socket,connect= fails to start when nobody listens", async () => {
  const port = freeTcpPort();
  await assert.rejects(
    streamDevice({ hostname: "127.0.0.1", port, mode: "connect" }),
    new RegExp(`can't connect to 127.0.0.1:${port}`),
  );
});

import assert from "node:assert/strict";
import { loadPlugin, type PluginDevice, startPluginDevice } from "../sandbox/mod.ts";
import { createGuestRam, type GuestRam, MockDriver, Virtqueue } from "../virtqueue/mod.ts";
import {
  BALLOON_CONFIG,
  DEFLATEQ,
  INFLATEQ,
  VIRTIO_BALLOON_F_DEFLATE_ON_OOM,
  VIRTIO_BALLOON_F_STATS_VQ,
} from "./virtio_balloon.ts";
import { BalloonPages, chainPfns } from "./_virtio_balloon_pages.ts";
import { parseStats, STAT_NAMES, STATSQ } from "./_virtio_balloon_stats.ts";
import {
  activate,
  DEVICE_WAIT_MS,
  exchange,
  type RecordingActivation,
  testRig,
  until,
} from "./_testing.ts";

const plugin = await loadPlugin(new URL("./virtio_balloon.ts", import.meta.url));

/** A buffer of le32 page frame numbers, as Linux's `tell_host` sends them. */
function pfnList(pfns: number[]): Uint8Array {
  const bytes = new Uint8Array(4 * pfns.length);
  const view = new DataView(bytes.buffer);
  pfns.forEach((pfn, i) => view.setUint32(4 * i, pfn, true));
  return bytes;
}

/** A statistics buffer: packed `{ le16 tag; le64 val; }` entries (§5.5.6.3). */
function statsBuffer(entries: [number, bigint][]): Uint8Array {
  const bytes = new Uint8Array(10 * entries.length);
  const view = new DataView(bytes.buffer);
  entries.forEach(([tag, value], i) => {
    view.setUint16(10 * i, tag, true);
    view.setBigUint64(10 * i + 2, value, true);
  });
  return bytes;
}

/** RAM and drivers for inflateq, deflateq and statsq (the rig splits RAM in powers of two). */
function rig(): { ram: GuestRam; drivers: MockDriver[] } {
  const { ram, drivers } = testRig(4);
  return { ram, drivers: drivers.slice(0, 3) };
}

/** Activates with VIRTIO_F_VERSION_1 and STATS_VQ negotiated, as Linux does. */
function activateWithStats(device: PluginDevice, drivers: MockDriver[]): RecordingActivation {
  const ctx: RecordingActivation = {
    features: (1n << 32n) | (1n << BigInt(VIRTIO_BALLOON_F_STATS_VQ)),
    queues: drivers.map((d, index) => ({ index, size: d.size, ...d.layout, legacy: false })),
    interrupts: [],
    failures: [],
    interruptQueue: (index) => void ctx.interrupts.push(index),
    interruptConfig() {},
    fail: (reason) => void ctx.failures.push(reason),
  };
  device.activate(ctx);
  return ctx;
}

function start(
  ram: GuestRam,
  props: Record<string, number | boolean> = {},
  report: (line: string) => void = () => {},
): Promise<PluginDevice> {
  return startPluginDevice(plugin, props, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    report,
  });
}

Deno.test("virtio-balloon-pci describes itself with QEMU's names, IDs and queues", async () => {
  const d = plugin.descriptor;
  assert.equal(d.name, "virtio-balloon-pci");
  assert.deepEqual(d.aliases, ["virtio-balloon"]);
  assert.equal(d.category, "Misc");
  assert.equal(d.deviceId, 5);
  assert.equal(d.pciClass, 0x0500, "PCI_CLASS_MEMORY_RAM");
  const { ram } = testRig();
  const device = await start(ram, { "deflate-on-oom": true, "num-pages": 300 });
  try {
    assert.deepEqual(device.queueSizes, [128, 128, 128], "inflateq, deflateq, statsq");
    assert.equal(
      device.features,
      (1n << BigInt(VIRTIO_BALLOON_F_STATS_VQ)) | (1n << BigInt(VIRTIO_BALLOON_F_DEFLATE_ON_OOM)),
    );
    assert.equal(device.configSize, 8);
    assert.equal(device.readConfig(BALLOON_CONFIG.numPages, 4), 300);
    assert.equal(device.readConfig(BALLOON_CONFIG.actual, 4), 0);
  } finally {
    await device.close();
  }
});

Deno.test("virtio-balloon-pci refuses a target larger than guest RAM", async () => {
  const { ram } = testRig(); // 2 MiB: 512 pages
  await assert.rejects(
    start(ram, { "num-pages": 513 }),
    /num-pages 513 is more than the guest's RAM \(512 pages/,
  );
});

Deno.test("virtio-balloon-pci returns inflate and deflate buffers, and the driver's actual sticks", async () => {
  const { ram, drivers } = rig();
  const device = await start(ram, { "num-pages": 4 });
  try {
    const ctx = activate(device, drivers);
    const [inflate, deflate] = drivers;
    const heads = [
      inflate.addBuffer([pfnList([10, 11, 12])], []),
      inflate.addBuffer([pfnList([13])], []),
    ];
    const used = await exchange(device, inflate, INFLATEQ, 2);
    assert.deepEqual(used.map((u) => [u.id, u.len]), heads.map((h) => [h, 0]));
    // §5.5.6: the driver reports what it gave in `actual`; num_pages is the device's.
    device.writeConfig(BALLOON_CONFIG.actual, 4, 4);
    device.writeConfig(BALLOON_CONFIG.numPages, 4, 99);
    await until(() => device.readConfig(BALLOON_CONFIG.actual, 4) === 4, DEVICE_WAIT_MS, "actual");
    assert.equal(device.readConfig(BALLOON_CONFIG.numPages, 4), 4);
    const back = deflate.addBuffer([pfnList([12, 13])], []);
    assert.deepEqual((await exchange(device, deflate, DEFLATEQ, 1)).map((u) => u.id), [back]);
    device.writeConfig(BALLOON_CONFIG.actual + 1, 1, 0); // a byte write: actual 4 stays 4
    device.writeConfig(BALLOON_CONFIG.actual, 2, 2);
    await until(() => device.readConfig(BALLOON_CONFIG.actual, 4) === 2, DEVICE_WAIT_MS, "actual");
    device.pollInterrupts();
    assert.ok(ctx.interrupts.includes(INFLATEQ) && ctx.interrupts.includes(DEFLATEQ));

    // A reset gives the guest all its memory back.
    device.reset();
    assert.equal(device.readConfig(BALLOON_CONFIG.actual, 4), 0);
    assert.equal(device.readConfig(BALLOON_CONFIG.numPages, 4), 4);
    assert.deepEqual(ctx.failures, []);
  } finally {
    await device.close();
  }
});

Deno.test("virtio-balloon-pci keeps the stats buffer, and returns it each polling interval", async () => {
  const { ram, drivers } = rig();
  const reports: string[] = [];
  const device = await start(ram, { "guest-stats-polling-interval": 1 }, (l) => reports.push(l));
  try {
    activateWithStats(device, drivers);
    const stats = drivers[STATSQ];
    const first = stats.addBuffer([statsBuffer([[4, 1000n], [5, 4096n]])], []);
    if (stats.kick()) device.notify(STATSQ);
    await until(() => reports.length > 0, DEVICE_WAIT_MS, "the first statistics");
    assert.match(reports[0], /guest stats: free-memory=1000 total-memory=4096/);
    assert.equal(stats.usedIdx, 0, "the buffer is kept until the device wants fresh figures");
    await until(() => stats.usedIdx === 1, DEVICE_WAIT_MS, "the polling interval");
    assert.deepEqual(stats.getUsed().map((u) => [u.id, u.len]), [[first, 0]]);
    stats.addBuffer([statsBuffer([[4, 900n]])], []);
    if (stats.kick()) device.notify(STATSQ);
    await until(() => reports.length > 1, DEVICE_WAIT_MS, "the next statistics");
    assert.match(reports[1], /guest stats: free-memory=900$/);
  } finally {
    await device.close();
  }
});

Deno.test("virtio-balloon-pci without polling keeps one stats buffer and returns an older one", async () => {
  const { ram, drivers } = rig();
  const device = await start(ram);
  try {
    activateWithStats(device, drivers);
    const stats = drivers[STATSQ];
    const first = stats.addBuffer([statsBuffer([[0, 1n]])], []);
    stats.addBuffer([statsBuffer([[0, 2n]])], []);
    // A driver that breaks the one-buffer rule gets the older one back, as QEMU does.
    const used = await exchange(device, stats, STATSQ, 1);
    assert.deepEqual(used.map((u) => u.id), [first]);
  } finally {
    await device.close();
  }
});

Deno.test("virtio-balloon-pci: an inflate buffer outside RAM stops the device, not the VMM", async () => {
  const { ram, drivers } = rig();
  const reports: string[] = [];
  const device = await start(ram, {}, (l) => reports.push(l));
  try {
    const ctx = activate(device, drivers);
    const head = drivers[INFLATEQ].addBuffer([pfnList([1, 2])], []);
    drivers[INFLATEQ].writeDescriptor(head, { addrLow: ram.size - 4 });
    if (drivers[INFLATEQ].kick()) device.notify(INFLATEQ);
    await until(() => ctx.failures.length > 0, DEVICE_WAIT_MS, "the device to fail");
    assert.match(ctx.failures[0], /virtqueue protocol was broken on queue 0/);
    await until(() => reports.some((l) => /NEEDS_RESET/.test(l)), DEVICE_WAIT_MS, "the report");
  } finally {
    await device.close();
  }
});

Deno.test("BalloonPages and chainPfns: PFNs are le32, bounded by RAM, partial entries ignored", () => {
  const ram = createGuestRam(0x10_0000);
  const driver = new MockDriver(ram, { size: 8 });
  const queue = new Virtqueue(ram, 8);
  queue.setLayout(driver.layout);
  // Split mid-PFN across two descriptors, with two trailing bytes that make no whole PFN.
  const bytes = new Uint8Array([...pfnList([7, 0x1_0000, 7, 255]), 0xaa, 0xbb]);
  driver.addBuffer([bytes.subarray(0, 5), bytes.subarray(5)], []);
  driver.kick();
  const chain = queue.pop()!;
  const pfns = [...chainPfns(chain, 1000)];
  assert.deepEqual(pfns, [7, 0x1_0000, 7, 255]);
  assert.deepEqual([...chainPfns(chain, 2)], [7, 0x1_0000], "at most the limit");
  const pages = new BalloonPages(ram.size);
  assert.equal(pages.ramPages, 256);
  assert.equal(pages.inflate(pfns), 2, "page 0x10000 is past 1 MiB of RAM; 7 counts once");
  assert.equal(pages.count, 2);
  assert.deepEqual([pages.has(7), pages.has(255), pages.has(8)], [true, true, false]);
  assert.equal(pages.deflate([7, 8]), 1);
  pages.clear();
  assert.equal(pages.count, 0);
});

Deno.test("parseStats names QEMU's ten statistics and skips unknown tags", () => {
  const all = STAT_NAMES.map((_, tag) => [tag, BigInt(tag * 100)] as [number, bigint]);
  const parsed = parseStats(statsBuffer([...all, [STAT_NAMES.length, 5n]]));
  assert.deepEqual([...parsed.keys()], STAT_NAMES);
  assert.equal(parsed.get("available-memory"), 600n);
});

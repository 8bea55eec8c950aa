import assert from "node:assert/strict";
import { loadPlugin, startPluginDevice } from "../sandbox/mod.ts";
import type { MockDriver, UsedElement } from "../virtqueue/mod.ts";
import { BLK_CONFIG, BLK_CONFIG_SIZE, blkSettings } from "./_virtio_blk_config.ts";
import {
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_GET_ID,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTIO_BLK_T_SCSI_CMD,
} from "./_virtio_blk_request.ts";
import { activate, DEVICE_WAIT_MS, exchange, testRig, until } from "./_testing.ts";

const plugin = await loadPlugin(new URL("./virtio_blk.ts", import.meta.url));

/** SEG_MAX, BLK_SIZE, FLUSH and TOPOLOGY (§5.2.3). */
const BASE_FEATURES = (1n << 2n) | (1n << 6n) | (1n << 9n) | (1n << 10n);
const MQ = 1n << 12n;

/** An image whose every byte depends on its offset and sector. */
function pattern(size: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length: size }, (_, o) => (o * 7 + (o >> 9) + seed) & 0xff);
}

async function image(bytes: Uint8Array): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".img" });
  await Deno.writeFile(path, bytes);
  return path;
}

function header(type: number, sector: number | bigint): Uint8Array {
  const h = new Uint8Array(16);
  const view = new DataView(h.buffer);
  view.setUint32(0, type, true);
  view.setBigUint64(8, BigInt(sector), true);
  return h;
}

/** The status byte (last written byte) and the data before it. */
function answer(used: UsedElement): { status: number; data: Uint8Array } {
  return { status: used.written[used.written.length - 1], data: used.written.subarray(0, -1) };
}

function options(ram: { u8: Uint8Array; size: number }, file: string, readonly = false) {
  return {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    backends: { drives: { disk0: { file, readonly } } },
  };
}

/** Sends one request and returns its used element. */
async function request(
  device: Parameters<typeof exchange>[0],
  driver: MockDriver,
  readable: Uint8Array[],
  writable: number[],
  queue = 0,
): Promise<UsedElement> {
  const head = driver.addBuffer(readable, writable);
  const [used] = await exchange(device, driver, queue, 1);
  assert.equal(used.id, head);
  return used;
}

Deno.test("virtio-blk-pci settings refuse what QEMU's realize refuses and cut long serials", () => {
  assert.throws(() => blkSettings({}), /^Error: drive property not set$/);
  const drive = "disk0";
  assert.throws(() => blkSettings({ drive, "queue-size": 100 }), /queue-size .* power of 2/);
  assert.throws(() => blkSettings({ drive, "num-queues": 0 }), /must be larger than 0/);
  assert.throws(
    () => blkSettings({ drive, logical_block_size: 1000n }),
    /logical_block_size doesn't take value '1000', it's not a power of 2/,
  );
  assert.throws(
    () => blkSettings({ drive, logical_block_size: 4096n, physical_block_size: 512n }),
    /logical_block_size > physical_block_size not supported/,
  );
  const s = blkSettings({ drive, serial: "0123456789abcdefghijKLMN" });
  assert.equal(new TextDecoder().decode(s.serial), "0123456789abcdefghij");
  assert.deepEqual([s.queueSize, s.numQueues, s.logicalBlockSize], [256, 1, 512]);
});

Deno.test("virtio-blk-pci without a drive fails to start with QEMU's message", async () => {
  const { ram } = testRig();
  await assert.rejects(
    startPluginDevice(plugin, {}, {
      memory: ram.u8.buffer as SharedArrayBuffer,
      ramSize: ram.size,
      report: () => {},
    }),
    /drive property not set/,
  );
});

Deno.test("virtio-blk-pci on a writable image", async (t) => {
  const original = pattern(128 * 512);
  const path = await image(original);
  const { ram, drivers: [driver] } = testRig(1, 256);
  const reports: string[] = [];
  const pages = new Set<number>();
  await using device = await startPluginDevice(plugin, {
    drive: "disk0",
    serial: "DENO-VMM-0001",
  }, {
    ...options(ram, path),
    report: (line) => reports.push(line),
    onGuestWrite: (page) => pages.add(page),
  });
  let ctx = activate(device, [driver]);
  const expected = original.slice();

  await t.step("identity, features and config space follow QEMU", () => {
    assert.equal(device.descriptor.name, "virtio-blk-pci");
    assert.deepEqual(device.descriptor.aliases, ["virtio-blk"]);
    assert.equal(device.descriptor.category, "Storage");
    assert.equal(device.pciClass, 0x0100, "class=0 (the default) gives SCSI storage");
    assert.equal(device.deviceId, 2);
    assert.equal(device.features, BASE_FEATURES);
    assert.deepEqual(device.queueSizes, [256]);
    assert.equal(device.configSize, BLK_CONFIG_SIZE);
    assert.equal(device.readConfig(BLK_CONFIG.capacity, 4), 128);
    assert.equal(device.readConfig(BLK_CONFIG.capacity + 4, 4), 0);
    assert.equal(device.readConfig(BLK_CONFIG.sizeMax, 4), 0);
    assert.equal(device.readConfig(BLK_CONFIG.segMax, 4), 254);
    assert.equal(device.readConfig(BLK_CONFIG.blkSize, 4), 512);
    assert.equal(device.readConfig(BLK_CONFIG.physicalBlockExp, 1), 0);
    assert.equal(device.readConfig(BLK_CONFIG.numQueues, 2), 1);
  });

  await t.step("IN reads sectors into buffers split across descriptors", async () => {
    const head = driver.addBuffer([header(VIRTIO_BLK_T_IN, 3)], [700, 324, 1]);
    const firstData = driver.readDescriptor(driver.readDescriptor(head).next).addrLow;
    const [used] = await exchange(device, driver, 0, 1);
    assert.equal(used.len, 1025, "the whole writable part, as QEMU reports");
    const { status, data } = answer(used);
    assert.equal(status, VIRTIO_BLK_S_OK);
    assert.deepEqual(data, original.subarray(3 * 512, 5 * 512));
    device.pollInterrupts();
    assert.ok(pages.has(Math.floor(firstData / 4096)), "the VMM learnt which page was read into");
  });

  await t.step("OUT writes sectors from split buffers into the image file", async () => {
    const data = pattern(1024, 99);
    const used = await request(
      device,
      driver,
      [header(VIRTIO_BLK_T_OUT, 10), data.subarray(0, 300), data.subarray(300)],
      [1],
    );
    assert.equal(answer(used).status, VIRTIO_BLK_S_OK);
    expected.set(data, 10 * 512);
    assert.deepEqual(await Deno.readFile(path), expected);
    const back = await request(device, driver, [header(VIRTIO_BLK_T_IN, 10)], [1024, 1]);
    assert.deepEqual(answer(back).data, data);
  });

  await t.step("a header and data sharing one descriptor are split at byte 16", async () => {
    const data = pattern(512, 5);
    const joined = new Uint8Array(16 + 512);
    joined.set(header(VIRTIO_BLK_T_OUT, 127));
    joined.set(data, 16);
    assert.equal(answer(await request(device, driver, [joined], [1])).status, VIRTIO_BLK_S_OK);
    expected.set(data, 127 * 512);
    assert.deepEqual(await Deno.readFile(path), expected);
  });

  await t.step("FLUSH succeeds and GET_ID answers the serial NUL-padded to 20 bytes", async () => {
    const flush = await request(device, driver, [header(VIRTIO_BLK_T_FLUSH, 0)], [1]);
    assert.deepEqual([flush.len, answer(flush).status], [1, VIRTIO_BLK_S_OK]);
    const id = await request(device, driver, [header(VIRTIO_BLK_T_GET_ID, 0)], [20, 1]);
    const { status, data } = answer(id);
    assert.equal(status, VIRTIO_BLK_S_OK);
    const serial = new TextEncoder().encode("DENO-VMM-0001");
    assert.deepEqual(data, Uint8Array.from({ length: 20 }, (_, i) => serial[i] ?? 0));
  });

  await t.step(
    "requests past the end, unaligned in size or with a 64-bit sector fail",
    async () => {
      const cases: [Uint8Array[], number[]][] = [
        [[header(VIRTIO_BLK_T_IN, 127)], [1024, 1]], // one sector past the end
        [[header(VIRTIO_BLK_T_IN, 128)], [512, 1]], // starts at the end
        [[header(VIRTIO_BLK_T_IN, 1n << 40n)], [512, 1]],
        [[header(VIRTIO_BLK_T_IN, 0xffff_ffff_ffff_ffffn)], [512, 1]],
        [[header(VIRTIO_BLK_T_IN, 0)], [100, 1]], // not whole sectors
        [[header(VIRTIO_BLK_T_OUT, 128), pattern(512, 1)], [1]],
        [[header(VIRTIO_BLK_T_OUT, 0), pattern(511, 1)], [1]],
      ];
      for (const [readable, writable] of cases) {
        const used = await request(device, driver, readable, writable);
        assert.equal(answer(used).status, VIRTIO_BLK_S_IOERR, `sector ${readable[0].at(8)}`);
      }
      assert.deepEqual(await Deno.readFile(path), expected, "no failed write reached the file");
    },
  );

  await t.step("unknown request types are answered UNSUPP", async () => {
    for (const type of [VIRTIO_BLK_T_SCSI_CMD, 11, 13, 0x20, 0x7fff_fff0]) {
      const used = await request(device, driver, [header(type, 0)], [512, 1]);
      assert.equal(answer(used).status, VIRTIO_BLK_S_UNSUPP, `type ${type}`);
    }
  });

  await t.step("malformed chains get IOERR or nothing, and the device goes on", async () => {
    const short = await request(device, driver, [header(VIRTIO_BLK_T_IN, 0).subarray(0, 8)], [
      512,
      1,
    ]);
    assert.equal(answer(short).status, VIRTIO_BLK_S_IOERR, "header shorter than 16 bytes");
    const statusOnly = driver.addBuffer([], [1]);
    const noStatus = driver.addBuffer([header(VIRTIO_BLK_T_OUT, 0), pattern(512, 3)], []);
    const used = await exchange(device, driver, 0, 2);
    assert.deepEqual(used.map((u) => [u.id, u.len]), [[statusOnly, 1], [noStatus, 0]]);
    assert.equal(answer(used[0]).status, VIRTIO_BLK_S_IOERR, "no header at all");
    assert.deepEqual(await Deno.readFile(path), expected, "a request with no status is not run");
    const ok = await request(device, driver, [header(VIRTIO_BLK_T_IN, 0)], [512, 1]);
    assert.deepEqual(answer(ok).data, expected.subarray(0, 512));
    assert.deepEqual(ctx.failures, []);
  });

  await t.step("a batch completes in order and its writes land in order", async () => {
    const heads: number[] = [];
    for (let i = 0; i < 40; i++) {
      heads.push(driver.addBuffer([header(VIRTIO_BLK_T_OUT, 20), pattern(512, i)], [1]));
    }
    heads.push(driver.addBuffer([header(VIRTIO_BLK_T_IN, 20)], [512, 1]));
    const used = await exchange(device, driver, 0, heads.length);
    assert.deepEqual(used.map((u) => u.id), heads);
    assert.ok(used.every((u) => answer(u).status === VIRTIO_BLK_S_OK));
    assert.deepEqual(answer(used[40]).data, pattern(512, 39), "the read saw the last write");
    expected.set(pattern(512, 39), 20 * 512);
    assert.deepEqual(await Deno.readFile(path), expected);
    device.pollInterrupts();
    assert.ok(ctx.interrupts.length > 0 && ctx.interrupts.every((q) => q === 0));
  });

  await t.step("a buffer outside RAM stops the device; a reset brings it back", async () => {
    const head = driver.addBuffer([header(VIRTIO_BLK_T_IN, 0)], [512, 1]);
    const data = driver.readDescriptor(head).next;
    driver.writeDescriptor(data, { addrLow: ram.size - 256 });
    if (driver.kick()) device.notify(0);
    await until(() => ctx.failures.length > 0, DEVICE_WAIT_MS, "the device to fail");
    assert.match(ctx.failures[0], /virtqueue protocol/);
    device.reset();
    driver.reset();
    ctx = activate(device, [driver]);
    const used = await request(device, driver, [header(VIRTIO_BLK_T_IN, 10)], [512, 1]);
    assert.deepEqual(answer(used).data, expected.subarray(10 * 512, 11 * 512));
    assert.ok(reports.some((line) => /out-of-ram|past RAM/.test(line)), reports.join("\n"));
  });

  await Deno.remove(path);
});

Deno.test("virtio-blk-pci on a read-only image refuses writes and reads a partial last sector", async () => {
  const original = pattern(64 * 512 + 100);
  const path = await image(original);
  const { ram, drivers: [driver] } = testRig(1, 256);
  await using device = await startPluginDevice(
    plugin,
    { drive: "disk0" },
    options(ram, path, true),
  );
  const ctx = activate(device, [driver]);
  assert.equal(device.readConfig(BLK_CONFIG.capacity, 4), 65, "a partial sector counts");

  const write = await request(device, driver, [header(VIRTIO_BLK_T_OUT, 1), pattern(512, 9)], [1]);
  assert.equal(answer(write).status, VIRTIO_BLK_S_IOERR);
  const flush = await request(device, driver, [header(VIRTIO_BLK_T_FLUSH, 0)], [1]);
  assert.equal(answer(flush).status, VIRTIO_BLK_S_OK);
  const read = await request(device, driver, [header(VIRTIO_BLK_T_IN, 63)], [1024, 1]);
  const { status, data } = answer(read);
  assert.equal(status, VIRTIO_BLK_S_OK);
  assert.deepEqual(data.subarray(0, 612), original.subarray(63 * 512));
  assert.ok(data.subarray(612).every((b) => b === 0), "past the end of the file reads zeros");
  assert.deepEqual(await Deno.readFile(path), original);
  assert.deepEqual(ctx.failures, []);
  await Deno.remove(path);
});

Deno.test("virtio-blk-pci with 4 KiB blocks and two queues serves both queues", async () => {
  const original = pattern(16 * 4096);
  const path = await image(original);
  const { ram, drivers } = testRig(2, 16);
  await using device = await startPluginDevice(plugin, {
    drive: "disk0",
    logical_block_size: 4096n,
    physical_block_size: 16384n,
    "num-queues": 2,
    "queue-size": 16,
  }, options(ram, path));
  assert.equal(device.features, BASE_FEATURES | MQ);
  assert.deepEqual(device.queueSizes, [16, 16]);
  assert.equal(device.readConfig(BLK_CONFIG.capacity, 4), 128);
  assert.equal(device.readConfig(BLK_CONFIG.segMax, 4), 14);
  assert.equal(device.readConfig(BLK_CONFIG.blkSize, 4), 4096);
  assert.equal(device.readConfig(BLK_CONFIG.physicalBlockExp, 1), 2);
  assert.equal(device.readConfig(BLK_CONFIG.numQueues, 2), 2);
  const ctx = activate(device, drivers);

  const data = pattern(4096, 42);
  const out = await request(device, drivers[1], [header(VIRTIO_BLK_T_OUT, 16), data], [1], 1);
  assert.equal(answer(out).status, VIRTIO_BLK_S_OK);
  const back = await request(device, drivers[0], [header(VIRTIO_BLK_T_IN, 16)], [4096, 1], 0);
  assert.deepEqual(answer(back).data, data);
  for (const [sector, bytes] of [[1, 4096], [8, 512], [120, 8192]]) {
    const used = await request(
      device,
      drivers[1],
      [header(VIRTIO_BLK_T_IN, sector)],
      [bytes, 1],
      1,
    );
    assert.equal(answer(used).status, VIRTIO_BLK_S_IOERR, `sector ${sector}, ${bytes} bytes`);
  }
  device.pollInterrupts();
  assert.ok(ctx.interrupts.includes(0) && ctx.interrupts.includes(1));
  await Deno.remove(path);
});

import assert from "node:assert/strict";
import type { AccessSize } from "../bus/access.ts";
import { PCI_CAP_ID_VNDR } from "../pci/config_regs.ts";
import { FakeDevice, type RigOptions, virtioRig } from "./_test_rig.ts";
import { VIRTIO_PCI_LEGACY as R } from "./legacy_registers.ts";
import { VIRTIO_PCI_COMMON as C } from "./modern_registers.ts";
import { VIRTIO_PCI_CAP } from "./virtio_constants.ts";

const ACK_DRIVER = 0x03;
const FEATURES_OK = 0x08;
const DRIVER_OK = 0x04;
const VERSION_1_HI = 1; // bit 32 in the high window

/** A modern driver's view: regions found by walking the vendor capabilities, as Linux does. */
function modernRig(options: RigOptions = {}) {
  const rig = virtioRig({ vectors: 2, ...options });
  const caps = new Map<number, { cap: number; bar: number; offset: number; length: number }>();
  for (const { offset: cap, id, type } of rig.capabilities()) {
    if (id !== PCI_CAP_ID_VNDR) continue;
    caps.set(type, {
      cap,
      bar: rig.cfgRead(cap + 4, 1),
      offset: rig.cfgRead(cap + 8, 4),
      length: rig.cfgRead(cap + 12, 4),
    });
  }
  const region = (type: number) => {
    const c = caps.get(type)!;
    const bar = rig.mem(c.bar);
    return {
      read: (o: number, size: AccessSize) => bar.read(c.offset + o, size),
      write: (o: number, size: AccessSize, v: number) => bar.write(c.offset + o, size, v),
    };
  };
  const common = region(VIRTIO_PCI_CAP.COMMON_CFG);
  const notifyCap = caps.get(VIRTIO_PCI_CAP.NOTIFY_CFG)!;
  const multiplier = rig.cfgRead(notifyCap.cap + 16, 4);
  const notifyRegion = region(VIRTIO_PCI_CAP.NOTIFY_CFG);
  const notify = (queue: number) => {
    common.write(C.queue_select, 2, queue);
    const off = common.read(C.queue_notify_off, 2);
    notifyRegion.write(off * multiplier, 2, queue);
  };
  const setFeatures = (lo: number, hi: number) => {
    common.write(C.driver_feature_select, 4, 0);
    common.write(C.driver_feature, 4, lo);
    common.write(C.driver_feature_select, 4, 1);
    common.write(C.driver_feature, 4, hi);
  };
  const status = () => common.read(C.device_status, 1);
  return {
    ...rig,
    caps,
    common,
    isr: region(VIRTIO_PCI_CAP.ISR_CFG),
    deviceCfg: region(VIRTIO_PCI_CAP.DEVICE_CFG),
    notify,
    multiplier,
    setFeatures,
    status,
  };
}

/** Programs queue `q` with 64-bit addresses and enables it. */
function setupQueue(common: ReturnType<typeof modernRig>["common"], q: number, base: number) {
  common.write(C.queue_select, 2, q);
  common.write(C.queue_desc_lo, 4, base);
  common.write(C.queue_desc_hi, 4, 0);
  common.write(C.queue_driver_lo, 4, base + 0x1000);
  common.write(C.queue_driver_hi, 4, 0);
  common.write(C.queue_device_lo, 4, base + 0x2000);
  common.write(C.queue_device_hi, 4, 0);
  common.write(C.queue_enable, 2, 1);
}

Deno.test("the vendor capabilities locate common, ISR, device and notify regions in BAR4", () => {
  const { caps, cfgRead, multiplier } = modernRig({ device: new FakeDevice({ configSize: 12 }) });
  const summary = [...caps].map(([type, c]) => [type, c.bar, c.offset, c.length]);
  assert.deepEqual(summary, [
    [VIRTIO_PCI_CAP.COMMON_CFG, 4, 0x0000, 0x38],
    [VIRTIO_PCI_CAP.ISR_CFG, 4, 0x1000, 1],
    [VIRTIO_PCI_CAP.DEVICE_CFG, 4, 0x2000, 12],
    [VIRTIO_PCI_CAP.NOTIFY_CFG, 4, 0x3000, 4],
    [VIRTIO_PCI_CAP.PCI_CFG, 0, 0, 0],
  ]);
  assert.equal(multiplier, 4);
  assert.equal(cfgRead(caps.get(VIRTIO_PCI_CAP.COMMON_CFG)!.cap + 2, 1), 16, "cap_len");
  assert.equal(cfgRead(caps.get(VIRTIO_PCI_CAP.NOTIFY_CFG)!.cap + 2, 1), 20, "cap_len");
});

Deno.test("BAR4 is a 16 KiB memory BAR", () => {
  const { cfgRead, cfgWrite } = modernRig({ firmware: false });
  cfgWrite(0x20, 4, 0xffffffff);
  assert.equal(cfgRead(0x20, 4), 0xffffc000);
});

Deno.test("device_feature pages 64 bits by device_feature_select and offers VERSION_1 without legacy-only bits", () => {
  const device = new FakeDevice({ features: 0x246n | (1n << 35n) });
  const { common } = modernRig({ device });
  assert.equal(common.read(C.device_feature, 4), 0x1000_0246, "INDIRECT_DESC, no bits 24 or 30");
  common.write(C.device_feature_select, 4, 1);
  assert.equal(common.read(C.device_feature_select, 4), 1);
  assert.equal(common.read(C.device_feature, 4), 0x9, "VERSION_1 and bit 35");
  common.write(C.device_feature_select, 4, 2);
  assert.equal(common.read(C.device_feature, 4), 0);
});

Deno.test("driver_feature reads back per window and freezes once FEATURES_OK is set", () => {
  const device = new FakeDevice({ features: 0x246n });
  const { common, setFeatures } = modernRig({ device });
  setFeatures(0x246, VERSION_1_HI);
  common.write(C.driver_feature_select, 4, 0);
  assert.equal(common.read(C.driver_feature, 4), 0x246);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK);
  common.write(C.driver_feature, 4, 0);
  assert.equal(common.read(C.driver_feature, 4), 0x246);
  common.write(C.driver_feature_select, 4, 1);
  assert.equal(common.read(C.driver_feature, 4), VERSION_1_HI);
});

Deno.test("FEATURES_OK sticks only for offered features that include VERSION_1", () => {
  const cases: [lo: number, hi: number, ok: boolean][] = [
    [0x6, 0, false], // a legacy feature set through the modern window
    [0x6 | 0x100, VERSION_1_HI, false], // bit 8 was not offered
    [0x6 | (1 << 24), VERSION_1_HI, false], // NOTIFY_ON_EMPTY is legacy-only
    [0x6 | (1 << 28), VERSION_1_HI, true],
  ];
  for (const [lo, hi, ok] of cases) {
    const { common, setFeatures, status } = modernRig({
      device: new FakeDevice({ features: 0x6n }),
    });
    common.write(C.device_status, 1, ACK_DRIVER);
    setFeatures(lo, hi);
    common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK);
    assert.equal(status(), ok ? ACK_DRIVER | FEATURES_OK : ACK_DRIVER, `features ${hi}:${lo}`);
  }
});

Deno.test("num_queues and queue_size describe the device's queues, size 0 for one it lacks", () => {
  const { common } = modernRig({ device: new FakeDevice({ queueSizes: [256, 64] }) });
  assert.equal(common.read(C.num_queues, 2), 2);
  assert.equal(common.read(C.queue_size, 2), 256);
  common.write(C.queue_select, 2, 1);
  assert.equal(common.read(C.queue_size, 2), 64);
  common.write(C.queue_select, 2, 2);
  assert.equal(common.read(C.queue_size, 2), 0);
  assert.equal(common.read(C.queue_enable, 2), 0);
});

Deno.test("queue_size accepts only smaller powers of two, and only before the queue is enabled", () => {
  const { common } = modernRig({ device: new FakeDevice({ queueSizes: [256] }) });
  for (const [write, read] of [[100, 256], [512, 256], [0, 256], [64, 64], [1, 1], [128, 128]]) {
    common.write(C.queue_size, 2, write);
    assert.equal(common.read(C.queue_size, 2), read, `after writing ${write}`);
  }
  setupQueue(common, 0, 0x10000);
  common.write(C.queue_size, 2, 16);
  assert.equal(common.read(C.queue_size, 2), 128);
});

Deno.test("queue_enable hands the 64-bit ring addresses and size to the device at DRIVER_OK", () => {
  const device = new FakeDevice({ queueSizes: [256, 256, 256], features: 0n });
  const { common, setFeatures } = modernRig({ device });
  common.write(C.device_status, 1, ACK_DRIVER);
  setFeatures(0, VERSION_1_HI);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK);
  common.write(C.queue_select, 2, 2);
  common.write(C.queue_size, 2, 32);
  common.write(C.queue_desc_lo, 4, 0x1230);
  common.write(C.queue_desc_hi, 4, 0x1);
  common.write(C.queue_driver_lo, 4, 0x2000);
  common.write(C.queue_device_lo, 4, 0x3004);
  assert.equal(common.read(C.queue_desc_hi, 4), 1);
  common.write(C.queue_enable, 2, 1);
  assert.equal(common.read(C.queue_enable, 2), 1);
  common.write(C.queue_desc_lo, 4, 0); // ignored once enabled
  common.write(C.queue_select, 2, 1);
  common.write(C.queue_desc_lo, 4, 0x9000); // configured but never enabled
  assert.equal(device.activations.length, 0);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK | DRIVER_OK);
  assert.equal(device.ctx.features, 1n << 32n);
  assert.deepEqual(device.ctx.queues, [
    { index: 2, size: 32, desc: 0x1_0000_1230, avail: 0x2000, used: 0x3004, legacy: false },
  ]);
});

Deno.test("queue_enable ignores 0 and a queue the device lacks", () => {
  const { common } = modernRig({ device: new FakeDevice({ queueSizes: [16] }) });
  common.write(C.queue_enable, 2, 0);
  assert.equal(common.read(C.queue_enable, 2), 0);
  common.write(C.queue_select, 2, 3);
  common.write(C.queue_enable, 2, 1);
  assert.equal(common.read(C.queue_enable, 2), 0);
});

Deno.test("a write at queue_notify_off * notify_off_multiplier notifies that queue", () => {
  const device = new FakeDevice({ queueSizes: [16, 16, 16] });
  const { common, notify, setFeatures, mem, caps } = modernRig({ device });
  setFeatures(0, VERSION_1_HI);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK);
  for (let q = 0; q < 3; q++) setupQueue(common, q, 0x10000 * (q + 1));
  common.write(C.queue_select, 2, 2);
  assert.equal(common.read(C.queue_notify_off, 2), 2);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK | DRIVER_OK);
  notify(2);
  notify(0);
  const base = caps.get(VIRTIO_PCI_CAP.NOTIFY_CFG)!.offset;
  mem(4).write(base + 6, 2, 1); // not a queue's notification address
  mem(4).write(base + 4 * 7, 2, 7); // no such queue
  assert.deepEqual(device.notifies, [2, 0]);
});

Deno.test("a modern driver's notification before DRIVER_OK is dropped", () => {
  const device = new FakeDevice({ queueSizes: [16] });
  const { common, notify, setFeatures } = modernRig({ device });
  setFeatures(0, VERSION_1_HI);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK);
  setupQueue(common, 0, 0x10000);
  notify(0);
  assert.deepEqual(device.notifies, []);
  assert.equal(device.activations.length, 0);
});

Deno.test("reading the ISR region returns and clears ISR and lowers INTx", () => {
  const device = new FakeDevice({ queueSizes: [16] });
  const { common, isr, setFeatures, intxLevel } = modernRig({ device, vectors: 0 });
  setFeatures(0, VERSION_1_HI);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK);
  setupQueue(common, 0, 0x10000);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK | DRIVER_OK);
  device.ctx.interruptQueue(0);
  assert.equal(intxLevel(), true);
  assert.equal(isr.read(0, 1), 1);
  assert.equal(intxLevel(), false);
  assert.equal(isr.read(0, 1), 0);
});

Deno.test("config_generation changes when the device reports a configuration change", () => {
  const device = new FakeDevice({ queueSizes: [16] });
  const { common, setFeatures } = modernRig({ device });
  setFeatures(0, VERSION_1_HI);
  common.write(C.device_status, 1, ACK_DRIVER | FEATURES_OK | DRIVER_OK);
  const before = common.read(C.config_generation, 1);
  device.ctx.interruptConfig();
  assert.notEqual(common.read(C.config_generation, 1), before);
});

Deno.test("the device region passes config through at each width and reads all-ones past its end", () => {
  const device = new FakeDevice({ configSize: 8 });
  const { deviceCfg } = modernRig({ device });
  assert.equal(deviceCfg.read(0, 1), 0xa0);
  assert.equal(deviceCfg.read(2, 2), 0xa3a2);
  assert.equal(deviceCfg.read(4, 4), 0xa7a6a5a4);
  assert.equal(deviceCfg.read(6, 4), 0xffffffff);
  deviceCfg.write(1, 1, 0x11);
  deviceCfg.write(8, 4, 0x22);
  assert.deepEqual(device.configWrites, [[1, 1, 0x11]]);
});

Deno.test("msix_config and queue_msix_vector refuse vectors the MSI-X table lacks", () => {
  const { common } = modernRig({ vectors: 2 });
  common.write(C.msix_config, 2, 1);
  assert.equal(common.read(C.msix_config, 2), 1);
  common.write(C.msix_config, 2, 2);
  assert.equal(common.read(C.msix_config, 2), 0xffff);
  common.write(C.queue_msix_vector, 2, 0);
  assert.equal(common.read(C.queue_msix_vector, 2), 0);
  common.write(C.queue_msix_vector, 2, 7);
  assert.equal(common.read(C.queue_msix_vector, 2), 0xffff);
});

Deno.test("writing 0 to device_status resets queue sizes, enables and addresses", () => {
  const device = new FakeDevice({ queueSizes: [64] });
  const { common } = modernRig({ device });
  common.write(C.queue_size, 2, 16);
  setupQueue(common, 0, 0x10000);
  common.write(C.device_status, 1, 0);
  assert.equal(device.resets, 1);
  assert.equal(common.read(C.queue_size, 2), 64);
  assert.equal(common.read(C.queue_enable, 2), 0);
  assert.equal(common.read(C.queue_desc_lo, 4), 0);
});

Deno.test("common configuration offsets that start no field read 0 and ignore writes", () => {
  const { common, mem } = modernRig({ device: new FakeDevice({ queueSizes: [64] }) });
  assert.equal(common.read(C.queue_size + 1, 1), 0);
  assert.equal(common.read(0x38, 4), 0, "past the structure");
  common.write(C.queue_size + 1, 1, 0);
  assert.equal(common.read(C.queue_size, 2), 64);
  assert.equal(mem(4).read(0x1001, 1), 0, "ISR is one byte");
});

Deno.test("the legacy and modern interfaces of a transitional function share one state", () => {
  const device = new FakeDevice({ queueSizes: [64, 32] });
  const { common, legacy } = modernRig({ device });
  common.write(C.device_status, 1, ACK_DRIVER);
  assert.equal(legacy.read(R.STATUS, 1), ACK_DRIVER);
  legacy.write(R.QUEUE_SEL, 2, 1);
  assert.equal(common.read(C.queue_select, 2), 1);
  legacy.write(R.QUEUE_PFN, 4, 0x20);
  assert.equal(common.read(C.queue_desc_lo, 4), 0x20000);
  assert.equal(common.read(C.queue_enable, 2), 1);
});

Deno.test("the PCI configuration access capability reads and writes BAR4 through config space", () => {
  const device = new FakeDevice({ configSize: 8 });
  const { caps, cfgRead, cfgWrite, status } = modernRig({ device });
  const cap = caps.get(VIRTIO_PCI_CAP.PCI_CFG)!.cap;
  const through = (offset: number, length: number) => {
    cfgWrite(cap + 4, 1, 4);
    cfgWrite(cap + 8, 4, offset);
    cfgWrite(cap + 12, 4, length);
  };
  through(C.device_status, 1);
  cfgWrite(cap + 16, 1, ACK_DRIVER);
  assert.equal(status(), ACK_DRIVER);
  through(0x2004, 4);
  assert.equal(cfgRead(cap + 16, 4), 0xa7a6a5a4);
  through(0x2000, 2);
  assert.equal(cfgRead(cap + 16, 2), 0xa1a0);
  through(0x2000, 3); // not a valid length: nothing happens
  cfgWrite(cap + 16, 4, 0x55);
  assert.deepEqual(device.configWrites, []);
  through(0x4000, 4); // past the BAR
  assert.equal(cfgRead(cap + 16, 4), 0x55);
  cfgWrite(cap + 4, 1, 0); // the legacy BAR0: STATUS at 18
  cfgWrite(cap + 8, 4, R.STATUS);
  cfgWrite(cap + 12, 4, 1);
  assert.equal(cfgRead(cap + 16, 1), ACK_DRIVER);
  cfgWrite(cap + 4, 1, 2); // a BAR the function does not have
  assert.equal(cfgRead(cap + 16, 1), ACK_DRIVER, "nothing is read");
});

import assert from "node:assert/strict";
import { createGuestRam, type GuestRam } from "../../plugins/virtqueue/guest_ram.ts";
import { MockDriver } from "../../plugins/virtqueue/mock_driver.ts";
import { Virtqueue } from "../../plugins/virtqueue/virtqueue.ts";
import { PCI_CAP_ID_MSIX, PCI_CAP_ID_VNDR } from "../pci/config_regs.ts";
import { virtioRig } from "./_test_rig.ts";
import { VIRTIO_PCI_LEGACY as R } from "./legacy_registers.ts";
import { VIRTIO_PCI_COMMON as C } from "./modern_registers.ts";
import { VIRTIO_PCI_CAP } from "./virtio_constants.ts";
import type { VirtioActivation, VirtioDevice } from "./virtio_device.ts";

/**
 * A two-queue device that answers each buffer on its queue with the readable bytes reversed,
 * reading and writing rings in guest RAM through the layouts the transport handed over.
 */
class ReverseDevice implements VirtioDevice {
  readonly deviceId = 3; // console: two queues, like receiveq/transmitq
  readonly features = 1n << 0n;
  readonly queueSizes = [16, 16];
  readonly configSize = 4;
  readonly #ram: GuestRam;
  #ctx: VirtioActivation | undefined;
  #queues = new Map<number, Virtqueue>();
  resets = 0;

  constructor(ram: GuestRam) {
    this.#ram = ram;
  }

  get activation(): VirtioActivation | undefined {
    return this.#ctx;
  }

  readConfig(offset: number): number {
    return [80, 0, 25, 0][offset]; // cols, rows
  }

  writeConfig(): void {}

  activate(ctx: VirtioActivation): void {
    this.#ctx = ctx;
    for (const q of ctx.queues) {
      const vq = new Virtqueue(this.#ram, q.size);
      vq.setLayout(q);
      this.#queues.set(q.index, vq);
    }
  }

  notify(index: number): void {
    const vq = this.#queues.get(index);
    if (!vq || !this.#ctx) return;
    for (let chain = vq.pop(); chain; chain = vq.pop()) {
      const input = new Uint8Array(chain.readableLength());
      chain.copyFromReadable(input);
      vq.addUsed(chain.head, chain.copyToWritable(input.reverse()));
    }
    if (vq.needsNotification()) this.#ctx.interruptQueue(index);
  }

  reset(): void {
    this.resets++;
    this.#ctx = undefined;
    this.#queues.clear();
  }
}

Deno.test("a Linux 2.6.3x legacy driver brings the device up over INTx, kicking before DRIVER_OK", () => {
  const ram = createGuestRam(0x40000);
  const device = new ReverseDevice(ram);
  const { legacy, cfgRead, cfgWrite, intxLevel } = virtioRig({
    device,
    classCode: 0x0780,
  });
  // pci_enable_device + pci_set_master.
  cfgWrite(0x04, 2, cfgRead(0x04, 2) | 0x7);
  // register_virtio_device: reset, ACKNOWLEDGE.
  legacy.write(R.STATUS, 1, 0);
  legacy.write(R.STATUS, 1, legacy.read(R.STATUS, 1) | 1);
  // virtio_dev_probe: DRIVER, features, finalize_features.
  legacy.write(R.STATUS, 1, legacy.read(R.STATUS, 1) | 2);
  const host = legacy.read(R.HOST_FEATURES, 4);
  assert.equal(host, 0x5100_0001);
  legacy.write(R.GUEST_FEATURES, 4, host & (1 | (1 << 28)));
  // vp_find_vqs without MSI-X: INTx handler, then setup_vq per queue.
  const drivers: MockDriver[] = [];
  for (let index = 0; index < 3; index++) {
    legacy.write(R.QUEUE_SEL, 2, index);
    const num = legacy.read(R.QUEUE_NUM, 2);
    if (num === 0 || legacy.read(R.QUEUE_PFN, 4) !== 0) {
      assert.equal(index, 2, "only the third queue is absent");
      continue;
    }
    const driver = new MockDriver(ram, { size: num, legacy: true, base: 0x4000 + index * 0x8000 });
    legacy.write(R.QUEUE_PFN, 4, driver.legacyPfn!);
    drivers.push(driver);
  }
  // The driver's probe sends a buffer before virtio_dev_probe sets DRIVER_OK.
  drivers[1].addBuffer([new Uint8Array([1, 2, 3])], [3]);
  if (drivers[1].kick()) legacy.write(R.QUEUE_NOTIFY, 2, 1);
  assert.equal(intxLevel(), true);
  // vp_interrupt: read ISR (acknowledges), then run the rings.
  assert.equal(legacy.read(R.ISR, 1), 1);
  assert.equal(intxLevel(), false);
  assert.deepEqual(drivers[1].getUsed().map((u) => [...u.written]), [[3, 2, 1]]);
  legacy.write(R.STATUS, 1, legacy.read(R.STATUS, 1) | 4);
  assert.equal(legacy.read(R.STATUS, 1), 7);
  assert.equal(device.activation?.features, 1n | (1n << 28n));
  assert.equal(legacy.read(20, 1), 80, "cols from device config at offset 20");
  // Driver removal: reset, then the rings are freed.
  legacy.write(R.STATUS, 1, 0);
  assert.equal(device.resets, 2);
});

Deno.test("a Linux 2.6.3x legacy driver with MSI-X gets one vector for config and one per queue", () => {
  const ram = createGuestRam(0x40000);
  const device = new ReverseDevice(ram);
  const { legacy, cfgRead, cfgWrite, capabilities, mem, msis, intx } = virtioRig({
    device,
    classCode: 0x0780,
    vectors: 3,
  });
  legacy.write(R.STATUS, 1, 0);
  legacy.write(R.STATUS, 1, 1);
  legacy.write(R.STATUS, 1, 3);
  legacy.write(R.GUEST_FEATURES, 4, legacy.read(R.HOST_FEATURES, 4) & 1);
  // pci_enable_msix: enable with the function masked, program and unmask entries, unmask function.
  const cap = capabilities().find((c) => c.id === PCI_CAP_ID_MSIX)!.offset;
  assert.equal((cfgRead(cap + 2, 2) & 0x7ff) + 1, 3);
  cfgWrite(cap + 2, 2, 0xc000);
  const table = mem(cfgRead(cap + 4, 4) & 7);
  for (let v = 0; v < 3; v++) {
    table.write(16 * v, 4, 0xfee0_0000);
    table.write(16 * v + 4, 4, 0);
    table.write(16 * v + 8, 4, 0x30 + v);
    table.write(16 * v + 12, 4, 0);
  }
  cfgWrite(cap + 2, 2, 0x8000);
  // vp_request_vectors: the config vector, read back to catch a refusal.
  legacy.write(R.MSI_CONFIG_VECTOR, 2, 0);
  assert.equal(legacy.read(R.MSI_CONFIG_VECTOR, 2), 0);
  const drivers: MockDriver[] = [];
  for (let index = 0; index < 2; index++) {
    legacy.write(R.QUEUE_SEL, 2, index);
    const driver = new MockDriver(ram, {
      size: legacy.read(R.QUEUE_NUM, 2),
      legacy: true,
      base: 0x4000 + index * 0x8000,
    });
    legacy.write(R.QUEUE_PFN, 4, driver.legacyPfn!);
    legacy.write(R.MSI_QUEUE_VECTOR, 2, index + 1);
    assert.equal(legacy.read(R.MSI_QUEUE_VECTOR, 2), index + 1);
    drivers.push(driver);
  }
  legacy.write(R.STATUS, 1, 7);
  assert.equal(legacy.read(24, 1), 80, "device config follows the vector registers");
  drivers[0].addBuffer([new Uint8Array([9, 8])], [2]);
  if (drivers[0].kick()) legacy.write(R.QUEUE_NOTIFY, 2, 0);
  assert.deepEqual(msis, [[0xfee0_0000, 0x31]]);
  assert.deepEqual(drivers[0].getUsed().map((u) => [...u.written]), [[8, 9]]);
  device.activation!.interruptConfig();
  assert.deepEqual(msis.at(-1), [0xfee0_0000, 0x30]);
  assert.deepEqual(intx, [], "INTx is never used with MSI-X on");
});

Deno.test("a Linux modern driver negotiates VERSION_1, sets up queues through BAR4 and takes MSI-X", () => {
  const ram = createGuestRam(0x40000);
  const device = new ReverseDevice(ram);
  const { cfgRead, cfgWrite, capabilities, mem, msis } = virtioRig({
    device,
    classCode: 0x0780,
    vectors: 3,
    disableLegacy: true,
  });
  assert.equal(cfgRead(0x02, 2), 0x1043);
  // virtio_pci_modern_probe: find the capabilities and map their regions.
  const regions = new Map<number, { bar: number; offset: number; cap: number }>();
  for (const { offset: cap, id, type } of capabilities()) {
    if (id === PCI_CAP_ID_VNDR && !regions.has(type)) {
      regions.set(type, { bar: cfgRead(cap + 4, 1), offset: cfgRead(cap + 8, 4), cap });
    }
  }
  const at = (type: number) => {
    const r = regions.get(type)!;
    const bar = mem(r.bar);
    return {
      read: (o: number, s: 1 | 2 | 4) => bar.read(r.offset + o, s),
      write: (o: number, s: 1 | 2 | 4, v: number) => bar.write(r.offset + o, s, v),
    };
  };
  const common = at(VIRTIO_PCI_CAP.COMMON_CFG);
  const notifyBase = at(VIRTIO_PCI_CAP.NOTIFY_CFG);
  const multiplier = cfgRead(regions.get(VIRTIO_PCI_CAP.NOTIFY_CFG)!.cap + 16, 4);
  const deviceCfg = at(VIRTIO_PCI_CAP.DEVICE_CFG);

  // vp_reset: write 0 and wait for it to read back 0; then ACKNOWLEDGE, DRIVER.
  common.write(C.device_status, 1, 0);
  assert.equal(common.read(C.device_status, 1), 0);
  common.write(C.device_status, 1, 1);
  common.write(C.device_status, 1, 3);
  // vp_get_features / vp_finalize_features, then FEATURES_OK and its check.
  common.write(C.device_feature_select, 4, 0);
  const lo = common.read(C.device_feature, 4);
  common.write(C.device_feature_select, 4, 1);
  const hi = common.read(C.device_feature, 4);
  assert.equal(lo, 0x1000_0001);
  assert.equal(hi, 1, "VERSION_1");
  common.write(C.driver_feature_select, 4, 0);
  common.write(C.driver_feature, 4, lo);
  common.write(C.driver_feature_select, 4, 1);
  common.write(C.driver_feature, 4, hi);
  common.write(C.device_status, 1, 0xb);
  assert.equal(common.read(C.device_status, 1) & 0x8, 0x8, "FEATURES_OK accepted");
  // vp_find_vqs_msix: enable MSI-X, program the table, config vector.
  const cap = capabilities().find((c) => c.id === PCI_CAP_ID_MSIX)!.offset;
  cfgWrite(cap + 2, 2, 0x8000);
  const table = mem(1);
  for (let v = 0; v < 3; v++) {
    table.write(16 * v, 4, 0xfee0_1000);
    table.write(16 * v + 8, 4, 0x50 + v);
    table.write(16 * v + 12, 4, 0);
  }
  common.write(C.msix_config, 2, 0);
  assert.equal(common.read(C.msix_config, 2), 0);
  // setup_vq per queue, then enable each.
  assert.equal(common.read(C.num_queues, 2), 2);
  const drivers: MockDriver[] = [];
  for (let index = 0; index < 2; index++) {
    common.write(C.queue_select, 2, index);
    const size = common.read(C.queue_size, 2);
    assert.equal(common.read(C.queue_enable, 2), 0);
    const driver = new MockDriver(ram, { size: size / 2, base: 0x4000 + index * 0x8000 });
    common.write(C.queue_size, 2, driver.size);
    const { desc, avail, used } = driver.layout;
    common.write(C.queue_desc_lo, 4, desc);
    common.write(C.queue_desc_hi, 4, 0);
    common.write(C.queue_driver_lo, 4, avail);
    common.write(C.queue_driver_hi, 4, 0);
    common.write(C.queue_device_lo, 4, used);
    common.write(C.queue_device_hi, 4, 0);
    common.write(C.queue_msix_vector, 2, index + 1);
    assert.equal(common.read(C.queue_msix_vector, 2), index + 1);
    drivers.push(driver);
  }
  for (let index = 0; index < 2; index++) {
    common.write(C.queue_select, 2, index);
    common.write(C.queue_enable, 2, 1);
  }
  common.write(C.device_status, 1, 0xf);
  assert.deepEqual(device.activation!.queues.map((q) => [q.index, q.size, q.legacy]), [
    [0, 8, false],
    [1, 8, false],
  ]);
  assert.equal(deviceCfg.read(2, 1), 25, "rows");

  // Transmit on queue 1: the notification address is notify_off * multiplier.
  drivers[1].addBuffer([new Uint8Array([4, 5, 6, 7])], [4]);
  common.write(C.queue_select, 2, 1);
  const off = common.read(C.queue_notify_off, 2);
  if (drivers[1].kick()) notifyBase.write(off * multiplier, 2, 1);
  assert.deepEqual(msis, [[0xfee0_1000, 0x52]]);
  assert.deepEqual(drivers[1].getUsed().map((u) => [...u.written]), [[7, 6, 5, 4]]);
});

import assert from "node:assert/strict";
import { layoutLegacy } from "../../plugins/virtqueue/ring_layout.ts";
import { FakeDevice, virtioRig } from "./_test_rig.ts";
import { VIRTIO_PCI_LEGACY as R } from "./legacy_registers.ts";

const ACK_DRIVER = 0x03;
const DRIVER_OK = 0x04;

Deno.test("HOST_FEATURES adds NOTIFY_ON_EMPTY, INDIRECT_DESC and BAD_FEATURE to the device's low 32 bits", () => {
  const device = new FakeDevice({ features: 0x0000_0246n | (1n << 33n) });
  const { legacy } = virtioRig({ device });
  assert.equal(legacy.read(R.HOST_FEATURES, 4), 0x5100_0246);
  legacy.write(R.HOST_FEATURES, 4, 0);
  assert.equal(legacy.read(R.HOST_FEATURES, 4), 0x5100_0246, "read-only");
});

Deno.test("GUEST_FEATURES reads back what the driver wrote", () => {
  const { legacy } = virtioRig({ device: new FakeDevice({ features: 0x246n }) });
  assert.equal(legacy.read(R.GUEST_FEATURES, 4), 0);
  legacy.write(R.GUEST_FEATURES, 4, 0x1000_0042);
  assert.equal(legacy.read(R.GUEST_FEATURES, 4), 0x1000_0042);
});

Deno.test("a driver acking BAD_FEATURE gets the device's badFeaturesFallback instead", () => {
  const device = new FakeDevice({ features: 0x3fn, badFeaturesFallback: 0x21n });
  const { legacy } = virtioRig({ device });
  legacy.write(R.GUEST_FEATURES, 4, 0x4000_003f);
  assert.equal(legacy.read(R.GUEST_FEATURES, 4), 0x21);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  assert.equal(device.ctx.features, 0x21n);
});

Deno.test("acking BAD_FEATURE on a device without a fallback leaves no features", () => {
  const device = new FakeDevice({ features: 0x3fn });
  const { legacy } = virtioRig({ device });
  legacy.write(R.GUEST_FEATURES, 4, 0x4000_0001);
  assert.equal(legacy.read(R.GUEST_FEATURES, 4), 0);
});

Deno.test("the device is activated with the acked features it offered, not foreign bits", () => {
  const device = new FakeDevice({ features: 0x3n });
  const { legacy } = virtioRig({ device });
  legacy.write(R.GUEST_FEATURES, 4, 0x1080_0003); // INDIRECT_DESC (offered) and bit 23 (not)
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  assert.equal(device.ctx.features, 0x1000_0003n);
  assert.equal(
    legacy.read(R.GUEST_FEATURES, 4),
    0x1080_0003,
    "the register keeps what was written",
  );
});

Deno.test("QUEUE_NUM reports the selected queue's size and ignores writes", () => {
  const { legacy } = virtioRig({ device: new FakeDevice({ queueSizes: [256, 64] }) });
  assert.equal(legacy.read(R.QUEUE_NUM, 2), 256);
  legacy.write(R.QUEUE_SEL, 2, 1);
  assert.equal(legacy.read(R.QUEUE_SEL, 2), 1);
  assert.equal(legacy.read(R.QUEUE_NUM, 2), 64);
  legacy.write(R.QUEUE_NUM, 2, 16);
  assert.equal(legacy.read(R.QUEUE_NUM, 2), 64);
});

Deno.test("selecting a queue the device lacks reads size 0 and PFN 0, and ignores a PFN for it", () => {
  const device = new FakeDevice({ queueSizes: [256, 64] });
  const { legacy } = virtioRig({ device });
  legacy.write(R.QUEUE_SEL, 2, 2);
  assert.equal(legacy.read(R.QUEUE_SEL, 2), 2);
  assert.equal(legacy.read(R.QUEUE_NUM, 2), 0, "size 0: the queue does not exist");
  legacy.write(R.QUEUE_PFN, 4, 0x123);
  assert.equal(legacy.read(R.QUEUE_PFN, 4), 0);
  assert.equal(device.resets, 0);
  legacy.write(R.QUEUE_SEL, 2, 0xffff); // beyond any queue index: ignored, as QEMU
  assert.equal(legacy.read(R.QUEUE_SEL, 2), 2);
});

Deno.test("QUEUE_PFN reads back and puts the rings at PFN * 4096 in the legacy layout", () => {
  const device = new FakeDevice({ queueSizes: [256, 128] });
  const { legacy } = virtioRig({ device });
  legacy.write(R.QUEUE_PFN, 4, 0x345);
  legacy.write(R.QUEUE_SEL, 2, 1);
  legacy.write(R.QUEUE_PFN, 4, 0x350);
  assert.equal(legacy.read(R.QUEUE_PFN, 4), 0x350);
  legacy.write(R.QUEUE_SEL, 2, 0);
  assert.equal(legacy.read(R.QUEUE_PFN, 4), 0x345);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  assert.deepEqual(device.ctx.queues, [
    { index: 0, size: 256, ...layoutLegacy(0x345, 256), legacy: true },
    { index: 1, size: 128, ...layoutLegacy(0x350, 128), legacy: true },
  ]);
});

Deno.test("writing 0 to QUEUE_PFN resets the device", () => {
  const device = new FakeDevice({ queueSizes: [256, 128], features: 1n });
  const { legacy } = virtioRig({ device });
  legacy.write(R.GUEST_FEATURES, 4, 1);
  legacy.write(R.QUEUE_SEL, 2, 1);
  legacy.write(R.QUEUE_PFN, 4, 0x350);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  legacy.write(R.QUEUE_PFN, 4, 0);
  assert.equal(device.resets, 1);
  assert.equal(legacy.read(R.STATUS, 1), 0);
  assert.equal(legacy.read(R.GUEST_FEATURES, 4), 0);
  assert.equal(legacy.read(R.QUEUE_SEL, 2), 0);
  legacy.write(R.QUEUE_SEL, 2, 1);
  assert.equal(legacy.read(R.QUEUE_PFN, 4), 0, "every queue forgot its rings");
});

Deno.test("writing 0 to STATUS resets the device and a later DRIVER_OK activates it afresh", () => {
  const device = new FakeDevice();
  const { legacy } = virtioRig({ device });
  legacy.write(R.QUEUE_PFN, 4, 0x100);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  legacy.write(R.STATUS, 1, 0);
  assert.equal(device.resets, 1);
  assert.equal(legacy.read(R.QUEUE_PFN, 4), 0);
  legacy.write(R.QUEUE_PFN, 4, 0x200);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  assert.equal(device.activations.length, 2);
  assert.equal(device.ctx.queues[0].desc, 0x200000);
});

Deno.test("setting DRIVER_OK activates the device once, with only the configured queues", () => {
  const device = new FakeDevice({ queueSizes: [16, 16, 16] });
  const { legacy } = virtioRig({ device });
  legacy.write(R.QUEUE_SEL, 2, 2);
  legacy.write(R.QUEUE_PFN, 4, 0x10);
  legacy.write(R.STATUS, 1, ACK_DRIVER);
  assert.equal(device.activations.length, 0, "not before DRIVER_OK");
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  assert.equal(device.activations.length, 1);
  assert.deepEqual(device.ctx.queues.map((q) => q.index), [2]);
  assert.equal(legacy.read(R.STATUS, 1), ACK_DRIVER | DRIVER_OK);
});

Deno.test("QUEUE_NOTIFY hands the queue index to the device; unconfigured queues are ignored", () => {
  const device = new FakeDevice({ queueSizes: [16, 16] });
  const { legacy } = virtioRig({ device });
  legacy.write(R.QUEUE_PFN, 4, 0x10);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  legacy.write(R.QUEUE_NOTIFY, 2, 0);
  legacy.write(R.QUEUE_NOTIFY, 2, 1); // no rings
  legacy.write(R.QUEUE_NOTIFY, 2, 7); // no such queue
  assert.deepEqual(device.notifies, [0]);
  assert.equal(legacy.read(R.QUEUE_NOTIFY, 2), 0xffff, "write-only: reads all-ones");
});

Deno.test("a legacy driver's kick before DRIVER_OK starts the device, as Linux 2.6.3x probes need", () => {
  const device = new FakeDevice({ queueSizes: [16] });
  const { legacy } = virtioRig({ device });
  legacy.write(R.STATUS, 1, ACK_DRIVER);
  legacy.write(R.QUEUE_PFN, 4, 0x10);
  legacy.write(R.QUEUE_NOTIFY, 2, 0);
  assert.equal(device.activations.length, 1);
  assert.deepEqual(device.notifies, [0]);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  assert.equal(device.activations.length, 1, "DRIVER_OK does not activate twice");
});

Deno.test("registers are decoded by the access's starting offset whatever its width", () => {
  const device = new FakeDevice({ queueSizes: [256] });
  const { legacy } = virtioRig({ device });
  legacy.write(R.STATUS, 4, 0xffff_ff01);
  assert.equal(legacy.read(R.STATUS, 1), 0x01, "STATUS keeps the low byte");
  device.activations.length = 0;
  assert.equal(legacy.read(R.STATUS, 4), 0x01, "a dword at 18 is STATUS alone, ISR is not read");
  assert.equal(legacy.read(R.QUEUE_NUM, 4), 256, "a dword at 12 is QUEUE_NUM alone");
  assert.equal(legacy.read(R.HOST_FEATURES, 1), 0x00);
  assert.equal(legacy.read(R.QUEUE_SEL, 1), 0);
  legacy.write(R.QUEUE_SEL, 1, 0);
  legacy.write(R.QUEUE_PFN, 2, 0x1234);
  assert.equal(legacy.read(R.QUEUE_PFN, 4), 0x1234);
});

Deno.test("offsets that start no register read all-ones and ignore writes", () => {
  const device = new FakeDevice({ queueSizes: [256] });
  const { legacy } = virtioRig({ device });
  for (const offset of [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 15, 17]) {
    assert.equal(legacy.read(offset, 1), 0xff, `byte at ${offset}`);
    assert.equal(legacy.read(offset, 2), 0xffff, `word at ${offset}`);
    legacy.write(offset, 1, 0);
  }
  assert.equal(legacy.read(R.QUEUE_PFN, 4), 0);
  assert.equal(legacy.read(R.HOST_FEATURES, 4), 0x5100_0000);
  assert.equal(legacy.read(R.QUEUE_NUM, 2), 256);
  assert.equal(device.resets, 0);
});

Deno.test("device config passes through at byte, word and dword width from offset 20", () => {
  const device = new FakeDevice({ configSize: 8 });
  const { legacy } = virtioRig({ device });
  assert.equal(legacy.read(20, 1), 0xa0);
  assert.equal(legacy.read(21, 2), 0xa2a1);
  assert.equal(legacy.read(24, 4), 0xa7a6a5a4);
  legacy.write(22, 2, 0xbeef);
  legacy.write(20, 4, 0x12345678);
  legacy.write(27, 1, 0x5a);
  assert.deepEqual(device.configReads, [[0, 1], [1, 2], [4, 4]]);
  assert.deepEqual(device.configWrites, [[2, 2, 0xbeef], [0, 4, 0x12345678], [7, 1, 0x5a]]);
});

Deno.test("device config accesses past its end read all-ones and never reach the device", () => {
  const device = new FakeDevice({ configSize: 6 });
  const { legacy } = virtioRig({ device });
  assert.equal(legacy.read(24, 4), 0xffffffff, "bytes 4-7 of a 6-byte config");
  assert.equal(legacy.read(26, 1), 0xff);
  assert.equal(legacy.read(31, 1), 0xff, "end of the 32-byte BAR");
  legacy.write(24, 4, 0);
  assert.deepEqual(device.configReads, []);
  assert.deepEqual(device.configWrites, []);
});

Deno.test("clearing bus mastering clears only DRIVER_OK and holds back notifications", () => {
  const device = new FakeDevice();
  const { legacy, cfgRead, cfgWrite } = virtioRig({ device });
  legacy.write(R.QUEUE_PFN, 4, 0x10);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  const command = cfgRead(0x04, 2);
  assert.equal(command & 0x4, 0x4);
  cfgWrite(0x04, 2, command & ~0x4);
  assert.equal(legacy.read(R.STATUS, 1), ACK_DRIVER, "ACKNOWLEDGE and DRIVER stay");
  assert.equal(device.resets, 0);
  assert.equal(legacy.read(R.QUEUE_PFN, 4), 0x10, "queues are kept");
  legacy.write(R.QUEUE_NOTIFY, 2, 0);
  assert.deepEqual(device.notifies, [], "a device without mastering cannot read its rings");
  cfgWrite(0x04, 2, command);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  legacy.write(R.QUEUE_NOTIFY, 2, 0);
  assert.deepEqual(device.notifies, [0]);
  assert.equal(device.activations.length, 1, "the device resumes without a second activation");
});

Deno.test("a PCI reset (RST#) resets the virtio device and unmaps BAR0", () => {
  const device = new FakeDevice();
  const { legacy, bus, fn, io } = virtioRig({ device });
  legacy.write(R.QUEUE_PFN, 4, 0x10);
  legacy.write(R.STATUS, 1, ACK_DRIVER | DRIVER_OK);
  const base = fn.barAddress(0)!;
  bus.reset();
  assert.equal(device.resets, 1);
  assert.equal(fn.status, 0);
  assert.equal(fn.barAddress(0), undefined);
  assert.equal(io.read(base + R.STATUS, 1), 0xff);
});

import assert from "node:assert/strict";
import { FakeDevice, virtioRig } from "./_test_rig.ts";
import { VIRTIO_PCI_LEGACY as R } from "./legacy_registers.ts";

const DRIVER_OK_STATUS = 0x07;

function started(queueSizes = [16, 16]) {
  const device = new FakeDevice({ queueSizes });
  const rig = virtioRig({ device });
  queueSizes.forEach((_, i) => {
    rig.legacy.write(R.QUEUE_SEL, 2, i);
    rig.legacy.write(R.QUEUE_PFN, 4, 0x10 + i);
  });
  rig.legacy.write(R.STATUS, 1, DRIVER_OK_STATUS);
  return rig;
}

Deno.test("a used-buffer interrupt sets ISR bit 0 and raises INTx A", () => {
  const { device, fn, intxLevel, cfgRead } = started();
  assert.equal(intxLevel(), false);
  device.ctx.interruptQueue(1);
  assert.equal(fn.isr, 1);
  assert.equal(intxLevel(), true);
  assert.equal(cfgRead(0x06, 2) & 0x8, 0x8, "PCI status shows the pending interrupt");
});

Deno.test("reading ISR returns and clears it and lowers INTx", () => {
  const { device, legacy, intxLevel } = started();
  device.ctx.interruptQueue(0);
  device.ctx.interruptQueue(1);
  assert.equal(legacy.read(R.ISR, 1), 1);
  assert.equal(intxLevel(), false);
  assert.equal(legacy.read(R.ISR, 1), 0, "cleared by the first read");
});

Deno.test("INTx stays low while the command register disables it, though ISR is set", () => {
  const { device, fn, intxLevel, cfgRead, cfgWrite } = started();
  cfgWrite(0x04, 2, cfgRead(0x04, 2) | 0x400);
  device.ctx.interruptQueue(0);
  assert.equal(fn.isr, 1);
  assert.equal(intxLevel(), false);
  cfgWrite(0x04, 2, cfgRead(0x04, 2) & ~0x400);
  assert.equal(intxLevel(), true);
});

Deno.test("a configuration interrupt sets ISR bits 0 and 1 and raises INTx", () => {
  const { device, legacy, intxLevel } = started();
  device.ctx.interruptConfig();
  assert.equal(intxLevel(), true);
  assert.equal(legacy.read(R.ISR, 1), 3);
  assert.equal(intxLevel(), false);
});

Deno.test("no configuration interrupt reaches a driver that has not set DRIVER_OK", () => {
  const device = new FakeDevice({ queueSizes: [16] });
  const { legacy, intx } = virtioRig({ device });
  legacy.write(R.STATUS, 1, 0x03);
  legacy.write(R.QUEUE_PFN, 4, 0x10);
  legacy.write(R.QUEUE_NOTIFY, 2, 0); // started by the kick
  device.ctx.interruptConfig();
  assert.deepEqual(intx, []);
  assert.equal(legacy.read(R.ISR, 1), 0);
});

Deno.test("fail() sets DEVICE_NEEDS_RESET, raises a configuration interrupt and mutes notifications", () => {
  const { device, legacy, fn, intxLevel } = started();
  device.ctx.fail("descriptor loop");
  assert.equal(legacy.read(R.STATUS, 1), DRIVER_OK_STATUS | 0x40);
  assert.equal(fn.failure, "descriptor loop");
  assert.equal(intxLevel(), true);
  assert.equal(legacy.read(R.ISR, 1), 3);
  legacy.write(R.QUEUE_NOTIFY, 2, 0);
  assert.deepEqual(device.notifies, []);
  legacy.write(R.STATUS, 1, 0);
  assert.equal(fn.failure, undefined, "a reset clears the failure");
});

Deno.test("interrupts from an activation older than the last reset are ignored", () => {
  const { device, legacy, fn, intx } = started();
  const old = device.ctx;
  legacy.write(R.STATUS, 1, 0);
  intx.length = 0;
  old.interruptQueue(0);
  old.interruptConfig();
  old.fail("late");
  assert.equal(fn.isr, 0);
  assert.equal(fn.status, 0);
  assert.deepEqual(intx, []);
});

Deno.test("a reset with an interrupt pending lowers INTx", () => {
  const { device, legacy, intxLevel } = started();
  device.ctx.interruptQueue(0);
  assert.equal(intxLevel(), true);
  legacy.write(R.STATUS, 1, 0);
  assert.equal(intxLevel(), false);
  assert.equal(legacy.read(R.ISR, 1), 0);
});

Deno.test("a device that throws is failed with DEVICE_NEEDS_RESET instead of stopping the machine", () => {
  const device = new FakeDevice({ queueSizes: [16] });
  device.notify = () => {
    throw new Error("backend crashed");
  };
  device.readConfig = () => {
    throw new Error("config crashed");
  };
  const { legacy, fn, intxLevel } = virtioRig({ device });
  legacy.write(R.QUEUE_PFN, 4, 0x10);
  legacy.write(R.STATUS, 1, DRIVER_OK_STATUS);
  legacy.write(R.QUEUE_NOTIFY, 2, 0);
  assert.equal(legacy.read(R.STATUS, 1), DRIVER_OK_STATUS | 0x40);
  assert.equal(fn.failure, "device error: backend crashed");
  assert.equal(intxLevel(), true, "the driver hears of it through a configuration interrupt");
  assert.equal(legacy.read(20, 4), 0xffffffff, "a config read that throws reads all-ones");
  device.reset = () => {
    throw new Error("reset crashed");
  };
  legacy.write(R.STATUS, 1, 0);
  assert.equal(legacy.read(R.STATUS, 1), 0, "a reset still reads back 0, as drivers poll for");
  assert.equal(fn.failure, "device error: reset crashed");
});

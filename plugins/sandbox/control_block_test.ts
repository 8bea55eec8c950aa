import assert from "node:assert/strict";
import { CB, ControlBlock, DeviceRequest, FaultCode } from "./control_block.ts";
import { DirtyPages } from "./dirty_pages.ts";

Deno.test("doorbells for 40 queues reach the device side as indexes, once each", () => {
  const host = ControlBlock.create(40);
  const device = new ControlBlock(host.buffer, 40);
  const before = host.load(CB.WAKE);
  for (const q of [39, 0, 33, 0]) host.ring(q);
  assert.equal(host.load(CB.WAKE), before + 4, "every doorbell wakes the device");
  assert.deepEqual(device.takeKicks(), [0, 33, 39]);
  assert.deepEqual(device.takeKicks(), []);
});

Deno.test("an activation crosses the block with 64-bit features and queue layouts", () => {
  const host = ControlBlock.create(3);
  const device = new ControlBlock(host.buffer, 3);
  host.requestActivate((1n << 32n) | (1n << 29n), [
    { index: 0, size: 256, desc: 0x10000, avail: 0x11000, used: 0x12000, legacy: true },
    { index: 2, size: 8, desc: 0x1_0000_2000, avail: 0x3000, used: 0x4000, legacy: false },
    { index: 7, size: 8, desc: 0, avail: 0, used: 0, legacy: false }, // no such queue: dropped
  ]);
  const request = device.readRequest();
  assert.equal(request.state, DeviceRequest.ACTIVE);
  assert.equal(request.features, (1n << 32n) | (1n << 29n));
  assert.deepEqual(request.queues, [
    { index: 0, size: 256, legacy: true, desc: 0x10000, avail: 0x11000, used: 0x12000 },
    { index: 2, size: 8, legacy: false, desc: 0x1_0000_2000, avail: 0x3000, used: 0x4000 },
  ]);
});

Deno.test("a reset request bumps the generation and drops pending doorbells", () => {
  const host = ControlBlock.create(2);
  const device = new ControlBlock(host.buffer, 2);
  host.requestActivate(0n, []);
  host.ring(1);
  const gen = host.requestReset();
  const request = device.readRequest();
  assert.equal(request.gen, gen);
  assert.equal(request.state, DeviceRequest.RESET);
  assert.deepEqual(device.takeKicks(), []);
  device.applied(gen);
  assert.equal(host.load(CB.APPLIED_GEN), gen);
});

Deno.test("interrupt requests are taken once and the first fault recorded wins", () => {
  const host = ControlBlock.create(2);
  const device = new ControlBlock(host.buffer, 2);
  const signal = host.load(CB.SIGNAL);
  device.raiseQueue(1);
  device.raiseQueue(1);
  device.raiseConfig();
  assert.ok(host.load(CB.SIGNAL) > signal);
  assert.deepEqual(host.takeQueueInterrupts(), [1]);
  assert.equal(host.takeConfigInterrupt(), true);
  assert.equal(host.takeConfigInterrupt(), false);
  assert.equal(device.setFault(FaultCode.RING, 1), true);
  assert.equal(device.setFault(FaultCode.THREW), false);
  assert.deepEqual(host.fault(), { code: FaultCode.RING, queue: 1 });
});

Deno.test("dirty pages are reported once, clipped to RAM", () => {
  const host = DirtyPages.create(0x3000);
  const device = new DirtyPages(host.buffer);
  device.mark(0x0fff, 2);
  device.mark(0x2ff0, 0x100000); // runs past RAM
  device.mark(0x500, 0);
  assert.deepEqual(host.drain(), [0, 1, 2]);
  assert.deepEqual(host.drain(), []);
});

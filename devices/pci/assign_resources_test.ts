import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { assignPciResources } from "./assign_resources.ts";
import { I440fx } from "./i440fx.ts";
import { PciBus } from "./pci_bus.ts";
import { Piix3 } from "./piix3.ts";
import { FakeWindow, RecordingIrq, testFunction } from "./_testing.ts";

function board() {
  const io = new RangeBus("io", 0x10000);
  const mmio = new RangeBus("mmio", 2 ** 32);
  const bus = new PciBus({ io, mmio });
  const irq = new RecordingIrq();
  const piix3 = new Piix3(irq);
  bus.add(new I440fx(), { slot: 0 });
  bus.add(piix3, { slot: 1 });
  bus.setIntxRouter(piix3);
  return { io, mmio, bus, irq };
}

Deno.test("assignPciResources places BARs largest first, naturally aligned, from 0xc000 and 0xe0000000", () => {
  const { io, mmio, bus } = board();
  const net = testFunction({ name: "net", interruptPin: 1 });
  net.defineBar(0, { kind: "io", size: 0x20, handler: new FakeWindow("net-io", 0x11) });
  net.defineBar(1, { kind: "mem32", size: 0x1000, handler: new FakeWindow("net-mem", 0x22) });
  const blk = testFunction({ name: "blk", interruptPin: 1 });
  blk.defineBar(0, { kind: "io", size: 0x40, handler: new FakeWindow("blk-io", 0x33) });
  blk.defineBar(2, {
    kind: "mem32",
    size: 0x4000,
    prefetchable: true,
    handler: new FakeWindow("blk-mem", 0x44),
  });
  blk.defineBar(4, { kind: "io", size: 0x20, handler: new FakeWindow("blk-io2", 0x55) });
  bus.add(net, { slot: 3 });
  bus.add(blk, { slot: 4 });

  assert.deepEqual(assignPciResources(bus), [10, 11]);

  // I/O: blk BAR0 (64) first, then equal 32-byte BARs in slot order.
  assert.equal(blk.readConfig(0x10, 4), 0xc001);
  assert.equal(net.readConfig(0x10, 4), 0xc041);
  assert.equal(blk.readConfig(0x20, 4), 0xc061);
  // Memory: the 16 KiB BAR first, then the 4 KiB one right after it.
  assert.equal(blk.readConfig(0x18, 4), 0xe0000008);
  assert.equal(net.readConfig(0x14, 4), 0xe0004000);
  // Decoding is on and the handlers answer where the firmware put them.
  assert.equal(net.readConfig(0x04, 2) & 7, 7);
  assert.equal(blk.readConfig(0x04, 2) & 7, 7);
  assert.equal(io.read(0xc041, 1), 0x12);
  assert.equal(io.read(0xc060, 1), 0x55);
  assert.equal(mmio.read(0xe0004000, 4), 0x22);
  assert.equal(mmio.read(0xe0000004, 4), 0x48);
});

Deno.test("assignPciResources routes PIRQA-D to 10,10,11,11 and writes matching interrupt lines", () => {
  const { bus, irq } = board();
  const devs = [2, 3, 4, 5].map((slot) => {
    const fn = testFunction({ name: `d${slot}`, interruptPin: 1 });
    bus.add(fn, { slot });
    return fn;
  });
  const pinB = testFunction({ name: "pinB", interruptPin: 2 });
  const noPin = testFunction({ name: "noPin" });
  bus.add(pinB, { slot: 6 });
  bus.add(noPin, { slot: 7 });
  assignPciResources(bus);
  assert.equal(bus.configRead(1, 0, 0x60, 4), 0x0b0b0a0a);
  // Slot 2 INTA -> PIRQB -> 10, 3 -> C -> 11, 4 -> D -> 11, 5 -> A -> 10, 6 INTB -> C -> 11.
  assert.deepEqual(devs.map((d) => d.readConfig(0x3c, 1)), [10, 11, 11, 10]);
  assert.equal(pinB.readConfig(0x3c, 1), 11);
  assert.equal(noPin.readConfig(0x3c, 1), 0, "no pin, no line");
  // The line the firmware wrote is the line the interrupt arrives on.
  for (const d of [...devs, pinB]) {
    const line = d.readConfig(0x3c, 1);
    d.setIntx(true);
    assert.equal(irq.levels[line], true, d.name);
    d.setIntx(false);
    assert.equal(irq.levels[line], false, d.name);
  }
});

Deno.test("assignPciResources honours its options and throws when a window is too small", () => {
  const { bus } = board();
  const fn = testFunction({ interruptPin: 1 });
  fn.defineBar(0, { kind: "io", size: 0x100, handler: new FakeWindow("io", 0) });
  bus.add(fn, { slot: 2 });
  const used = assignPciResources(bus, { ioBase: 0x1000, pirqIrqs: [5, 9, 9, 5] });
  assert.deepEqual(used, [5, 9]);
  assert.equal(fn.readConfig(0x10, 4), 0x1001);
  assert.equal(fn.readConfig(0x3c, 1), 9);
  assert.throws(
    () => assignPciResources(bus, { ioBase: 0xff80 }),
    /I\/O window exhausted: test at 00:02.0 BAR0 needs 256 bytes/,
  );
  assert.throws(() => assignPciResources(bus, { pirqIrqs: [10, 10, 11, 2] }), /PIRQ IRQs/);
});

Deno.test("assignPciResources on a bus without a PIIX3 assigns BARs but no IRQs", () => {
  const bus = new PciBus({ io: new RangeBus("io", 0x10000), mmio: new RangeBus("m", 2 ** 32) });
  const fn = testFunction({ interruptPin: 1 });
  fn.defineBar(5, { kind: "mem32", size: 0x100, handler: new FakeWindow("m", 0) });
  bus.add(fn);
  assert.deepEqual(assignPciResources(bus), []);
  assert.equal(fn.barAddress(5), 0xe0000000);
  assert.equal(fn.readConfig(0x3c, 1), 0);
});

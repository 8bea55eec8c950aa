import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { formatPciAddress, parsePciAddress } from "./pci_address.ts";
import { PciBus } from "./pci_bus.ts";
import { testFunction } from "./_testing.ts";

function newBus(): PciBus {
  return new PciBus({ io: new RangeBus("io", 0x10000), mmio: new RangeBus("mmio", 2 ** 32) });
}

Deno.test("parsePciAddress reads QEMU's addr= forms as hex slot and function", () => {
  assert.deepEqual(parsePciAddress("05.0"), { slot: 5, func: 0 });
  assert.deepEqual(parsePciAddress("5"), { slot: 5, func: 0 });
  assert.deepEqual(parsePciAddress("0x1f.7"), { slot: 31, func: 7 });
  assert.deepEqual(parsePciAddress("0a.3"), { slot: 10, func: 3 });
  for (const bad of ["", "20.0", "5.8", "05:0", "1.2.3", "x"]) {
    assert.throws(() => parsePciAddress(bad), /PCI address/, bad);
  }
  assert.equal(formatPciAddress({ slot: 10, func: 3 }), "00:0a.3");
});

Deno.test("add places functions at the first empty slot from 2 unless told where", () => {
  const bus = newBus();
  assert.deepEqual(bus.add(testFunction({ name: "host" }), { slot: 0 }), { slot: 0, func: 0 });
  assert.deepEqual(bus.add(testFunction({ name: "a" })), { slot: 2, func: 0 });
  assert.deepEqual(bus.add(testFunction({ name: "b" }), { addr: "03.0" }), { slot: 3, func: 0 });
  assert.deepEqual(bus.add(testFunction({ name: "b1" }), { slot: 3, func: 1 }), {
    slot: 3,
    func: 1,
  });
  assert.deepEqual(bus.add(testFunction({ name: "c" })), { slot: 4, func: 0 });
  assert.deepEqual(
    bus.entries().map((e) => [e.fn.name, formatPciAddress(e)]),
    [["host", "00:00.0"], ["a", "00:02.0"], ["b", "00:03.0"], ["b1", "00:03.1"], [
      "c",
      "00:04.0",
    ]],
  );
  assert.equal(bus.get(3, 1)?.name, "b1");
  assert.equal(bus.get(3, 1)?.slot, 3);
  assert.throws(() => bus.add(testFunction({ name: "d" }), { addr: "02.0" }), /in use by a/);
  assert.throws(() => bus.add(testFunction(), { slot: 32 }), /slot/);
  assert.throws(() => bus.add(testFunction(), { addr: "5", slot: 5 }), /either/);
  const fn = testFunction();
  bus.add(fn);
  assert.throws(() => bus.add(fn), /already/);
});

Deno.test("add refuses a 31st device when slots 2-31 are full", () => {
  const bus = newBus();
  for (let i = 2; i < 32; i++) bus.add(testFunction({ name: `d${i}` }));
  assert.throws(() => bus.add(testFunction({ name: "extra" })), /no free PCI slot for extra/);
});

Deno.test("functions of one slot sharing a pin hold it asserted until the last releases", () => {
  const bus = newBus();
  const seen: [number, number, boolean][] = [];
  bus.setIntxRouter({ setPciIntx: (slot, pin, level) => void seen.push([slot, pin, level]) });
  const f0 = testFunction({ interruptPin: 1, multiFunction: true });
  const f1 = testFunction({ interruptPin: 1 });
  bus.add(f0, { addr: "06.0" });
  bus.add(f1, { addr: "06.1" });
  f0.setIntx(true);
  f1.setIntx(true);
  f0.setIntx(false);
  assert.deepEqual(seen, [[6, 1, true]]);
  f1.setIntx(false);
  assert.deepEqual(seen, [[6, 1, true], [6, 1, false]]);
});

Deno.test("a router connected late learns of lines already asserted", () => {
  const bus = newBus();
  const fn = testFunction({ interruptPin: 3 });
  fn.setIntx(true); // before the function is even on the bus
  bus.add(fn, { slot: 9 });
  const seen: [number, number, boolean][] = [];
  bus.setIntxRouter({ setPciIntx: (slot, pin, level) => void seen.push([slot, pin, level]) });
  assert.deepEqual(seen, [[9, 3, true]]);
});

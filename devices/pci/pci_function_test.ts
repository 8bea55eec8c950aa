import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { PhysicalMemory } from "../memory/physical_memory.ts";
import {
  PCI_CAP_ID_MSIX,
  PCI_CAP_ID_VNDR,
  PCI_COMMAND,
  PCI_STATUS,
  PCI_STATUS_CAP_LIST,
  PCI_STATUS_INTERRUPT,
} from "./config_regs.ts";
import { PciBus } from "./pci_bus.ts";
import { FakeWindow, testFunction } from "./_testing.ts";

function setup() {
  const io = new RangeBus("io", 0x10000);
  const mmio = new RangeBus("mmio", 2 ** 32);
  const bus = new PciBus({ io, mmio });
  return { io, mmio, bus };
}

Deno.test("the type 0 header reads back the identity given at construction", () => {
  const fn = testFunction({
    vendorId: 0x1af4,
    deviceId: 0x1001,
    revision: 3,
    progIf: 0x01,
    classCode: 0x0100,
    subsystemVendorId: 0x1af4,
    subsystemId: 2,
    interruptPin: 1,
    multiFunction: true,
  });
  assert.equal(fn.readConfig(0x00, 4), 0x10011af4);
  assert.equal(fn.readConfig(0x08, 4), 0x01000103);
  assert.equal(fn.readConfig(0x0e, 1), 0x80);
  assert.equal(fn.readConfig(0x2c, 4), 0x00021af4);
  assert.equal(fn.readConfig(0x3d, 1), 1);
  fn.writeConfig(0x00, 4, 0);
  fn.writeConfig(0x08, 4, 0);
  fn.writeConfig(0x3c, 4, 0xffffffff);
  assert.equal(fn.readConfig(0x00, 4), 0x10011af4, "IDs are read-only");
  assert.equal(fn.readConfig(0x08, 4), 0x01000103);
  assert.equal(fn.readConfig(0x3c, 4), 0x000001ff, "only the interrupt line is writable");
  fn.writeConfig(0x04, 2, 0xffff);
  assert.equal(fn.readConfig(0x04, 2), 0x0407, "command keeps I/O, memory, master, INTx disable");
  assert.throws(() => testFunction({ interruptPin: 5 }), /interrupt pin/);
  assert.throws(() => testFunction({ vendorId: 0x10000 }), /vendor ID/);
});

Deno.test("writing all-ones to a BAR reads back its size mask and type bits", () => {
  const fn = testFunction();
  fn.defineBar(0, { kind: "io", size: 0x20, handler: new FakeWindow("io", 0) });
  fn.defineBar(1, { kind: "mem32", size: 0x1000, handler: new FakeWindow("mem", 0) });
  fn.defineBar(2, {
    kind: "mem32",
    size: 0x100000,
    prefetchable: true,
    handler: new FakeWindow("pf", 0),
  });
  assert.equal(fn.readConfig(0x10, 4), 0x00000001, "an I/O BAR has bit 0 set");
  assert.equal(fn.readConfig(0x14, 4), 0x00000000);
  assert.equal(fn.readConfig(0x18, 4), 0x00000008, "prefetchable memory has bit 3 set");
  for (let r = 0x10; r <= 0x24; r += 4) fn.writeConfig(r, 4, 0xffffffff);
  fn.writeConfig(0x30, 4, 0xfffff800);
  assert.equal(fn.readConfig(0x10, 4), 0xffffffe1);
  assert.equal(fn.readConfig(0x14, 4), 0xfffff000);
  assert.equal(fn.readConfig(0x18, 4), 0xfff00008);
  for (let r = 0x1c; r <= 0x24; r += 4) assert.equal(fn.readConfig(r, 4), 0, "undefined BAR");
  assert.equal(fn.readConfig(0x30, 4), 0, "no expansion ROM");
  fn.writeConfig(0x10, 4, 0x0000c0ff);
  assert.equal(fn.readConfig(0x10, 4), 0x0000c0e1, "address bits below the size are zero");
  assert.throws(() => fn.defineBar(0, { kind: "io", size: 4, handler: new FakeWindow("x", 0) }));
  assert.throws(() => fn.defineBar(3, { kind: "io", size: 24, handler: new FakeWindow("x", 0) }));
  assert.throws(() => fn.defineBar(3, { kind: "mem32", size: 8, handler: new FakeWindow("x", 0) }));
  assert.throws(() => fn.defineBar(6, { kind: "io", size: 4, handler: new FakeWindow("x", 0) }));
});

Deno.test("moving an I/O BAR moves its handler on the I/O bus", () => {
  const { io, bus } = setup();
  const fn = testFunction();
  const win = new FakeWindow("ports", 0x100);
  fn.defineBar(0, { kind: "io", size: 0x20, handler: win });
  bus.add(fn);
  fn.writeConfig(0x10, 4, 0xc000);
  fn.writeConfig(PCI_COMMAND, 2, 1);
  assert.equal(fn.barAddress(0), 0xc000);
  assert.equal(io.read(0xc004, 2), 0x104, "offsets are relative to the BAR");
  fn.writeConfig(0x10, 4, 0xd040);
  assert.equal(io.read(0xd044, 2), 0x104);
  assert.equal(io.read(0xc004, 2), 0xffff, "the old place no longer decodes");
  io.write(0xd05f, 1, 0x5a);
  io.write(0xc000, 1, 0x77);
  assert.deepEqual(win.writes, [[0x1f, 1, 0x5a]]);
  // A word-wide rewrite of the low half moves the BAR as well.
  fn.writeConfig(0x10, 2, 0xe000);
  assert.equal(io.read(0xe000, 2), 0x100);
  assert.equal(io.read(0xd040, 2), 0xffff);
});

Deno.test("moving a memory BAR moves its handler on PhysicalMemory.mmio", () => {
  const memory = new PhysicalMemory({ ramSize: 1 << 20 });
  const bus = new PciBus({ io: new RangeBus("io", 0x10000), mmio: memory.mmio });
  const fn = testFunction();
  fn.defineBar(1, { kind: "mem32", size: 0x1000, handler: new FakeWindow("regs", 0xab000) });
  bus.add(fn, { slot: 4 });
  fn.writeConfig(0x14, 4, 0xe0000000);
  fn.writeConfig(PCI_COMMAND, 2, 2);
  assert.equal(memory.read32(0xe0000010), 0xab010);
  fn.writeConfig(0x14, 4, 0xe0002000);
  assert.equal(memory.read32(0xe0002010), 0xab010);
  assert.equal(memory.read32(0xe0000010), 0xffffffff);
  fn.writeConfig(0x14, 4, 0xffffffff); // sizing pattern: never decoded
  assert.equal(fn.barAddress(1), undefined);
  assert.equal(memory.read32(0xfffff010), 0xffffffff);
});

Deno.test("command bits 0 and 1 gate I/O and memory decoding", () => {
  const { io, mmio, bus } = setup();
  const fn = testFunction();
  fn.defineBar(0, { kind: "io", size: 0x10, handler: new FakeWindow("ports", 0x10) });
  fn.defineBar(1, { kind: "mem32", size: 0x100, handler: new FakeWindow("regs", 0x20) });
  bus.add(fn);
  fn.writeConfig(0x10, 4, 0xc100);
  fn.writeConfig(0x14, 4, 0xe0001000);
  assert.equal(io.read(0xc100, 1), 0xff, "an address alone does not decode");
  assert.equal(mmio.read(0xe0001000, 4), 0xffffffff);
  fn.writeConfig(PCI_COMMAND, 1, 0x01);
  assert.equal(io.read(0xc100, 1), 0x10);
  assert.equal(mmio.read(0xe0001000, 4), 0xffffffff, "memory stays off");
  fn.writeConfig(PCI_COMMAND, 1, 0x02);
  assert.equal(io.read(0xc100, 1), 0xff);
  assert.equal(mmio.read(0xe0001000, 4), 0x20);
  fn.writeConfig(0x14, 4, 0);
  assert.equal(mmio.read(0xe0001000, 4), 0xffffffff, "address zero means unassigned");
});

Deno.test("a BAR placed over another device's range stays silent instead of throwing", () => {
  const { io, bus } = setup();
  const a = testFunction({ name: "a" });
  const b = testFunction({ name: "b" });
  a.defineBar(0, { kind: "io", size: 0x10, handler: new FakeWindow("a", 0xa0) });
  b.defineBar(0, { kind: "io", size: 0x10, handler: new FakeWindow("b", 0xb0) });
  bus.add(a);
  bus.add(b);
  for (const fn of [a, b]) {
    fn.writeConfig(0x10, 4, 0xc000);
    fn.writeConfig(PCI_COMMAND, 2, 1);
  }
  assert.equal(io.read(0xc000, 1), 0xa0);
  assert.equal(b.barAddress(0), undefined);
  b.writeConfig(0x10, 4, 0xc010);
  assert.equal(io.read(0xc010, 1), 0xb0, "it decodes once moved to a free range");
});

Deno.test("onCommandChange reports command writes after BARs moved", () => {
  const { bus } = setup();
  const seen: [number, number, number | undefined][] = [];
  const fn = testFunction({
    onCommandChange: (cmd, prev) => seen.push([cmd, prev, fn.barAddress(0)]),
  });
  fn.defineBar(0, { kind: "io", size: 0x10, handler: new FakeWindow("p", 0) });
  bus.add(fn);
  fn.writeConfig(0x10, 4, 0xc000);
  fn.writeConfig(PCI_COMMAND, 2, 0x0005);
  fn.writeConfig(PCI_COMMAND, 2, 0x0005); // no change, no call
  fn.writeConfig(PCI_COMMAND, 2, 0);
  assert.deepEqual(seen, [[5, 0, 0xc000], [0, 5, undefined]]);
});

Deno.test("the capability list chains from 0x34 through each next pointer", () => {
  const fn = testFunction();
  assert.equal(fn.readConfig(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, 0);
  assert.equal(fn.readConfig(0x34, 1), 0);
  const added = [
    [PCI_CAP_ID_VNDR, 16],
    [PCI_CAP_ID_VNDR, 14], // odd length: the next one is still dword aligned
    [PCI_CAP_ID_MSIX, 12],
  ].map(([id, len]) => [id, fn.addCapability(id, len)]);
  assert.equal(fn.readConfig(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, PCI_STATUS_CAP_LIST);
  const walked: number[][] = [];
  for (let p = fn.readConfig(0x34, 1); p !== 0; p = fn.readConfig(p + 1, 1)) {
    walked.push([fn.readConfig(p, 1), p]);
    assert.ok(walked.length < 10, "the list terminates");
  }
  assert.deepEqual(walked, added);
  assert.deepEqual(added.map(([, o]) => o), [0x40, 0x50, 0x60]);
  fn.writeConfig(0x40, 2, 0);
  fn.writeConfig(0x34, 1, 0);
  assert.equal(fn.readConfig(0x40, 2), 0x5009, "ID and next pointer are read-only");
  assert.equal(fn.readConfig(0x34, 1), 0x40);
  fn.setWriteMask(0x62, 2, 0xc000); // how MSI-X would expose its enable and mask bits
  fn.writeConfig(0x60, 4, 0xffffffff);
  assert.equal(fn.readConfig(0x60, 4), 0xc0000011);
  assert.throws(() => fn.addCapability(PCI_CAP_ID_VNDR, 0x100), /no room/);
});

Deno.test("status error bits clear on writing 1 while other status bits ignore writes", () => {
  const fn = testFunction();
  fn.addCapability(PCI_CAP_ID_VNDR, 4);
  fn.setConfig(PCI_STATUS, 2, fn.getConfig(PCI_STATUS, 2) | 0xa000); // parity + master abort
  fn.setIntx(true);
  assert.equal(fn.readConfig(PCI_STATUS, 2), 0xa018);
  fn.writeConfig(PCI_STATUS, 2, 0x2000 | PCI_STATUS_INTERRUPT | PCI_STATUS_CAP_LIST);
  assert.equal(fn.readConfig(PCI_STATUS, 2), 0x8018);
  fn.writeConfig(PCI_COMMAND, 4, 0xffff0000); // dword write covering command and status
  assert.equal(fn.readConfig(PCI_STATUS, 2), 0x0018);
});

Deno.test("setIntx drives INTx only while command bit 10 is clear; status bit 3 follows the request", () => {
  const { bus } = setup();
  const levels: boolean[] = [];
  bus.setIntxRouter({ setPciIntx: (_s, _p, level) => void levels.push(level) });
  const fn = testFunction({ interruptPin: 1 });
  bus.add(fn);
  fn.setIntx(true);
  assert.deepEqual(levels, [true]);
  fn.writeConfig(PCI_COMMAND, 2, 0x0400);
  assert.deepEqual(levels, [true, false], "disabling INTx releases the line");
  assert.equal(fn.readConfig(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, PCI_STATUS_INTERRUPT);
  fn.setIntx(false);
  fn.setIntx(true);
  assert.deepEqual(levels, [true, false], "no INTx while disabled");
  fn.writeConfig(PCI_COMMAND, 2, 0);
  assert.deepEqual(levels, [true, false, true], "re-enabling re-asserts a pending request");
  fn.setIntx(false);
  assert.equal(fn.readConfig(PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
  assert.deepEqual(levels, [true, false, true, false]);
});

Deno.test("reset clears command, BAR addresses, interrupt line and INTx", () => {
  const { io, bus } = setup();
  const levels: boolean[] = [];
  bus.setIntxRouter({ setPciIntx: (_s, _p, level) => void levels.push(level) });
  const fn = testFunction({ interruptPin: 2 });
  fn.defineBar(0, { kind: "io", size: 0x10, handler: new FakeWindow("p", 0x33) });
  bus.add(fn);
  fn.writeConfig(0x10, 4, 0xc000);
  fn.writeConfig(0x3c, 1, 11);
  fn.writeConfig(PCI_COMMAND, 2, 1);
  fn.setIntx(true);
  assert.equal(io.read(0xc000, 1), 0x33);
  bus.reset();
  assert.equal(io.read(0xc000, 1), 0xff);
  assert.equal(fn.readConfig(0x10, 4), 1);
  assert.equal(fn.readConfig(PCI_COMMAND, 2), 0);
  assert.equal(fn.readConfig(0x3c, 2), 0x0200, "line cleared, pin kept");
  assert.deepEqual(levels, [true, false]);
});

Deno.test("watchConfig reports guest writes overlapping the watched range", () => {
  const fn = testFunction();
  fn.setWriteMask(0x44, 4, 0xffffffff);
  const seen: number[][] = [];
  fn.watchConfig(0x46, 2, (offset, size) => seen.push([offset, size]));
  fn.writeConfig(0x44, 4, 1);
  fn.writeConfig(0x44, 2, 1);
  fn.writeConfig(0x47, 1, 1);
  assert.deepEqual(seen, [[0x44, 4], [0x47, 1]]);
});

import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { PciBus } from "../pci/pci_bus.ts";
import { PciTestdev } from "./pci_testdev.ts";

const MEM = 0xfebf0000, IO = 0xc000;

/** A pci-testdev in slot 3 with BAR0 at MEM, BAR1 at IO, and both spaces enabled. */
function rig() {
  const io = new RangeBus("io", 0x10000);
  const mmio = new RangeBus("mmio", 2 ** 32);
  const bus = new PciBus({ io, mmio });
  const dev = new PciTestdev();
  bus.add(dev, { slot: 3 });
  bus.configWrite(3, 0, 0x10, 4, MEM);
  bus.configWrite(3, 0, 0x14, 4, IO);
  bus.configWrite(3, 0, 0x04, 2, 0x0003);
  return { io, mmio, bus, dev };
}

type Bar = {
  read(a: number, s: 1 | 2 | 4): number;
  write(a: number, s: 1 | 2 | 4, v: number): void;
};

function readName(bar: Bar, base: number): string {
  let s = "";
  for (let i = 16; i < 64; i++) {
    const c = bar.read(base + i, 1);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

Deno.test("pci-testdev identifies as 1b36:0005, class 00ff, with no interrupt pin", () => {
  const { bus } = rig();
  assert.equal(bus.configRead(3, 0, 0x00, 4), 0x00051b36);
  assert.equal(bus.configRead(3, 0, 0x08, 4), 0x00ff0000, "class 00ff, prog-if 0, revision 0");
  assert.equal(bus.configRead(3, 0, 0x2c, 4), 0x11001af4, "QEMU's default subsystem");
  assert.equal(bus.configRead(3, 0, 0x3d, 1), 0);
});

Deno.test("BAR0 sizes as 4 KiB of memory and BAR1 as 256 I/O ports", () => {
  const { bus } = rig();
  bus.configWrite(3, 0, 0x04, 2, 0);
  bus.configWrite(3, 0, 0x10, 4, 0xffffffff);
  bus.configWrite(3, 0, 0x14, 4, 0xffffffff);
  assert.equal(bus.configRead(3, 0, 0x10, 4), 0xfffff000);
  assert.equal(bus.configRead(3, 0, 0x14, 4), 0xffffff01);
  assert.equal(bus.configRead(3, 0, 0x18, 4), 0, "no third BAR");
});

Deno.test("with no test running both BARs read 0", () => {
  const { io, mmio } = rig();
  assert.equal(mmio.read(MEM, 4), 0);
  assert.equal(io.read(IO + 12, 4), 0);
});

Deno.test("starting a memory test exposes its header through BAR0", () => {
  const { mmio, dev } = rig();
  mmio.write(MEM, 1, 0);
  assert.equal(dev.currentTest, "mmio-no-eventfd");
  assert.equal(mmio.read(MEM + 0, 1), 0, "test number");
  assert.equal(mmio.read(MEM + 1, 1), 1, "width");
  assert.equal(mmio.read(MEM + 4, 4), 2048, "offset");
  assert.equal(mmio.read(MEM + 8, 4), 0xfa, "data");
  assert.equal(mmio.read(MEM + 12, 4), 0, "count");
  assert.equal(readName(mmio, MEM), "mmio-no-eventfd");
  mmio.write(MEM, 1, 2);
  assert.equal(readName(mmio, MEM), "mmio-datamatch-eventfd");
  assert.equal(mmio.read(MEM + 4, 4), 2050);
});

Deno.test("the running test's header reads the same through either BAR", () => {
  const { io, mmio } = rig();
  io.write(IO, 1, 1);
  assert.equal(readName(io, IO), "portio-wildcard-eventfd");
  assert.equal(readName(mmio, MEM), "portio-wildcard-eventfd");
  assert.equal(io.read(IO + 4, 4), 128 + 4, "port tests watch 128 + test index");
  assert.equal(io.read(IO + 8, 1), 0xce, "the wildcard advertises a no-match value");
});

Deno.test("byte writes of the data value to the test offset are counted", () => {
  const { mmio, io } = rig();
  mmio.write(MEM, 1, 0);
  for (let i = 0; i < 16; i++) mmio.write(MEM + 2048, 1, 0xfa);
  mmio.write(MEM + 2048, 1, 0xfb);
  mmio.write(MEM + 2049, 1, 0xfa);
  assert.equal(mmio.read(MEM + 12, 4), 16, "other values and offsets are not counted");
  io.write(IO, 1, 2);
  io.write(IO + 133, 1, 0xfa);
  io.write(IO + 133, 4, 0xfa);
  assert.equal(io.read(IO + 12, 4), 2, "a dword is four byte writes; its low byte matches");
});

Deno.test("the wildcard test counts any value written to its offset", () => {
  const { io } = rig();
  io.write(IO, 1, 1);
  for (const v of [0, 0xce, 0xff]) io.write(IO + 132, 1, v);
  assert.equal(io.read(IO + 12, 4), 3);
});

Deno.test("restarting a test zeroes its count; test 3 or more stops it", () => {
  const { mmio, dev } = rig();
  mmio.write(MEM, 1, 0);
  mmio.write(MEM + 2048, 1, 0xfa);
  assert.equal(mmio.read(MEM + 12, 4), 1);
  mmio.write(MEM, 1, 0);
  assert.equal(mmio.read(MEM + 12, 4), 0);
  mmio.write(MEM + 2048, 1, 0xfa);
  mmio.write(MEM, 1, 3);
  assert.equal(dev.currentTest, undefined);
  assert.equal(mmio.read(MEM + 1, 1), 0, "width reads 0: kvm-unit-tests stops here");
  mmio.write(MEM + 2048, 1, 0xfa);
  mmio.write(MEM, 1, 0);
  assert.equal(mmio.read(MEM + 12, 4), 0);
});

Deno.test("a driver loop like kvm-unit-tests' pci_testdev() passes six tests", () => {
  const { io, mmio } = rig();
  let passed = 0;
  for (const [bar, base] of [[mmio, MEM], [io, IO]] as const) {
    for (let nr = 0;; nr++) {
      bar.write(base, 1, nr);
      if (bar.read(base + 12, 4) !== 0) break;
      const width = bar.read(base + 1, 1);
      if (width !== 1 && width !== 2 && width !== 4) break;
      const sig = bar.read(base + 8, 4);
      const off = bar.read(base + 4, 4);
      for (let i = 0; i < 16; i++) bar.write(base + off, 1, sig & 0xff);
      const count = bar.read(base + 12, 4);
      if (count !== 0 && count !== 16) break;
      passed++;
    }
  }
  assert.equal(passed, 6);
});

Deno.test("reset stops the running test and unmaps both BARs", () => {
  const { io, mmio, bus, dev } = rig();
  mmio.write(MEM, 1, 1);
  bus.reset();
  assert.equal(dev.currentTest, undefined);
  assert.equal(mmio.read(MEM + 1, 1), 0xff, "BAR0 no longer decodes");
  assert.equal(io.read(IO + 1, 1), 0xff);
});

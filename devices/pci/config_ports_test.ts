import assert from "node:assert/strict";
import type { AccessSize, BusHandler } from "../bus/access.ts";
import { RangeBus } from "../bus/range_bus.ts";
import { PciConfigPorts } from "./config_ports.ts";
import { PciBus } from "./pci_bus.ts";
import { testFunction } from "./_testing.ts";

function setup(resetControl?: BusHandler) {
  const io = new RangeBus("io", 0x10000);
  const bus = new PciBus({ io, mmio: new RangeBus("mmio", 2 ** 32) });
  const ports = new PciConfigPorts(bus, { resetControl });
  ports.register(io);
  // 00:03.0 with a fully writable scratch dword at 0x40.
  const fn = testFunction({ vendorId: 0x8086, deviceId: 0x1237, revision: 0x5a });
  fn.setWriteMask(0x40, 4, 0xffffffff);
  bus.add(fn, { slot: 3 });
  const select = (slot: number, func: number, reg: number, bus = 0) =>
    io.write(0xcf8, 4, 0x80000000 | (bus << 16) | (slot << 11) | (func << 8) | reg);
  return { io, bus, ports, fn, select };
}

Deno.test("CONFIG_DATA reads the selected dword only while CONFIG_ADDRESS bit 31 is set", () => {
  const { io, select } = setup();
  select(3, 0, 0);
  assert.equal(io.read(0xcfc, 4), 0x12378086);
  io.write(0xcf8, 4, 3 << 11); // same device, enable clear
  assert.equal(io.read(0xcfc, 4), 0xffffffff);
  io.write(0xcfc, 4, 0); // dropped: no configuration cycle without the enable bit
  select(3, 0, 0x40);
  assert.equal(io.read(0xcfc, 4), 0);
  io.write(0xcf8, 4, (3 << 11) | 0x40);
  io.write(0xcfc, 4, 0xdeadbeef);
  select(3, 0, 0x40);
  assert.equal(io.read(0xcfc, 4), 0, "a write with the enable bit clear must not land");
});

Deno.test("CONFIG_DATA serves byte and word reads at every offset within the dword", () => {
  const { io, select } = setup();
  select(3, 0, 0);
  const bytes = [0x86, 0x80, 0x37, 0x12];
  for (let o = 0; o < 4; o++) assert.equal(io.read(0xcfc + o, 1), bytes[o], `byte ${o}`);
  for (let o = 0; o < 3; o++) {
    assert.equal(io.read(0xcfc + o, 2), bytes[o] | (bytes[o + 1] << 8), `word ${o}`);
  }
  select(3, 0, 0x08); // revision 5a, prog-if 00, class ff00
  assert.equal(io.read(0xcfc, 4), 0xff00005a);
  assert.equal(io.read(0xcfe, 2), 0xff00);
  assert.equal(io.read(0xcfc, 1), 0x5a);
});

Deno.test("CONFIG_DATA byte and word writes at each offset change only their bytes", () => {
  const { io, select } = setup();
  select(3, 0, 0x40);
  io.write(0xcfc, 4, 0x11223344);
  for (let o = 0; o < 4; o++) {
    io.write(0xcfc + o, 1, 0xa0 + o);
    const expect = [0x44, 0x33, 0x22, 0x11];
    for (let i = 0; i <= o; i++) expect[i] = 0xa0 + i;
    assert.equal(
      io.read(0xcfc, 4),
      (expect[0] | expect[1] << 8 | expect[2] << 16 | expect[3] << 24) >>> 0,
    );
  }
  io.write(0xcfc, 4, 0);
  io.write(0xcfd, 2, 0xbeef); // unaligned word in the middle
  assert.equal(io.read(0xcfc, 4), 0x00beef00);
  io.write(0xcfe, 2, 0xcafe);
  assert.equal(io.read(0xcfc, 4), 0xcafeef00);
  io.write(0xcfc, 2, 0x1234);
  assert.equal(io.read(0xcfc, 4), 0xcafe1234);
});

Deno.test("the register number comes from CONFIG_ADDRESS bits 7:2, not its low two bits", () => {
  const { io, select, ports } = setup();
  select(3, 0, 0x0b); // low bits are reserved and read back as 0
  assert.equal(ports.address, 0x80001808);
  assert.equal(io.read(0xcf8, 4), 0x80001808);
  assert.equal(io.read(0xcfc, 4), 0xff00005a);
  io.write(0xcf8, 4, 0xffffffff);
  assert.equal(io.read(0xcf8, 4), 0x80fffffc, "bits 30:24 and 1:0 are reserved");
});

Deno.test("absent functions, other buses and unclaimed widths read all-ones", () => {
  const { io, select } = setup();
  for (const [slot, func] of [[0, 0], [3, 1], [31, 7]]) {
    select(slot, func, 0);
    assert.equal(io.read(0xcfc, 4), 0xffffffff);
    assert.equal(io.read(0xcfe, 2), 0xffff);
    assert.equal(io.read(0xcff, 1), 0xff);
  }
  select(3, 0, 0, 1); // slot 3 of bus 1: no bridge, so master abort
  assert.equal(io.read(0xcfc, 4), 0xffffffff);
  select(3, 0, 0);
  assert.equal(io.read(0xcf8, 1), 0xff, "CONFIG_ADDRESS answers dword accesses only");
  assert.equal(io.read(0xcfa, 2), 0xffff);
  io.write(0xcfb, 1, 0x01); // Linux's type 2 probe must not disturb CONFIG_ADDRESS
  io.write(0xcf8, 2, 0);
  assert.equal(io.read(0xcf8, 4), 0x80001800);
});

Deno.test("byte and word accesses to 0xcf9 go to the reset control register", () => {
  const log: [string, number, AccessSize, number?][] = [];
  const rcr: BusHandler = {
    name: "rcr",
    read: (offset, size) => (log.push(["r", offset, size]), 0x02),
    write: (offset, size, value) => void log.push(["w", offset, size, value]),
  };
  const { io } = setup(rcr);
  io.write(0xcf9, 1, 0x06);
  assert.equal(io.read(0xcf9, 1), 0x02);
  io.write(0xcf8, 4, 0x80000000);
  io.write(0xcf8, 1, 0x0e); // offset 0: not the reset register, ignored
  assert.deepEqual(log, [["w", 0, 1, 0x06], ["r", 0, 1]]);
  assert.equal(io.read(0xcf8, 4), 0x80000000);
  // Without a reset control register 0xcf9 is as deaf as the rest.
  const plain = setup();
  plain.io.write(0xcf9, 1, 0x06);
  assert.equal(plain.io.read(0xcf9, 1), 0xff);
});

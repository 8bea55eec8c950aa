import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import type { IrqSink } from "../irq.ts";
import { PcTestdev } from "./pc_testdev.ts";

function rig() {
  const io = new RangeBus("io", 0x10000);
  const mmio = new RangeBus("mmio", 2 ** 32);
  const calls: [number, boolean][] = [];
  const irqs: IrqSink = { setIrq: (line, level) => void calls.push([line, level]) };
  const dev = new PcTestdev({ irqs });
  dev.register(io, mmio);
  return { io, mmio, calls, dev };
}

Deno.test("port 0xe0 is a 32-bit scratch register readable in any width", () => {
  const { io } = rig();
  io.write(0xe0, 4, 0x12345678);
  assert.equal(io.read(0xe0, 4), 0x12345678);
  assert.equal(io.read(0xe0, 2), 0x5678);
  assert.equal(io.read(0xe2, 2), 0x1234);
  assert.equal(io.read(0xe1, 1), 0x56);
  assert.equal(io.read(0xe3, 1), 0x12);
  io.write(0xe2, 2, 0xabcd);
  assert.equal(io.read(0xe0, 4), 0xabcd5678, "a word write replaces only its bytes");
  io.write(0xe1, 1, 0xef);
  assert.equal(io.read(0xe0, 4), 0xabcdef78);
  io.write(0xe1, 2, 0x0102);
  assert.equal(io.read(0xe0, 4), 0xab0102_78, "an unaligned word touches bytes 1 and 2");
});

Deno.test("port 0xe8 is the same register reached byte by byte", () => {
  const { io, dev } = rig();
  io.write(0xe8, 4, 0xdeadbeef);
  assert.equal(io.read(0xe0, 4), 0xdeadbeef);
  io.write(0xe0, 1, 0x11);
  assert.equal(io.read(0xe8, 4), 0xdeadbe11);
  assert.equal(io.read(0xea, 2), 0xdead);
  assert.deepEqual([...dev.ioportData], [0x11, 0xbe, 0xad, 0xde]);
});

Deno.test("a dword at 0xe2 reads the top half of the register and zeros from the flush port", () => {
  const { io } = rig();
  io.write(0xe0, 4, 0x12345678);
  assert.equal(io.read(0xe2, 4), 0x00001234);
});

Deno.test("the flush port reads 0 and its writes change nothing visible", () => {
  const { io } = rig();
  io.write(0xe0, 4, 0xcafef00d);
  io.write(0xe4, 4, 0x00123000);
  io.write(0xe4, 1, 0xff);
  assert.equal(io.read(0xe4, 4), 0);
  assert.equal(io.read(0xe5, 1), 0);
  assert.equal(io.read(0xe0, 4), 0xcafef00d);
});

Deno.test("a byte written to 0x2000 + n drives interrupt line n, every time", () => {
  const { io, calls } = rig();
  io.write(0x2000 + 4, 1, 1);
  io.write(0x2000 + 4, 1, 1);
  io.write(0x2000 + 4, 1, 0);
  io.write(0x2000 + 0x0e, 1, 0x80);
  io.write(0x2000 + 23, 1, 1);
  assert.deepEqual(calls, [[4, true], [4, true], [4, false], [14, true], [23, true]]);
  assert.equal(io.read(0x2004, 1), 0, "the lines read 0");
});

Deno.test("wider writes to the interrupt lines are invalid and dropped", () => {
  const { io, calls } = rig();
  io.write(0x2002, 2, 0x0101);
  io.write(0x2004, 4, 0x01010101);
  assert.deepEqual(calls, []);
  assert.equal(io.read(0x2018, 1), 0xff, "line ports end at 0x2017");
});

Deno.test("64 KiB of MMIO scratch memory sits at 0xff000000", () => {
  const { mmio } = rig();
  mmio.write(0xff000000, 4, 0x11223344);
  assert.equal(mmio.read(0xff000000, 4), 0x11223344);
  assert.equal(mmio.read(0xff000001, 2), 0x2233, "unaligned reads see the bytes they cover");
  mmio.write(0xff000003, 1, 0xaa);
  assert.equal(mmio.read(0xff000000, 4), 0xaa223344);
  mmio.write(0xff00fffc, 4, 0x01020304);
  assert.equal(mmio.read(0xff00fffe, 2), 0x0102);
  assert.equal(mmio.read(0xff00fffe, 4), 0xffff0102, "past the end is unassigned");
  assert.equal(mmio.read(0xff010000, 1), 0xff);
});

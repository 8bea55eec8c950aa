import assert from "node:assert/strict";
import type { AccessSize, BusHandler } from "./access.ts";
import { BusConflictError, RangeBus } from "./range_bus.ts";

/** A device that records accesses and answers reads with a pattern. */
function recorder(name: string, sizes?: number) {
  const log: string[] = [];
  const handler: BusHandler = {
    name,
    sizes,
    read(offset: number, size: AccessSize) {
      log.push(`r${size}@${offset}`);
      return size === 1 ? 0x10 + offset : size === 2 ? 0x2000 + offset : 0x40000000 + offset;
    },
    write(offset: number, size: AccessSize, value: number) {
      log.push(`w${size}@${offset}=${value.toString(16)}`);
    },
  };
  return { handler, log };
}

Deno.test("an unassigned port reads all-ones at every width and drops writes", () => {
  const io = new RangeBus("io", 0x10000);
  assert.equal(io.read(0x80, 1), 0xff);
  assert.equal(io.read(0x80, 2), 0xffff);
  assert.equal(io.read(0x80, 4), 0xffffffff);
  io.write(0x80, 4, 0x12345678); // nothing to receive it, nothing thrown
});

Deno.test("a handler sees offsets relative to its base", () => {
  const io = new RangeBus("io", 0x10000);
  const d = recorder("dev");
  io.register(0x3f8, 8, d.handler);
  assert.equal(io.read(0x3fa, 1), 0x12);
  io.write(0x3fd, 1, 0xab);
  assert.deepEqual(d.log, ["r1@2", "w1@5=ab"]);
});

Deno.test("overlapping registrations are refused, touching ones are not", () => {
  const io = new RangeBus("io", 0x10000);
  io.register(0x60, 1, recorder("a").handler);
  io.register(0x64, 1, recorder("b").handler);
  assert.throws(() => io.register(0x5f, 2, recorder("c").handler), BusConflictError);
  io.register(0x61, 3, recorder("d").handler);
});

Deno.test("out-of-range and empty registrations are refused", () => {
  const io = new RangeBus("io", 0x10000);
  assert.throws(() => io.register(0xffff, 2, recorder("a").handler), RangeError);
  assert.throws(() => io.register(0x10, 0, recorder("a").handler), RangeError);
});

Deno.test("a wide access to a byte-only device is split into little-endian byte accesses", () => {
  const io = new RangeBus("io", 0x10000);
  const d = recorder("bytes", 1);
  io.register(0x100, 4, d.handler);
  assert.equal(io.read(0x100, 4), 0x13121110);
  io.write(0x100, 2, 0xbeef);
  assert.deepEqual(d.log, ["r1@0", "r1@1", "r1@2", "r1@3", "w1@0=ef", "w1@1=be"]);
});

Deno.test("an access running past the end of a range is split, the outside bytes all-ones", () => {
  const io = new RangeBus("io", 0x10000);
  const d = recorder("short");
  io.register(0x200, 2, d.handler);
  assert.equal(io.read(0x201, 2), 0xff11);
});

Deno.test("unregister frees a range for another device (a BAR moving)", () => {
  const mmio = new RangeBus("mmio", 2 ** 32);
  const a = recorder("a"), b = recorder("b");
  mmio.register(0xe0000000, 0x1000, a.handler);
  assert.equal(mmio.read(0xe0000004, 4), 0x40000004);
  mmio.unregister(0xe0000000, a.handler);
  assert.equal(mmio.read(0xe0000004, 4), 0xffffffff);
  mmio.register(0xe0000000, 0x1000, b.handler);
  assert.equal(mmio.read(0xe0000008, 4), 0x40000008);
  assert.deepEqual(b.log, ["r4@8"]);
});

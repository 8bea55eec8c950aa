import assert from "node:assert/strict";
import { createGuestRam } from "./guest_ram.ts";
import { MockDriver } from "./mock_driver.ts";
import {
  layoutLegacy,
  VIRTQ_DESC_F_INDIRECT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
} from "./ring_layout.ts";
import { Virtqueue } from "./virtqueue.ts";
import { queuePair, ramp } from "./_testing.ts";

Deno.test("MockDriver lays out legacy rings from its PFN as §2.6.2 prescribes", () => {
  const ram = createGuestRam(0x40000);
  const driver = new MockDriver(ram, { size: 256, legacy: true, base: 0x10000 });
  assert.equal(driver.legacyPfn, 0x10);
  assert.deepEqual(driver.layout, layoutLegacy(0x10, 256));
  assert.throws(() => new MockDriver(ram, { legacy: true, base: 0x10010 }), RangeError);
});

Deno.test("MockDriver packs modern rings with their alignments", () => {
  const ram = createGuestRam(0x10000);
  const driver = new MockDriver(ram, { size: 8, base: 0x2000 });
  // avail ends at 0x2080 + 6 + 2 * 8 = 0x2096; the used ring rounds up to 4.
  assert.deepEqual(driver.layout, { desc: 0x2000, avail: 0x2080, used: 0x2098 });
});

Deno.test("MockDriver refuses rings or data areas outside RAM", () => {
  const ram = createGuestRam(0x10000);
  assert.throws(() => new MockDriver(ram, { size: 4096, base: 0x8000 }), RangeError);
  assert.throws(() => new MockDriver(ram, { dataEnd: 0x20000 }), RangeError);
});

Deno.test("MockDriver places a buffer as §2.6.13.1: readable parts, then writable, chained", () => {
  const ram = createGuestRam(0x10000);
  const driver = new MockDriver(ram, { size: 8 });
  const head = driver.addBuffer([ramp(3), ramp(2)], [5]);
  const d0 = driver.readDescriptor(head);
  const d1 = driver.readDescriptor(d0.next);
  const d2 = driver.readDescriptor(d1.next);
  assert.deepEqual([d0.len, d0.flags], [3, VIRTQ_DESC_F_NEXT]);
  assert.deepEqual([d1.len, d1.flags], [2, VIRTQ_DESC_F_NEXT]);
  assert.deepEqual([d2.len, d2.flags], [5, VIRTQ_DESC_F_WRITE]);
  assert.deepEqual([...ram.u8.subarray(d0.addrLow, d0.addrLow + 3)], [1, 2, 3]);
  assert.equal(driver.freeDescriptors, 5);
});

Deno.test("MockDriver puts an indirect buffer behind a single INDIRECT descriptor", () => {
  const ram = createGuestRam(0x10000);
  const driver = new MockDriver(ram, { size: 4 });
  const head = driver.addBuffer([ramp(1)], [2, 3], { indirect: true });
  const d = driver.readDescriptor(head);
  assert.equal(d.flags, VIRTQ_DESC_F_INDIRECT);
  assert.equal(d.len, 48);
  assert.equal(d.addrLow, driver.indirectTable(head));
  const table = { table: d.addrLow };
  assert.deepEqual(
    [0, 1, 2].map((i) => driver.readDescriptor(i, table)).map((e) => [e.len, e.flags, e.next]),
    [[1, VIRTQ_DESC_F_NEXT, 1], [2, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 2], [
      3,
      VIRTQ_DESC_F_WRITE,
      0,
    ]],
  );
});

Deno.test("MockDriver refuses buffers it has no descriptors or space for", () => {
  const ram = createGuestRam(0x10000);
  const driver = new MockDriver(ram, { size: 2 });
  assert.throws(() => driver.addBuffer([], []), RangeError);
  assert.throws(() => driver.addBuffer([ramp(1), ramp(1)], [1]), RangeError);
  assert.throws(() => driver.addBuffer([], [0x20000]), RangeError);
  assert.equal(driver.freeDescriptors, 2, "a refused buffer takes nothing");
});

Deno.test("MockDriver frees descriptors and data once the device returns the chain", () => {
  const { driver, queue } = queuePair({ size: 2 });
  for (let i = 0; i < 10; i++) {
    driver.addBuffer([ramp(1)], [0x4000]);
    driver.kick();
    assert.equal(driver.freeDescriptors, 0);
    queue.addUsed(queue.pop()!.head, 0);
    driver.getUsed();
    assert.equal(driver.freeDescriptors, 2);
  }
});

Deno.test("MockDriver reports unknown used ids without freeing anything", () => {
  const { driver, queue } = queuePair({ size: 4 });
  driver.addBuffer([ramp(1)], []);
  driver.pushAvail(3); // a head the driver never set up
  driver.kick();
  queue.pop();
  const bogus = queue.pop()!;
  queue.addUsed(bogus.head, 7);
  assert.deepEqual(driver.getUsed().map(({ id, len, written }) => [id, len, written.length]), [[
    3,
    7,
    0,
  ]]);
  assert.equal(driver.freeDescriptors, 3);
});

Deno.test("MockDriver with EVENT_IDX re-arms used_event after reading the used ring", () => {
  const { ram, driver, queue } = queuePair({ size: 4, eventIdx: true });
  driver.addBuffer([ramp(1)], []);
  driver.kick();
  queue.addUsed(queue.pop()!.head, 0);
  driver.getUsed();
  const usedEventAt = driver.layout.avail + 4 + 2 * 4;
  assert.equal(ram.view.getUint16(usedEventAt, true), 1);
});

Deno.test("MockDriver raw writes reach exactly the named fields", () => {
  const ram = createGuestRam(0x10000);
  const driver = new MockDriver(ram, { size: 4 });
  driver.writeDescriptor(2, { addrLow: 0x11223344, addrHigh: 0x55, len: 9, flags: 7, next: 3 });
  driver.writeDescriptor(2, { len: 0xffffffff });
  assert.deepEqual(driver.readDescriptor(2), {
    addrLow: 0x11223344,
    addrHigh: 0x55,
    len: 0xffffffff,
    flags: 7,
    next: 3,
  });
  driver.setAvailIdx(0x1_0005);
  assert.equal(driver.availIdx, 5);
  driver.setAvailRing(6, 0xbeef); // slot 6 % 4 = 2
  assert.equal(ram.view.getUint16(driver.layout.avail + 4 + 4, true), 0xbeef);
});

Deno.test("MockDriver reuses data space returned out of order", () => {
  const ram = createGuestRam(0x10000);
  // Room for exactly three 0x100-byte writable buffers.
  const driver = new MockDriver(ram, { size: 8, dataBase: 0x8000, dataEnd: 0x8300 });
  const queue = new Virtqueue(ram, 8);
  queue.setLayout(driver.layout);
  for (let i = 0; i < 3; i++) driver.addBuffer([], [0x100]);
  assert.throws(() => driver.addBuffer([], [0x100]), RangeError);
  driver.kick();
  const chains = [queue.pop()!, queue.pop()!, queue.pop()!];
  queue.addUsed(chains[1].head, 0); // the middle one comes back first
  driver.getUsed();
  const head = driver.addBuffer([], [0x100]);
  assert.equal(driver.readDescriptor(head).addrLow, chains[1].writable()[0].addr);
  assert.equal(chains[1].writable()[0].addr, 0x8100);
});

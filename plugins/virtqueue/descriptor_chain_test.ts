import assert from "node:assert/strict";
import { DescriptorChain } from "./descriptor_chain.ts";
import { VirtqueueError, type VirtqueueErrorCode } from "./errors.ts";
import { createGuestRam } from "./guest_ram.ts";
import { MockDriver } from "./mock_driver.ts";
import { VIRTQ_DESC_F_INDIRECT, VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from "./ring_layout.ts";
import { queuePair, ramp } from "./_testing.ts";

const NEXT = VIRTQ_DESC_F_NEXT;
const WRITE = VIRTQ_DESC_F_WRITE;
const INDIRECT = VIRTQ_DESC_F_INDIRECT;

/** Offers raw head `head` and pops it, as a device would see it. */
function popHead(pair: ReturnType<typeof queuePair>, head: number): DescriptorChain {
  pair.driver.pushAvail(head);
  pair.driver.kick();
  const chain = pair.queue.pop();
  assert.ok(chain);
  return chain;
}

function walkError(chain: DescriptorChain): VirtqueueErrorCode | "none" {
  try {
    chain.descriptors();
  } catch (err) {
    if (err instanceof VirtqueueError) return err.code;
    throw err;
  }
  return "none";
}

Deno.test("§2.6.5 a chain follows NEXT through the descriptor table in order", () => {
  const pair = queuePair({ size: 8 });
  const { driver } = pair;
  driver.writeDescriptor(5, { addrLow: 0x8000, len: 4, flags: NEXT, next: 2 });
  driver.writeDescriptor(2, { addrLow: 0x9000, len: 8, flags: NEXT | WRITE, next: 7 });
  driver.writeDescriptor(7, { addrLow: 0xa000, len: 16, flags: WRITE, next: 5 }); // next unused
  const chain = popHead(pair, 5);
  assert.equal(chain.head, 5);
  assert.deepEqual(
    [...chain].map((d) => [d.addr, d.len, d.writable]),
    [[0x8000, 4, false], [0x9000, 8, true], [0xa000, 16, true]],
  );
  assert.equal(chain.readableLength(), 4);
  assert.equal(chain.writableLength(), 24);
});

Deno.test("§2.6.5 an available-ring head at or past the queue size is refused", () => {
  const pair = queuePair({ size: 8 });
  pair.driver.pushAvail(8);
  pair.driver.kick();
  assert.throws(
    () => pair.queue.pop(),
    (e) => e instanceof VirtqueueError && e.code === "head-out-of-range",
  );
  // The bad entry was consumed; the queue goes on with the next one.
  assert.equal(pair.queue.lastAvailIdx, 1);
  assert.equal(pair.queue.pop(), null);
});

Deno.test("§2.6.5 next pointing past the descriptor table is refused", () => {
  const pair = queuePair({ size: 8 });
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 4, flags: NEXT, next: 8 });
  const chain = popHead(pair, 0);
  const it = chain[Symbol.iterator]();
  assert.equal(it.next().value?.addr, 0x8000); // the first buffer is fine; the hop is not
  assert.throws(
    () => it.next(),
    (e) => e instanceof VirtqueueError && e.code === "next-out-of-range",
  );
});

Deno.test("§2.6.5 a buffer past the end of RAM is refused, one ending exactly there is not", () => {
  const pair = queuePair({ size: 4, ramSize: 0x10000 });
  pair.driver.writeDescriptor(0, { addrLow: 0xff00, len: 0x100, flags: 0 });
  assert.equal(walkError(popHead(pair, 0)), "none");
  pair.driver.writeDescriptor(1, { addrLow: 0xff00, len: 0x101, flags: 0 });
  assert.equal(walkError(popHead(pair, 1)), "out-of-ram");
  pair.driver.writeDescriptor(2, { addrLow: 0x10000, len: 0, flags: 0 });
  assert.equal(walkError(popHead(pair, 2)), "none"); // empty, at the boundary: touches nothing
  pair.driver.writeDescriptor(3, { addrLow: 0xffffffff, len: 0xffffffff, flags: 0 });
  assert.equal(walkError(popHead(pair, 3)), "out-of-ram"); // the 32-bit sum does not wrap
});

Deno.test("§2.6.5 a 64-bit address above 4 GiB is outside RAM", () => {
  const pair = queuePair({ size: 4 });
  pair.driver.writeDescriptor(0, { addrLow: 0x1000, addrHigh: 1, len: 16, flags: 0 });
  assert.equal(walkError(popHead(pair, 0)), "out-of-ram");
});

Deno.test("§2.6.5 addr + len overflowing 64 bits is refused as address-overflow", () => {
  const pair = queuePair({ size: 4 });
  pair.driver.writeDescriptor(0, {
    addrLow: 0xfffffff0,
    addrHigh: 0xffffffff,
    len: 0x11,
    flags: 0,
  });
  assert.equal(walkError(popHead(pair, 0)), "address-overflow");
});

Deno.test("§2.6.5.2 a descriptor loop ends with chain-too-long instead of hanging", () => {
  const pair = queuePair({ size: 8 });
  pair.driver.writeDescriptor(3, { addrLow: 0x8000, len: 1, flags: NEXT, next: 3 });
  assert.equal(walkError(popHead(pair, 3)), "chain-too-long");
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 1, flags: NEXT, next: 1 });
  pair.driver.writeDescriptor(1, { addrLow: 0x8000, len: 1, flags: NEXT, next: 0 });
  assert.equal(walkError(popHead(pair, 0)), "chain-too-long");
});

Deno.test("§2.6.5.3.1 a chain of exactly Queue Size descriptors is accepted", () => {
  const pair = queuePair({ size: 8 });
  for (let i = 0; i < 8; i++) {
    pair.driver.writeDescriptor(i, {
      addrLow: 0x8000 + i,
      len: 1,
      flags: i < 7 ? NEXT : 0,
      next: i + 1,
    });
  }
  assert.equal(popHead(pair, 0).descriptors().length, 8);
});

Deno.test("§2.6.5.2 a chain over its byte cap is refused", () => {
  const ram = createGuestRam(0x10000);
  const driver = new MockDriver(ram, { size: 4 });
  driver.writeDescriptor(0, { addrLow: 0x8000, len: 600, flags: NEXT, next: 1 });
  driver.writeDescriptor(1, { addrLow: 0x8000, len: 500, flags: 0 });
  const source = { descTable: driver.layout.desc, queueSize: 4, head: 0 };
  assert.equal(new DescriptorChain(ram, { ...source, maxBytes: 1100 }).descriptors().length, 2);
  assert.equal(
    walkError(new DescriptorChain(ram, { ...source, maxBytes: 1099 })),
    "chain-too-large",
  );
});

Deno.test("§2.6.5.2 by default a chain may describe at most 2^32 bytes", () => {
  // 32768 descriptors of 256 KiB each (overlapping) describe 8 GiB: the walk stops past 4 GiB.
  const ram = createGuestRam(0x100000);
  const driver = new MockDriver(ram, { size: 32768, base: 0 });
  for (let i = 0; i < 32768; i++) {
    driver.writeDescriptor(i, { addrLow: 0xc0000, len: 0x40000, flags: NEXT, next: i + 1 });
  }
  const chain = new DescriptorChain(ram, { descTable: 0, queueSize: 32768, head: 0 });
  let seen = 0;
  assert.throws(
    () => {
      for (const _ of chain) seen++;
    },
    (e) => e instanceof VirtqueueError && e.code === "chain-too-large",
  );
  assert.equal(seen, 2 ** 32 / 0x40000); // exactly 2^32 bytes were still fine
});

Deno.test("§2.6.5.3 an indirect table is walked in place of the descriptor naming it", () => {
  const pair = queuePair({ size: 4, indirect: true });
  const head = pair.driver.addBuffer([ramp(3), ramp(5)], [7, 9], { indirect: true });
  pair.driver.kick();
  const chain = pair.queue.pop()!;
  assert.equal(chain.head, head);
  assert.deepEqual(chain.descriptors().map((d) => [d.len, d.writable]), [
    [3, false],
    [5, false],
    [7, true],
    [9, true],
  ]);
  assert.equal(pair.driver.freeDescriptors, 3); // one ring descriptor for four buffers
});

Deno.test("§2.6.5.3.2 chained descriptors then one indirect descriptor form one chain", () => {
  const pair = queuePair({ size: 4, indirect: true });
  const table = pair.driver.alloc(32);
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 2, flags: 0, next: 1 }, { table });
  pair.driver.writeDescriptor(1, { addrLow: 0x8100, len: 4, flags: WRITE }, { table });
  pair.driver.writeDescriptor(2, { addrLow: 0x7000, len: 1, flags: NEXT, next: 3 });
  pair.driver.writeDescriptor(3, { addrLow: table, len: 32, flags: INDIRECT });
  const chain = popHead(pair, 2);
  // The table's first entry has no NEXT: the walk ends there, inside the table.
  assert.deepEqual(chain.descriptors().map((d) => d.addr), [0x7000, 0x8000]);
});

Deno.test("§2.6.5.3.2 the WRITE flag on the descriptor naming a table is ignored", () => {
  const pair = queuePair({ size: 4, indirect: true });
  const table = pair.driver.alloc(16);
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 2, flags: 0 }, { table });
  pair.driver.writeDescriptor(1, { addrLow: table, len: 16, flags: INDIRECT | WRITE });
  assert.deepEqual(popHead(pair, 1).descriptors().map((d) => d.writable), [false]);
});

Deno.test("§2.6.5.3 a zero-length indirect table is refused", () => {
  const pair = queuePair({ size: 4, indirect: true });
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 0, flags: INDIRECT });
  assert.equal(walkError(popHead(pair, 0)), "indirect-table-empty");
});

Deno.test("§2.6.5.3 an indirect table length that is not a multiple of 16 is refused", () => {
  const pair = queuePair({ size: 4, indirect: true });
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 24, flags: INDIRECT });
  assert.equal(walkError(popHead(pair, 0)), "indirect-table-length");
});

Deno.test("§2.6.5.3 an indirect table reaching past RAM is refused", () => {
  const pair = queuePair({ size: 4, indirect: true, ramSize: 0x10000 });
  pair.driver.writeDescriptor(0, { addrLow: 0xfff0, len: 32, flags: INDIRECT });
  assert.equal(walkError(popHead(pair, 0)), "out-of-ram");
});

Deno.test("§2.6.5.3.1 an indirect table may not contain an indirect descriptor", () => {
  const pair = queuePair({ size: 4, indirect: true });
  const head = pair.driver.addBuffer([ramp(4)], [4], { indirect: true });
  const table = pair.driver.indirectTable(head)!;
  pair.driver.writeDescriptor(1, { addrLow: table, len: 32, flags: INDIRECT }, { table });
  pair.driver.kick();
  assert.equal(walkError(pair.queue.pop()!), "nested-indirect");
});

Deno.test("§2.6.5.3.1 INDIRECT is refused unless VIRTIO_F_INDIRECT_DESC was negotiated", () => {
  const pair = queuePair({ size: 4, indirect: false });
  pair.driver.addBuffer([ramp(4)], [], { indirect: true });
  pair.driver.kick();
  assert.equal(walkError(pair.queue.pop()!), "indirect-not-negotiated");
});

Deno.test("§2.6.5.3.1 INDIRECT together with NEXT is refused", () => {
  const pair = queuePair({ size: 4, indirect: true });
  const table = pair.driver.alloc(16);
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 2, flags: 0 }, { table });
  pair.driver.writeDescriptor(0, { addrLow: table, len: 16, flags: INDIRECT | NEXT, next: 1 });
  assert.equal(walkError(popHead(pair, 0)), "indirect-with-next");
});

Deno.test("§2.6.5.3.1 NEXT inside an indirect table stays within the table", () => {
  const pair = queuePair({ size: 8, indirect: true });
  const table = pair.driver.alloc(32);
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 2, flags: NEXT, next: 2 }, { table });
  pair.driver.writeDescriptor(0, { addrLow: table, len: 32, flags: INDIRECT });
  // Entry 2 would exist in the queue's table of 8, but the indirect table has only 2 entries.
  assert.equal(walkError(popHead(pair, 0)), "next-out-of-range");
});

Deno.test("§2.6.5.3.1 a loop inside an indirect table ends with chain-too-long", () => {
  const pair = queuePair({ size: 4, indirect: true });
  const table = pair.driver.alloc(48);
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 2, flags: NEXT, next: 1 }, { table });
  pair.driver.writeDescriptor(1, { addrLow: 0x8000, len: 2, flags: NEXT, next: 2 }, { table });
  pair.driver.writeDescriptor(2, { addrLow: 0x8000, len: 2, flags: NEXT, next: 0 }, { table });
  pair.driver.writeDescriptor(0, { addrLow: table, len: 48, flags: INDIRECT });
  const chain = popHead(pair, 0);
  let seen = 0;
  assert.throws(() => {
    for (const _ of chain) seen++;
  }, (e) => e instanceof VirtqueueError && e.code === "chain-too-long");
  assert.equal(seen, 3); // every table entry once, then the repeat is caught
});

Deno.test("§2.6.4.2 a readable descriptor after a writable one is refused", () => {
  const pair = queuePair({ size: 4 });
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 2, flags: WRITE | NEXT, next: 1 });
  pair.driver.writeDescriptor(1, { addrLow: 0x8100, len: 2, flags: 0 });
  assert.equal(walkError(popHead(pair, 0)), "readable-after-writable");
});

Deno.test("§2.6.4.2 readable() and writable() split the chain where writing starts", () => {
  const pair = queuePair({ size: 8 });
  pair.driver.addBuffer([ramp(1), ramp(2), ramp(3)], [4, 5]);
  pair.driver.kick();
  const chain = pair.queue.pop()!;
  assert.deepEqual(chain.readable().map((d) => d.len), [1, 2, 3]);
  assert.deepEqual(chain.writable().map((d) => d.len), [4, 5]);
});

Deno.test("descriptor bytes() are views into guest RAM, not copies", () => {
  const pair = queuePair({ size: 4 });
  pair.driver.addBuffer([ramp(4)], [4]);
  pair.driver.kick();
  const chain = pair.queue.pop()!;
  const [input, output] = chain.descriptors();
  assert.deepEqual([...input.bytes()], [1, 2, 3, 4]);
  output.bytes().set([9, 8, 7]);
  pair.queue.addUsed(chain.head, 3);
  assert.deepEqual([...pair.driver.getUsed()[0].written], [9, 8, 7]);
  assert.equal(input.bytes().buffer, pair.ram.u8.buffer);
});

Deno.test("copy methods span descriptor boundaries and honour offsets", () => {
  const pair = queuePair({ size: 8 });
  pair.driver.addBuffer([ramp(3), ramp(4, 10)], [2, 3, 4]);
  pair.driver.kick();
  const chain = pair.queue.pop()!;
  const all = new Uint8Array(10);
  assert.equal(chain.copyFromReadable(all), 7);
  assert.deepEqual([...all.subarray(0, 7)], [1, 2, 3, 10, 11, 12, 13]);
  const middle = new Uint8Array(3);
  assert.equal(chain.copyFromReadable(middle, { offset: 2 }), 3);
  assert.deepEqual([...middle], [3, 10, 11]);
  assert.equal(chain.copyFromReadable(new Uint8Array(4), { offset: 7 }), 0);

  assert.equal(chain.copyToWritable(ramp(4, 0x40), { offset: 1 }), 4);
  assert.equal(chain.copyToWritable(ramp(20, 0x80), { offset: 6 }), 3); // only 3 bytes left
  pair.queue.addUsed(chain.head, 9);
  assert.deepEqual(
    [...pair.driver.getUsed()[0].written],
    [0, 0x40, 0x41, 0x42, 0x43, 0, 0x80, 0x81, 0x82],
  );
});

Deno.test("copyToWritable reports each written range to GuestRam.onWrite", () => {
  const base = createGuestRam(0x10000);
  const writes: [number, number][] = [];
  const ram = { ...base, onWrite: (addr: number, len: number) => void writes.push([addr, len]) };
  const driver = new MockDriver(ram, { size: 4 });
  driver.writeDescriptor(0, { addrLow: 0x8000, len: 2, flags: WRITE | NEXT, next: 1 });
  driver.writeDescriptor(1, { addrLow: 0x9000, len: 8, flags: WRITE });
  const chain = new DescriptorChain(ram, { descTable: driver.layout.desc, queueSize: 4, head: 0 });
  chain.copyToWritable(ramp(5));
  assert.deepEqual(writes, [[0x8000, 2], [0x9000, 3]]);
});

Deno.test("a chain keeps its first walk when the driver rewrites descriptors afterwards", () => {
  const pair = queuePair({ size: 4 });
  pair.driver.addBuffer([ramp(4)], [8]);
  pair.driver.kick();
  const chain = pair.queue.pop()!;
  const first = chain.descriptors().map((d) => [d.addr, d.len]);
  pair.driver.writeDescriptor(chain.head, { addrLow: 0xffff_0000, len: 99 });
  assert.deepEqual([...chain].map((d) => [d.addr, d.len]), first);
  assert.deepEqual(chain.readable().map((d) => d.len), [4]);
});

Deno.test("a failed walk fails again with the same error, also for a fresh iterator", () => {
  const pair = queuePair({ size: 4 });
  pair.driver.writeDescriptor(0, { addrLow: 0x8000, len: 1, flags: NEXT, next: 0 });
  const chain = popHead(pair, 0);
  let first: unknown;
  try {
    chain.descriptors();
  } catch (err) {
    first = err;
  }
  assert.ok(first instanceof VirtqueueError);
  assert.throws(() => chain.writable(), (e) => e === first);
  assert.throws(() => [...chain], (e) => e === first);
});

Deno.test("zero-length buffers are passed through as empty views", () => {
  const pair = queuePair({ size: 4 });
  pair.driver.addBuffer([new Uint8Array(0)], [0]);
  pair.driver.kick();
  const chain = pair.queue.pop()!;
  assert.deepEqual(chain.descriptors().map((d) => d.bytes().length), [0, 0]);
});

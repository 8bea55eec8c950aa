import assert from "node:assert/strict";
import { VirtqueueError } from "./errors.ts";
import { createGuestRam } from "./guest_ram.ts";
import {
  checkQueueSize,
  checkRingLayout,
  layoutLegacy,
  layoutModern,
  ringPartSizes,
} from "./ring_layout.ts";
import { Virtqueue } from "./virtqueue.ts";

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof VirtqueueError) return err.code;
    throw err;
  }
  return "none";
}

Deno.test("§2.6.2 legacy layout: avail follows the table, used starts a page, for any size", () => {
  // desc = pfn * 4096, avail = desc + 16 * size, used = desc + ALIGN(16 * size + 2 * (3 + size)).
  const cases: [size: number, avail: number, used: number][] = [
    [1, 0x10, 0x1000], // 16 + 8 bytes fit one page
    [16, 0x100, 0x1000],
    [128, 0x800, 0x1000], // 2048 + 262
    [256, 0x1000, 0x2000], // 4096 + 518
    [1024, 0x4000, 0x5000], // 16384 + 2054
    [32768, 0x80000, 0x91000], // 524288 + 65542
  ];
  for (const [size, avail, used] of cases) {
    assert.deepEqual(
      layoutLegacy(0x123, size),
      { desc: 0x123000, avail: 0x123000 + avail, used: 0x123000 + used },
      `size ${size}`,
    );
  }
});

Deno.test("§2.6.2 legacy layout takes a full 32-bit PFN without 32-bit shift overflow", () => {
  const layout = layoutLegacy(0xfffff, 256);
  assert.equal(layout.desc, 0xfffff000);
  assert.equal(layout.used, 0xfffff000 + 0x2000);
  assert.equal(layoutLegacy(0x100000, 1).desc, 2 ** 32);
});

Deno.test("§2.6.2 legacy rings satisfy the modern alignment rules as well", () => {
  for (let size = 1; size <= 32768; size *= 2) {
    const layout = layoutLegacy(1, size);
    assert.doesNotThrow(() => checkRingLayout(layout, size, 0x200000), `size ${size}`);
    assert.equal(layout.used % 4096, 0);
  }
});

Deno.test("§2.6 ring part sizes include the event index fields", () => {
  assert.deepEqual(ringPartSizes(256), { desc: 4096, avail: 6 + 512, used: 6 + 2048 });
});

Deno.test("§2.6 queue size must be a power of two between 1 and 32768", () => {
  for (const good of [1, 2, 256, 32768]) assert.doesNotThrow(() => checkQueueSize(good));
  for (const bad of [0, 3, 100, 65536, -4, 1.5]) {
    assert.throws(() => checkQueueSize(bad), RangeError, `size ${bad}`);
  }
  const ram = createGuestRam(0x10000);
  assert.throws(() => new Virtqueue(ram, 48), RangeError);
});

Deno.test("§2.6.1 a descriptor table not 16-byte aligned is refused", () => {
  assert.equal(
    code(() => checkRingLayout(layoutModern(0x1008, 0x2000, 0x3000), 8, 0x10000)),
    "misaligned",
  );
});

Deno.test("§2.6.1 an available ring not 2-byte aligned is refused", () => {
  assert.equal(
    code(() => checkRingLayout(layoutModern(0x1000, 0x2001, 0x3000), 8, 0x10000)),
    "misaligned",
  );
});

Deno.test("§2.6.1 a used ring not 4-byte aligned is refused", () => {
  assert.equal(
    code(() => checkRingLayout(layoutModern(0x1000, 0x2000, 0x3002), 8, 0x10000)),
    "misaligned",
  );
  assert.equal(
    code(() => checkRingLayout(layoutModern(0x1000, 0x2002, 0x3004), 8, 0x10000)),
    "none",
  );
});

Deno.test("§2.6 every ring part must end inside RAM, event fields included", () => {
  const size = 8;
  const ram = 0x10000;
  const { desc, avail, used } = ringPartSizes(size);
  // Exactly fitting parts are accepted; one byte more is not.
  assert.equal(code(() => checkRingLayout(layoutModern(ram - desc, 0, 0x100), size, ram)), "none");
  assert.equal(
    code(() => checkRingLayout(layoutModern(ram - desc + 16, 0, 0x100), size, ram)),
    "ring-out-of-ram",
  );
  assert.equal(
    code(() => checkRingLayout(layoutModern(0, ram - avail + 2, 0x100), size, ram)),
    "ring-out-of-ram",
  );
  assert.equal(
    code(() => checkRingLayout(layoutModern(0, 0x100, ram - used + 2), size, ram)),
    "ring-out-of-ram",
  );
});

Deno.test("setLayout refuses an unusable layout and leaves the queue unconfigured", () => {
  const ram = createGuestRam(0x10000);
  const queue = new Virtqueue(ram, 8);
  assert.throws(() => queue.setLayout(layoutLegacy(0x10, 8)), VirtqueueError);
  assert.equal(queue.ready, false);
  queue.setLayout(layoutLegacy(0x8, 8));
  assert.equal(queue.ready, true);
  assert.deepEqual(queue.layout, { desc: 0x8000, avail: 0x8080, used: 0x9000 });
});

Deno.test("layoutModern refuses negative or fractional addresses as configuration errors", () => {
  assert.throws(() => layoutModern(-16, 0, 0), RangeError);
  assert.throws(() => layoutModern(0, 0.5, 0), RangeError);
  assert.throws(() => layoutLegacy(-1, 8), RangeError);
});

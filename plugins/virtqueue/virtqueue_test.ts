import assert from "node:assert/strict";
import { VirtqueueError } from "./errors.ts";
import { createGuestRam } from "./guest_ram.ts";
import { MockDriver } from "./mock_driver.ts";
import { USED_ELEM_SIZE, VIRTQ_USED_F_NO_NOTIFY } from "./ring_layout.ts";
import { Virtqueue } from "./virtqueue.ts";
import { queuePair, ramp } from "./_testing.ts";

function isCode(code: string) {
  return (e: unknown) => e instanceof VirtqueueError && e.code === code;
}

Deno.test("pop returns null before the rings are set and while the ring is empty", () => {
  const ram = createGuestRam(0x10000);
  const queue = new Virtqueue(ram, 8);
  assert.equal(queue.pop(), null);
  assert.equal(queue.needsNotification(), false);
  assert.throws(() => queue.addUsed(0, 0), isCode("not-ready"));
  const driver = new MockDriver(ram, { size: 8 });
  queue.setLayout(driver.layout);
  assert.equal(queue.pop(), null);
  driver.addBuffer([ramp(1)], []);
  assert.equal(queue.pop(), null, "staged but not yet published by avail.idx");
  driver.kick();
  assert.ok(queue.pop());
});

Deno.test("§2.6.6 pop takes chains in available-ring order", () => {
  const { driver, queue } = queuePair({ size: 8 });
  const heads = [driver.addBuffer([ramp(1)], []), driver.addBuffer([ramp(2)], [3])];
  heads.push(driver.addBuffer([], [4]));
  driver.kick();
  assert.equal(queue.pending(), 3);
  assert.deepEqual([queue.pop()!.head, queue.pop()!.head, queue.pop()!.head], heads);
  assert.equal(queue.pop(), null);
  assert.equal(queue.inFlight, 3);
});

Deno.test("§2.6.6 avail.idx may lead by exactly the queue size but not more", () => {
  const { driver, queue } = queuePair({ size: 4 });
  for (let i = 0; i < 4; i++) driver.addBuffer([ramp(1)], []);
  driver.kick();
  assert.equal(queue.pending(), 4);
  driver.setAvailIdx(5);
  assert.throws(() => queue.pop(), isCode("avail-idx-jump"));
  assert.equal(queue.lastAvailIdx, 0, "nothing consumed from a ring with a garbage index");
});

Deno.test("§2.6.6.1 an avail.idx that goes backwards is refused", () => {
  const { driver, queue } = queuePair({ size: 4 });
  driver.addBuffer([ramp(1)], []);
  driver.kick();
  queue.pop();
  driver.setAvailIdx(0);
  assert.throws(() => queue.pop(), isCode("avail-idx-jump"));
});

Deno.test("§2.6.8.2 addUsed stores id and len, then publishes used.idx", () => {
  const { ram, driver, queue } = queuePair({ size: 4 });
  const head = driver.addBuffer([ramp(2)], [16]);
  driver.kick();
  const chain = queue.pop()!;
  assert.equal(chain.head, head);
  queue.addUsed(head, 12);
  const elem = driver.layout.used + 4;
  assert.equal(ram.view.getUint32(elem, true), head);
  assert.equal(ram.view.getUint32(elem + 4, true), 12);
  assert.equal(driver.usedIdx, 1);
  assert.equal(queue.nextUsedIdx, 1);
  assert.equal(queue.inFlight, 0);
  assert.deepEqual(driver.getUsed().map(({ id, len }) => [id, len]), [[head, 12]]);
  assert.equal(driver.freeDescriptors, 4);
});

Deno.test("§2.6.8 addUsed refuses heads past the queue, non-u32 lengths and empty flights", () => {
  const { driver, queue } = queuePair({ size: 4 });
  assert.throws(() => queue.addUsed(0, 0), isCode("used-overflow"));
  driver.addBuffer([ramp(1)], []);
  driver.kick();
  queue.pop();
  assert.throws(() => queue.addUsed(4, 0), isCode("invalid-used"));
  assert.throws(() => queue.addUsed(0, -1), isCode("invalid-used"));
  assert.throws(() => queue.addUsed(0, 2 ** 32), isCode("invalid-used"));
  assert.equal(driver.usedIdx, 0, "refused elements are not published");
  queue.addUsed(0, 0xffffffff);
  assert.equal(driver.getUsed()[0].len, 0xffffffff);
});

Deno.test("§2.6.8 used elements go to used.ring[idx % size] as the index wraps the ring", () => {
  const { ram, driver, queue } = queuePair({ size: 2 });
  for (let round = 0; round < 5; round++) {
    const head = driver.addBuffer([ramp(1)], [4]);
    driver.kick();
    queue.addUsed(queue.pop()!.head, round);
    const slot = round % 2;
    const elem = driver.layout.used + 4 + USED_ELEM_SIZE * slot;
    assert.equal(ram.view.getUint32(elem, true), head);
    assert.equal(ram.view.getUint32(elem + 4, true), round);
    assert.deepEqual(driver.getUsed().map((u) => u.len), [round]);
  }
});

Deno.test("§2.6.13.3 avail.idx and used.idx wrap at 2^16 without losing a buffer", () => {
  const { driver, queue } = queuePair({ size: 2 });
  const total = 0x10000 + 5;
  for (let i = 0; i < total; i++) {
    driver.addBuffer([], [1]);
    driver.kick();
    const chain = queue.pop();
    assert.ok(chain, `buffer ${i}`);
    queue.addUsed(chain.head, i & 0xff);
    const used = driver.getUsed();
    if (used.length !== 1 || used[0].len !== (i & 0xff)) assert.fail(`round trip ${i}`);
  }
  assert.equal(queue.lastAvailIdx, 5);
  assert.equal(queue.nextUsedIdx, 5);
  assert.equal(driver.availIdx, 5);
  assert.equal(driver.usedIdx, 5);
});

Deno.test("§2.6.7.2 without EVENT_IDX the device notifies unless AVAIL_F_NO_INTERRUPT", () => {
  const { driver, queue } = queuePair({ size: 4 });
  const cycle = () => {
    driver.addBuffer([ramp(1)], []);
    driver.kick();
    queue.addUsed(queue.pop()!.head, 0);
  };
  cycle();
  assert.equal(queue.needsNotification(), true);
  driver.setNoInterrupt(true);
  cycle();
  assert.equal(queue.needsNotification(), false);
  driver.setAvailFlags(0xfffe); // undefined bits set, bit 0 clear
  cycle();
  assert.equal(queue.needsNotification(), true);
});

Deno.test("§2.6.7.2 no notification is due when nothing was used since the last decision", () => {
  const { driver, queue } = queuePair({ size: 4 });
  driver.addBuffer([ramp(1)], []);
  driver.kick();
  queue.addUsed(queue.pop()!.head, 0);
  assert.equal(queue.needsNotification(), true);
  assert.equal(queue.needsNotification(), false);
});

Deno.test("§2.6.7.2 with EVENT_IDX the device notifies when used.idx passes used_event", () => {
  const { driver, queue } = queuePair({ size: 8, eventIdx: true });
  for (let i = 0; i < 6; i++) driver.addBuffer([ramp(1)], []);
  driver.kick();
  const heads = Array.from({ length: 6 }, () => queue.pop()!.head);
  driver.setNoInterrupt(true); // §2.6.7.2: the device MUST ignore the lower bit of flags
  driver.setUsedEvent(2); // "notify when you write used entry 2", i.e. used.idx reaches 3

  queue.addUsed(heads[0], 0); // idx 0 → 1
  assert.equal(queue.needsNotification(), false);
  queue.addUsed(heads[1], 0); // idx 1 → 2
  assert.equal(queue.needsNotification(), false);
  queue.addUsed(heads[2], 0); // idx 2 → 3: entry 2 written
  assert.equal(queue.needsNotification(), true);
  queue.addUsed(heads[3], 0);
  assert.equal(queue.needsNotification(), false, "used_event already passed");

  // A batch passing used_event in its middle notifies once at the end.
  driver.setUsedEvent(4);
  queue.addUsed(heads[4], 0); // idx 4 → 5
  queue.addUsed(heads[5], 0); // idx 5 → 6
  assert.equal(queue.needsNotification(), true);
});

Deno.test("§2.6.7.2 with EVENT_IDX a used_event of 0 notifies after the first buffer", () => {
  const { driver, queue } = queuePair({ size: 4, eventIdx: true });
  driver.addBuffer([ramp(1)], []);
  driver.addBuffer([ramp(1)], []);
  driver.kick();
  queue.addUsed(queue.pop()!.head, 0);
  assert.equal(queue.needsNotification(), true);
  queue.addUsed(queue.pop()!.head, 0);
  assert.equal(queue.needsNotification(), false);
});

Deno.test("§2.6.10.2 without EVENT_IDX suppression sets VIRTQ_USED_F_NO_NOTIFY", () => {
  const { driver, queue } = queuePair({ size: 4 });
  driver.addBuffer([ramp(1)], []);
  assert.equal(driver.kick(), true);
  assert.equal(queue.setNotificationSuppression(true), true, "one chain is pending");
  assert.equal(driver.usedFlags, VIRTQ_USED_F_NO_NOTIFY);
  driver.addBuffer([ramp(1)], []);
  assert.equal(driver.kick(), false);
  queue.pop();
  queue.pop();
  assert.equal(queue.setNotificationSuppression(false), false, "nothing left to pop");
  assert.equal(driver.usedFlags, 0);
  driver.addBuffer([ramp(1)], []);
  assert.equal(driver.kick(), true);
});

Deno.test("§2.6.10.2 with EVENT_IDX pops move avail_event and suppression freezes it", () => {
  const { driver, queue } = queuePair({ size: 8, eventIdx: true });
  driver.addBuffer([ramp(1)], []);
  assert.equal(driver.kick(), true, "avail_event 0: the first entry is wanted");
  queue.pop();
  assert.equal(driver.availEvent, 1);
  driver.addBuffer([ramp(1)], []);
  driver.addBuffer([ramp(1)], []);
  assert.equal(driver.kick(), true, "entries 1 and 2 pass avail_event 1");
  driver.addBuffer([ramp(1)], []);
  assert.equal(driver.kick(), false, "the device has not caught up: no new notification");

  assert.equal(queue.setNotificationSuppression(true), true);
  assert.equal(driver.usedFlags, 0, "§2.6.10.2: flags stay 0 with EVENT_IDX");
  queue.pop();
  queue.pop();
  queue.pop();
  assert.equal(driver.availEvent, 1, "suppressed: avail_event is left behind");
  driver.addBuffer([ramp(1)], []);
  assert.equal(driver.kick(), false);
  assert.equal(queue.setNotificationSuppression(false), true, "entry 4 arrived meanwhile");
  assert.equal(driver.availEvent, 4);
  queue.pop();
  assert.equal(driver.availEvent, 5);
  driver.addBuffer([ramp(1)], []);
  assert.equal(driver.kick(), true);
});

Deno.test("reset forgets rings, indexes and in-flight chains", () => {
  const { driver, queue } = queuePair({ size: 4 });
  driver.addBuffer([ramp(1)], []);
  driver.kick();
  queue.pop();
  queue.reset();
  assert.equal(queue.ready, false);
  assert.equal(queue.lastAvailIdx, 0);
  assert.equal(queue.inFlight, 0);
  assert.equal(queue.pop(), null);
  driver.reset();
  queue.setLayout(driver.layout);
  driver.addBuffer([ramp(3)], []);
  driver.kick();
  assert.equal(queue.pop()!.readableLength(), 3);
});

Deno.test("legacy and modern layouts carry the same traffic", () => {
  for (const legacy of [false, true]) {
    const { driver, queue } = queuePair({ size: 16, legacy });
    const sent: number[] = [];
    for (let i = 0; i < 40; i++) {
      driver.addBuffer([ramp(i + 1)], [i + 2]);
      driver.kick();
      const chain = queue.pop()!;
      const request = new Uint8Array(chain.readableLength());
      chain.copyFromReadable(request);
      sent.push(request.length);
      queue.addUsed(chain.head, chain.copyToWritable(request));
      assert.deepEqual([...driver.getUsed()[0].written], [...request], `${legacy} ${i}`);
    }
    assert.equal(sent.length, 40);
  }
});

Deno.test("features can be set after construction, as negotiation ends later", () => {
  const { driver, queue } = queuePair({ size: 4 });
  driver.addBuffer([ramp(1)], [], { indirect: true });
  driver.addBuffer([ramp(1)], [], { indirect: true });
  driver.kick();
  assert.throws(() => queue.pop()!.descriptors(), isCode("indirect-not-negotiated"));
  queue.indirect = true;
  assert.equal(queue.pop()!.descriptors().length, 1);
});

Deno.test("ring writes of the device are reported to GuestRam.onWrite", () => {
  const base = createGuestRam(0x10000);
  const writes: [number, number][] = [];
  const ram = { ...base, onWrite: (addr: number, len: number) => void writes.push([addr, len]) };
  const driver = new MockDriver(ram, { size: 4 });
  const queue = new Virtqueue(ram, 4);
  queue.setLayout(driver.layout);
  driver.addBuffer([ramp(1)], []);
  driver.kick();
  queue.addUsed(queue.pop()!.head, 0);
  const { used } = driver.layout;
  assert.deepEqual(writes, [[used + 4, 8], [used + 2, 2]]);
  writes.length = 0;
  queue.setNotificationSuppression(true);
  assert.deepEqual(writes, [[used, 2]]);
});

import assert from "node:assert/strict";
import { IN_PROCESS } from "./virtqueue.ts";

Deno.test("with EVENT_IDX a batch of 32 costs one kick and one interrupt (§2.6.7.2, §2.6.10.2)", () => {
  const rig = IN_PROCESS.open({ requestSize: 512, eventIdx: true, batch: 32 });
  assert.equal(rig.exchange(320), 320 * 512);
  assert.deepEqual(rig.counts, { requests: 320, kicks: 10, interrupts: 10 });
  rig.close();
});

Deno.test("one request per kick without EVENT_IDX costs a kick and an interrupt each", () => {
  const rig = IN_PROCESS.open({ requestSize: 4096, eventIdx: false, batch: 1 });
  assert.equal(rig.exchange(50), 50 * 4096);
  assert.deepEqual(rig.counts, { requests: 50, kicks: 50, interrupts: 50 });
  rig.close();
});

Deno.test("a partial last batch is exchanged too", () => {
  const rig = IN_PROCESS.open({ requestSize: 1 << 20, eventIdx: true, batch: 32 });
  assert.equal(rig.exchange(40), 40 << 20);
  assert.deepEqual(rig.counts, { requests: 40, kicks: 2, interrupts: 2 });
  rig.close();
});

Deno.test("a batch the queue cannot hold is refused", () => {
  assert.throws(
    () => IN_PROCESS.open({ requestSize: 512, eventIdx: true, batch: 200 }),
    RangeError,
  );
});

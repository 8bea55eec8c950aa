import assert from "node:assert/strict";
import { mulberry32 } from "./fuzz.ts";
import { vringNeedEvent } from "./notification.ts";

/** The rule as prose (§2.6.7.1): some index written in [old, new) equals event, modulo 2^16. */
function passesEvent(event: number, newIdx: number, oldIdx: number): boolean {
  for (let idx = oldIdx; idx !== newIdx; idx = (idx + 1) & 0xffff) {
    if (idx === event) return true;
  }
  return false;
}

Deno.test("§2.6.7.2 vring_need_event is true exactly when event is in [old, new) mod 2^16", () => {
  const random = mulberry32(0x2672);
  for (let i = 0; i < 20000; i++) {
    const oldIdx = Math.floor(random() * 0x10000);
    const step = Math.floor(random() * 300); // batches of up to a few ring sizes
    const newIdx = (oldIdx + step) & 0xffff;
    // Events near the window, where the answer changes, and anywhere at all.
    const event = random() < 0.5
      ? (oldIdx + Math.floor(random() * 600) - 150) & 0xffff
      : Math.floor(random() * 0x10000);
    if (vringNeedEvent(event, newIdx, oldIdx) !== passesEvent(event, newIdx, oldIdx)) {
      assert.fail(`event ${event}, old ${oldIdx}, new ${newIdx}`);
    }
  }
});

Deno.test("§2.6.7.2 vring_need_event handles the 16-bit wrap of all three indexes", () => {
  assert.equal(vringNeedEvent(0xffff, 0x0000, 0xffff), true);
  assert.equal(vringNeedEvent(0x0000, 0x0001, 0xffff), true);
  assert.equal(vringNeedEvent(0x0001, 0x0001, 0xffff), false);
  assert.equal(vringNeedEvent(0xfffe, 0x0002, 0xffff), false);
  assert.equal(vringNeedEvent(0x1234, 0x1234, 0x1234), false, "nothing written, nothing due");
});

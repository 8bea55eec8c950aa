import assert from "node:assert/strict";
import { HostClock } from "./clock.ts";

/** Busy-waits `ms` of host time (a stall of the VMM thread). */
function stall(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* the VMM thread is busy */ }
}

Deno.test("HostClock: a stall longer than the step limit shows the guest only the limit", () => {
  const clock = new HostClock();
  clock.settle(0);
  const before = clock.now();
  stall(30);
  const dropped = clock.settle(2e6);
  assert.ok(dropped >= 27e6, `dropped ${dropped} ns of a 30 ms stall`);
  const after = clock.now();
  assert.ok(after - before < 10e6, `guest time moved ${after - before} ns across the stall`);
});

Deno.test("HostClock: time read during a stall never goes backwards when the stall is dropped", () => {
  const clock = new HostClock();
  clock.settle(0);
  stall(20);
  const seen = clock.now(); // the guest read the TSC late in the step
  clock.settle(1e6);
  assert.ok(clock.now() >= seen, "monotonic");
  stall(5);
  assert.ok(clock.now() >= seen);
});

Deno.test("HostClock: a deliberate wait (resync) counts in full", async () => {
  const clock = new HostClock();
  clock.settle(0);
  const before = clock.now();
  await new Promise((r) => setTimeout(r, 30));
  clock.resync();
  assert.equal(clock.settle(1e6), 0);
  assert.ok(clock.now() - before >= 25e6, "the wait is guest time");
});

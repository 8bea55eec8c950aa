import assert from "node:assert/strict";
import { apicRig } from "./_test_rig.ts";
import {
  APIC_LVT_LINT0,
  APIC_LVT_TIMER,
  APIC_TIMER_CURRENT,
  APIC_TIMER_DIVIDE,
  APIC_TIMER_INITIAL,
} from "./registers.ts";
import { timerDivisor } from "./timer_counter.ts";

const VECTOR = 0xec;
const ONE_SHOT = VECTOR, PERIODIC = 0x20000 | VECTOR, MASKED = 0x10000;

/** An enabled APIC with LINT0 masked, recording the time of every timer interrupt taken. */
function timerRig() {
  const r = apicRig();
  r.enable();
  r.write(APIC_LVT_LINT0, 0x10700);
  const fired: number[] = [];
  const run = (untilNs: number) =>
    r.runUntil(untilNs, () => {
      for (const v of r.serveAll()) if (v === VECTOR) fired.push(r.clock.now());
    });
  return { ...r, fired, run };
}

/** A {@link timerRig} whose timer is periodic at one tick per ns, every `periodNs`. */
function periodicRig(periodNs: number) {
  const r = timerRig();
  r.write(APIC_TIMER_DIVIDE, 0xb); // divide by 1
  r.write(APIC_LVT_TIMER, PERIODIC);
  r.write(APIC_TIMER_INITIAL, periodNs);
  return r;
}

Deno.test("the divide configuration register selects 2, 4, … 128 and 1 (SDM Figure 10-10)", () => {
  const values = [0x0, 0x1, 0x2, 0x3, 0x8, 0x9, 0xa, 0xb].map(timerDivisor);
  assert.deepEqual(values, [2, 4, 8, 16, 32, 64, 128, 1]);
  const r = timerRig();
  r.write(APIC_TIMER_DIVIDE, 0xffffffff);
  assert.equal(r.read(APIC_TIMER_DIVIDE), 0xb, "only bits 0, 1 and 3 are writable");
});

Deno.test("one-shot: one interrupt after initial × divisor ns; the current count runs down to 0", () => {
  const r = timerRig();
  r.write(APIC_TIMER_DIVIDE, 0x3); // divide by 16
  r.write(APIC_LVT_TIMER, ONE_SHOT);
  r.clock.time = 1000;
  r.write(APIC_TIMER_INITIAL, 100);
  assert.equal(r.read(APIC_TIMER_CURRENT), 100);
  r.clock.time = 1000 + 16 * 30 + 15;
  assert.equal(r.read(APIC_TIMER_CURRENT), 70, "30 whole ticks of 16 ns have passed");
  r.run(1_000_000);
  assert.deepEqual(r.fired, [1000 + 1600]);
  assert.equal(r.read(APIC_TIMER_CURRENT), 0);
  assert.equal(r.read(APIC_TIMER_INITIAL), 100, "the initial count reads back");
  assert.equal(r.timers.next(), Infinity, "nothing left armed");
});

Deno.test("periodic: one interrupt per period and the current count reloads each time", () => {
  const r = periodicRig(10_000);
  r.run(100_000);
  assert.deepEqual(r.fired, Array.from({ length: 10 }, (_, k) => 10_000 * (k + 1)));
  r.clock.time = 100_000 + 2_500;
  assert.equal(r.read(APIC_TIMER_CURRENT), 7_500);
  r.clock.time = 110_000;
  assert.equal(r.read(APIC_TIMER_CURRENT), 10_000, "reloaded as the count reached zero");
});

Deno.test("a late timer check owes every missed period: each is raised once the one before is taken", () => {
  const r = periodicRig(1_000);
  r.clock.time = 5_500;
  r.timers.runDue();
  assert.deepEqual(r.serveAll(), [VECTOR, VECTOR, VECTOR, VECTOR, VECTOR], "periods 1-5");
  assert.equal(r.timers.next(), 6_000, "re-armed for the next period boundary");
});

Deno.test("an expiry while the previous tick still waits in IRR is owed, not merged", () => {
  const r = periodicRig(1_000);
  r.runUntil(3_000, () => {}); // three expiries, nobody takes them (interrupts disabled)
  assert.deepEqual(r.serveAll(), [VECTOR, VECTOR, VECTOR]);
});

Deno.test("reprogramming or masking the timer forgets owed ticks", () => {
  const r = periodicRig(1_000);
  r.clock.time = 5_500;
  r.timers.runDue();
  r.write(APIC_TIMER_INITIAL, 1_000);
  assert.deepEqual(r.serveAll(), [VECTOR], "the pending one stays, the owed ones are gone");
  r.clock.time = 9_700;
  r.timers.runDue();
  r.write(APIC_LVT_TIMER, PERIODIC | MASKED);
  assert.deepEqual(r.serveAll(), [VECTOR]);
});

Deno.test("writing initial count 0 stops the timer", () => {
  const r = timerRig();
  r.write(APIC_LVT_TIMER, PERIODIC);
  r.write(APIC_TIMER_INITIAL, 500);
  r.run(2_500); // divide by 2 after reset: a 1000 ns period
  r.write(APIC_TIMER_INITIAL, 0);
  assert.equal(r.read(APIC_TIMER_CURRENT), 0);
  r.run(1_000_000);
  assert.deepEqual(r.fired, [1_000, 2_000]);
});

Deno.test("a masked timer keeps counting but interrupts only once unmasked, at the next period", () => {
  const r = timerRig();
  r.write(APIC_TIMER_DIVIDE, 0xb);
  r.write(APIC_LVT_TIMER, PERIODIC | MASKED);
  r.write(APIC_TIMER_INITIAL, 1_000);
  r.run(3_400);
  assert.deepEqual(r.fired, []);
  assert.equal(r.read(APIC_TIMER_CURRENT), 600);
  r.write(APIC_LVT_TIMER, PERIODIC);
  r.run(5_000);
  assert.deepEqual(r.fired, [4_000, 5_000]);
});

Deno.test("a one-shot count that expired while masked raises nothing when unmasked", () => {
  const r = timerRig();
  r.write(APIC_TIMER_DIVIDE, 0xb);
  r.write(APIC_LVT_TIMER, ONE_SHOT | MASKED);
  r.write(APIC_TIMER_INITIAL, 1_000);
  r.run(2_000);
  r.write(APIC_LVT_TIMER, ONE_SHOT);
  r.run(10_000);
  assert.deepEqual(r.fired, []);
});

Deno.test("changing the divider keeps the ticks already counted and runs the rest at the new rate", () => {
  const r = timerRig();
  r.write(APIC_TIMER_DIVIDE, 0xb); // 1 ns per tick
  r.write(APIC_LVT_TIMER, ONE_SHOT);
  r.write(APIC_TIMER_INITIAL, 1_000);
  r.clock.time = 400;
  r.write(APIC_TIMER_DIVIDE, 0x0); // 2 ns per tick
  assert.equal(r.read(APIC_TIMER_CURRENT), 600);
  r.run(10_000);
  assert.deepEqual(r.fired, [400 + 600 * 2]);
});

Deno.test("switching periodic to one-shot lets the period under way finish once", () => {
  const r = periodicRig(1_000);
  r.run(2_300);
  r.write(APIC_LVT_TIMER, ONE_SHOT);
  assert.equal(r.read(APIC_TIMER_CURRENT), 700);
  r.run(10_000);
  assert.deepEqual(r.fired, [1_000, 2_000, 3_000]);
  r.write(APIC_LVT_TIMER, PERIODIC);
  r.run(20_000);
  assert.equal(r.fired.length, 3, "an expired one-shot count stays at zero in periodic mode");
  assert.equal(r.read(APIC_TIMER_CURRENT), 0);
});

Deno.test("the timer vector obeys priority like any other: TPR defers it until lowered", () => {
  const r = timerRig();
  r.write(0x80, 0xf0); // TPR above every vector
  r.write(APIC_TIMER_DIVIDE, 0xb);
  r.write(APIC_LVT_TIMER, ONE_SHOT);
  r.write(APIC_TIMER_INITIAL, 100);
  r.run(1_000);
  assert.deepEqual(r.fired, []);
  r.write(0x80, 0);
  assert.deepEqual(r.serveAll(), [VECTOR]);
});

import assert from "node:assert/strict";
import { ManualClock } from "../clock.ts";
import { IrqLine } from "../irq.ts";
import { TimerQueue } from "../timer_queue.ts";
import { EdgeRecorder, pitRig } from "./_test_rig.ts";
import { Pit } from "./pit.ts";
import { nsAt, PIT_HZ } from "./ticks.ts";

/** Runs the timer queue deadline by deadline up to `untilNs`, as an idle CPU would. */
function runUntil(r: ReturnType<typeof pitRig>, untilNs: number): void {
  while (r.timers.next() <= untilNs) {
    r.clock.time = r.timers.next();
    r.timers.runDue();
  }
  r.clock.time = untilNs;
}

Deno.test("IRQ0 fires once per period in mode 2, on the tick the count reloads", () => {
  const r = pitRig();
  r.program(0x34, 1193); // ~1 kHz
  runUntil(r, 10_000_000);
  const expected = Array.from({ length: 10 }, (_, k) => nsAt(1193 * (k + 1)));
  assert.deepEqual(r.irq0.rises, expected);
  assert.equal(r.irq0.level, false, "edges are pulses; the line rests low");
});

Deno.test("IRQ0 fires once per period in mode 3, when OUT goes high", () => {
  const r = pitRig();
  r.toTick(7);
  r.program(0x36, 11932); // ~100 Hz square wave
  runUntil(r, 1_000_000_000);
  assert.equal(r.irq0.rises.length, 99, "11932 ticks per period: 99 full periods in 1 s");
  assert.equal(r.irq0.rises[0], nsAt(7 + 11932));
  assert.equal(r.irq0.rises[98], nsAt(7 + 99 * 11932));
});

Deno.test("after reset IRQ0 runs at 18.2 Hz, as QEMU leaves counter 0", () => {
  const r = pitRig();
  runUntil(r, 1_000_000_000);
  assert.equal(r.irq0.rises.length, Math.floor(PIT_HZ / 65536));
});

Deno.test("mode 0 raises IRQ0 at terminal count and a new control word lowers it", () => {
  const r = pitRig();
  r.program(0x30, 1000);
  r.toTick(999);
  assert.equal(r.irq0.level, false);
  assert.equal(r.timers.next(), nsAt(1000), "one timer, armed for the terminal count");
  r.toTick(1000);
  assert.equal(r.irq0.level, true);
  r.toTick(100_000);
  assert.equal(r.irq0.rises.length, 1, "mode 0 is one-shot");
  assert.equal(r.timers.next(), Infinity, "nothing left to time");
  r.io.write(0x43, 1, 0x30);
  assert.equal(r.irq0.level, false, "control word sets OUT low in mode 0");
  r.io.write(0x40, 1, 10);
  r.io.write(0x40, 1, 0);
  r.toTick(100_010);
  assert.equal(r.irq0.level, true);
  assert.equal(r.irq0.rises.length, 2);
});

Deno.test("a terminal count passed before the timer ran is seen by the next port write", () => {
  const r = pitRig();
  r.program(0x30, 50);
  r.clock.time = nsAt(60); // the run loop has not serviced timers yet
  r.io.write(0x43, 1, 0x00);
  assert.equal(r.irq0.level, true, "OUT0 is already high at tick 60");
  assert.equal(r.io.read(0x40, 1) | (r.io.read(0x40, 1) << 8), 0xfff6);
  r.timers.runDue();
  assert.equal(r.irq0.rises.length, 1, "the late timer adds no second edge");
});

Deno.test("edges missed while timers were not serviced each give a pulse (the line merges them)", () => {
  const r = pitRig();
  r.program(0x34, 100);
  r.toTick(1050); // ten periods pass at once
  assert.equal(r.irq0.rises.length, 10, "one edge per period: a tick-owing APIC keeps them all");
  assert.equal(r.timers.next(), nsAt(1100), "the next edge keeps the original phase");
});

Deno.test("one late check gives at most 64 edges", () => {
  const r = pitRig();
  r.program(0x34, 10);
  r.toTick(100_000);
  assert.equal(r.irq0.rises.length, 64);
  assert.ok(r.timers.next() > nsAt(100_000), "re-armed after now");
});

Deno.test("mode 4 on counter 0 gives a single IRQ0 edge after the strobe", () => {
  const r = pitRig();
  r.program(0x38, 500);
  runUntil(r, nsAt(5000));
  assert.deepEqual(r.irq0.rises, [nsAt(501)]);
});

Deno.test("reprogramming counter 0 mid-period moves the next IRQ0 edge", () => {
  const r = pitRig();
  r.program(0x34, 1000);
  r.toTick(400);
  r.program(0x34, 300); // control word first: the new count starts now
  runUntil(r, nsAt(1000));
  assert.deepEqual(r.irq0.rises, [nsAt(700), nsAt(1000)]);
});

Deno.test("Pit refuses to start without its clock, timers or IRQ line", () => {
  const clock = new ManualClock();
  const timers = new TimerQueue(clock);
  const irq = new IrqLine(new EdgeRecorder(clock), 0);
  // @ts-expect-error: missing irq
  assert.throws(() => new Pit({ clock, timers }), /i8254/);
  // @ts-expect-error: no options at all
  assert.throws(() => new Pit(), /i8254/);
  assert.doesNotThrow(() => new Pit({ clock, timers, irq }));
});

Deno.test("a count written during mode 3 takes effect at the end of the half-cycle", () => {
  const r = pitRig();
  r.program(0x36, 100);
  r.toTick(20);
  r.io.write(0x40, 1, 40); // high half ends at tick 50; the new count starts low
  r.io.write(0x40, 1, 0);
  r.toTick(60);
  assert.equal(r.latch(0), 20, "10 ticks into the low half of 40");
  runUntil(r, nsAt(140));
  assert.deepEqual(r.irq0.rises, [nsAt(70), nsAt(110)]);
});

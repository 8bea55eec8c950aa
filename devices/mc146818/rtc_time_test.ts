import assert from "node:assert/strict";
import { ManualClock } from "../clock.ts";
import { IrqLine, NO_IRQ } from "../irq.ts";
import { TimerQueue } from "../timer_queue.ts";
import { Rtc } from "./rtc.ts";
import { rtcRig } from "./_test_rig.ts";

Deno.test("power-on registers are QEMU's and the time is the start time in 24-hour BCD", () => {
  const r = rtcRig();
  assert.deepEqual(
    [r.read(0x0a), r.read(0x0b), r.read(0x0c), r.read(0x0d)],
    [0x26, 0x02, 0x00, 0x80],
  );
  assert.deepEqual(r.hms(), [0x58, 0x59, 0x23]);
  assert.equal(r.read(0x06), 5, "Thursday (Sunday = 1)");
  assert.deepEqual([r.read(0x07), r.read(0x08), r.read(0x09), r.read(0x32)], [
    0x29,
    0x02,
    0x24,
    0x20,
  ]);
});

Deno.test("UIP is set for the 244 µs before each update, then the seconds advance", () => {
  const r = rtcRig();
  r.at(1e9 - 250_000);
  assert.equal(r.read(0x0a) & 0x80, 0, "more than 244 µs before the update");
  r.at(1e9 - 200_000);
  assert.equal(r.read(0x0a), 0xa6, "UIP set, other bits as written");
  assert.equal(r.read(0x00), 0x58, "the update has not happened yet");
  r.at(1e9);
  assert.equal(r.read(0x0a), 0x26);
  assert.equal(r.read(0x00), 0x59);
  r.at(2e9 + 1);
  assert.deepEqual(r.hms(), [0x00, 0x00, 0x00]);
  assert.deepEqual([r.read(0x06), r.read(0x07), r.read(0x08)], [6, 0x01, 0x03], "Fri 1 March");
});

Deno.test("register B selects binary or BCD and 12- or 24-hour presentation", () => {
  const r = rtcRig();
  r.write(0x0b, 0x04); // binary, 12-hour
  assert.deepEqual(r.hms(), [58, 59, 0x80 | 11], "11 PM");
  assert.equal(r.read(0x09), 24);
  r.write(0x0b, 0x06); // binary, 24-hour
  assert.equal(r.read(0x04), 23);
  r.write(0x0b, 0x00); // BCD, 12-hour
  assert.equal(r.read(0x04), 0x91);
  r.at(2e9);
  assert.equal(r.read(0x04), 0x12, "midnight is 12 AM");
});

Deno.test("SET freezes the time for software to write; clearing it counts on in phase", () => {
  const r = rtcRig();
  r.at(300_000_000);
  r.write(0x0b, 0x82);
  const writes: [number, number][] = [[0, 0x00], [2, 0x30], [4, 0x12], [7, 0x15], [8, 0x06], [
    9,
    0x99,
  ], [0x32, 0x19]];
  for (const [index, value] of writes) r.write(index, value);
  r.at(5_300_000_000);
  assert.deepEqual(r.hms(), [0x00, 0x30, 0x12], "no updates while SET");
  r.at(5_999_900_000);
  assert.equal(r.read(0x0a) & 0x80, 0, "no UIP while SET");
  r.write(0x0b, 0x02);
  assert.deepEqual(r.hms(), [0x00, 0x30, 0x12]);
  assert.equal(r.read(0x06), 3, "1999-06-15 was a Tuesday");
  r.at(6e9);
  assert.equal(r.read(0x00), 0x01, "the update cycle kept its phase");
});

Deno.test("writing a time register while the clock runs sets the time at once", () => {
  const r = rtcRig();
  r.write(0x02, 0x10);
  assert.deepEqual(r.hms(), [0x58, 0x10, 0x23]);
  r.at(1e9);
  assert.deepEqual(r.hms(), [0x59, 0x10, 0x23]);
});

Deno.test("divider reset holds the time; on release the first update is half a second later", () => {
  const r = rtcRig();
  r.at(400_000_000);
  r.write(0x0a, 0x66); // DV = 110: divider chain held in reset
  r.at(3e9);
  assert.equal(r.read(0x00), 0x58);
  r.write(0x0a, 0x26);
  r.at(3.5e9 - 1);
  assert.equal(r.read(0x00), 0x58);
  r.at(3.5e9);
  assert.equal(r.read(0x00), 0x59);
});

Deno.test("without startTime the RTC starts at the host's current UTC time", () => {
  const clock = new ManualClock();
  const rtc = new Rtc({ clock, timers: new TimerQueue(clock), irq: new IrqLine(NO_IRQ, 8) });
  const bcd = (i: number) => (rtc.getByte(i) >> 4) * 10 + (rtc.getByte(i) & 15);
  const shown = Date.UTC(
    bcd(0x32) * 100 + bcd(0x09),
    bcd(0x08) - 1,
    bcd(0x07),
    bcd(0x04),
    bcd(0x02),
    bcd(0x00),
  );
  assert.ok(Math.abs(shown - Date.now()) < 5000, `RTC shows ${new Date(shown).toISOString()}`);
});

Deno.test("Rtc refuses missing wiring and an invalid startTime", () => {
  const clock = new ManualClock();
  const timers = new TimerQueue(clock);
  const irq = new IrqLine(NO_IRQ, 8);
  // @ts-expect-error: irq missing
  assert.throws(() => new Rtc({ clock, timers }), /mc146818/);
  assert.throws(() => new Rtc({ clock, timers, irq, startTime: new Date(NaN) }), /startTime/);
});

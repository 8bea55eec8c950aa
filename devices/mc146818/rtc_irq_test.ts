import assert from "node:assert/strict";
import { rtcRig } from "./_test_rig.ts";

Deno.test("periodic interrupt at rate 6 comes every 976.5625 µs; reading register C acks it", () => {
  const r = rtcRig();
  r.write(0x0b, 0x42); // PIE, 24-hour BCD; register A rate 6 = 1024 Hz
  const flags: number[] = [];
  r.runUntil(10_000_000, () => {
    flags.push(r.read(0x0c));
    assert.equal(r.irq8.level, false, "reading register C lowers IRQ 8");
  });
  const expected = Array.from({ length: 10 }, (_, k) => Math.ceil((k + 1) * 976_562.5));
  assert.deepEqual(r.irq8.rises, expected);
  assert.deepEqual(flags, Array(10).fill(0xc0), "IRQF and PF");
});

Deno.test("the periodic rate follows register A bits 0-3; rate 0 stops it", () => {
  const r = rtcRig();
  r.write(0x0a, 0x2f); // rate 15: 2 Hz
  r.write(0x0b, 0x42);
  r.runUntil(2e9, () => r.read(0x0c));
  assert.deepEqual(r.irq8.rises, [0.5e9, 1e9, 1.5e9, 2e9]);
  r.write(0x0a, 0x23); // rate 3: 8192 Hz
  r.runUntil(2e9 + 1_000_000, () => r.read(0x0c));
  assert.equal(r.irq8.rises.length, 4 + 8, "122.07 µs period: 8 ticks in 1 ms");
  r.write(0x0a, 0x20);
  assert.equal(r.timers.next(), Infinity, "no rate, no timer");
});

Deno.test("PF is set without PIE while IRQ 8 stays low; enabling PIE raises IRQ 8 at once", () => {
  const r = rtcRig();
  r.at(2_000_000);
  assert.equal(r.irq8.level, false);
  assert.equal(r.timers.next(), Infinity, "nothing enabled: no timer");
  r.write(0x0b, 0x42);
  assert.equal(r.irq8.level, true, "IRQF = PF·PIE");
  assert.equal(r.read(0x0c), 0xc0);
  assert.equal(r.read(0x0c), 0x00, "register C is clear after one read");
});

Deno.test("flags accumulate in register C without enables and one read clears them all", () => {
  const r = rtcRig();
  r.at(1.5e9);
  assert.equal(r.read(0x0c), 0x50, "PF and UF, no IRQF");
  assert.equal(r.read(0x0c), 0x00);
  assert.equal(r.irq8.rises.length, 0);
});

Deno.test("update-ended interrupt comes once per second, after the seconds change", () => {
  const r = rtcRig();
  r.write(0x0a, 0x20); // no periodic flag
  r.write(0x05, 0x24); // an alarm hour that never comes
  r.write(0x0b, 0x12); // UIE
  const seconds: number[] = [];
  r.runUntil(3e9, () => {
    seconds.push(r.read(0x00));
    assert.equal(r.read(0x0c), 0x90, "IRQF and UF");
  });
  assert.deepEqual(r.irq8.rises, [1e9, 2e9, 3e9]);
  assert.deepEqual(seconds, [0x59, 0x00, 0x01]);
});

Deno.test("alarm interrupt fires when the time matches; 0xC0-0xFF bytes match anything", () => {
  const r = rtcRig(); // 23:59:58
  r.write(0x0a, 0x20); // no periodic flag
  r.write(0x01, 0x05); // seconds alarm 05
  r.write(0x03, 0xff); // any minute
  r.write(0x05, 0xc0); // any hour
  r.write(0x0b, 0x22); // AIE
  const c: number[] = [];
  r.runUntil(70e9, () => c.push(r.read(0x0c)));
  assert.deepEqual(r.irq8.rises, [7e9, 67e9], "00:00:05 and 00:01:05");
  assert.deepEqual(c, [0xb0, 0xb0], "IRQF, AF and the UF that every update sets");
});

Deno.test("an alarm passed while nothing read register C is still flagged", () => {
  const r = rtcRig();
  r.write(0x01, 0x00);
  r.write(0x03, 0x00);
  r.write(0x05, 0x00); // 00:00:00, two seconds after the start
  r.at(10e9);
  assert.equal(r.read(0x0c) & 0x20, 0x20);
  r.write(0x05, 0x24); // an hour byte that never matches
  r.at(100_000e9);
  assert.equal(r.read(0x0c) & 0x20, 0);
});

Deno.test("SET clears UIE and stops update-ended flags until it is cleared", () => {
  const r = rtcRig();
  r.write(0x0b, 0x92);
  assert.equal(r.read(0x0b), 0x82, "UIE dropped");
  r.at(5e9);
  assert.equal(r.read(0x0c), 0x40, "only PF: no updates while SET");
});

Deno.test("reset clears the interrupt enables and flags and lowers IRQ 8", () => {
  const r = rtcRig();
  r.write(0x0b, 0x7a);
  r.at(1e9);
  assert.equal(r.irq8.level, true);
  r.rtc.reset();
  assert.equal(r.irq8.level, false);
  assert.equal(r.read(0x0b), 0x02);
  assert.equal(r.read(0x0c), 0x00);
  assert.equal(r.timers.next(), Infinity);
});

import assert from "node:assert/strict";
import { pitRig } from "./_test_rig.ts";

Deno.test("PIT mode 2 counts down from N and reloads every N ticks", () => {
  const r = pitRig();
  r.toTick(1000);
  r.program(0x34, 100); // counter 0, LSB then MSB, mode 2, binary
  assert.equal(r.latch(0), 100);
  r.toTick(1030);
  assert.equal(r.latch(0), 70);
  r.toTick(1099);
  assert.equal(r.latch(0), 1);
  r.toTick(1100);
  assert.equal(r.latch(0), 100, "reloaded at the end of the period");
  r.toTick(1100 + 250);
  assert.equal(r.latch(0), 50);
});

Deno.test("counter latch holds the count until both bytes are read; a second latch is ignored", () => {
  const r = pitRig();
  r.program(0x30, 0x1234); // mode 0
  r.toTick(0x34);
  r.io.write(0x43, 1, 0x00);
  r.toTick(0x100);
  r.io.write(0x43, 1, 0x00); // ignored: the first latch is unread
  assert.equal(r.io.read(0x40, 1), 0x00);
  r.toTick(0x200);
  assert.equal(r.io.read(0x40, 1), 0x12, "MSB of the value latched at tick 0x34");
  assert.equal(r.io.read(0x40, 1), 0x34, "latch released: a live LSB (0x1234 - 0x200)");
  assert.equal(r.io.read(0x40, 1), 0x10, "then the live MSB");
});

Deno.test("unlatched reads in LSB/MSB mode sample the live count byte by byte", () => {
  const r = pitRig();
  r.program(0x30, 0x0300);
  r.toTick(1);
  assert.equal(r.io.read(0x40, 1), 0xff, "LSB of 0x2FF");
  r.toTick(0x100);
  assert.equal(r.io.read(0x40, 1), 0x02, "MSB of 0x200, sampled a moment later");
});

Deno.test("read-back latches status then count for each selected counter", () => {
  const r = pitRig();
  r.io.write(0x43, 1, 0x34); // counter 0: mode 2, no count yet
  r.io.write(0x43, 1, 0xe2); // read-back status of counter 0
  assert.equal(r.io.read(0x40, 1), 0xf4, "OUT high, NULL COUNT, RW=3, mode 2, binary");
  r.io.write(0x40, 1, 0x00);
  r.io.write(0x40, 1, 0x10);
  r.toTick(0x10);
  r.program(0xb1, 0x0100); // counter 2: mode 0, BCD 0100; its gate is low
  r.io.write(0x43, 1, 0xca); // read-back count and status of counters 0 and 2
  r.io.write(0x43, 1, 0xc2); // counter 0 already latched: ignored
  assert.equal(r.io.read(0x40, 1), 0xb4, "counter 0 status: OUT high, count loaded");
  assert.equal(r.io.read(0x40, 1) | (r.io.read(0x40, 1) << 8), 0x1000 - 0x10);
  assert.equal(r.io.read(0x42, 1), 0x71, "counter 2 status: OUT low, NULL COUNT, mode 0, BCD");
  assert.equal(r.io.read(0x42, 1), 0x00);
  assert.equal(r.io.read(0x42, 1), 0x01, "BCD 0100 held: gate low");
  r.io.write(0x43, 1, 0xda); // count only
  assert.equal(r.latch(0), 0x1000 - 0x10);
  assert.equal(r.io.read(0x42, 1) | (r.io.read(0x42, 1) << 8), 0x0100);
});

Deno.test("BCD counting decrements in decimal and count 0 means 10000", () => {
  const r = pitRig();
  r.program(0x31, 0x1234); // mode 0, BCD
  r.toTick(234);
  assert.equal(r.latch(0), 0x1000);
  r.toTick(235);
  assert.equal(r.latch(0), 0x0999);
  r.program(0x31, 0x0000);
  r.toTick(236);
  assert.equal(r.latch(0), 0x9999, "10000 - 1");
});

Deno.test("LSB-only and MSB-only access modes read and write one byte", () => {
  const r = pitRig();
  r.io.write(0x43, 1, 0x10); // counter 0, LSB only, mode 0
  r.io.write(0x40, 1, 0x50);
  r.toTick(0x10);
  assert.equal(r.io.read(0x40, 1), 0x40);
  assert.equal(r.io.read(0x40, 1), 0x40, "no byte flip-flop in LSB mode");
  r.io.write(0x43, 1, 0x20); // MSB only
  r.io.write(0x40, 1, 0x02); // count 0x200
  assert.equal(r.io.read(0x40, 1), 0x02);
  r.toTick(0x11);
  assert.equal(r.io.read(0x40, 1), 0x01, "MSB of 0x1FF");
});

Deno.test("mode 3 divides by two: OUT2 high for ceil(N/2) ticks, count steps by two", () => {
  const r = pitRig();
  r.io.write(0x61, 1, 0x01); // gate counter 2 on
  r.toTick(500);
  r.program(0xb6, 10); // counter 2, mode 3
  const seen = [];
  for (let d = 0; d <= 10; d++) {
    r.toTick(500 + d);
    seen.push([r.latch(2), (r.io.read(0x61, 1) >> 5) & 1]);
  }
  assert.deepEqual(seen, [
    [10, 1],
    [8, 1],
    [6, 1],
    [4, 1],
    [2, 1],
    [10, 0],
    [8, 0],
    [6, 0],
    [4, 0],
    [2, 0],
    [10, 1],
  ]);
  r.program(0xb6, 5); // odd count: high 3 ticks, low 2
  const odd = [];
  for (let d = 0; d < 6; d++) {
    r.toTick(510 + d);
    odd.push([r.latch(2), (r.io.read(0x61, 1) >> 5) & 1]);
  }
  assert.deepEqual(odd, [[5, 1], [4, 1], [2, 1], [5, 0], [2, 0], [5, 1]]);
});

Deno.test("mode 0 with the counter 2 gate: Linux's PIT calibration loop sees OUT2 rise", () => {
  const r = pitRig();
  r.io.write(0x61, 1, (r.io.read(0x61, 1) & ~0x02) | 0x01);
  r.program(0xb0, 0xffff);
  assert.equal(r.io.read(0x61, 1) & 0x20, 0, "OUT2 low while counting");
  r.toTick(0x8000);
  r.io.write(0x61, 1, 0x00); // gate low suspends mode 0
  r.toTick(0x9000);
  assert.equal(r.latch(2), 0xffff - 0x8000);
  r.io.write(0x61, 1, 0x01);
  r.toTick(0x9000 + 0x7ffe);
  assert.equal(r.io.read(0x61, 1) & 0x20, 0);
  r.toTick(0x9000 + 0x7fff);
  assert.equal(r.io.read(0x61, 1) & 0x21, 0x21, "terminal count: OUT2 high");
  r.toTick(0x9000 + 0x8001);
  assert.equal(r.latch(2), 0xfffe, "the count wraps and keeps going");
  assert.equal(r.io.read(0x61, 1) & 0x20, 0x20, "OUT stays high after terminal count");
});

Deno.test("mode 1 one-shot on counter 2 starts on the gate's rising edge", () => {
  const r = pitRig();
  r.program(0xb2, 20);
  assert.equal(r.io.read(0x61, 1) & 0x20, 0x20, "OUT high while waiting for a trigger");
  r.toTick(100);
  r.io.write(0x61, 1, 0x01);
  assert.equal(r.io.read(0x61, 1) & 0x20, 0, "triggered: OUT low");
  r.toTick(110);
  assert.equal(r.latch(2), 10);
  r.io.write(0x61, 1, 0x00);
  r.io.write(0x61, 1, 0x01); // retrigger restarts the full count
  r.toTick(129);
  assert.equal(r.io.read(0x61, 1) & 0x20, 0);
  r.toTick(130);
  assert.equal(r.io.read(0x61, 1) & 0x20, 0x20);
});

Deno.test("mode 4 strobes OUT low for exactly one tick at terminal count", () => {
  const r = pitRig();
  r.io.write(0x61, 1, 0x01);
  r.program(0xb8, 10);
  const out = [];
  for (let d = 9; d <= 12; d++) {
    r.toTick(d);
    out.push((r.io.read(0x61, 1) >> 5) & 1);
  }
  assert.deepEqual(out, [1, 0, 1, 1]);
});

Deno.test("a count written during mode 2 takes effect at the end of the period", () => {
  const r = pitRig();
  r.program(0x34, 100);
  r.toTick(30);
  r.io.write(0x40, 1, 50);
  r.io.write(0x40, 1, 0);
  r.toTick(60);
  assert.equal(r.latch(0), 40, "the old period runs on");
  r.io.write(0x43, 1, 0xe2);
  assert.equal(r.io.read(0x40, 1) & 0x40, 0x40, "NULL COUNT until the reload");
  r.toTick(120);
  assert.equal(r.latch(0), 30, "reloaded with 50 at tick 100");
});

Deno.test("port 0x61 keeps bits 0-3, shows refresh toggling every 18 ticks, ignores the rest", () => {
  const r = pitRig();
  r.io.write(0x61, 1, 0xf2);
  assert.equal(r.io.read(0x61, 1) & 0x0f, 0x02, "speaker data bit stored");
  r.toTick(17);
  const before = r.io.read(0x61, 1) & 0x10;
  r.toTick(18);
  assert.notEqual(r.io.read(0x61, 1) & 0x10, before, "refresh bit toggled after ~15 µs");
  assert.equal(r.io.read(0x43, 1), 0, "control register is write-only");
});

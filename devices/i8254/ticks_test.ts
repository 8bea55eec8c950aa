import assert from "node:assert/strict";
import { nsAt, PIT_HZ, ticksAt } from "./ticks.ts";

Deno.test("nsAt() is the first nanosecond of a tick, exactly, even after days of uptime", () => {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const samples = [0, 1, PIT_HZ - 1, PIT_HZ, PIT_HZ + 1];
  for (let i = 0; i < 2000; i++) samples.push(next() * 50 + (next() % PIT_HZ)); // up to ~30 h
  for (const t of samples) {
    const ns = nsAt(t);
    assert.equal(ticksAt(ns), t, `ticksAt(nsAt(${t}))`);
    if (t > 0) assert.equal(ticksAt(ns - 1), t - 1, `tick ${t} starts at ${ns}`);
  }
  assert.equal(ticksAt(1e9), PIT_HZ);
});

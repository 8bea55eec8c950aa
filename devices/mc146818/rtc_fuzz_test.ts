import assert from "node:assert/strict";
import { rtcRig } from "./_test_rig.ts";

Deno.test("random CMOS traffic, garbage time bytes included, never throws or stalls a timer", () => {
  let seed = 146818;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const r = rtcRig();
  for (let i = 0; i < 20000; i++) {
    switch (rnd(4)) {
      case 0:
        r.io.write(0x70, 1, rnd(256) & (rnd(2) ? 0x8f : 0xff));
        break;
      case 1:
        r.io.write(0x71, 1, rnd(256));
        break;
      case 2: {
        const v = r.io.read(0x71, 1);
        assert.ok(v >= 0 && v <= 0xff);
        break;
      }
      default:
        r.clock.advance(rnd(8) === 0 ? rnd(3e9) : rnd(2e6));
        r.timers.runDue();
        assert.ok(r.timers.next() > r.clock.now(), "every armed event lies ahead");
    }
  }
});

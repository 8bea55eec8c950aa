import assert from "node:assert/strict";
import { pitRig } from "./_test_rig.ts";

Deno.test("random guest port traffic never throws or leaves a timer in the past", () => {
  let seed = 8254;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const r = pitRig();
  const ports = [0x40, 0x41, 0x42, 0x43, 0x61];
  for (let i = 0; i < 20000; i++) {
    const port = ports[rnd(ports.length)];
    switch (rnd(4)) {
      case 0:
        r.io.write(port, 1, rnd(256));
        break;
      case 1: {
        const v = r.io.read(port, 1);
        assert.ok(v >= 0 && v <= 0xff);
        break;
      }
      default:
        r.clock.advance(rnd(8) === 0 ? rnd(1e9) : rnd(5000));
        r.timers.runDue();
        assert.ok(r.timers.next() > r.clock.now(), "every armed edge lies ahead");
    }
  }
});

import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { PicPair } from "./pic_pair.ts";

Deno.test("random guest port traffic and line changes never throw and keep values in range", () => {
  let seed = 20240229;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const io = new RangeBus("io", 0x10000);
  const pic = new PicPair();
  pic.register(io);
  const ports = [0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1];
  for (let i = 0; i < 20000; i++) {
    const port = ports[rnd(ports.length)];
    switch (rnd(4)) {
      case 0:
        io.write(port, 1, rnd(256));
        break;
      case 1: {
        const v = io.read(port, 1);
        assert.ok(v >= 0 && v <= 0xff);
        break;
      }
      case 2:
        pic.setIrq(rnd(16), rnd(2) === 1);
        break;
      default:
        if (pic.hasInterrupt()) {
          const vector = pic.acknowledge();
          assert.ok(Number.isInteger(vector) && vector >= 0 && vector <= 0xff, `vector ${vector}`);
        }
    }
  }
});

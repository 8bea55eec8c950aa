import assert from "node:assert/strict";
import { MemoryChardev } from "./memory_chardev.ts";

Deno.test("MemoryChardev captures copies of output, so reused buffers do not alter it", () => {
  const c = new MemoryChardev();
  const buf = new Uint8Array([0x41]);
  c.write(buf);
  buf[0] = 0x42;
  c.write(buf);
  assert.equal(c.text(), "AB");
  assert.deepEqual(c.take(), new Uint8Array([0x41, 0x42]));
  assert.equal(c.output().length, 0);
});

Deno.test("MemoryChardev holds input injected before a receiver and delivers it in order", () => {
  const c = new MemoryChardev();
  c.inject("ab");
  const got: number[] = [];
  c.setReceiver((d) => got.push(...d));
  c.inject(new Uint8Array([0x63]));
  assert.deepEqual(got, [0x61, 0x62, 0x63]);
});

Deno.test("MemoryChardev drops output and input after close", () => {
  const c = new MemoryChardev();
  const got: number[] = [];
  c.setReceiver((d) => got.push(...d));
  c.close();
  c.write(new Uint8Array([1]));
  c.inject("x");
  assert.equal(c.closed, true);
  assert.equal(c.output().length, 0);
  assert.deepEqual(got, []);
});

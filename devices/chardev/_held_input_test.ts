import assert from "node:assert/strict";
import { HeldInput } from "./_held_input.ts";

Deno.test("HeldInput keeps copies of input until a receiver is set, then passes it through", () => {
  const input = new HeldInput();
  const buf = new Uint8Array([1, 2, 3]);
  input.deliver(buf);
  buf.fill(9); // the reader reuses its buffer
  const got: number[][] = [];
  input.setReceiver((data) => got.push([...data]));
  assert.deepEqual(got, [[1, 2, 3]]);
  input.deliver(new Uint8Array([4]));
  assert.deepEqual(got, [[1, 2, 3], [4]]);
});

Deno.test("HeldInput holds at most 64 KiB and drops a chunk that would go past it", () => {
  const input = new HeldInput();
  input.deliver(new Uint8Array(64 * 1024 - 1));
  input.deliver(new Uint8Array(2)); // one byte too many: dropped whole
  input.deliver(new Uint8Array(1)); // fills the last byte
  const sizes: number[] = [];
  input.setReceiver((data) => sizes.push(data.length));
  assert.deepEqual(sizes, [64 * 1024 - 1, 1]);
});

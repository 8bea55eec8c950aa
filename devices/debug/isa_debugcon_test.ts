import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { MemoryChardev } from "../chardev/memory_chardev.ts";
import { IsaDebugcon } from "./isa_debugcon.ts";

Deno.test("isa-debugcon passes each byte written to 0xe9 straight to its chardev", () => {
  const io = new RangeBus("io", 0x10000);
  const chardev = new MemoryChardev();
  new IsaDebugcon({ chardev }).register(io);
  io.write(0xe9, 1, 0x68);
  assert.equal(chardev.text(), "h", "written before the next access: no buffering");
  io.write(0xe9, 1, 0x69);
  io.write(0xe9, 1, 0x0a);
  assert.equal(chardev.text(), "hi\n");
});

Deno.test("isa-debugcon reads return the readback value so guests can detect it", () => {
  const io = new RangeBus("io", 0x10000);
  new IsaDebugcon().register(io);
  assert.equal(io.read(0xe9, 1), 0xe9);
  const other = new RangeBus("io", 0x10000);
  new IsaDebugcon({ iobase: 0x402, readback: 0x42 }).register(other);
  assert.equal(other.read(0x402, 1), 0x42);
});

Deno.test("isa-debugcon refuses a readback that is not a byte", () => {
  assert.throws(() => new IsaDebugcon({ readback: 0x100 }), /readback must be a byte/);
});

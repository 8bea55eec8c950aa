/**
 * The interpreter fetches code through a one-page cache of its own, which outlives a TLB flush
 * (the TLB drops every entry when too many pages were filled, as a loop over a large buffer
 * does). Compiled code must still be found at the next block start: the JIT translates the code
 * page again instead of leaving the rest of the loop to the interpreter (kvm-unit-tests' sieve
 * ran 15 M iterations interpreted that way).
 */
import assert from "node:assert/strict";
import { Asm, CC } from "./_asm.ts";
import { CODE, DATA, TestMachine } from "./_machine.ts";
import { ECX } from "../../cpu/state_layout.ts";

Deno.test("after a TLB flush the next block start runs compiled code again", () => {
  const a = new Asm(CODE);
  a.movImm(ECX, 2000).label("loop").store(DATA, ECX).dec(ECX).jcc(CC.NZ, "loop").hlt();
  const m = new TestMachine();
  m.load(a);
  m.start(CODE);
  m.runToHalt();
  const first = m.jit!.stats.instructions;
  assert.ok(first > 5000, `the loop ran compiled (${first} instructions)`);
  // A capacity flush: the translations go, the interpreter's fetch cache stays.
  m.cpu.mmu.flushAll();
  m.start(CODE);
  m.runToHalt();
  const second = m.jit!.stats.instructions - first;
  assert.ok(second > 5000, `after the flush only ${second} instructions ran compiled`);
});

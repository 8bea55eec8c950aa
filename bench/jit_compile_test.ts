import assert from "node:assert/strict";
import type { CompiledModule } from "../cpu/jit/jit.ts";
import { compileCost } from "./jit_compile.ts";
import { percentile, summarize } from "./stats.ts";

function fakeModule(ms: number, blockInstructions: number[], bytes: number): CompiledModule {
  return {
    bytes: new Uint8Array(bytes),
    blocks: blockInstructions.map((instructions, i) => ({ eip: 0x1000 + 16 * i, instructions })),
    ms,
  };
}

Deno.test("compileCost shares a module's time among its blocks and sums bytes and instructions", () => {
  const modules = [
    fakeModule(4, [3, 5], 1000),
    fakeModule(1, [2], 300),
    fakeModule(9, [1, 1, 1], 2400),
  ];
  const c = compileCost(modules);
  assert.equal(c.modules, 3);
  assert.equal(c.blocks, 6);
  assert.equal(c.instructions, 3 + 5 + 2 + 1 + 1 + 1);
  assert.equal(c.bytes, 1000 + 300 + 2400);
  assert.equal(c.ms, 4 + 1 + 9);
  // Per block: module ms / blocks in the module, in µs, one entry per block.
  const perBlockUs = [2000, 2000, 1000, 3000, 3000, 3000];
  assert.equal(c.blockMedianUs, summarize(perBlockUs).median);
  assert.equal(c.blockP99Us, percentile(perBlockUs, 99));
  assert.equal(c.moduleMedianMs, 4);
  assert.equal(c.moduleP99Ms, 9);
});

Deno.test("compileCost refuses a workload that compiled nothing", () => {
  assert.throws(() => compileCost([]), RangeError);
});

import assert from "node:assert/strict";
import type { VirtqueueErrorCode } from "./errors.ts";
import { mulberry32, randomFuzzInput, runFuzzInput } from "./fuzz.ts";
import { decodeFuzzInput, encodeFuzzProgram } from "./fuzz_program.ts";

const REGRESSIONS = new URL("./testdata/fuzz-regressions/", import.meta.url);

/** Hand-written hostile inputs and the error each must end in. */
const EXPECTED: Record<string, VirtqueueErrorCode | "none"> = {
  "descriptor-loop.bin": "chain-too-long",
  "indirect-inside-indirect.bin": "nested-indirect",
  "out-of-ram-address.bin": "out-of-ram",
  "address-above-4gib.bin": "out-of-ram",
  "address-overflow.bin": "address-overflow",
  "avail-idx-jump.bin": "avail-idx-jump",
  "avail-idx-backwards.bin": "avail-idx-jump",
  "zero-length-indirect-table.bin": "indirect-table-empty",
  "head-out-of-range.bin": "head-out-of-range",
  "readable-after-writable.bin": "readable-after-writable",
  "indirect-next-escapes-table.bin": "next-out-of-range",
  "used-without-chain.bin": "used-overflow",
  // The guest aims a writable buffer at the used ring; the device's index must still be right.
  "writable-buffer-over-used-ring.bin": "none",
};

Deno.test("fuzz: a fixed-seed batch of random inputs keeps every invariant", () => {
  const random = mulberry32(0xf022);
  const codes = new Set<string>();
  let popped = 0;
  let used = 0;
  for (let i = 0; i < 2000; i++) {
    const report = runFuzzInput(randomFuzzInput(random, { maxLength: 384 }));
    popped += report.popped;
    used += report.used;
    for (const code of Object.keys(report.errors)) codes.add(code);
  }
  // The batch reaches real traffic and a spread of driver faults, not just one error path.
  assert.ok(popped > 3000 && used > 1000, `${popped} pops, ${used} used`);
  assert.ok(codes.size >= 9, `codes seen: ${[...codes].join(", ")}`);
});

Deno.test("fuzz programs survive encode and decode unchanged", () => {
  const random = mulberry32(0xc0de);
  for (let i = 0; i < 300; i++) {
    const program = decodeFuzzInput(randomFuzzInput(random));
    assert.deepEqual(decodeFuzzInput(encodeFuzzProgram(program)), program);
  }
});

Deno.test("fuzz: every hand-written hostile input has its regression file", () => {
  const files = new Set([...Deno.readDirSync(REGRESSIONS)].map((e) => e.name));
  for (const name of Object.keys(EXPECTED)) assert.ok(files.has(name), name);
});

for (const entry of [...Deno.readDirSync(REGRESSIONS)].sort((a, b) => a.name < b.name ? -1 : 1)) {
  if (!entry.isFile) continue;
  const expected = EXPECTED[entry.name];
  const what = expected === undefined
    ? "keeps every invariant"
    : expected === "none"
    ? "runs without a ring error"
    : `ends in ${expected}`;
  Deno.test(`fuzz regression ${entry.name} ${what}`, () => {
    const report = runFuzzInput(Deno.readFileSync(new URL(entry.name, REGRESSIONS)));
    if (expected === "none") assert.deepEqual(report.errors, {});
    else if (expected !== undefined) {
      assert.deepEqual(Object.keys(report.errors), [expected], JSON.stringify(report.errors));
    }
  });
}

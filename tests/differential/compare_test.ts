import assert from "node:assert/strict";
import { compareResults, formatReport } from "./compare.ts";
import { AF, CF, FIXED_ONE, IF, OF, ZF } from "./flags.ts";
import type { FlatResult } from "./types.ts";

function result(): FlatResult {
  return {
    regs: Uint32Array.of(1, 2, 3, 4, 0x20000800, 6, 7, 8),
    eflags: IF | FIXED_ONE | CF,
    data: new Uint8Array(64),
  };
}

Deno.test("compareResults finds nothing between equal results", () => {
  assert.deepEqual(compareResults(result(), result()), []);
});

Deno.test("compareResults names each differing register and flag", () => {
  const a = result(), b = result();
  b.regs[2] = 0xdead;
  b.eflags = IF | FIXED_ONE | ZF | OF;
  const diffs = compareResults(a, b);
  assert.deepEqual(diffs.map((d) => d.field), ["EDX", "CF", "ZF", "OF"]);
  assert.deepEqual(diffs[0], { field: "EDX", expected: "0x00000003", actual: "0x0000dead" });
  assert.deepEqual(diffs[1], { field: "CF", expected: "1", actual: "0" });
});

Deno.test("compareResults ignores undefined flags and only those", () => {
  const a = result(), b = result();
  b.eflags ^= AF | OF;
  assert.deepEqual(compareResults(a, b, { undefinedFlags: AF | OF }), []);
  assert.deepEqual(compareResults(a, b, { undefinedFlags: AF }).map((d) => d.field), ["OF"]);
});

Deno.test("compareResults groups differing bytes into runs and reports faults", () => {
  const a = result(), b = result();
  b.data[4] = 1;
  b.data[6] = 2; // within 4 bytes of the previous difference: same run
  b.data[40] = 3;
  b.fault = "#GP";
  const diffs = compareResults(a, b);
  assert.deepEqual(diffs.map((d) => d.field), ["fault", "data[0x4..0x6]", "data[0x28..0x28]"]);
  assert.equal(diffs[1].actual, "01 00 02");
});

Deno.test("formatReport shows the title, code bytes, listing and both sides", () => {
  const a = result(), b = result();
  b.regs[0] = 9;
  const text = formatReport(
    {
      code: Uint8Array.of(0x01, 0xd8),
      codeAddress: 0x10000000,
      regs: a.regs,
      eflags: a.eflags,
      dataAddress: 0x20000000,
      data: a.data,
      listing: ["01 d8  add eax, ebx"],
      undefinedFlags: AF,
    },
    compareResults(a, b),
    { title: "seed 1 case 7" },
  );
  assert.match(text, /^seed 1 case 7: 1 difference/);
  assert.match(text, /code @0x10000000: 01 d8/);
  assert.match(text, /add eax, ebx/);
  assert.match(text, /ignored \(undefined\) flags: AF/);
  assert.match(text, /EAX +0x00000001 +0x00000009/);
});

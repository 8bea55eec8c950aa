import assert from "node:assert/strict";
import { FAMILIES, flowFlags, generateCaseAt, generateCases } from "./generator.ts";
import { divisionFits } from "./gen_muldiv.ts";
import { shiftFlags } from "./gen_shift.ts";
import { insn } from "./encode.ts";
import { AF, CF, OF, PF, SF, STATUS, ZF } from "./flags.ts";
import { runOnHost } from "./host_runner.ts";
import { DATA_WINDOW, DATA_WINDOW_SIZE } from "./layout.ts";
import { Rng } from "./rng.ts";

Deno.test("Rng is reproducible and below(n) stays in range", () => {
  const a = new Rng(7), b = new Rng(7);
  for (let i = 0; i < 1000; i++) {
    const x = a.below(37);
    assert.equal(x, b.below(37));
    assert.ok(x >= 0 && x < 37);
    const v = a.interesting(16);
    b.interesting(16);
    assert.ok(v >= 0 && v <= 0xffff);
  }
});

Deno.test("generateCases(seed) is deterministic and case i equals generateCaseAt(seed, i)", () => {
  const a = generateCases(5, 20);
  const b = generateCases(5, 20);
  assert.deepEqual(a, b);
  assert.deepEqual(generateCaseAt(5, 13), a[13]);
  assert.notDeepEqual(generateCases(6, 1)[0].code, a[0].code);
});

Deno.test("generated cases keep EFLAGS loadable by user code and ESP inside the data area", () => {
  for (const c of generateCases(3, 200)) {
    assert.equal(c.eflags & 0x302, 0x202); // IF and bit 1 set, TF clear
    assert.ok(c.regs[4] >= c.dataAddress + 0x700 && c.regs[4] <= c.dataAddress + 0x900);
    assert.equal(c.undefinedFlags & ~STATUS, 0);
    assert.ok(c.code.length > 0 && c.listing.length > 0);
  }
});

Deno.test("flowFlags rejects reading a flag the previous instruction left undefined", () => {
  const and = insn([0x21, 0xd8], "and eax, ebx", { writes: CF | PF | ZF | SF | OF, undef: AF });
  const aaa = insn([0x37], "aaa", { reads: AF, writes: AF | CF, undef: OF | SF | ZF | PF });
  const add = insn([0x01, 0xd8], "add eax, ebx", { writes: STATUS });
  assert.equal(flowFlags(0, [and]), AF);
  assert.equal(flowFlags(0, [and, aaa]), null);
  assert.equal(flowFlags(0, [and, add, aaa]), OF | SF | ZF | PF);
});

Deno.test("flowFlags merges both paths of a forward branch", () => {
  const mul = insn([0xf7, 0xe3], "mul ebx", { writes: CF | OF, undef: SF | ZF | AF | PF });
  const jmp = insn([0xeb, 0x02], "jmp +2", { skips: 1 });
  const sub = insn([0x29, 0xd8], "sub eax, ebx", { writes: STATUS });
  // If the SUB is skipped the MUL's undefined flags survive.
  assert.equal(flowFlags(0, [mul, jmp, sub]), SF | ZF | AF | PF);
  assert.equal(flowFlags(0, [mul, sub]), 0);
});

Deno.test("shiftFlags follows the SDM: count 0 no effect, OF only for 1, SHL CF undefined at width", () => {
  assert.deepEqual(shiftFlags(4, 4, 32), { reads: 0, writes: 0, undef: 0 }); // masked to 0
  assert.deepEqual(shiftFlags(4, 4, 1), { reads: 0, writes: SF | ZF | PF | CF | OF, undef: AF });
  assert.deepEqual(shiftFlags(4, 1, 8), { reads: 0, writes: SF | ZF | PF, undef: AF | CF | OF });
  assert.deepEqual(shiftFlags(7, 1, 9), { reads: 0, writes: SF | ZF | PF | CF, undef: AF | OF });
  assert.deepEqual(shiftFlags(2, 1, 9), { reads: CF, writes: CF, undef: OF });
  assert.equal(shiftFlags(3, 4, undefined).reads, CF);
});

Deno.test("divisionFits accepts only quotients that fit, excluding the most negative one", () => {
  assert.ok(divisionFits(32, false, 1, 0, 2)); // 2^32 / 2 = 2^31
  assert.ok(!divisionFits(32, false, 2, 0, 2)); // 2^33 / 2 overflows
  assert.ok(!divisionFits(8, false, 0, 5, 0)); // divide by zero
  assert.ok(divisionFits(32, true, 0xffffffff, 0xfffffff9, 2)); // -7 / 2
  assert.ok(!divisionFits(32, true, 0xffffffff, 0x80000000, 0xffffffff)); // -2^31 / -1
  assert.ok(!divisionFits(8, true, 0xff, 0x80, 1)); // quotient -128 is avoided
});

Deno.test("every family runs 150 cases on the host without a fault, in either half of the data window", async () => {
  const names = [...FAMILIES.map((f) => f.name), "branch"];
  const cases = names.flatMap((name, i) =>
    generateCases(1000 + i, 75, { families: [name] }).concat(
      // At the top of the window any access above the data area would fault too.
      generateCases(2000 + i, 75, {
        families: [name],
        dataAddress: DATA_WINDOW + DATA_WINDOW_SIZE - 0x1000,
      }),
    )
  );
  const results = await runOnHost(cases);
  const faults = results.flatMap((r, i) =>
    r.fault ? [`${r.fault}:\n${cases[i].listing.join("\n")}`] : []
  );
  assert.deepEqual(faults, []);
});

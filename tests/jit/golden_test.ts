/**
 * Golden dumps: the WebAssembly the JIT makes for a few representative blocks, as text (wabt's
 * wasm2wat), compared with tests/jit/golden/. A difference is not necessarily a bug: it shows
 * what a change to the compiler did to its output, for review, before `deno task jit-golden`
 * accepts it.
 */
import assert from "node:assert/strict";
import { GOLDEN_CASES, goldenPath, goldenText } from "./golden_cases.ts";

/** Lines around the first difference between `expected` and `actual`. */
function firstDifference(expected: string, actual: string): string {
  const a = expected.split("\n"), b = actual.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 3);
  const show = (lines: string[], mark: string) =>
    lines.slice(from, i + 4).map((l, k) => `${from + k === i ? mark : " "} ${from + k + 1}: ${l}`)
      .join("\n");
  return `first difference at line ${i + 1}\ngolden file:\n${show(a, "-")}\nnow:\n${show(b, "+")}`;
}

for (const c of GOLDEN_CASES) {
  Deno.test(`compiled code for ${c.description} matches golden/${c.name}.wat`, async () => {
    const path = goldenPath(c);
    const actual = await goldenText(c);
    let expected: string;
    try {
      expected = await Deno.readTextFile(path);
    } catch {
      assert.fail(`${path.pathname} is missing: run \`deno task jit-golden\` to create it`);
    }
    if (actual === expected) return;
    assert.fail(
      `The JIT's code for ${c.description} differs from ${path.pathname}.\n` +
        `${firstDifference(expected, actual)}\n\n` +
        "Review the whole difference (run `deno task jit-golden`, then `git diff " +
        "tests/jit/golden/`): if the new code is what the change meant, commit the rewritten " +
        "file; if not, the change has a bug.",
    );
  });
}

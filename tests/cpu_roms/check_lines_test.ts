import assert from "node:assert/strict";
import { checkLines, lineKey, lineLabel, matchLines } from "./check_lines.ts";

Deno.test("checkLines() drops empty lines and the kernels' FAIL detail lines", () => {
  const output = "a: x=1\n  FAIL eax: got 00000001, expected 00000002\nb: y=2\n\n";
  assert.deepEqual(checkLines(output), ["a: x=1", "b: y=2"]);
});

Deno.test("lineLabel() is the text before the first ': ', or the whole line", () => {
  assert.equal(lineLabel("pf read not present: vec=0e err=00000000"), "pf read not present");
  assert.equal(
    lineLabel("io ring 3 prints through port 0xe9"),
    "io ring 3 prints through port 0xe9",
  );
});

Deno.test("lineKey() removes the observed values but keeps their names", () => {
  assert.equal(
    lineKey("pse bit ignored: value=22222222, with CR4.PSE=1: value=55555555"),
    "pse bit ignored: value=, with CR4.PSE=: value=",
  );
});

Deno.test("matchLines() pairs lines by key so a missing line does not shift the rest", () => {
  const expected = ["a: v=1", "b: v=2", "a: w=3", "c: v=4"];
  const actual = ["a: v=9", "a: w=3", "c: v=4", "unexpected exception: vec=06"];
  assert.deepEqual(matchLines(expected, actual), ["a: v=9", undefined, "a: w=3", "c: v=4"]);
});

Deno.test("matchLines() uses each actual line once, in order, for repeated keys", () => {
  const expected = ["pf: cr2=1", "pf: cr2=2"];
  assert.deepEqual(matchLines(expected, ["pf: cr2=7", "pf: cr2=2"]), ["pf: cr2=7", "pf: cr2=2"]);
  assert.deepEqual(matchLines(expected, ["pf: cr2=1"]), ["pf: cr2=1", undefined]);
});

import assert from "node:assert/strict";
import { parseCommandLine } from "./cli.ts";

Deno.test("names and --quick make a run", () => {
  assert.deepEqual(parseCommandLine(["cpu", "--quick", "virtqueue"]), {
    kind: "run",
    names: ["cpu", "virtqueue"],
    quick: true,
    outDir: undefined,
  });
  assert.deepEqual(parseCommandLine(["--out=/tmp/r"]), {
    kind: "run",
    names: [],
    quick: false,
    outDir: "/tmp/r",
  });
});

Deno.test("--compare takes no file or exactly two, and a threshold", () => {
  assert.deepEqual(parseCommandLine(["--compare"]), {
    kind: "compare",
    files: [],
    outDir: undefined,
    thresholdPercent: undefined,
  });
  assert.deepEqual(parseCommandLine(["--compare", "a.json", "b.json", "--threshold", "3"]), {
    kind: "compare",
    files: ["a.json", "b.json"],
    outDir: undefined,
    thresholdPercent: 3,
  });
  assert.throws(() => parseCommandLine(["--compare", "a.json"]), /exactly two/);
  assert.throws(() => parseCommandLine(["--compare", "--quick"]), /--quick/);
});

Deno.test("bad usage is refused with a reason", () => {
  assert.throws(() => parseCommandLine(["--fast"]), /unknown option --fast/);
  assert.throws(() => parseCommandLine(["--out"]), /--out needs a value/);
  assert.throws(() => parseCommandLine(["--threshold", "-1"]), /not a non-negative number/);
  assert.throws(() => parseCommandLine(["--list", "cpu"]), /takes no names/);
  assert.throws(() => parseCommandLine(["--list", "--compare"]), /do not go together/);
  assert.deepEqual(parseCommandLine(["--list"]), { kind: "list" });
  assert.deepEqual(parseCommandLine(["cpu", "--help"]), { kind: "help" });
});

import assert from "node:assert/strict";
import { fixtureFigure, fixtureRun } from "./_fixtures.ts";
import { lastTwoRuns, main, resolveResultFiles } from "./main.ts";

async function withRuns(fn: (dir: string, paths: string[]) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    const paths: string[] = [];
    const runs = [
      ["2025-03-01T00-00-00Z-aaa1111", false, 100],
      ["2025-03-02T00-00-00Z-bbb2222", false, 80],
      ["2025-03-03T00-00-00Z-ccc3333", true, 1],
    ] as const;
    for (const [stem, quick, value] of runs) {
      const path = `${dir}/${stem}.json`;
      const run = fixtureRun([fixtureFigure("alu", [value])], { quick });
      await Deno.writeTextFile(path, JSON.stringify(run));
      paths.push(path);
    }
    await fn(dir, paths);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("--compare without files takes the last two full runs, passing over quick ones", async () => {
  await withRuns(async (dir, paths) => {
    assert.deepEqual(await lastTwoRuns(dir), [paths[0], paths[1]]);
  });
});

Deno.test("results are named by path, or by a commit or date fragment matching every full run", async () => {
  await withRuns(async (dir, paths) => {
    assert.deepEqual(await resolveResultFiles(paths[2], dir), [paths[2]]);
    assert.deepEqual(await resolveResultFiles("bbb2222", dir), [paths[1]]);
    assert.deepEqual(await resolveResultFiles("2025-03-0", dir), [paths[0], paths[1]]);
    assert.deepEqual(await resolveResultFiles("ccc3333", dir), [paths[2]], "quick if nothing else");
    assert.deepEqual(await resolveResultFiles(`bbb2222,${paths[0]}`, dir), [paths[1], paths[0]]);
    await assert.rejects(resolveResultFiles("zzz", dir), /no results file matches "zzz"/);
  });
});

Deno.test("main exits 0 for --compare and --list, 2 for bad usage, 1 for a missing file", async () => {
  await withRuns(async (dir) => {
    const log = console.log, error = console.error;
    const out: string[] = [];
    console.log = (...a: unknown[]) => out.push(a.join(" "));
    console.error = (...a: unknown[]) => out.push(a.join(" "));
    try {
      assert.equal(await main(["--compare", "--out", dir]), 0);
      assert.match(out.join("\n"), /alu\s+100\s+80\s+MIPS\s+-20\.0%\s+REGRESSION/);
      assert.equal(await main(["--list"]), 0);
      assert.match(out.join("\n"), /cpu_mips\s+guest MIPS on integer loops/);
      assert.equal(await main(["--bogus"]), 2);
      assert.equal(await main(["--compare", "nope1", "nope2", "--out", dir]), 1);
    } finally {
      console.log = log;
      console.error = error;
    }
  });
});

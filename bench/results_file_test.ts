import assert from "node:assert/strict";
import { fixtureFigure, fixtureRun } from "./_fixtures.ts";
import {
  freeStem,
  gitCommit,
  listResultFiles,
  readResult,
  resultStem,
  writeResult,
} from "./results_file.ts";

Deno.test("resultStem is the ISO date and UTC time, file-name safe, then the commit", () => {
  assert.equal(
    resultStem(new Date("2025-03-01T09:30:05.123Z"), "ab0a60b"),
    "2025-03-01T09-30-05Z-ab0a60b",
  );
});

Deno.test("writeResult writes JSON and SVGs; a second run in the same second gets a new stem", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const date = new Date("2025-03-01T09:30:05Z");
    const run = fixtureRun([fixtureFigure("a", [1, 2, 3])]);
    const stem = await freeStem(dir, { date, commit: "abc1234" });
    const files = await writeResult(run, dir, {
      stem,
      svgs: new Map([[`${stem}-cpu-p.svg`, "<svg/>"]]),
    });
    assert.equal(files.json, `${dir}/2025-03-01T09-30-05Z-abc1234.json`);
    assert.deepEqual(files.svgs, [`${dir}/${stem}-cpu-p.svg`]);
    assert.deepEqual(await readResult(files.json), run);
    assert.equal(
      await freeStem(dir, { date, commit: "abc1234" }),
      "2025-03-01T09-30-05Z-abc1234-2",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("listResultFiles returns only results files, oldest first", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const name of ["2025-03-02T00-00-00Z-bbb.json", "2025-03-01T00-00-00Z-nogit.json"]) {
      await Deno.writeTextFile(`${dir}/${name}`, "{}");
    }
    await Deno.writeTextFile(`${dir}/notes.json`, "{}");
    await Deno.writeTextFile(`${dir}/2025-03-03T00-00-00Z-ccc-cpu-x.svg`, "");
    assert.deepEqual(await listResultFiles(dir), [
      `${dir}/2025-03-01T00-00-00Z-nogit.json`,
      `${dir}/2025-03-02T00-00-00Z-bbb.json`,
    ]);
    assert.deepEqual(await listResultFiles(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readResult refuses a file of another schema", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/x.json`, JSON.stringify({ schema: 99, benchmarks: [] }));
    await assert.rejects(readResult(`${dir}/x.json`), /not a results file of schema 1/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gitCommit reports nogit outside a repository", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await gitCommit(dir), { commit: "nogit", dirty: false });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

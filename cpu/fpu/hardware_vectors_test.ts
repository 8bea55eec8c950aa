/**
 * Replays instructions recorded on a real CPU (testdata/x87_vectors.txt, written by
 * testdata/record_vectors.ts) and requires the same control word, status word, tag word,
 * EFLAGS, memory and register contents, bit for bit.
 */
import assert from "node:assert/strict";
import { OPERAND, registersText, replayInputs } from "./_vector_replay.ts";

const FLAGS = 0x8d5; // OF SF ZF AF PF CF
const text = Deno.readTextFileSync(new URL("./testdata/x87_vectors.txt", import.meta.url));
const vectors = text.split("\n").filter((l) => l && !l.startsWith("#"));

/** Runs one recorded case and returns the observed outcome in the file's notation. */
function replay(line: string): { want: string; got: string } {
  const [inputs, want] = line.split(" => ");
  const { fpu, host } = replayInputs(inputs);
  const wantFlags = parseInt(want.split(" ")[3], 16);
  const out = [
    fpu.controlWord.toString(16).padStart(4, "0"),
    fpu.statusWord.toString(16).padStart(4, "0"),
    fpu.tagWord.toString(16).padStart(4, "0"),
    ((host.eflags & FLAGS) | (wantFlags & ~FLAGS)).toString(16).padStart(4, "0"),
    host.hex(OPERAND, 16),
    registersText(fpu),
  ];
  return { want, got: out.join(" ") };
}

Deno.test(`${vectors.length} recorded x87 cases replay bit for bit as on hardware`, () => {
  assert.ok(vectors.length > 100);
  const failures = vectors.map((line) => ({ line, ...replay(line) })).filter((r) =>
    r.got !== r.want
  );
  assert.deepEqual(
    failures.slice(0, 3).map((f) => `${f.line}\n   got ${f.got}`),
    [],
  );
});

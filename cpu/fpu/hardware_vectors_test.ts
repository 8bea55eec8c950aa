/**
 * Replays instructions recorded on a real CPU (testdata/x87_vectors.txt, written by
 * testdata/record_vectors.ts) and requires the same control word, status word, tag word,
 * EFLAGS, memory and register contents, bit for bit.
 */
import assert from "node:assert/strict";
import { f80Hex } from "./f80.ts";
import { MemoryHost, run } from "./_memory_host.ts";
import { Fpu } from "./fpu.ts";

const FLAGS = 0x8d5; // OF SF ZF AF PF CF
const text = Deno.readTextFileSync(new URL("./testdata/x87_vectors.txt", import.meta.url));
const vectors = text.split("\n").filter((l) => l && !l.startsWith("#"));
const f80 = (h: string) => `${h.slice(0, 4)}:${h.slice(4)}`;

/** Runs one recorded case and returns the observed outcome in the file's notation. */
function replay(line: string): { want: string; got: string } {
  const [inputs, want] = line.split(" => ");
  const [insn, cw, sw, top, eflags, mem, stack] = inputs.split(" ");
  const host = new MemoryHost();
  host.cr0 = 0x11; // NE = 0: pending exceptions only raise FERR#, so every case runs
  const fpu = new Fpu(host);
  const regs = stack === "-" ? [] : stack.split(",");
  const t = Number(top);
  let tw = 0xffff;
  regs.forEach((_, i) => tw &= ~(3 << (2 * ((t + i) & 7))));
  host.write32(0x100, 0xffff0000 | parseInt(cw, 16));
  host.write32(0x104, 0xffff0000 | parseInt(sw, 16) | (t << 11));
  host.write32(0x108, 0xffff0000 | tw);
  regs.forEach((r, i) => {
    const v = f80(r);
    host.poke(0x100 + 28 + 10 * i, "00".repeat(10));
    host.pokeF80(0x100 + 28 + 10 * i, {
      se: parseInt(v.slice(0, 4), 16),
      hi: parseInt(v.slice(5, 13), 16),
      lo: parseInt(v.slice(13), 16),
    });
  });
  run(fpu, 0xdd, 0x20, 0x100); // frstor
  host.poke(0x1000, mem);
  host.eflags = parseInt(eflags, 16);
  run(fpu, parseInt(insn.slice(0, 2), 16), parseInt(insn.slice(2), 16), 0x1000);
  const wantFlags = parseInt(want.split(" ")[3], 16);
  const out = [
    fpu.controlWord.toString(16).padStart(4, "0"),
    fpu.statusWord.toString(16).padStart(4, "0"),
    fpu.tagWord.toString(16).padStart(4, "0"),
    ((host.eflags & FLAGS) | (wantFlags & ~FLAGS)).toString(16).padStart(4, "0"),
    host.hex(0x1000, 16),
    Array.from(
      { length: 8 },
      (_, i) => fpu.isEmpty(i) ? "-" : f80Hex(fpu.register(i)).replace(":", ""),
    ).join(","),
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

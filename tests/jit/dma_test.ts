/**
 * Device writes into pages holding compiled code: what DMA and loaders do through
 * `PhysicalMemory.writeBytes`, and what a device plugin does (it writes guest RAM from its worker,
 * then the VMM hears of the page through `onGuestWrite`, which calls `onCodeWrite` for pages that
 * hold translated code: devices/board/virtio_plugin_type.ts). The next run must execute the new
 * code, on the JIT exactly as on the interpreter.
 */
import assert from "node:assert/strict";
import { ALU, Asm, CC } from "./_asm.ts";
import { CODE, TestMachine } from "./_machine.ts";
import { EAX, ECX } from "../../cpu/state_layout.ts";

/** A loop adding `step` to EAX `n` times, then HLT. */
function addLoop(origin: number, n: number, step: number): Asm {
  const a = new Asm(origin);
  a.movImm(ECX, n).movImm(EAX, 0);
  a.label("top").aluImm(ALU.ADD, EAX, step).dec(ECX).jcc(CC.NZ, "top");
  return a.hlt();
}

/** A loop of another shape and length: EAX = −(n + … + 1) − n (SUB, LEA, one more DEC). */
function subLoop(origin: number, n: number): Asm {
  const a = new Asm(origin);
  a.movImm(ECX, n).movImm(EAX, 0);
  a.label("top").alu(ALU.SUB, EAX, ECX).leaAdd(EAX, EAX, -1).dec(ECX).jcc(CC.NZ, "top");
  return a.hlt();
}

/** Runs the program at `entry` to HLT; returns EAX and the instructions retired. */
function runFrom(m: TestMachine, entry: number): { eax: number; instructions: number } {
  m.start(entry);
  const instructions = m.runToHalt();
  return { eax: m.cpu.st[EAX] | 0, instructions };
}

/**
 * Runs `before`, lets `write` replace it with `after` (both tiers alike), runs again, and checks
 * the second run executed the new code on both tiers, with compiled code involved on the JIT.
 */
function rewriteBetweenRuns(
  before: Asm,
  after: Asm,
  write: (m: TestMachine, bytes: Uint8Array) => void,
): { interp: number[]; jit: number[]; machine: TestMachine } {
  const results: Record<string, number[]> = {};
  let jitMachine: TestMachine | undefined;
  for (const tier of ["interp", "jit"] as const) {
    const m = new TestMachine(tier === "jit" ? {} : { jit: false });
    m.load(before);
    const first = runFrom(m, before.origin);
    const stats = m.jit?.stats;
    const compiledBefore = stats?.instructions ?? 0;
    const dispatchesBefore = stats?.dispatches ?? 0;
    if (stats !== undefined) {
      assert.ok(compiledBefore > 0, `the loop did not run compiled: ${JSON.stringify(stats)}`);
    }
    const invalidationsBefore = stats?.invalidations ?? 0;
    write(m, after.assemble());
    const second = runFrom(m, after.origin);
    if (stats !== undefined) {
      assert.equal(stats.invalidations, invalidationsBefore + 1, JSON.stringify(stats));
      // The new code was compiled in its turn and ran.
      assert.ok(stats.dispatches > dispatchesBefore, JSON.stringify(stats));
      jitMachine = m;
    }
    results[tier] = [first.eax, first.instructions, second.eax, second.instructions];
  }
  assert.deepEqual(results.jit, results.interp);
  return { interp: results.interp, jit: results.jit, machine: jitMachine! };
}

Deno.test("writeBytes over a compiled hot loop (DMA, loaders): the next run executes the new code", () => {
  const n = 50;
  const { jit } = rewriteBetweenRuns(
    addLoop(CODE, n, 3),
    subLoop(CODE, n),
    (m, bytes) => m.phys.writeBytes(CODE, bytes),
  );
  assert.equal(jit[0], 3 * n);
  assert.equal(jit[2], -(n * (n + 1)) / 2 - n);
});

Deno.test("writeBytes straddling two pages drops the code of the second one", () => {
  const n = 40;
  const origin = CODE + 0x1000;
  // The write starts in the page before the code and ends in the code's page.
  const { jit } = rewriteBetweenRuns(
    addLoop(origin, n, 3),
    addLoop(origin, n, 7),
    (m, bytes) => {
      const lead = new Uint8Array(0x100).fill(0x90);
      const both = new Uint8Array(lead.length + bytes.length);
      both.set(lead);
      both.set(bytes, lead.length);
      m.phys.writeBytes(origin - lead.length, both);
    },
  );
  assert.equal(jit[0], 3 * n);
  assert.equal(jit[2], 7 * n);
});

Deno.test("a plugin's write to guest RAM plus onCodeWrite for its page runs the new code", () => {
  const n = 50;
  const { jit } = rewriteBetweenRuns(
    addLoop(CODE, n, 3),
    addLoop(CODE, n, -2),
    (m, bytes) => {
      const phys = m.phys;
      const page = CODE >>> 12;
      // A plugin worker writes the shared memory in place, bypassing PhysicalMemory…
      phys.u8.set(bytes, CODE);
      // …then the VMM learns of the page (virtio_plugin_type.ts, onGuestWrite).
      if (m.jit !== undefined) assert.equal(phys.codePages[page], 1, "the code page is watched");
      if (phys.codePages[page]) phys.onCodeWrite?.(page);
      assert.equal(phys.codePages[page], 0);
    },
  );
  assert.equal(jit[0], 3 * n);
  assert.equal(jit[2], -2 * n);
});

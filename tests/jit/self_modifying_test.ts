/**
 * Self-modifying code under the JIT: a store into a page holding translated code must drop the
 * translations before they run again, and a store into the block that is running must take
 * effect before the instruction it rewrote executes, as on hardware (SDM vol. 3 §8.1.3: a write
 * to code being executed is detected and the processor serialises). Each program runs on the
 * interpreter alone and with every block compiled on first sight; the two must agree on every
 * register, EFLAGS, memory and the count of instructions retired.
 */
import assert from "node:assert/strict";
import { ALU, Asm, CC } from "./_asm.ts";
import { bothTiers, CODE, DATA, PAGE_TABLE, runBothTiers, type TierRun } from "./_machine.ts";
import { EAX, EBX, ECX, EDI, EDX, ESI } from "../../cpu/state_layout.ts";

/** Asserts that the two tiers agree, and that compiled code did a share of the work. */
function assertSameRun(
  interp: TierRun,
  jit: TierRun,
  bytes: [number, number][],
  options: { compiled?: boolean } = {},
): void {
  assert.deepEqual(jit.state, interp.state, "final state differs between JIT and interpreter");
  assert.equal(jit.instructions, interp.instructions, "instructions retired differ");
  for (const [at, length] of bytes) {
    assert.deepEqual(
      jit.machine.phys.readBytes(at, length),
      interp.machine.phys.readBytes(at, length),
      `memory at ${at.toString(16)} differs`,
    );
  }
  if (options.compiled === false) return;
  const stats = jit.machine.jit!.stats;
  assert.ok(
    stats.instructions > 0,
    `no instruction ran in compiled code: ${JSON.stringify(stats)}`,
  );
}

Deno.test("a hot compiled loop whose immediate another block rewrites runs the new immediate", () => {
  const iterations = 300;
  const a = new Asm(CODE);
  a.movImm(ECX, iterations).movImm(EAX, 0).movImm(EBX, 0);
  a.label("top").aluImm(ALU.ADD, EAX, 1); // 81 C0 imm32: the immediate is at top+2
  a.alu(ALU.ADD, EBX, EAX).dec(ECX).jcc(CC.Z, "done");
  a.testImm(ECX, 63).jcc(CC.NZ, "top");
  a.incMem({ label: "top", plus: 2 }); // every 64 iterations: add eax, imm+1
  a.jmp("top");
  a.label("done").hlt();
  const { interp, jit } = runBothTiers([a], CODE);
  assertSameRun(interp, jit, [[CODE, 64]]);

  // What the program means: the loop adds an immediate that grows by one after every 64th pass.
  let imm = 1, eax = 0, ebx = 0, patches = 0;
  for (let ecx = iterations; ecx > 0;) {
    eax = (eax + imm) | 0;
    ebx = (ebx + eax) | 0;
    ecx--;
    if (ecx !== 0 && (ecx & 63) === 0) {
      imm++;
      patches++;
    }
  }
  assert.equal(jit.state.regs[EAX], eax >>> 0);
  assert.equal(jit.state.regs[EBX], ebx >>> 0);
  const stats = jit.machine.jit!.stats;
  assert.ok(stats.invalidations >= patches, `${patches} patches: ${JSON.stringify(stats)}`);
  // Between patches the loop ran compiled: most instructions retired in compiled code.
  assert.ok(stats.instructions > jit.instructions / 2, JSON.stringify(stats));
});

Deno.test("a compiled block storing ahead of EIP into itself runs the rewritten instruction", () => {
  const iterations = 100;
  const a = new Asm(CODE);
  a.movImm(ECX, iterations).movImm(EDX, 0).movImm(EBX, 0);
  // Most passes store to data, every 8th into the immediate of `patch` below, in the same
  // block: so the block runs compiled, and now and then rewrites itself as it runs.
  a.label("top").movImm(EDI, DATA);
  a.testImm(ECX, 7).jcc(CC.NZ, "go");
  a.movImm(EDI, { label: "patch", plus: 1 }).jmp("go");
  a.label("go").storeIndirect(EDI, 0, ECX);
  a.alu(ALU.ADD, EBX, ECX);
  a.label("patch").movImm(EAX, 1000); // B8 imm32: the immediate is at patch+1
  a.alu(ALU.ADD, EDX, EAX).dec(ECX).jcc(CC.NZ, "top");
  a.hlt();
  const { interp, jit } = runBothTiers([a], CODE);
  assertSameRun(interp, jit, [[CODE, 64], [DATA, 4]]);
  let imm = 1000, edx = 0;
  for (let ecx = iterations; ecx > 0; ecx--) {
    if ((ecx & 7) === 0) imm = ecx; // stored before `patch` runs in the same pass
    edx = (edx + imm) | 0;
  }
  assert.equal(jit.state.regs[EDX], edx >>> 0);
  assert.ok(jit.machine.jit!.stats.invalidations >= Math.floor(iterations / 8));
});

Deno.test("a compiled block that turns its next opcode from INC into DEC runs the DEC", () => {
  const iterations = 60;
  const a = new Asm(CODE);
  a.movImm(ECX, iterations).movImm(EAX, 0).movImm(EBX, 0);
  // Every 4th pass toggles the opcode at `op` (40 inc eax <-> 48 dec eax), the others a byte
  // of data; the toggle and the instruction it rewrites are in one compiled block.
  a.label("top").movImm(ESI, DATA);
  a.testImm(ECX, 3).jcc(CC.NZ, "go");
  a.movImm(ESI, { label: "op" }).jmp("go");
  a.label("go").aluIndirect8Imm(ALU.XOR, ESI, 0x08);
  a.label("op").inc(EAX);
  a.alu(ALU.ADD, EBX, EAX).dec(ECX).jcc(CC.NZ, "top");
  a.hlt();
  const { interp, jit } = runBothTiers([a], CODE);
  assertSameRun(interp, jit, [[CODE, 64], [DATA, 4]]);
  let eax = 0, ebx = 0, inc = true;
  for (let ecx = iterations; ecx > 0; ecx--) {
    if ((ecx & 3) === 0) inc = !inc;
    eax += inc ? 1 : -1;
    ebx += eax;
  }
  assert.equal(jit.state.regs[EAX], eax >>> 0);
  assert.equal(jit.state.regs[EBX], ebx >>> 0);
  assert.ok(jit.machine.jit!.stats.invalidations >= Math.floor(iterations / 4));
});

Deno.test("a store into another page's compiled code is seen by its next call", () => {
  const iterations = 200;
  const page2 = CODE + 0x2000;
  const main = new Asm(CODE);
  main.movImm(ECX, iterations).movImm(EAX, 0).movImm(EBX, 0);
  main.label("top").call("func");
  main.alu(ALU.ADD, EBX, EAX);
  main.testImm(ECX, 31).jcc(CC.NZ, "skip");
  main.store(page2 + 1, ECX); // rewrites `mov eax, imm` in the other page
  main.label("skip").dec(ECX).jcc(CC.NZ, "top");
  main.hlt();
  main.labelAt("func", page2);
  const func = new Asm(page2);
  func.movImm(EAX, 7).ret();
  const { interp, jit } = runBothTiers([main, func], CODE);
  assertSameRun(interp, jit, [[page2, 8]]);
  let eax = 7, ebx = 0;
  for (let ecx = iterations; ecx > 0; ecx--) {
    ebx = (ebx + eax) | 0;
    if ((ecx & 31) === 0) eax = ecx;
  }
  assert.equal(jit.state.regs[EBX], ebx >>> 0);
  assert.ok(jit.machine.jit!.stats.invalidations >= Math.floor(iterations / 32));
});

Deno.test("a store through another linear mapping of a code page drops its code", () => {
  const iterations = 200;
  const funcPage = CODE + 0x2000, alias = 0x300000; // alias: a second mapping of funcPage
  const main = new Asm(CODE);
  main.movImm(ECX, iterations).movImm(EAX, 0).movImm(EBX, 0);
  // A write permission for the alias is cached before the function there is compiled.
  main.store(alias + 0x800, ECX);
  main.label("top").call("func");
  main.alu(ALU.ADD, EBX, EAX);
  main.testImm(ECX, 31).jcc(CC.NZ, "skip");
  main.store(alias + 1, ECX); // rewrites `mov eax, imm` through the alias
  main.label("skip").dec(ECX).jcc(CC.NZ, "top");
  main.hlt();
  main.labelAt("func", funcPage);
  const func = new Asm(funcPage);
  func.movImm(EAX, 7).ret();
  const machines = bothTiers();
  const runs = [machines.interp, machines.jit].map((m) => {
    m.map(alias, funcPage);
    m.load(main);
    m.load(func);
    m.start(CODE);
    const instructions = m.runToHalt();
    return { machine: m, state: m.state(), instructions };
  });
  assertSameRun(runs[0], runs[1], [[funcPage, 8]]);
  let eax = 7, ebx = 0;
  for (let ecx = iterations; ecx > 0; ecx--) {
    ebx = (ebx + eax) | 0;
    if ((ecx & 31) === 0) eax = ecx;
  }
  assert.equal(runs[1].state.regs[EBX], ebx >>> 0);
});

Deno.test("a code page's linear address remapped to other code runs the other code", () => {
  const iterations = 100, switchAt = 50;
  const linear = 0x200000, first = CODE + 0x2000, second = CODE + 0x3000;
  const main = new Asm(CODE);
  main.movImm(ECX, iterations).movImm(EBX, 0).movImm(ESI, linear);
  main.label("top").call("func");
  main.alu(ALU.ADD, EBX, EAX);
  main.aluImm(ALU.CMP, ECX, switchAt).jcc(CC.NZ, "skip");
  // The page table entry of `linear` now names `second` (present, writable, user); INVLPG.
  main.storeImm(PAGE_TABLE + (linear >>> 12) * 4, second | 7).invlpg(ESI);
  main.label("skip").dec(ECX).jcc(CC.NZ, "top");
  main.hlt();
  main.labelAt("func", linear);
  const one = new Asm(first).movImm(EAX, 1).ret();
  const two = new Asm(second).movImm(EAX, 2).ret();
  const machines = bothTiers();
  const runs = [machines.interp, machines.jit].map((m) => {
    m.map(linear, first);
    for (const code of [main, one, two]) m.load(code);
    m.start(CODE);
    const instructions = m.runToHalt();
    return { machine: m, state: m.state(), instructions };
  });
  assertSameRun(runs[0], runs[1], []);
  // Passes with ECX = 100 … 50 call the first function, the 49 after the switch the second.
  const before = iterations - switchAt + 1;
  assert.equal(runs[1].state.regs[EBX], before * 1 + (iterations - before) * 2);
});

Deno.test("code sharing its page with data it writes every pass stays correct and is given up", () => {
  const iterations = 500;
  const a = new Asm(CODE);
  const counter = CODE + 0x800; // data in the same page as the loop
  a.movImm(ECX, iterations).movImm(EAX, 0);
  a.label("top").incMem(counter);
  a.alu(ALU.ADD, EAX, ECX);
  a.load(EDX, counter).alu(ALU.ADD, EAX, EDX);
  a.dec(ECX).jcc(CC.NZ, "top");
  a.store(DATA, EAX);
  a.hlt();
  // The JIT's defaults but for the threshold, the waste limit included.
  const { interp, jit } = runBothTiers([a], CODE, { jit: { threshold: 1, batch: 1 } });
  // Every pass writes the page its block came from: no translation survives to run.
  assertSameRun(interp, jit, [[counter, 4], [DATA, 4]], { compiled: false });
  assert.equal(jit.machine.phys.read32(counter), iterations);
  const stats = jit.machine.jit!.stats;
  assert.ok(stats.invalidations > 0, JSON.stringify(stats));
  // The page is no longer translated after a few wasted translations, not once per pass.
  assert.ok(stats.blocksCompiled < iterations / 10, JSON.stringify(stats));
});

/**
 * SMAP and SMEP under compiled code (Intel SDM vol. 3 §4.6.1). Compiled blocks reach memory
 * through the software TLB; a user page must never be cached for supervisor use while CR4.SMAP
 * or CR4.SMEP is set, because whether the access is allowed depends on EFLAGS.AC at that moment
 * (STAC/CLAC change it without a TLB flush). Here the kernel's own pages are supervisor pages and
 * DATA (and USER_CODE) user pages; a ring-0 routine is compiled and run with AC=1, then with
 * AC=0, on the interpreter alone and with the JIT, and the two must agree.
 */
import assert from "node:assert/strict";
import { ALU, Asm, CC } from "./_asm.ts";
import { CODE, DATA, PAGE_TABLE, PF, type State, TestMachine } from "./_machine.ts";
import { findCpuModel } from "../../cpu/cpu_model.ts";
import { EAX, EBX, ECX } from "../../cpu/state_layout.ts";

const CR4_SMEP = 1 << 20, CR4_SMAP = 1 << 21;
/** #PF error-code bits (SDM vol. 3 §4.7). */
const ERR_P = 1, ERR_W = 2, ERR_ID = 16;
/** A user page holding a routine (the rest of the first 4 MiB is supervisor). */
const USER_CODE = DATA + 0x1000;
const ITERATIONS = 200;

/** A ring-0 machine of model max whose pages are supervisor pages but DATA and USER_CODE. */
function machine(jit: boolean): TestMachine {
  const m = new TestMachine(jit ? {} : { jit: false });
  m.cpu.model = findCpuModel("max")!;
  for (let p = 0; p < 1024; p++) m.phys.write32(PAGE_TABLE + p * 4, (p << 12) | 3);
  for (const lin of [DATA, USER_CODE]) m.phys.write32(PAGE_TABLE + (lin >>> 12) * 4, lin | 7);
  m.cpu.mmu.flushAll();
  return m;
}

/** `mov cr4, eax` with EAX = `value`. */
function setCr4(a: Asm, value: number): Asm {
  return a.movImm(EAX, value).bytes("mov cr4, eax", 0x0f, 0x22, 0xe0);
}
const stac = (a: Asm) => a.bytes("stac", 0x0f, 0x01, 0xcb);
const clac = (a: Asm) => a.bytes("clac", 0x0f, 0x01, 0xca);

interface Outcome {
  /** State when the first exception was delivered (the #PF handler halts there). */
  fault: State & { vector: number; errorCode: number };
  /** Instructions that ran compiled (0 on the interpreter). */
  compiled: number;
}

/** Runs `code` from its origin until the #PF handler halts; one exception is expected. */
function runToFault(code: Asm[], jit: boolean, setup?: (m: TestMachine) => void): Outcome {
  const m = machine(jit);
  for (const asm of code) m.load(asm);
  m.phys.write32(DATA, 3);
  setup?.(m);
  m.start(code[0].origin);
  m.runToHalt();
  assert.equal(m.deliveries.length, 1, `deliveries: ${JSON.stringify(m.deliveries)}`);
  const d = m.deliveries[0];
  return {
    fault: { ...d.state, vector: d.vector, errorCode: d.errorCode },
    compiled: m.jit?.stats.instructions ?? 0,
  };
}

/** Both tiers: they must agree on the fault and its state; returns the JIT's outcome. */
function bothTiers(code: Asm[]): Outcome {
  const interp = runToFault(code, false);
  const jit = runToFault(code, true);
  assert.deepEqual(jit.fault, interp.fault, "the JIT faults where the interpreter does");
  return jit;
}

/** A loop of ITERATIONS reads of DATA into EBX (as `sum`), or writes of EBX (as `fill`). */
function routines(a: Asm): Asm {
  a.label("sum").movImm(ECX, ITERATIONS);
  a.label("sumLoop").load(EAX, DATA).alu(ALU.ADD, EBX, EAX).dec(ECX).jcc(CC.NZ, "sumLoop").ret();
  a.label("fill").movImm(ECX, ITERATIONS);
  a.label("fillLoop").store(DATA + 4, ECX).dec(ECX).jcc(CC.NZ, "fillLoop").ret();
  return a;
}

Deno.test("compiled ring-0 loop reads a user page after STAC and faults after CLAC (SMAP)", () => {
  const a = new Asm(CODE);
  setCr4(a, CR4_SMAP);
  a.movImm(EBX, 0);
  stac(a).call("sum").call("sum");
  clac(a).call("sum").hlt();
  routines(a);
  const { fault, compiled } = bothTiers([a]);
  assert.ok(compiled >= ITERATIONS * 4, `the loop ran compiled (${compiled} instructions)`);
  assert.equal(fault.vector, PF);
  assert.equal(fault.errorCode, ERR_P, "a supervisor read refused by SMAP");
  assert.equal(fault.cr2, DATA);
  assert.equal(fault.eip, a.address("sumLoop"));
  assert.equal(fault.regs[EBX], 2 * ITERATIONS * 3, "both runs with AC=1 read every time");
  assert.equal(fault.regs[ECX], ITERATIONS, "the first read after CLAC faults");
});

Deno.test("compiled ring-0 loop writes a user page after STAC and faults after CLAC (SMAP)", () => {
  const a = new Asm(CODE);
  setCr4(a, CR4_SMAP);
  stac(a).call("fill").call("fill");
  clac(a).call("fill").hlt();
  routines(a);
  const { fault, compiled } = bothTiers([a]);
  assert.ok(compiled >= ITERATIONS * 3, `the loop ran compiled (${compiled} instructions)`);
  assert.equal(fault.errorCode, ERR_P | ERR_W);
  assert.equal(fault.cr2, DATA + 4);
  assert.equal(fault.eip, a.address("fillLoop"));
});

Deno.test("SMAP off: a compiled ring-0 loop reads the user page whatever AC says", () => {
  const a = new Asm(CODE);
  a.movImm(EBX, 0);
  stac(a).call("sum");
  clac(a).call("sum");
  a.bytes("int3", 0xcc); // ends the run through the default handler (a halt)
  routines(a);
  const interp = runToFault([a], false), jit = runToFault([a], true);
  assert.deepEqual(jit.fault, interp.fault);
  assert.equal(jit.fault.vector, 3, "no #PF, the program reached INT3");
  assert.equal(jit.fault.regs[EBX], 2 * ITERATIONS * 3);
});

Deno.test("a ring-0 routine on a user page, compiled and chained, faults once SMEP is on", () => {
  const user = new Asm(USER_CODE);
  user.label("inc").alu(ALU.ADD, EBX, ECX).ret();
  const a = new Asm(CODE);
  a.labelAt("inc", USER_CODE);
  a.movImm(EBX, 0).movImm(ECX, 1);
  for (let i = 0; i < 4; i++) a.call("inc");
  setCr4(a, CR4_SMEP);
  a.call("inc").hlt();
  const { fault } = bothTiers([a, user]);
  assert.equal(fault.vector, PF);
  assert.equal(fault.errorCode, ERR_P | ERR_ID, "an instruction fetch refused by SMEP");
  assert.equal(fault.cr2, USER_CODE);
  assert.equal(fault.eip, USER_CODE);
  assert.equal(fault.regs[EBX], 4, "the calls before SMEP ran");
});

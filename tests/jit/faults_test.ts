/**
 * Exceptions raised inside compiled blocks leave precise state, as the interpreter does (SDM
 * vol. 3 §6.5: a fault reports the faulting instruction, with the state before it). User code
 * (CPL 3, paging on) calls a block until it is compiled and hot, then makes its 3rd or 4th
 * instruction fault; the handler (CPL 0) halts so that the machine can be looked at, then
 * repairs the cause and returns, and the program runs to its end (INT3).
 *
 * At the fault: EIP names the faulting instruction, the instructions before it took effect and
 * those after it did not, EFLAGS holds what the last earlier flag-writing instruction left, CR2
 * and the error code are right, and the count of instructions retired is the interpreter's.
 * After the handler, the end state and count are the interpreter's too.
 */
import assert from "node:assert/strict";
import { ALU, Asm, CC } from "./_asm.ts";
import {
  CODE,
  DATA,
  DE,
  type Delivery,
  GP,
  PF,
  type State,
  TestMachine,
  USER_DS,
} from "./_machine.ts";
import { CF, SF, ZF } from "../../cpu/eflags.ts";
import { EAX, EBP, EBX, ECX, EDI, EDX, ESI, ESP, FS } from "../../cpu/state_layout.ts";

/** Where the tests put their own handlers (user pages are executable at CPL 0 too). */
const HANDLER_CODE = CODE + 0x3000;

interface Scenario {
  /** The program (its entry is its origin) and any code it needs besides. */
  code: Asm[];
  /** Handlers to install: vector and address. */
  handlers?: [number, number][];
  /** Changes to the machine before the run (unmapped pages, data, segments). */
  setup?: (m: TestMachine) => void;
  /** Label of the compiled block in `code[0]` that faults. */
  block: string;
}

interface TierResult {
  fault: Delivery;
  faultInstructions: number;
  end: State;
  endInstructions: number;
  deliveries: number[];
  machine: TestMachine;
}

function runScenario(s: Scenario, jit: boolean): TierResult {
  const m = new TestMachine({ user: true, ...(jit ? {} : { jit: false }) });
  for (const asm of s.code) m.load(asm);
  for (const [vector, handler] of s.handlers ?? []) m.handle(vector, handler);
  s.setup?.(m);
  m.start(s.code[0].origin);
  const faultInstructions = m.runToHalt(); // halted in the handler, before it repairs anything
  assert.equal(m.deliveries.length, 1, `deliveries: ${JSON.stringify(m.deliveries)}`);
  const fault = m.deliveries[0];
  if (jit) {
    const stats = m.jit!.stats;
    const compiled = m.modules.flatMap((mod) => mod.blocks.map((b) => b.eip));
    assert.ok(compiled.includes(s.code[0].address(s.block)), "the faulting block was compiled");
    // It was compiled before the faulting pass and never dropped: the fault came from it.
    assert.equal(stats.invalidations, 0, JSON.stringify(stats));
  }
  const endInstructions = faultInstructions + m.runToHalt();
  if (jit) assert.ok(m.jit!.stats.instructions > 0, JSON.stringify(m.jit!.stats));
  return {
    fault,
    faultInstructions,
    end: m.state(),
    endInstructions,
    deliveries: m.deliveries.map((d) => d.vector),
    machine: m,
  };
}

/** Runs the scenario on both tiers and checks they agree on everything; returns the JIT's. */
function bothAgree(s: Scenario): TierResult {
  const interp = runScenario(s, false);
  const jit = runScenario(s, true);
  assert.deepEqual(jit.fault, interp.fault, "state at the fault differs from the interpreter's");
  assert.equal(jit.faultInstructions, interp.faultInstructions, "instructions up to the fault");
  assert.deepEqual(jit.end, interp.end, "state at the end differs from the interpreter's");
  assert.equal(jit.endInstructions, interp.endInstructions, "instructions up to the end");
  assert.deepEqual(jit.deliveries, interp.deliveries);
  return jit;
}

/**
 * The program: EBP counts 4 passes; `lastPass` sets up the last one; each pass calls `block`
 * (written by `body`), which returns with RET; the end is INT3.
 */
function program(
  init: (a: Asm) => void,
  lastPass: (a: Asm) => void,
  body: (a: Asm) => void,
): Asm {
  const a = new Asm(CODE);
  init(a);
  a.movImm(EBP, 4);
  a.label("next").aluImm(ALU.CMP, EBP, 1).jcc(CC.NZ, "call");
  lastPass(a);
  a.label("call").call("block");
  a.dec(EBP).jcc(CC.NZ, "next");
  a.int3();
  a.label("block");
  body(a);
  a.ret();
  return a;
}

Deno.test("#PF on the 3rd instruction of a compiled block: precise EIP, registers, flags, CR2", () => {
  const unmapped = DATA + 0x3000;
  const a = program(
    (a) => a.movImm(EDI, DATA).movImm(EAX, 1).movImm(EBX, 1000).movImm(ECX, 0).movImm(ESI, 0),
    (a) => a.movImm(EDI, unmapped), // the last pass loads from a page that is not present
    (a) => {
      a.alu(ALU.SUB, EAX, EBX); // 1 − 1000: CF and SF set
      a.leaAdd(ECX, ECX, 1); // passes started
      a.label("load").loadIndirect(EDX, EDI); // faults on the last pass
      a.alu(ALU.ADD, EAX, EBX); // back to 1: CF set, SF clear
      a.leaAdd(ESI, ESI, 1); // passes finished
    },
  );
  const jit = bothAgree({
    code: [a],
    block: "block",
    setup: (m) => {
      m.phys.write32(DATA, 0x1111);
      m.phys.write32(unmapped, 0x2222);
      m.unmap(unmapped);
    },
  });
  const { fault, end } = jit;
  assert.equal(fault.vector, PF);
  assert.equal(fault.errorCode, 4, "not present, read, user"); // SDM vol. 3 §4.7
  assert.equal(fault.state.eip, a.address("load"));
  assert.equal(fault.state.cr2, unmapped);
  const r = fault.state.regs;
  assert.equal(r[ECX], 4, "the instruction before the fault ran");
  assert.equal(r[ESI], 3, "the instruction after the fault did not run");
  assert.equal(r[EAX], (1 - 1000) >>> 0);
  assert.equal(r[EDX], 0x1111, "the faulting load wrote nothing");
  // The flags the SUB left (the ADD after the fault would have cleared SF).
  assert.equal(fault.state.eflags & (CF | SF | ZF), CF | SF);
  // The handler mapped the page and returned: the load was retried and the program finished.
  assert.equal(end.regs[EDX], 0x2222);
  assert.equal(end.regs[ESI], 4);
  assert.equal(end.regs[EAX], 1);
});

Deno.test("#PF from a compiled BTS whose register offset leaves the operand: flags kept", () => {
  // SDM vol. 2 "BT": the dword holding bit EDX of the string at [EDI] is EDI + (EDX >> 5) * 4.
  const unmapped = DATA + 0x3000;
  const a = program(
    (a) => a.movImm(EDI, DATA).movImm(EAX, 1).movImm(EBX, 1000).movImm(ECX, 0).movImm(EDX, 5),
    (a) => a.movImm(EDX, 0x3000 * 8 + 1), // the last pass sets a bit in a page not present
    (a) => {
      a.alu(ALU.SUB, EAX, EBX); // 1 − 1000: CF and SF set
      a.leaAdd(ECX, ECX, 1);
      a.label("bts").bytes("bts [edi], edx", 0x0f, 0xab, (EDX << 3) | EDI); // faults last pass
      a.alu(ALU.ADD, EAX, EBX);
    },
  );
  const jit = bothAgree({
    code: [a],
    block: "block",
    setup: (m) => {
      m.phys.write32(unmapped, 0x2220); // bit 1 clear: CF would drop if the BTS took effect
      m.unmap(unmapped);
    },
  });
  const { fault, end } = jit;
  assert.equal(fault.vector, PF);
  assert.equal(fault.state.eip, a.address("bts"));
  assert.equal(fault.state.cr2, unmapped);
  assert.equal(fault.state.eflags & (CF | SF), CF | SF, "the SUB's flags, not the BTS's");
  assert.equal(jit.machine.phys.read32(unmapped), 0x2222, "the retried BTS set bit 1");
  assert.equal(end.regs[EAX], 1);
});

Deno.test("#PF in a block reached through a chain counts the chain's instructions", () => {
  // Block A steps EDI a page further each pass and jumps to block B in the same page (a link
  // cell chains them); B loops back to A. The 4th pass's load finds the page not present, with
  // several passes of A and B chained in one entry from the run loop.
  const a = new Asm(CODE);
  a.movImm(EDI, DATA - 0x1000).movImm(EBP, 6).movImm(EAX, 1).movImm(EBX, 1000);
  a.movImm(ECX, 0).movImm(ESI, 0);
  a.label("stepA").aluImm(ALU.ADD, EDI, 0x1000).leaAdd(ECX, ECX, 1).jmp("blockB");
  a.label("blockB").alu(ALU.SUB, EAX, EBX);
  a.leaAdd(ESI, ESI, 1);
  a.label("load").loadIndirect(EDX, EDI); // the 4th pass reads DATA + 0x3000
  a.alu(ALU.ADD, EAX, EBX);
  a.dec(EBP).jcc(CC.NZ, "stepA");
  a.int3();
  const unmapped = DATA + 0x3000;
  const jit = bothAgree({
    code: [a],
    block: "blockB",
    setup: (m) => {
      for (let p = 0; p < 6; p++) m.phys.write32(DATA + p * 0x1000, p + 1);
      m.unmap(unmapped);
    },
  });
  const { fault, end } = jit;
  assert.equal(fault.vector, PF);
  assert.equal(fault.state.eip, a.address("load"));
  assert.equal(fault.state.cr2, unmapped);
  assert.equal(fault.state.regs[ECX], 4);
  assert.equal(fault.state.regs[ESI], 4);
  assert.equal(fault.state.regs[EDX], 3, "the last load that worked read the 3rd page");
  assert.equal(fault.state.eflags & (CF | SF), CF | SF);
  assert.equal(end.regs[EDX], 6);
});

Deno.test({
  name: "JIT statistics count the compiled instructions retired before a fault",
  fn() {
    const a = new Asm(CODE);
    a.movImm(EDI, DATA - 0x1000).movImm(EBP, 6);
    a.label("stepA").aluImm(ALU.ADD, EDI, 0x1000).jmp("blockB");
    a.label("blockB").leaAdd(ESI, ESI, 1).loadIndirect(EDX, EDI);
    a.dec(EBP).jcc(CC.NZ, "stepA");
    a.int3();
    const m = new TestMachine({ user: true });
    m.load(a);
    m.unmap(DATA + 0x3000);
    m.start(CODE);
    const retired = m.runToHalt(); // halted in the #PF handler
    assert.equal(m.deliveries[0]?.vector, PF);
    const stats = m.jit!.stats;
    // Pass 1 runs in the interpreter while both blocks are compiled; passes 2 to 4 (up to the
    // faulting load) run as one chain entered once from the run loop.
    assert.ok(stats.dispatches >= 1, JSON.stringify(stats));
    assert.ok(stats.instructions >= 2 * 2 + 1, `${retired} retired: ${JSON.stringify(stats)}`);
  },
});

Deno.test("#DE from DIV (a shared helper called from compiled code) leaves precise state", () => {
  const handler = new Asm(HANDLER_CODE);
  handler.hlt().movImm(EDI, 8).iret(); // a divisor that works, then retry
  const a = program(
    (a) => a.movImm(EDI, 10).movImm(EBX, 0).movImm(ESI, 0),
    (a) => a.movImm(EDI, 0),
    (a) => {
      a.aluImm(ALU.ADD, ESI, 3); // flags
      a.movImm(EDX, 0);
      a.movImm(EAX, 1000);
      a.label("div").div(EDI); // #DE on the last pass
      a.alu(ALU.ADD, EBX, EAX);
    },
  );
  const jit = bothAgree({ code: [a, handler], block: "block", handlers: [[DE, HANDLER_CODE]] });
  const { fault, end } = jit;
  assert.equal(fault.vector, DE);
  assert.equal(fault.errorCode, -1, "#DE has no error code");
  assert.equal(fault.state.eip, a.address("div"));
  const r = fault.state.regs;
  assert.equal(r[ESI], 12, "the ADD before the DIV ran on every pass");
  assert.equal(r[EBX], 3 * 100, "the ADD after the DIV did not run on the last pass");
  assert.equal(r[EAX], 1000);
  assert.equal(r[EDX], 0);
  assert.equal(end.regs[EBX], 3 * 100 + 1000 / 8);
});

Deno.test("#PF from a PUSH to an unmapped stack page restores ESP to before the PUSH", () => {
  // With flat segments a stack that runs off its mapped pages faults with #PF (a limit
  // violation, #SS, cannot happen in compiled code: it needs a flat SS).
  const okTop = 0x60000, edge = 0x70000, edgeTop = edge + 0x1004;
  const a = program(
    (a) => a.movImm(EBX, okTop).movImm(EAX, 0).movImm(ECX, 100),
    (a) => a.movImm(EBX, edgeTop), // one PUSH fits in the mapped page, the next does not
    (a) => {
      a.mov(EDI, ESP).mov(ESP, EBX); // the block's own stack; the caller's ESP kept in EDI
      a.aluImm(ALU.ADD, EAX, 5); // flags
      a.push(EAX);
      a.label("push").push(ECX); // #PF on the last pass
      a.leaAdd(ECX, ECX, 1);
      a.pop(EDX).pop(EDX);
      a.mov(ESP, EDI);
    },
  );
  const jit = bothAgree({ code: [a], block: "block", setup: (m) => m.unmap(edge) });
  const { fault, end } = jit;
  assert.equal(fault.vector, PF);
  assert.equal(fault.errorCode, 6, "not present, write, user");
  assert.equal(fault.state.eip, a.address("push"));
  assert.equal(fault.state.cr2, edgeTop - 8);
  const r = fault.state.regs;
  assert.equal(r[ESP], edgeTop - 4, "ESP as the first PUSH left it");
  assert.equal(r[EAX], 20, "the ADD before the fault ran");
  assert.equal(r[ECX], 103, "the LEA after the fault did not run on the last pass");
  assert.equal(end.regs[ECX], 104);
  assert.equal(end.regs[EDX], 20);
});

Deno.test("#GP from a load beyond the FS limit (the segment helper path) leaves precise state", () => {
  const handler = new Asm(HANDLER_CODE);
  // Makes FS flat (USER_DS) and returns to retry the load.
  handler.hlt().push(EAX).movImm(EAX, USER_DS).movToFs(EAX).pop(EAX);
  handler.aluImm(ALU.ADD, ESP, 4).iret(); // the error code
  const a = program(
    (a) => a.movImm(ESI, DATA).movImm(EAX, 7).movImm(ECX, 0),
    (a) => a.movImm(ESI, DATA + 0x2000), // past the limit
    (a) => {
      a.alu(ALU.XOR, EAX, ECX); // flags
      a.leaAdd(ECX, ECX, 1);
      a.label("load").loadFsIndirect(EDX, ESI); // #GP(0) on the last pass
      a.alu(ALU.ADD, EAX, EDX);
    },
  );
  const jit = bothAgree({
    code: [a, handler],
    block: "block",
    handlers: [[GP, HANDLER_CODE]],
    setup: (m) => {
      // FS: base 0, limit 0xfff + DATA bytes (byte granular), ring 3 data.
      m.cpu.setSegment(FS, USER_DS, 0, DATA + 0xfff, 0x40f3);
      m.phys.write32(DATA, 5);
      m.phys.write32(DATA + 0x2000, 9);
    },
  });
  const { fault, end } = jit;
  assert.equal(fault.vector, GP);
  assert.equal(fault.errorCode, 0);
  assert.equal(fault.state.eip, a.address("load"));
  assert.equal(fault.state.regs[ECX], 4);
  assert.equal(end.regs[EDX], 9, "the load was retried with a flat FS");
});

import assert from "node:assert/strict";
import { runOnHost } from "./host_runner.ts";
import { checkHostCase } from "./harness_image.ts";
import { AF, CF, DF, FIXED_ONE, IF, OF, PF, SF, TF, ZF } from "./flags.ts";
import { generateCases } from "./generator.ts";
import type { FlatTestCase } from "./types.ts";

const D = 0x20000000;
const STATUS_DF = CF | PF | AF | ZF | SF | OF | DF;

/** A case with zeroed registers except `regs`, ESP = D + 0x800 and data byte i = i & 0xff. */
function tc(
  code: number[],
  regs: Record<number, number> = {},
  eflags = IF | FIXED_ONE,
): FlatTestCase {
  const r = Uint32Array.of(0, 0, 0, 0, D + 0x800, 0, 0, 0);
  for (const [k, v] of Object.entries(regs)) r[Number(k)] = v;
  const data = new Uint8Array(0x1000).map((_, i) => i & 0xff);
  return {
    code: Uint8Array.from(code),
    codeAddress: 0x10000000,
    regs: r,
    eflags,
    dataAddress: D,
    data,
  };
}

const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, ESI = 6, EDI = 7;

Deno.test("host runs add eax, ebx: 0x7fffffff + 1 = 0x80000000 with OF SF AF PF set, CF ZF clear", async () => {
  const [r] = await runOnHost([tc([0x01, 0xd8], { [EAX]: 0x7fffffff, [EBX]: 1 })]);
  assert.equal(r.fault, undefined);
  assert.equal(r.regs[EAX], 0x80000000);
  assert.equal(r.regs[EBX], 1);
  assert.equal(r.regs[ESP], D + 0x800);
  assert.equal(r.eflags & STATUS_DF, OF | SF | AF | PF);
  assert.equal(r.eflags & (IF | FIXED_ONE | TF), IF | FIXED_ONE); // as PUSHFD shows it
  assert.deepEqual(r.data, new Uint8Array(0x1000).map((_, i) => i & 0xff));
});

Deno.test("host keeps the loaded flags across the case: shl eax, cl with cl = 0 changes nothing", async () => {
  const flags = CF | ZF | OF | AF | IF | FIXED_ONE;
  const [r] = await runOnHost([tc([0xd3, 0xe0], { [EAX]: 0xc0000001 }, flags)]);
  assert.equal(r.regs[EAX], 0xc0000001);
  assert.equal(r.eflags & STATUS_DF, CF | ZF | OF | AF);
});

Deno.test("host rcl eax, 1 shifts CF into bit 0 and the old bit 31 into CF", async () => {
  const [r] = await runOnHost([tc([0xd1, 0xd0], { [EAX]: 0x80000000 }, CF | IF | FIXED_ONE)]);
  assert.equal(r.regs[EAX], 1);
  assert.equal(r.eflags & CF, CF);
  assert.equal(r.eflags & OF, OF); // OF = new CF xor new bit 31 = 1 xor 0
});

Deno.test("host and ah, bh / or ch, dh operate on the high byte registers", async () => {
  const [r] = await runOnHost([tc([0x20, 0xfc, 0x08, 0xf5], {
    [EAX]: 0xf0ff,
    [EBX]: 0x3c00,
    [ECX]: 0x0100,
    [EDX]: 0x8000,
  })]);
  assert.equal(r.regs[EAX], 0x30ff);
  assert.equal(r.regs[ECX], 0x8100);
  assert.equal(r.eflags & (SF | ZF | CF | OF), SF);
});

Deno.test("host idiv ecx: -7 / 2 gives quotient -3 and remainder -1", async () => {
  const [r] = await runOnHost([
    tc([0xf7, 0xf9], { [EAX]: 0xfffffff9, [EDX]: 0xffffffff, [ECX]: 2 }),
  ]);
  assert.equal(r.regs[EAX], 0xfffffffd);
  assert.equal(r.regs[EDX], 0xffffffff);
});

Deno.test("host rep movsb copies 5 bytes forward and advances ESI/EDI, ECX = 0", async () => {
  const [r] = await runOnHost([tc([0xf3, 0xa4], { [ECX]: 5, [ESI]: D + 0x10, [EDI]: D + 0x100 })]);
  assert.deepEqual([...r.data.subarray(0x100, 0x106)], [0x10, 0x11, 0x12, 0x13, 0x14, 0x05]);
  assert.equal(r.regs[ECX], 0);
  assert.equal(r.regs[ESI], D + 0x15);
  assert.equal(r.regs[EDI], D + 0x105);
});

Deno.test("host rep movsd with DF = 1 copies downward and reports DF still set", async () => {
  const [r] = await runOnHost([
    tc([0xf3, 0xa5], { [ECX]: 3, [ESI]: D + 0x20, [EDI]: D + 0x120 }, DF | IF | FIXED_ONE),
  ]);
  // Dwords at 0x20, 0x1c, 0x18 land at 0x120, 0x11c, 0x118.
  assert.deepEqual([...r.data.subarray(0x118, 0x124)], [
    ...Array.from({ length: 12 }, (_, i) => 0x18 + i),
  ]);
  assert.equal(r.regs[ESI], D + 0x14);
  assert.equal(r.regs[EDI], D + 0x114);
  assert.equal(r.eflags & DF, DF);
});

Deno.test("host pop dword [esp] stores at ESP after the increment", async () => {
  const [r] = await runOnHost([tc([0x68, 0x11, 0x22, 0x33, 0x44, 0x8f, 0x04, 0x24])]);
  assert.equal(r.regs[ESP], D + 0x800);
  assert.deepEqual([...r.data.subarray(0x800, 0x804)], [0x11, 0x22, 0x33, 0x44]);
  assert.deepEqual([...r.data.subarray(0x7fc, 0x800)], [0x11, 0x22, 0x33, 0x44]);
});

Deno.test("host reports SIGSEGV and SIGFPE on the faulting cases and still runs the rest", async () => {
  const cases = [
    tc([0x40], { [EAX]: 1 }), // inc eax
    tc([0x8b, 0x00]), // mov eax, [eax] at address 0
    tc([0x40], { [EAX]: 2 }),
    tc([0xf7, 0xf1]), // div ecx with ecx = 0
    tc([0x40], { [EAX]: 3 }),
  ];
  const r = await runOnHost(cases, { batchSize: 4 });
  assert.deepEqual(r.map((x) => x.fault), [undefined, "SIGSEGV", undefined, "SIGFPE", undefined]);
  assert.deepEqual(r.map((x) => x.regs[EAX]), [2, 0, 3, 0, 4]);
});

Deno.test("host results do not depend on batching: 300 random cases in one process or in 37s", async () => {
  const cases = generateCases(99, 300);
  const one = await runOnHost(cases, { batchSize: 300, parallel: 1 });
  const many = await runOnHost(cases, { batchSize: 37, parallel: 2 });
  assert.equal(one.filter((r) => r.fault).length, 0);
  assert.deepEqual(many, one);
});

Deno.test("checkHostCase refuses TF, AC, IF clear, and code or data outside the windows", () => {
  const ok = tc([0x90]);
  checkHostCase(ok, 0);
  assert.throws(() => checkHostCase({ ...ok, eflags: ok.eflags | TF }, 0), /eflags/);
  assert.throws(() => checkHostCase({ ...ok, eflags: ok.eflags | (1 << 18) }, 0), /eflags/);
  assert.throws(() => checkHostCase({ ...ok, eflags: FIXED_ONE }, 0), /eflags/);
  assert.throws(() => checkHostCase({ ...ok, codeAddress: 0x08048000 }, 0), /code window/);
  assert.throws(() => checkHostCase({ ...ok, dataAddress: 0x2000f800 }, 0), /data window/);
});

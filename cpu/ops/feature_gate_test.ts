/**
 * An instruction the CPU model does not report in CPUID raises #UD (SDM vol. 2, each
 * instruction's "#UD If CPUID.01H:EDX.x[bit] = 0"), as on the real part: CMOV and the P6 x87
 * additions on a Pentium, RDTSC, RDMSR/WRMSR and CMPXCHG8B on a 486, SYSENTER without SEP,
 * FXSAVE without FXSR. The default model runs them all.
 */
import assert from "node:assert/strict";
import { UD } from "../fault.ts";
import { exec, isFault, protectedMachine } from "../testing/protected_machine.ts";

const CASES: [string, number[], string[]][] = [
  // [instruction, bytes, models lacking it]
  ["cmove eax, ebx", [0x0f, 0x44, 0xc3], ["pentium", "486"]],
  ["fcmovb st0, st1", [0xda, 0xc1], ["pentium", "486"]],
  ["fcomi st0, st1", [0xdb, 0xf1], ["pentium", "486"]],
  ["fucomip st0, st1", [0xdf, 0xe9], ["pentium", "486"]],
  ["rdtsc", [0x0f, 0x31], ["486"]],
  ["rdmsr (IA32_TSC)", [0x0f, 0x32], ["486"]],
  ["cmpxchg8b [0x3000]", [0x0f, 0xc7, 0x0d, 0x00, 0x30, 0x00, 0x00], ["486"]],
  ["fxsave [0x3000]", [0x0f, 0xae, 0x05, 0x00, 0x30, 0x00, 0x00], ["pentium2", "pentium", "486"]],
];

for (const [name, bytes, lacking] of CASES) {
  Deno.test(`${name}: #UD on ${lacking.join(", ")}, runs on qemu32`, () => {
    for (const model of lacking) {
      const cpu = protectedMachine(model);
      assert.throws(() => exec(cpu, bytes, { ecx: 0x10 }), isFault(UD), `${name} on ${model}`);
    }
    exec(protectedMachine("qemu32"), bytes, { ecx: 0x10 });
  });
}

Deno.test("sysenter: #UD on pentium (no SEP); on qemu32 it is #GP(0) while SYSENTER_CS is 0", () => {
  assert.throws(() => exec(protectedMachine("pentium"), [0x0f, 0x34]), isFault(UD));
  assert.throws(() => exec(protectedMachine("qemu32"), [0x0f, 0x34]), isFault(13, 0));
});

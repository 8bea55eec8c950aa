/**
 * `-cpu NAME,options` through the command line into the machine: the CPU runs the model with
 * the options applied, and flags this CPU lacks are reported as warnings, not refused.
 */
import assert from "node:assert/strict";
import { createMachine, parseArgs } from "../mod.ts";
import { cpuid, LEAF7_ECX_UMIP } from "../cpu/cpu_model.ts";

const KERNEL = new URL("./guests/hello_multiboot.bin", import.meta.url).pathname;

Deno.test("-cpu qemu64,+umip,+x2apic: UMIP in CPUID leaf 7, a warning for x2apic", async () => {
  const lines: string[] = [];
  const cmd = parseArgs(["-kernel", KERNEL, "-nodefaults", "-cpu", "qemu64,+umip,+x2apic"]);
  const { machine, close } = await createMachine(cmd, { log: (l) => lines.push(l) });
  try {
    assert.equal(machine.cpu.model.name, "qemu64");
    assert.equal(cpuid(machine.cpu.model, 7, true)[2] & LEAF7_ECX_UMIP, LEAF7_ECX_UMIP);
    assert.equal(lines.filter((l) => l.startsWith("warning:")).length, 1);
    assert.match(lines.find((l) => l.startsWith("warning:"))!, /x2apic/);
  } finally {
    close();
  }
});

Deno.test("-cpu with a malformed option value is refused before the machine starts", async () => {
  const cmd = parseArgs(["-kernel", KERNEL, "-nodefaults", "-cpu", "qemu64,vendor=AMD"]);
  await assert.rejects(() => createMachine(cmd, { log: () => {} }), /vendor/);
});

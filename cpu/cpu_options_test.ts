/**
 * `-cpu NAME,options` as QEMU parses them (target/i386/cpu.c), and the CPUID words that
 * result. Expected signatures and bits are what qemu-system-i386 7.2 (TCG) reports for the
 * same command line, read by a multiboot probe executing CPUID.
 */
import assert from "node:assert/strict";
import { cpuid, findCpuModel, LEAF7_ECX_UMIP, resolveCpuModel } from "./cpu_model.ts";

const NX = 1 << 20, RDTSCP = 1 << 27, PAE = 1 << 6;

Deno.test("+umip on qemu64 sets CPUID.7.0:ECX.UMIP, as QEMU reports (ECX = 4)", () => {
  const base = findCpuModel("qemu64")!;
  assert.equal(cpuid(base, 7, true)[2] & LEAF7_ECX_UMIP, 0);
  const m = findCpuModel("qemu64,+umip")!;
  assert.deepEqual(cpuid(m, 7, true), [0, 0, 4, 0]);
  assert.deepEqual(cpuid(m, 7, true, 1), [0, 0, 0, 0], "sub-leaf 1 is empty");
  assert.equal(findCpuModel("qemu64,umip=on")!.leaf7Ecx, m.leaf7Ecx);
  assert.equal(findCpuModel("qemu64,umip")!.leaf7Ecx, m.leaf7Ecx, "a bare flag means on");
});

Deno.test("-flag and flag=off remove a feature the model has; the base model is untouched", () => {
  assert.ok(cpuid(findCpuModel("max")!, 0x80000001, true)[3] & NX);
  for (const spec of ["max,-nx", "max,nx=off", "max,-xd"]) {
    const d = cpuid(findCpuModel(spec)!, 0x80000001, true)[3];
    assert.equal(d & NX, 0, spec);
    assert.ok(d & RDTSCP, `${spec} keeps RDTSCP`);
  }
  assert.equal(cpuid(findCpuModel("pentium3,-pae")!, 1, true)[3] & PAE, 0);
  assert.ok(cpuid(findCpuModel("max")!, 0x80000001, true)[3] & NX, "max itself unchanged");
});

Deno.test("vendor= replaces the vendor string of leaf 0; a wrong length is refused", () => {
  const m = findCpuModel("qemu64,vendor=GenuineIntel")!;
  assert.equal(m.vendor, "GenuineIntel");
  const [, ebx, ecx, edx] = cpuid(m, 0, true);
  const text = [ebx, edx, ecx].map((r) =>
    String.fromCharCode(r & 0xff, (r >> 8) & 0xff, (r >> 16) & 0xff, r >>> 24)
  ).join("");
  assert.equal(text, "GenuineIntel");
  assert.throws(() => findCpuModel("qemu64,vendor=Intel"), RangeError);
});

Deno.test("flags not implemented here are ignored with a warning, as TCG does", () => {
  const r = resolveCpuModel("qemu64,+x2apic,+tsc-deadline,+umip")!;
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0], /x2apic/);
  assert.match(r.warnings[1], /tsc-deadline/);
  assert.equal(r.model.leaf7Ecx, LEAF7_ECX_UMIP);
  assert.equal(resolveCpuModel("nosuchcpu,+umip"), undefined);
  assert.throws(() => findCpuModel("qemu64,umip=maybe"), RangeError);
});

Deno.test("CPUID.1:EAX puts models above 15 in the extended model field (QEMU: qemu64, n270)", () => {
  assert.equal(cpuid(findCpuModel("qemu64")!, 1, true)[0], 0x00060fb1);
  assert.equal(cpuid(findCpuModel("n270")!, 1, true)[0], 0x000106c2);
  assert.equal(cpuid(findCpuModel("coreduo")!, 1, true)[0], 0x000006e8);
  assert.equal(cpuid(findCpuModel("qemu32")!, 1, true)[0], 0x00000663);
  assert.equal(cpuid(findCpuModel("qemu32,family=15,model=107,stepping=1")!, 1, true)[0], 0x60fb1);
});

Deno.test("CPUID.1:ECX has the hypervisor bit as under QEMU; -hypervisor removes it", () => {
  const plain = findCpuModel("qemu32")!;
  assert.equal(cpuid(plain, 1, true)[2] >>> 31, 1);
  const bare = findCpuModel("qemu32,-hypervisor")!;
  assert.equal(cpuid(bare, 1, true)[2] >>> 31, 0);
});

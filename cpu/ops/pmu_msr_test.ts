/**
 * Performance-monitoring MSRs as a guest probing them sees them: none on Intel models (CPUID
 * leaf 0xA reports no architectural PMU), the four legacy counters on AMD models (AMD64 APM
 * vol. 2 §13.2.1), which kvm-unit-tests' start-up code resets unconditionally.
 */
import assert from "node:assert/strict";
import { CPU_MODELS, FEAT_MSR, hasFeature } from "../cpu_model.ts";
import { GP } from "../fault.ts";
import {
  guestCpuid,
  isFault,
  protectedMachine,
  rdmsr,
  wrmsr,
} from "../testing/protected_machine.ts";

const IA32_PMC0 = 0xc1, IA32_PERFEVTSEL0 = 0x186, PERF_GLOBAL_CTRL = 0x38f;
const K7_EVNTSEL0 = 0xc0010000, K7_PERFCTR0 = 0xc0010004;

Deno.test("Intel models: CPUID leaf 0xA reports no architectural PMU and its MSRs #GP", () => {
  // Models without MSRs (486) have no RDMSR at all: feature_gate_test.ts.
  const intel = CPU_MODELS.filter((m) => m.vendor === "GenuineIntel" && hasFeature(m, FEAT_MSR));
  for (const m of intel) {
    const cpu = protectedMachine(m.name);
    if (guestCpuid(cpu, 0)[0] >= 0xa) {
      assert.deepEqual(guestCpuid(cpu, 0xa), [0, 0, 0, 0], m.name);
    }
    for (const msr of [IA32_PMC0, IA32_PERFEVTSEL0, PERF_GLOBAL_CTRL, K7_EVNTSEL0]) {
      assert.throws(() => rdmsr(cpu, msr), isFault(GP, 0), `${m.name} ${msr.toString(16)}`);
      assert.throws(() => wrmsr(cpu, msr, 0), isFault(GP, 0), `${m.name} ${msr.toString(16)}`);
    }
  }
});

Deno.test("AMD models: PerfEvtSel0-3 and PerfCtr0-3 read back, counters 48 bits wide", () => {
  const amd = CPU_MODELS.filter((m) => m.vendor === "AuthenticAMD");
  assert.ok(amd.length > 0);
  for (const m of amd) {
    const cpu = protectedMachine(m.name);
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(rdmsr(cpu, K7_EVNTSEL0 + i), [0, 0], "zero at reset");
      wrmsr(cpu, K7_EVNTSEL0 + i, 0x00430076 + i);
      assert.deepEqual(rdmsr(cpu, K7_EVNTSEL0 + i), [0x00430076 + i, 0]);
      wrmsr(cpu, K7_PERFCTR0 + i, 0x12345678, 0xffffffff);
      assert.deepEqual(rdmsr(cpu, K7_PERFCTR0 + i), [0x12345678, 0xffff], m.name);
    }
    assert.throws(() => rdmsr(cpu, K7_PERFCTR0 + 4), isFault(GP, 0), "no fifth counter");
    assert.throws(() => rdmsr(cpu, IA32_PMC0), isFault(GP, 0), "no Intel PMU MSRs");
  }
});

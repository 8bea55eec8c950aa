import assert from "node:assert/strict";
import { ManualClock } from "../clock.ts";
import { TimerQueue } from "../timer_queue.ts";
import { LAPIC_BASE } from "../memory/layout.ts";
import { apicRig, PIC_VECTOR_BASE } from "./_test_rig.ts";
import { LocalApic } from "./local_apic.ts";
import { encodeMsi } from "./msi.ts";
import {
  APIC_APR,
  APIC_DFR,
  APIC_EOI,
  APIC_ESR,
  APIC_ICR_HIGH,
  APIC_ICR_LOW,
  APIC_ID,
  APIC_IRR,
  APIC_ISR,
  APIC_LDR,
  APIC_LVT_ERROR,
  APIC_LVT_LINT0,
  APIC_LVT_LINT1,
  APIC_LVT_PERF,
  APIC_LVT_THERMAL,
  APIC_LVT_TIMER,
  APIC_PPR,
  APIC_SVR,
  APIC_TIMER_CURRENT,
  APIC_TIMER_DIVIDE,
  APIC_TIMER_INITIAL,
  APIC_TMR,
  APIC_TPR,
  APIC_VERSION,
  DeliveryMode,
  ESR_ILLEGAL_REGISTER,
  ESR_RECEIVE_ILLEGAL_VECTOR,
  ESR_SEND_ILLEGAL_VECTOR,
} from "./registers.ts";

/** An edge-triggered fixed MSI for `vector`. */
function msi(vector: number, opts: { level?: boolean; mode?: number } = {}) {
  return encodeMsi({
    destination: 0,
    logical: false,
    vector,
    deliveryMode: opts.mode ?? DeliveryMode.FIXED,
    level: opts.level ?? false,
  });
}

/** Whether `vector` is set in the IRR, ISR or TMR whose first word is at `base`. */
function has(r: ReturnType<typeof apicRig>, base: number, vector: number): boolean {
  return (r.read(base + 16 * (vector >> 5)) & (1 << (vector & 31))) !== 0;
}

function send(lapic: LocalApic, vector: number, opts: { level?: boolean; mode?: number } = {}) {
  const { address, data } = msi(vector, opts);
  lapic.deliverMsi(address, data);
}

Deno.test("registers hold their power-on values (SDM §10.4.7.1), every LVT masked, LINT0 included", () => {
  const r = apicRig();
  assert.equal(r.lapic.apicBase, 0xfee00900, "base 0xFEE00000, enabled, BSP");
  const expected: [number, number][] = [
    [APIC_ID, 0],
    [APIC_VERSION, 0x00050014],
    [APIC_TPR, 0],
    [APIC_APR, 0],
    [APIC_PPR, 0],
    [APIC_LDR, 0],
    [APIC_DFR, 0xffffffff],
    [APIC_SVR, 0xff],
    [APIC_ESR, 0],
    [APIC_ICR_LOW, 0],
    [APIC_ICR_HIGH, 0],
    [APIC_LVT_TIMER, 0x10000],
    [APIC_LVT_THERMAL, 0x10000],
    [APIC_LVT_PERF, 0x10000],
    [APIC_LVT_LINT0, 0x10000],
    [APIC_LVT_LINT1, 0x10000],
    [APIC_LVT_ERROR, 0x10000],
    [APIC_TIMER_INITIAL, 0],
    [APIC_TIMER_CURRENT, 0],
    [APIC_TIMER_DIVIDE, 0],
  ];
  for (const [reg, value] of expected) {
    assert.equal(r.read(reg), value, `register 0x${reg.toString(16)}`);
  }
  for (let i = 0; i < 8; i++) {
    for (const base of [APIC_ISR, APIC_TMR, APIC_IRR]) assert.equal(r.read(base + 16 * i), 0);
  }
  assert.equal(r.read(APIC_ESR), 0, "no register above was an illegal access");
  r.write(APIC_ESR, 0);
  assert.equal(r.read(APIC_ESR), 0);
});

Deno.test("writes keep only the architected bits of ID, TPR, LDR, DFR, SVR, ICR and LVTs", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_ID, 0xffffffff);
  assert.equal(r.read(APIC_ID), 0xff000000);
  r.write(APIC_ID, 0);
  r.write(APIC_TPR, 0xffffffff);
  assert.equal(r.read(APIC_TPR), 0xff);
  r.write(APIC_TPR, 0);
  r.write(APIC_LDR, 0xffffffff);
  assert.equal(r.read(APIC_LDR), 0xff000000);
  r.write(APIC_DFR, 0);
  assert.equal(r.read(APIC_DFR), 0x0fffffff, "model bits 31:28 writable, the rest reads ones");
  r.write(APIC_SVR, 0xffffffff);
  assert.equal(r.read(APIC_SVR), 0x3ff);
  r.write(APIC_ICR_HIGH, 0xffffffff);
  assert.equal(r.read(APIC_ICR_HIGH), 0xff000000);
  r.write(APIC_LVT_TIMER, 0xffffffff);
  assert.equal(r.read(APIC_LVT_TIMER), 0x300ff, "no TSC-deadline mode, no delivery status");
  r.write(APIC_LVT_LINT0, 0xffffffff);
  assert.equal(r.read(APIC_LVT_LINT0), 0x1a7ff, "remote IRR and delivery status read-only");
  r.write(APIC_LVT_ERROR, 0xffffffff);
  assert.equal(r.read(APIC_LVT_ERROR), 0x100ff);
  r.write(APIC_LVT_PERF, 0xffffffff);
  assert.equal(r.read(APIC_LVT_PERF), 0x107ff);
  r.write(APIC_VERSION, 0);
  r.write(APIC_PPR, 0xff);
  assert.equal(r.read(APIC_VERSION), 0x00050014, "read-only registers ignore writes");
  assert.equal(r.read(APIC_PPR), 0);
});

Deno.test("TPR holds back vectors whose class is not above it; lowering TPR releases them", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_LVT_LINT0, 0x10700); // no PIC
  r.write(APIC_TPR, 0x50);
  send(r.lapic, 0x45);
  assert.equal(r.read(APIC_IRR + 0x20), 1 << 5, "vector 0x45 is IRR word 2, bit 5");
  assert.equal(r.read(APIC_PPR), 0x50);
  assert.equal(r.lapic.hasInterrupt(), false);
  r.write(APIC_TPR, 0x4f);
  assert.equal(r.lapic.hasInterrupt(), false, "same class 4 as the TPR: still masked");
  r.write(APIC_TPR, 0x3f);
  assert.equal(r.lapic.hasInterrupt(), true);
  assert.equal(r.lapic.acknowledge(), 0x45);
  assert.equal(has(r, APIC_IRR, 0x45), false, "INTA moved the vector out of IRR");
  assert.equal(has(r, APIC_ISR, 0x45), true, "and into ISR");
  assert.equal(r.read(APIC_PPR), 0x40, "PPR takes the in-service class over the lower TPR");
});

Deno.test("nested interrupts: a higher class preempts, EOI retires the highest in-service first", () => {
  const r = apicRig();
  r.enable();
  send(r.lapic, 0x40);
  assert.deepEqual(r.takeAll(), [0x40]);
  send(r.lapic, 0x4a);
  assert.equal(r.lapic.hasInterrupt(), false, "same class as the vector in service");
  send(r.lapic, 0x61);
  assert.deepEqual(r.takeAll(), [0x61], "a higher class nests; 0x4a still waits");
  assert.equal(r.read(APIC_PPR), 0x60);
  r.write(APIC_EOI, 0);
  assert.equal(has(r, APIC_ISR, 0x61), false, "EOI retired 0x61");
  assert.equal(has(r, APIC_ISR, 0x40), true, "0x40 still in service");
  assert.equal(r.lapic.hasInterrupt(), false);
  r.write(APIC_EOI, 0);
  assert.deepEqual(r.takeAll(), [0x4a]);
  r.write(APIC_EOI, 0);
  r.write(APIC_EOI, 0); // with ISR empty, EOI does nothing
  assert.equal(r.read(APIC_PPR), 0);
});

Deno.test("EOI is broadcast to the I/O APIC for level-triggered vectors only", () => {
  const r = apicRig();
  r.enable();
  const eois: number[] = [];
  r.lapic.onEoiBroadcast((v) => eois.push(v));
  send(r.lapic, 0x51, { level: true });
  send(r.lapic, 0x52);
  assert.equal(has(r, APIC_TMR, 0x51), true, "TMR records the level trigger");
  assert.equal(has(r, APIC_TMR, 0x52), false);
  assert.deepEqual(r.serveAll(), [0x52, 0x51]);
  assert.deepEqual(eois, [0x51]);
});

Deno.test("INTA after TPR rose above the request returns the spurious vector and sets no ISR bit", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_SVR, 0x1ef);
  send(r.lapic, 0x40);
  assert.equal(r.lapic.hasInterrupt(), true);
  r.write(APIC_TPR, 0x80); // SDM §10.9: priority raised while INTR was being acknowledged
  assert.equal(r.lapic.acknowledge(), 0xef);
  assert.equal(has(r, APIC_ISR, 0x40), false);
  assert.equal(has(r, APIC_IRR, 0x40), true, "the request is held until TPR drops");
  r.write(APIC_TPR, 0);
  assert.deepEqual(r.takeAll(), [0x40]);
});

Deno.test("ESR is write-then-read: errors appear after a write and the next write clears them", () => {
  const r = apicRig();
  r.enable();
  r.read(0x2f0); // no LVT CMCI in this APIC version
  send(r.lapic, 0x05); // vectors 0-15 are illegal
  assert.equal(r.read(APIC_ESR), 0, "nothing latched before the write");
  r.write(APIC_ESR, 0);
  assert.equal(r.read(APIC_ESR), ESR_ILLEGAL_REGISTER | ESR_RECEIVE_ILLEGAL_VECTOR);
  assert.equal(r.read(APIC_IRR), 0, "an illegal vector is not accepted");
  r.write(APIC_ESR, 0);
  assert.equal(r.read(APIC_ESR), 0);
});

Deno.test("a detected error raises the LVT error vector when it is unmasked", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_LVT_LINT0, 0x10700);
  r.write(APIC_LVT_ERROR, 0xfe);
  r.write(0x3f0, 1); // no register there
  assert.deepEqual(r.takeAll(), [0xfe]);
  r.write(APIC_LVT_ERROR, 0x05); // an illegal error vector only logs the error
  r.write(0x3f0, 1);
  assert.deepEqual(r.takeAll(), []);
  r.write(APIC_ESR, 0);
  assert.equal(r.read(APIC_ESR), ESR_ILLEGAL_REGISTER | ESR_RECEIVE_ILLEGAL_VECTOR);
});

Deno.test("IPIs reach this CPU by shorthand or by its ID; INIT, STARTUP and other IDs do not", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_LVT_LINT0, 0x10700);
  r.write(APIC_ICR_LOW, 0x40000 | 0x41); // shorthand self, fixed
  r.write(APIC_ICR_HIGH, 0x00000000);
  r.write(APIC_ICR_LOW, 0x42); // physical destination 0 = this APIC
  r.write(APIC_ICR_LOW, 0x80000 | 0x43); // all including self
  r.write(APIC_ICR_LOW, 0xc0000 | 0x44); // all excluding self
  r.write(APIC_ICR_HIGH, 0x01000000);
  r.write(APIC_ICR_LOW, 0x45); // physical destination 1: no such CPU
  r.write(APIC_ICR_LOW, 0xc4500); // INIT to all excluding self, as SMP bring-up does
  r.write(APIC_ICR_LOW, 0x4069a); // STARTUP to self
  r.write(APIC_LDR, 0x01000000);
  r.write(APIC_ICR_HIGH, 0x03000000);
  r.write(APIC_ICR_LOW, 0x800 | 0x46); // flat logical destination 0b11 includes LDR bit 0
  r.write(APIC_ICR_HIGH, 0x02000000);
  r.write(APIC_ICR_LOW, 0x800 | 0x47); // logical 0b10 does not
  assert.equal(r.read(APIC_ICR_LOW), 0x847, "ICR reads back, delivery status idle");
  assert.deepEqual(r.serveAll(), [0x46, 0x43, 0x42, 0x41]);
  r.write(APIC_ICR_LOW, 0x40000 | 0x03);
  r.write(APIC_ESR, 0);
  assert.equal(r.read(APIC_ESR), ESR_SEND_ILLEGAL_VECTOR | ESR_RECEIVE_ILLEGAL_VECTOR);
});

Deno.test("MSI: fixed and lowest-priority messages set IRR; other modes and addresses are ignored", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_LVT_LINT0, 0x10700);
  send(r.lapic, 0x61);
  send(r.lapic, 0x62, { mode: DeliveryMode.LOWEST_PRIORITY });
  for (const mode of [DeliveryMode.SMI, DeliveryMode.NMI, DeliveryMode.INIT, DeliveryMode.EXTINT]) {
    send(r.lapic, 0x70, { mode });
  }
  r.lapic.deliverMsi(0xfed00000, 0x71); // not an interrupt message address
  r.lapic.deliverMsi(0xfee01008, 0x63); // another destination ID: one CPU takes everything
  assert.equal(r.read(APIC_IRR + 0x30), 0b1110, "0x61-0x63 only: IRR word 3 also holds 0x70");
  assert.deepEqual(r.serveAll(), [0x63, 0x62, 0x61]);
});

Deno.test("virtual wire: a PIC interrupt reaches the CPU through LINT0 in ExtINT mode", () => {
  const r = apicRig();
  r.pic.setIrq(1, true);
  assert.equal(r.lapic.hasInterrupt(), false, "LINT0 is masked from reset until firmware sets it");
  r.virtualWire();
  assert.equal(r.lapic.hasInterrupt(), true, "LINT0 = ExtINT, unmasked");
  assert.equal(r.lapic.acknowledge(), PIC_VECTOR_BASE + 1, "the vector comes from the PIC");
  assert.equal(has(r, APIC_ISR, PIC_VECTOR_BASE + 1), false, "ExtINT bypasses ISR");
  r.io.write(0x20, 1, 0x20); // PIC EOI
  r.pic.setIrq(1, false);
  r.write(APIC_LVT_LINT0, 0x10700); // masked, as Linux leaves it once the I/O APIC is in use
  r.pic.setIrq(1, true);
  assert.equal(r.lapic.hasInterrupt(), false);
  r.write(APIC_LVT_LINT0, 0x00030); // fixed mode: LINT0 does not carry the PIC
  assert.equal(r.lapic.hasInterrupt(), false);
  r.write(APIC_LVT_LINT0, 0x00700);
  assert.deepEqual(r.takeAll(), [PIC_VECTOR_BASE + 1]);
});

Deno.test("a PIC request is taken before a pending APIC vector: ExtINT bypasses priority", () => {
  const r = apicRig();
  r.virtualWire();
  send(r.lapic, 0xe0);
  r.pic.setIrq(3, true);
  assert.deepEqual(r.takeAll(), [PIC_VECTOR_BASE + 3, 0xe0]);
});

Deno.test("a PIC request that vanishes before INTA gets the PIC's spurious IRQ 7 vector", () => {
  const r = apicRig();
  r.virtualWire();
  r.pic.setIrq(3, true);
  assert.equal(r.lapic.hasInterrupt(), true);
  r.pic.setIrq(3, false); // edge latched in the 8259's IRR: mask it instead
  r.io.write(0x21, 1, 0x08);
  assert.equal(r.lapic.acknowledge(), PIC_VECTOR_BASE + 7);
});

Deno.test("software-disabled: LVTs masked, held vectors not delivered, the PIC held back too", () => {
  const r = apicRig();
  r.virtualWire();
  r.write(APIC_LVT_TIMER, 0x20030);
  r.write(APIC_LVT_LINT0, 0x10700);
  send(r.lapic, 0x40);
  r.write(APIC_SVR, 0x0ff);
  assert.equal(r.read(APIC_LVT_TIMER), 0x30030, "SVR bit 8 clear sets every mask bit");
  assert.equal(r.read(APIC_LVT_ERROR), 0x10000);
  r.write(APIC_LVT_ERROR, 0x33);
  assert.equal(r.read(APIC_LVT_ERROR), 0x10033, "the mask cannot be cleared while disabled");
  assert.equal(r.lapic.hasInterrupt(), false, "IRR is held, not delivered");
  r.pic.setIrq(4, true);
  assert.equal(r.lapic.hasInterrupt(), false, "LINT0 is masked: the 8259 does not get through");
  r.enable();
  assert.equal(r.lapic.hasInterrupt(), true, "re-enabled: the held vector is delivered");
  assert.equal(r.lapic.acknowledge(), 0x40);
  r.write(APIC_LVT_LINT0, 0x700);
  assert.deepEqual(r.takeAll(), [PIC_VECTOR_BASE + 4], "LINT0 unmasked again: the 8259's turn");
});

Deno.test("hardware-disabled: the page reads all-ones, MSIs are dropped, the PIC passes through", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_TPR, 0x20);
  r.write(APIC_LVT_LINT0, 0x10700);
  r.lapic.setApicBase(0xfee00000);
  assert.equal(r.lapic.apicBase, 0xfee00100);
  assert.equal(r.read(APIC_VERSION), 0xffffffff);
  r.write(APIC_SVR, 0x1ff);
  send(r.lapic, 0x40);
  r.pic.setIrq(5, true);
  assert.deepEqual(r.takeAll(), [PIC_VECTOR_BASE + 5]);
  r.lapic.setApicBase(0x12345800); // re-enable; the base cannot move
  assert.equal(r.lapic.apicBase, 0xfee00900);
  assert.equal(r.read(APIC_SVR), 0xff, "disabling returned the APIC to its power-on state");
  assert.equal(r.read(APIC_TPR), 0);
  assert.equal(r.read(APIC_LVT_LINT0), 0x10000);
  assert.equal(has(r, APIC_IRR, 0x40), false, "the MSI sent while disabled was dropped");
});

Deno.test("narrow reads return bytes of the register; narrow writes are ignored", () => {
  const r = apicRig();
  assert.equal(r.mmio.read(LAPIC_BASE + APIC_VERSION, 1), 0x14);
  assert.equal(r.mmio.read(LAPIC_BASE + APIC_VERSION + 2, 2), 0x0005);
  r.mmio.write(LAPIC_BASE + APIC_TPR, 1, 0x30);
  assert.equal(r.read(APIC_TPR), 0);
});

Deno.test("APR is TPR unless a request or service of a higher class outranks it", () => {
  const r = apicRig();
  r.enable();
  r.write(APIC_TPR, 0x35);
  assert.equal(r.read(APIC_APR), 0x35);
  send(r.lapic, 0x52);
  assert.equal(r.read(APIC_APR), 0x50);
});

Deno.test("the constructor refuses missing wiring and impossible IDs", () => {
  const clock = new ManualClock();
  const timers = new TimerQueue(clock);
  const pic = { hasInterrupt: () => false, acknowledge: () => 0 };
  assert.throws(() => new LocalApic({ clock, timers } as never), /pic/);
  assert.throws(() => new LocalApic({ clock, timers, pic, id: 255 }), RangeError);
  assert.equal(new LocalApic({ clock, timers, pic, id: 3 }).hasInterrupt(), false);
});

Deno.test("a CPU model without an APIC (486): disabled in hardware from reset, the 8259 drives INTR", () => {
  const r = apicRig({ present: false });
  assert.equal(r.lapic.apicBase & 0x800, 0, "IA32_APIC_BASE.EN clear");
  assert.equal(r.read(APIC_VERSION), 0xffffffff, "the page is unassigned");
  r.pic.setIrq(3, true);
  assert.deepEqual(r.takeAll(), [PIC_VECTOR_BASE + 3]);
  r.lapic.reset();
  assert.equal(r.lapic.apicBase & 0x800, 0, "still absent after a reset");
});

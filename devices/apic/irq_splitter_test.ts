import assert from "node:assert/strict";
import type { IrqSink } from "../irq.ts";
import { apicRig, PIC_VECTOR_BASE } from "./_test_rig.ts";
import { ioApicPinOf, IrqSplitter } from "./irq_splitter.ts";
import { APIC_LVT_LINT0, IOREDTBL } from "./registers.ts";

/** An IrqSink that logs every call. */
function recorder(): IrqSink & { calls: [number, boolean][] } {
  const calls: [number, boolean][] = [];
  return { calls, setIrq: (line, level) => void calls.push([line, level]) };
}

Deno.test("ISA IRQ 0 goes to I/O APIC pin 2, IRQ 2 to the PIC only, PCI lines 16-23 to the I/O APIC", () => {
  const pic = recorder(), ioapic = recorder();
  const split = new IrqSplitter(pic, ioapic);
  split.setIrq(0, true);
  split.setIrq(2, true);
  split.setIrq(4, true);
  split.setIrq(19, true);
  assert.deepEqual(pic.calls, [[0, true], [2, true], [4, true]]);
  assert.deepEqual(ioapic.calls, [[2, true], [4, true], [19, true]]);
  assert.deepEqual([0, 1, 2, 8, 15, 23].map(ioApicPinOf), [2, 1, -1, 8, 15, 23]);
  assert.throws(() => split.setIrq(24, true), RangeError);
});

Deno.test("one ISA interrupt reaches the CPU through the PIC, then through the I/O APIC", () => {
  const r = apicRig();
  r.virtualWire();
  const split = new IrqSplitter(r.pic, r.ioapic);
  split.setIrq(0, true); // the PIT's edge, before the guest switched to the I/O APIC
  assert.deepEqual(r.takeAll(), [PIC_VECTOR_BASE]);
  split.setIrq(0, false);
  r.io.write(0x20, 1, 0x20);
  // Linux with an I/O APIC: mask the 8259 and LINT0, route pin 2.
  r.io.write(0x21, 1, 0xff);
  r.write(APIC_LVT_LINT0, 0x10700);
  r.route(2, 0x30);
  split.setIrq(0, true);
  assert.deepEqual(r.takeAll(), [0x30]);
  assert.equal(r.ioRead(IOREDTBL + 4), 0x30, "pin 2 entry, edge, unmasked");
});

import assert from "node:assert/strict";
import { IrqSplitter } from "../apic/irq_splitter.ts";
import { RangeBus } from "../bus/range_bus.ts";
import { assignPciResources, I440fx, PciBus, PciFunction, Piix3 } from "../pci/mod.ts";
import { buildMpTable } from "./mp_table.ts";
import { pciInterruptsOf } from "./pci_interrupts.ts";

/** The board's PCI side: i440FX at 0, PIIX3 at 1 routing into an IrqSplitter. */
function board() {
  const pins: [number, boolean][] = [];
  const splitter = new IrqSplitter({ setIrq() {} }, { setIrq: (pin, l) => pins.push([pin, l]) });
  const bus = new PciBus({ io: new RangeBus("io", 0x10000), mmio: new RangeBus("mmio", 2 ** 32) });
  const piix3 = new Piix3(splitter);
  bus.add(new I440fx(), { slot: 0 });
  bus.add(piix3, { slot: 1 });
  bus.setIntxRouter(piix3);
  return { bus, pins };
}

const dev = (name: string, interruptPin?: number) =>
  new PciFunction({ name, vendorId: 0x1af4, deviceId: 0x1000, classCode: 0x0200, interruptPin });

Deno.test("pciInterruptsOf reads each function's pin and routed line after assignPciResources", () => {
  const { bus } = board();
  bus.add(dev("a", 1), { slot: 2 });
  bus.add(dev("b", 1), { slot: 3 });
  bus.add(dev("c", 2), { slot: 4 });
  bus.add(dev("none"), { slot: 5 });
  assert.deepEqual(pciInterruptsOf(bus), [], "nothing is routed before the firmware runs");
  assignPciResources(bus);
  // Slot 2 INTA -> PIRQB -> 10, slot 3 INTA -> PIRQC -> 11, slot 4 INTB -> PIRQA -> 10.
  assert.deepEqual(pciInterruptsOf(bus), [
    { slot: 2, pin: 1, irq: 10 },
    { slot: 3, pin: 1, irq: 11 },
    { slot: 4, pin: 2, irq: 10 },
  ]);
});

Deno.test("every PCI entry of the MP table names the I/O APIC pin its device's INTx really reaches", () => {
  const { bus, pins } = board();
  const fns = [2, 3, 4, 5, 6].map((slot) => {
    const fn = dev(`d${slot}`, slot === 6 ? 3 : 1);
    bus.add(fn, { slot });
    return fn;
  });
  const pciIrqs = assignPciResources(bus);
  const { table } = buildMpTable({
    cpuSignature: 0x663,
    cpuFeatures: 0x201,
    pciInterrupts: pciInterruptsOf(bus),
    pciIrqs,
  });
  // Entries after the 44-byte header, the 20-byte CPU, two buses and the I/O APIC.
  const entries = new Map<number, number>();
  for (let at = 44 + 20 + 3 * 8; at < table.length; at += 8) {
    if (table[at] === 3 && table[at + 4] === 0) entries.set(table[at + 5], table[at + 7]);
  }
  assert.equal(entries.size, fns.length);
  for (const fn of fns) {
    const source = (fn.slot! << 2) | (fn.interruptPin - 1);
    pins.length = 0;
    fn.setIntx(true);
    assert.deepEqual(pins, [[entries.get(source), true]], fn.name);
    fn.setIntx(false);
  }
});

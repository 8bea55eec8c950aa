import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { I440fx } from "./i440fx.ts";
import { PciBus } from "./pci_bus.ts";
import { Piix3, pirqForPin } from "./piix3.ts";
import { RecordingIrq, testFunction } from "./_testing.ts";

function board() {
  const bus = new PciBus({ io: new RangeBus("io", 0x10000), mmio: new RangeBus("mmio", 2 ** 32) });
  const irq = new RecordingIrq();
  const piix3 = new Piix3(irq);
  bus.add(new I440fx(), { slot: 0 });
  bus.add(piix3, { slot: 1 });
  bus.setIntxRouter(piix3);
  return { bus, irq, piix3 };
}

Deno.test("the i440FX and PIIX3 identify themselves as QEMU's pc machine does", () => {
  const { bus } = board();
  assert.equal(bus.configRead(0, 0, 0x00, 4), 0x12378086);
  assert.equal(bus.configRead(0, 0, 0x08, 4), 0x06000002, "host bridge, revision 02");
  assert.equal(bus.configRead(0, 0, 0x0e, 1), 0x00);
  assert.equal(bus.configRead(1, 0, 0x00, 4), 0x70008086);
  assert.equal(bus.configRead(1, 0, 0x08, 4) >>> 16, 0x0601, "ISA bridge");
  assert.equal(bus.configRead(1, 0, 0x0e, 1), 0x80, "multi-function");
  assert.equal(bus.configRead(1, 0, 0x60, 4), 0x80808080, "PIRQs start unrouted");
  assert.equal(bus.configRead(1, 0, 0x04, 2), 0x0007);
  bus.configWrite(1, 0, 0x60, 4, 0xffffffff);
  assert.equal(bus.configRead(1, 0, 0x60, 4), 0x8f8f8f8f, "bits 6:4 are reserved");
});

Deno.test("pirqForPin rotates pins by slot as QEMU and SeaBIOS wire them", () => {
  // QEMU pc: PIRQ = (slot - 1 + INTx index) mod 4, INTA# index 0.
  assert.equal(pirqForPin(1, 1), 0);
  assert.equal(pirqForPin(2, 1), 1);
  assert.equal(pirqForPin(3, 1), 2);
  assert.equal(pirqForPin(4, 1), 3);
  assert.equal(pirqForPin(5, 1), 0);
  assert.equal(pirqForPin(3, 2), 3);
  assert.equal(pirqForPin(0, 1), 3);
  assert.equal(pirqForPin(31, 4), 1);
});

Deno.test("INTx reaches the ISA IRQ its PIRQ is routed to, and nothing while unrouted", () => {
  const { bus, irq } = board();
  const dev = testFunction({ interruptPin: 1 });
  bus.add(dev, { slot: 3 }); // INTA# of slot 3 is PIRQC
  dev.setIntx(true);
  assert.deepEqual(irq.changes, [], "PIRQC is disabled after reset");
  bus.configWrite(1, 0, 0x62, 1, 11);
  assert.deepEqual(irq.changes, [[11, true]], "routing an asserted PIRQ raises its IRQ");
  dev.setIntx(false);
  assert.deepEqual(irq.changes.at(-1), [11, false]);
  dev.setIntx(true);
  bus.configWrite(1, 0, 0x62, 1, 5); // re-routed while asserted
  assert.deepEqual(irq.changes.slice(-2), [[11, false], [5, true]]);
  bus.configWrite(1, 0, 0x62, 1, 0x85); // disabled again
  assert.deepEqual(irq.changes.at(-1), [5, false]);
  bus.configWrite(1, 0, 0x62, 1, 0x0d); // IRQ13 is reserved in PIRQRC
  assert.equal(irq.levels[13], false);
});

Deno.test("two devices sharing a PIRQ keep the IRQ asserted until both release it", () => {
  const { bus, irq } = board();
  bus.configWrite(1, 0, 0x60, 4, 0x0b0b0a0a); // SeaBIOS: A,B -> 10, C,D -> 11
  const a = testFunction({ name: "a", interruptPin: 1 });
  const b = testFunction({ name: "b", interruptPin: 1 });
  const c = testFunction({ name: "c", interruptPin: 1 });
  bus.add(a, { slot: 3 }); // PIRQC
  bus.add(b, { slot: 7 }); // PIRQC as well
  bus.add(c, { slot: 4 }); // PIRQD, also IRQ 11
  a.setIntx(true);
  b.setIntx(true);
  a.setIntx(false);
  assert.equal(irq.levels[11], true, "b still asserts PIRQC");
  c.setIntx(true);
  b.setIntx(false);
  assert.equal(irq.levels[11], true, "c asserts PIRQD, routed to the same IRQ");
  c.setIntx(false);
  assert.equal(irq.levels[11], false);
  assert.deepEqual(irq.changes, [[11, true], [11, false]], "one edge each way");
  assert.equal(irq.levels[10], false);
});

Deno.test("PIIX3 reset unroutes every PIRQ and releases the IRQs it drove", () => {
  const { bus, irq, piix3 } = board();
  bus.configWrite(1, 0, 0x60, 4, 0x0b0b0a0a);
  const dev = testFunction({ interruptPin: 2 });
  bus.add(dev, { slot: 2 }); // INTB# of slot 2 is PIRQC
  dev.setIntx(true);
  assert.equal(irq.levels[11], true);
  assert.equal(piix3.routeOf(2), 11);
  piix3.reset();
  assert.equal(irq.levels[11], false);
  assert.equal(piix3.routeOf(2), undefined);
  assert.equal(bus.configRead(1, 0, 0x04, 2), 0x0007);
});

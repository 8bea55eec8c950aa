import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { IOAPIC_BASE } from "../memory/layout.ts";
import { apicRig } from "./_test_rig.ts";
import { IoApic } from "./io_apic.ts";
import { decodeMsi, type MsiMessage } from "./msi.ts";
import { APIC_LVT_LINT0, IOREDTBL, IOREGSEL, IOWIN } from "./registers.ts";

const EDGE = 0x00000, LEVEL = 0x08000, MASKED = 0x10000, REMOTE_IRR = 0x4000;

/** An enabled local APIC with LINT0 masked, so only I/O APIC messages reach the CPU. */
function ioRig() {
  const r = apicRig();
  r.enable();
  r.write(APIC_LVT_LINT0, 0x10700);
  return r;
}

/** A standalone I/O APIC (ID 2) on its own MMIO bus, its messages recorded instead of delivered. */
function recordingIoApic() {
  const sent: MsiMessage[] = [];
  const listeners: ((v: number) => void)[] = [];
  const ioapic = new IoApic({
    deliverMsi: (address, data) => sent.push(decodeMsi(address, data)),
    onEoiBroadcast: (l) => listeners.push(l),
  }, { id: 2 });
  const mmio = new RangeBus("mmio", 2 ** 32);
  ioapic.register(mmio);
  return {
    ioapic,
    sent,
    mmio,
    eoi: (v: number) => listeners.forEach((l) => l(v)),
    read(reg: number): number {
      mmio.write(IOAPIC_BASE + IOREGSEL, 4, reg);
      return mmio.read(IOAPIC_BASE + IOWIN, 4);
    },
    write(reg: number, value: number): void {
      mmio.write(IOAPIC_BASE + IOREGSEL, 4, reg);
      mmio.write(IOAPIC_BASE + IOWIN, 4, value);
    },
  };
}

Deno.test("registers hold their reset values: ID, version 0x00170020, every entry masked", () => {
  const r = ioRig();
  assert.equal(r.ioRead(0x00), 0);
  assert.equal(r.ioRead(0x01), 0x00170020, "version 0x20, 24 redirection entries");
  assert.equal(r.ioRead(0x02), 0);
  for (let pin = 0; pin < 24; pin++) {
    assert.equal(r.ioRead(IOREDTBL + 2 * pin), MASKED);
    assert.equal(r.ioRead(IOREDTBL + 2 * pin + 1), 0);
  }
  r.ioWrite(0x00, 0xffffffff);
  assert.equal(r.ioRead(0x00), 0x0f000000, "a 4-bit ID");
  assert.equal(r.ioRead(0x02), 0x0f000000, "arbitration ID follows the ID");
  r.ioWrite(0x01, 0);
  assert.equal(r.ioRead(0x01), 0x00170020, "version is read-only");
});

Deno.test("redirection entries keep their writable fields; remote IRR and delivery status are read-only", () => {
  const r = ioRig();
  r.ioWrite(IOREDTBL + 2 * 5, 0xffffffff);
  assert.equal(r.ioRead(IOREDTBL + 2 * 5), 0x1afff);
  r.ioWrite(IOREDTBL + 2 * 5 + 1, 0xffffffff);
  assert.equal(r.ioRead(IOREDTBL + 2 * 5 + 1), 0xff000000, "destination, bits 63:56");
  r.mmio.write(IOAPIC_BASE + IOREGSEL, 4, 0x1ff);
  assert.equal(r.mmio.read(IOAPIC_BASE + IOREGSEL, 4), 0xff, "IOREGSEL is 8 bits");
  r.mmio.write(IOAPIC_BASE + IOREGSEL, 4, 0x01);
  assert.equal(r.mmio.read(IOAPIC_BASE + IOWIN, 2), 0, "IOWIN takes 32-bit accesses only");
});

Deno.test("an edge pin sends once per rising edge; an edge on a masked pin is lost", () => {
  const r = ioRig();
  r.route(4, EDGE | 0x34);
  r.ioapic.setIrq(4, true);
  r.ioapic.setIrq(4, true); // no new edge
  assert.deepEqual(r.serveAll(), [0x34]);
  r.ioapic.setIrq(4, false);
  r.ioapic.setIrq(4, true);
  assert.deepEqual(r.serveAll(), [0x34]);
  r.ioapic.setIrq(4, false);
  r.route(4, MASKED | EDGE | 0x34);
  r.ioapic.setIrq(4, true);
  r.route(4, EDGE | 0x34);
  assert.deepEqual(r.serveAll(), [], "the edge came while masked");
});

Deno.test("a level pin sends once and holds remote IRR until EOI, then sends again if still asserted", () => {
  const r = ioRig();
  r.route(11, LEVEL | 0x5b);
  r.ioapic.setIrq(11, true);
  assert.equal(r.lapic.hasInterrupt(), true);
  assert.equal(r.lapic.acknowledge(), 0x5b);
  assert.equal(r.ioRead(IOREDTBL + 22) & REMOTE_IRR, REMOTE_IRR, "remote IRR set on delivery");
  r.ioapic.setIrq(11, false);
  r.ioapic.setIrq(11, true);
  assert.equal(r.lapic.hasInterrupt(), false, "remote IRR holds back a new assertion");
  r.write(0xb0, 0); // EOI: the local APIC broadcasts it, the line is still up
  assert.equal(r.ioRead(IOREDTBL + 22) & REMOTE_IRR, REMOTE_IRR, "sent again at once");
  assert.equal(r.lapic.acknowledge(), 0x5b);
  r.ioapic.setIrq(11, false); // the driver quiets the device before EOI
  r.write(0xb0, 0);
  assert.equal(r.ioRead(IOREDTBL + 22) & REMOTE_IRR, 0);
  assert.equal(r.lapic.hasInterrupt(), false, "deasserted: nothing is re-sent");
});

Deno.test("unmasking an asserted level entry sends it; a masked one waits", () => {
  const r = ioRig();
  r.route(9, MASKED | LEVEL | 0x49);
  r.ioapic.setIrq(9, true);
  assert.equal(r.lapic.hasInterrupt(), false);
  r.route(9, LEVEL | 0x49);
  assert.deepEqual(r.takeAll(), [0x49], "once: remote IRR now waits for the EOI");
});

Deno.test("EOI clears remote IRR only for level entries with that vector", () => {
  const { ioapic, sent, eoi, write } = recordingIoApic();
  write(IOREDTBL + 2, LEVEL | 0x61);
  write(IOREDTBL + 4, LEVEL | 0x62);
  ioapic.setIrq(1, true);
  ioapic.setIrq(2, true);
  assert.deepEqual(sent.map((m) => m.vector), [0x61, 0x62]);
  eoi(0x62);
  assert.deepEqual(sent.map((m) => m.vector), [0x61, 0x62, 0x62]);
  eoi(0x70);
  assert.equal(sent.length, 3);
});

Deno.test("the EOI register (version 0x20) ends a level interrupt by vector, as an EOI broadcast does", () => {
  const { ioapic, sent, write, mmio } = recordingIoApic();
  write(IOREDTBL + 2, LEVEL | 0x61);
  ioapic.setIrq(1, true);
  assert.deepEqual(sent.map((m) => m.vector), [0x61]);
  mmio.write(IOAPIC_BASE + 0x40, 4, 0x62); // another vector: remote IRR stays
  assert.equal(sent.length, 1);
  mmio.write(IOAPIC_BASE + 0x40, 4, 0x61); // the line is still up: sent again
  assert.deepEqual(sent.map((m) => m.vector), [0x61, 0x61]);
  ioapic.setIrq(1, false);
  mmio.write(IOAPIC_BASE + 0x40, 4, 0x61);
  assert.equal(sent.length, 2, "deasserted: nothing is re-sent");
  write(IOREDTBL + 2, LEVEL | 0x61);
  ioapic.setIrq(1, true);
  assert.equal(sent.length, 3, "remote IRR was cleared: the next assertion is delivered");
});

Deno.test("switching an entry to edge clears a stuck remote IRR, as Linux does for version 0x11", () => {
  const r = ioRig();
  r.route(10, LEVEL | 0x5a);
  r.ioapic.setIrq(10, true);
  assert.equal(r.lapic.acknowledge(), 0x5a); // handled, but the EOI never reaches the I/O APIC
  r.route(10, MASKED | EDGE | 0x5a);
  assert.equal(r.ioRead(IOREDTBL + 20) & REMOTE_IRR, 0);
  r.route(10, MASKED | LEVEL | 0x5a);
  r.route(10, LEVEL | 0x5a);
  assert.equal(r.ioRead(IOREDTBL + 20) & REMOTE_IRR, REMOTE_IRR, "still asserted: sent again");
});

Deno.test("messages carry the entry's vector, delivery mode, destination and trigger mode", () => {
  const { ioapic, sent, read, write } = recordingIoApic();
  write(IOREDTBL + 2 * 3 + 1, 0x03000000);
  write(IOREDTBL + 2 * 3, 0x800 | 0x100 | 0x43); // logical, lowest priority
  ioapic.setIrq(3, true);
  write(IOREDTBL + 2 * 7, 0x400 | LEVEL | 0x02); // NMI: never held by remote IRR
  ioapic.setIrq(7, true);
  assert.deepEqual(sent, [
    { destination: 3, logical: true, vector: 0x43, deliveryMode: 1, level: false },
    { destination: 0, logical: false, vector: 0x02, deliveryMode: 4, level: true },
  ]);
  assert.equal(read(IOREDTBL + 2 * 7) & REMOTE_IRR, 0);
});

Deno.test("pins outside 0-23 and bad IDs are wiring errors", () => {
  const { ioapic } = recordingIoApic();
  assert.throws(() => ioapic.setIrq(24, true), RangeError);
  assert.throws(() => ioapic.setIrq(-1, true), RangeError);
  const apic = { deliverMsi() {}, onEoiBroadcast() {} };
  assert.throws(() => new IoApic(apic, { id: 16 }), RangeError);
});

Deno.test("reset masks every entry again and restores the configured ID", () => {
  const { ioapic, read, write } = recordingIoApic();
  write(0x00, 0x05000000);
  write(IOREDTBL, 0x30);
  ioapic.reset();
  assert.equal(read(0x00), 0x02000000);
  assert.equal(read(IOREDTBL), MASKED);
});

Deno.test("a timer pin's edges are owed, not merged, while the previous one waits; others merge", () => {
  const r = apicRig({ tickPins: [2] });
  r.enable();
  r.route(2, EDGE | 0x30);
  r.route(5, EDGE | 0x35);
  for (let i = 0; i < 3; i++) {
    r.ioapic.setIrq(2, true);
    r.ioapic.setIrq(2, false);
    r.ioapic.setIrq(5, true);
    r.ioapic.setIrq(5, false);
  }
  assert.deepEqual(r.serveAll().sort(), [0x30, 0x30, 0x30, 0x35], "three ticks, one merged 0x35");
});

Deno.test("masking or re-routing the timer pin forgets the ticks owed on its old vector", () => {
  const r = apicRig({ tickPins: [2] });
  r.enable();
  r.route(2, EDGE | 0x30);
  for (let i = 0; i < 4; i++) {
    r.ioapic.setIrq(2, true);
    r.ioapic.setIrq(2, false);
  }
  r.route(2, MASKED | EDGE | 0x30);
  assert.deepEqual(r.serveAll(), [0x30], "the one in IRR stays; the three owed are gone");
});

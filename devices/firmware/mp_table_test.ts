import assert from "node:assert/strict";
import { cpuid, findCpuModel } from "../../cpu/cpu_model.ts";
import { IrqSplitter } from "../apic/irq_splitter.ts";
import { PhysicalMemory } from "../memory/mod.ts";
import { writeBiosDataArea } from "./bios_data_area.ts";
import {
  buildMpTable,
  MP_FLOATING_ADDRESS,
  type MpTableOptions,
  writeMpTable,
} from "./mp_table.ts";

// A reader written from the MP spec 1.4 and Linux arch/x86/kernel/mpparse.c,
// independent of the builder's code.

const text = (b: Uint8Array, at: number, n: number) =>
  String.fromCharCode(...b.subarray(at, at + n));
const sum8 = (b: Uint8Array) => b.reduce((s, x) => (s + x) & 0xff, 0);

interface Floating {
  physptr: number;
  length: number;
  spec: number;
  feature1: number;
  feature2: number;
}

function parseFloating(b: Uint8Array): Floating {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  return {
    physptr: dv.getUint32(4, true),
    length: b[8],
    spec: b[9],
    feature1: b[11],
    feature2: b[12],
  };
}

type Entry =
  | {
    kind: "cpu";
    apicId: number;
    version: number;
    flags: number;
    signature: number;
    features: number;
  }
  | { kind: "bus"; id: number; type: string }
  | { kind: "ioapic"; id: number; version: number; flags: number; addr: number }
  | {
    kind: "ioint" | "lint";
    type: number;
    flags: number;
    bus: number;
    irq: number;
    apic: number;
    pin: number;
  };

function parseTable(b: Uint8Array) {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const header = {
    signature: text(b, 0, 4),
    length: dv.getUint16(4, true),
    spec: b[6],
    oem: text(b, 8, 8),
    product: text(b, 16, 12),
    oemTable: dv.getUint32(28, true),
    count: dv.getUint16(34, true),
    lapic: dv.getUint32(36, true),
    extLength: dv.getUint16(40, true),
  };
  const entries: Entry[] = [];
  let at = 44;
  while (at < header.length) {
    const type = b[at];
    if (type === 0) {
      entries.push({
        kind: "cpu",
        apicId: b[at + 1],
        version: b[at + 2],
        flags: b[at + 3],
        signature: dv.getUint32(at + 4, true),
        features: dv.getUint32(at + 8, true),
      });
      at += 20;
      continue;
    }
    if (type === 1) entries.push({ kind: "bus", id: b[at + 1], type: text(b, at + 2, 6) });
    else if (type === 2) {
      entries.push({
        kind: "ioapic",
        id: b[at + 1],
        version: b[at + 2],
        flags: b[at + 3],
        addr: dv.getUint32(at + 4, true),
      });
    } else if (type === 3 || type === 4) {
      entries.push({
        kind: type === 3 ? "ioint" : "lint",
        type: b[at + 1],
        flags: dv.getUint16(at + 2, true),
        bus: b[at + 4],
        irq: b[at + 5],
        apic: b[at + 6],
        pin: b[at + 7],
      });
    } else throw new Error(`unknown MP entry type ${type} at ${at}`);
    at += 8;
  }
  assert.equal(at, header.length, "entries end exactly at the base table length");
  return { header, entries };
}

/** Linux's smp_scan_config: 16-byte steps, "_MP_", length 1, checksum, spec 1 or 4. */
function scanConfig(mem: PhysicalMemory, base: number, length: number): number {
  for (let a = base; a < base + length; a += 16) {
    const b = mem.readBytes(a, 16);
    if (text(b, 0, 4) === "_MP_" && b[8] === 1 && sum8(b) === 0 && (b[9] === 1 || b[9] === 4)) {
      return a;
    }
  }
  return -1;
}

/** Linux's default_find_smp_config: first KiB, 639K, the F segment, then the EBDA. */
function findSmpConfig(mem: PhysicalMemory): number {
  for (const [base, len] of [[0, 0x400], [639 * 0x400, 0x400], [0xf0000, 0x10000]]) {
    const found = scanConfig(mem, base, len);
    if (found >= 0) return found;
  }
  const ebda = mem.read16(0x40e) << 4;
  return ebda ? scanConfig(mem, ebda, 0x400) : -1;
}

const qemu32 = findCpuModel("qemu32")!;
const [signature, , , features] = cpuid(qemu32, 1, true);
const base: MpTableOptions = { cpuSignature: signature, cpuFeatures: features };
// The board's default: two devices on PIRQs routed 10,10,11,11.
const withPci: MpTableOptions = {
  ...base,
  pciInterrupts: [
    { slot: 3, pin: 1, irq: 11 },
    { slot: 2, pin: 1, irq: 10 },
    { slot: 4, pin: 2, irq: 10 },
  ],
  pciIrqs: [10, 11],
};

Deno.test("buildMpTable's floating pointer is a 16-byte spec 1.4 structure summing to zero that points 16 bytes on", () => {
  const { floating } = buildMpTable(base, 0xf5000);
  assert.equal(floating.length, 16);
  assert.equal(text(floating, 0, 4), "_MP_");
  assert.equal(sum8(floating), 0);
  assert.deepEqual(parseFloating(floating), {
    physptr: 0xf5010,
    length: 1,
    spec: 4,
    feature1: 0, // a configuration table follows, no default configuration
    feature2: 0, // virtual wire mode, no IMCR
  });
  assert.deepEqual([...floating.subarray(13)], [0, 0, 0]);
});

Deno.test("the configuration table header: PCMP, spec 1.4, checksum, OEM and product IDs, local APIC, entry count", () => {
  const { table } = buildMpTable(withPci);
  const { header, entries } = parseTable(table);
  assert.equal(sum8(table), 0);
  assert.deepEqual(header, {
    signature: "PCMP",
    length: table.length,
    spec: 4,
    oem: "DENOVMM ",
    product: "PC i440FX   ",
    oemTable: 0,
    count: entries.length,
    lapic: 0xfee00000,
    extLength: 0,
  });
  // 1 CPU + 2 buses + 1 I/O APIC + 3 PCI + 13 ISA + 2 local interrupts.
  assert.equal(entries.length, 22);
  assert.equal(table.length, 44 + 20 + 21 * 8);
});

Deno.test("entries follow MP spec order with the BSP, PCI bus 0, ISA bus 1 and the I/O APIC at 0xfec00000", () => {
  const { entries } = parseTable(buildMpTable(withPci).table);
  const order = entries.map((e) => e.kind);
  const sorted = ["cpu", "bus", "ioapic", "ioint", "lint"];
  assert.deepEqual(order, [...order].sort((a, b) => sorted.indexOf(a) - sorted.indexOf(b)));
  assert.deepEqual(entries.slice(0, 4), [
    // QEMU32 is family 6 model 6 stepping 3; FPU, APIC and friends in EDX.
    { kind: "cpu", apicId: 0, version: 0x14, flags: 3, signature: 0x663, features },
    { kind: "bus", id: 0, type: "PCI   " },
    { kind: "bus", id: 1, type: "ISA   " },
    { kind: "ioapic", id: 0, version: 0x20, flags: 1, addr: 0xfec00000 },
  ]);
  assert.ok(features & (1 << 9), "the CPU entry advertises an on-chip APIC");
});

const isaEntries = (entries: Entry[]) =>
  entries.flatMap((e) => e.kind === "ioint" && e.bus === 1 ? [e] : []);
const pciEntries = (entries: Entry[]) =>
  entries.flatMap((e) => e.kind === "ioint" && e.bus === 0 ? [e] : []);

Deno.test("ISA IRQs reach pins as the board wires them: IRQ 0 to pin 2, no IRQ 2, PCI IRQs left out", () => {
  const isa = isaEntries(parseTable(buildMpTable(withPci).table).entries);
  assert.deepEqual(isa.map((e) => [e.irq, e.pin]), [
    [0, 2],
    [1, 1],
    [3, 3],
    [4, 4],
    [5, 5],
    [6, 6],
    [7, 7],
    [8, 8],
    [9, 9],
    [12, 12],
    [13, 13],
    [14, 14],
    [15, 15],
  ]);
  for (const e of isa) {
    assert.equal(e.type, 0, "vectored interrupt");
    assert.equal(e.flags, 0, "polarity and trigger conform to ISA: high, edge");
    assert.equal(e.apic, 0, "the I/O APIC's ID");
  }
});

Deno.test("each ISA entry names the I/O APIC pin IrqSplitter drives for that IRQ", () => {
  const pins: number[] = [];
  const splitter = new IrqSplitter({ setIrq() {} }, { setIrq: (pin) => pins.push(pin) });
  for (const e of isaEntries(parseTable(buildMpTable(base).table).entries)) {
    pins.length = 0;
    splitter.setIrq(e.irq, true);
    assert.deepEqual(pins, [e.pin], `IRQ ${e.irq}`);
  }
  pins.length = 0;
  splitter.setIrq(2, true);
  assert.deepEqual(pins, [], "IRQ 2 reaches no pin, so the table has no entry for it");
});

Deno.test("PCI entries: source IRQ (slot << 2) | (pin - 1), active high and level, to the routed IRQ's pin", () => {
  const pci = pciEntries(parseTable(buildMpTable(withPci).table).entries);
  // Slot then pin order, whatever order they were given in.
  assert.deepEqual(pci.map((e) => [e.irq, e.pin]), [
    [(2 << 2) | 0, 10],
    [(3 << 2) | 0, 11],
    [(4 << 2) | 1, 10],
  ]);
  for (const e of pci) {
    assert.equal(e.type, 0);
    assert.equal(e.flags & 3, 1, "polarity: active high");
    assert.equal(e.flags >> 2 & 3, 0, "trigger: conforms to PCI, i.e. level");
    assert.equal(e.apic, 0);
  }
});

Deno.test("PCI IRQs get no ISA entry: the named ones by default, pciIrqs in addition (SeaBIOS's 5, 9, 10, 11)", () => {
  const isaIrqs = (o: MpTableOptions) =>
    isaEntries(parseTable(buildMpTable(o).table).entries).map((e) => e.irq);
  assert.deepEqual(isaIrqs(base), [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  const only10 = { ...base, pciInterrupts: [{ slot: 2, pin: 1, irq: 10 }] };
  assert.ok(!isaIrqs(only10).includes(10));
  assert.ok(isaIrqs(only10).includes(11));
  assert.deepEqual(
    isaIrqs({ ...only10, pciIrqs: [5, 9, 10, 11] }),
    [0, 1, 3, 4, 6, 7, 8, 12, 13, 14, 15],
  );
});

Deno.test("a slot's pin shared by several functions is listed once", () => {
  const table = buildMpTable({
    ...base,
    pciInterrupts: [{ slot: 5, pin: 1, irq: 10 }, { slot: 5, pin: 1, irq: 10 }, {
      slot: 5,
      pin: 2,
      irq: 11,
    }],
  }).table;
  assert.deepEqual(pciEntries(parseTable(table).entries).map((e) => e.irq), [20, 21]);
});

Deno.test("local interrupts: ExtINT to the BSP's LINT0, NMI to LINT1 of every local APIC", () => {
  const { entries } = parseTable(buildMpTable(withPci).table);
  assert.deepEqual(entries.filter((e) => e.kind === "lint"), [
    { kind: "lint", type: 3, flags: 0, bus: 1, irq: 0, apic: 0, pin: 0 },
    { kind: "lint", type: 1, flags: 0, bus: 1, irq: 0, apic: 0xff, pin: 1 },
  ]);
});

Deno.test("the I/O APIC ID option names the same APIC in the I/O APIC entry and every I/O interrupt", () => {
  const { entries } = parseTable(buildMpTable({ ...withPci, ioApicId: 1 }).table);
  const ioapic = entries.find((e) => e.kind === "ioapic");
  assert.equal(ioapic?.kind === "ioapic" && ioapic.id, 1);
  const ioints = entries.flatMap((e) => e.kind === "ioint" ? [e] : []);
  assert.ok(ioints.length > 0 && ioints.every((e) => e.apic === 1));
});

Deno.test("writeMpTable puts the floating pointer where Linux's smp_scan_config finds it, pointing at the table", () => {
  const mem = new PhysicalMemory({ ramSize: 2 << 20 });
  const at = writeMpTable(mem, withPci);
  assert.deepEqual(at, { floating: MP_FLOATING_ADDRESS, table: MP_FLOATING_ADDRESS + 16 });
  assert.equal(findSmpConfig(mem), MP_FLOATING_ADDRESS);
  const fp = parseFloating(mem.readBytes(at.floating, 16));
  assert.equal(fp.physptr, at.table);
  const length = mem.read16(fp.physptr + 4);
  const table = mem.readBytes(fp.physptr, length);
  assert.equal(sum8(table), 0);
  assert.deepEqual(table, buildMpTable(withPci).table);
});

Deno.test("writeMpTable in the EBDA is found by the EBDA scan after the BIOS data area is written", () => {
  const mem = new PhysicalMemory({ ramSize: 2 << 20 });
  writeBiosDataArea(mem, { serialPorts: [0x3f8] });
  const at = writeMpTable(mem, base, 0x9fc40);
  assert.equal(findSmpConfig(mem), 0x9fc40);
  assert.equal(mem.read16(0x9fc00), 1, "the EBDA size word survives");
  assert.equal(text(mem.readBytes(at.table, 4), 0, 4), "PCMP");
});

Deno.test("writeMpTable refuses unaligned, unsearched or overrunning addresses and a ROM in the F segment", () => {
  const mem = new PhysicalMemory({ ramSize: 2 << 20 });
  assert.throws(() => writeMpTable(mem, base, 0xf5008), /16-byte aligned/);
  assert.throws(() => writeMpTable(mem, base, 0x80000), /outside the areas/);
  assert.throws(() => writeMpTable(mem, base, 0xfffa0), /overrun/);
  assert.equal(findSmpConfig(mem), -1, "nothing was written");

  const rom = new PhysicalMemory({ ramSize: 2 << 20, romSpace: 0x10000 });
  const offset = rom.mapRom(0xfff00000, new Uint8Array(0x10000));
  rom.alias(0xf0000, offset, 0x10000, true);
  assert.throws(() => writeMpTable(rom, base), /not RAM/);
});

Deno.test("buildMpTable refuses bad options with a clear error", () => {
  const bad = (pci: { slot: number; pin: number; irq: number }) =>
    buildMpTable({ ...base, pciInterrupts: [pci] });
  assert.throws(() => bad({ slot: 32, pin: 1, irq: 10 }), /PCI slot 32/);
  assert.throws(() => bad({ slot: 3, pin: 0, irq: 10 }), /PCI interrupt pin 0/);
  assert.throws(() => bad({ slot: 3, pin: 5, irq: 10 }), /PCI interrupt pin 5/);
  assert.throws(() => bad({ slot: 3, pin: 1, irq: 16 }), /PCI IRQ 16/);
  assert.throws(() => bad({ slot: 3, pin: 1, irq: 2 }), /reaches no I\/O APIC pin/);
  assert.throws(
    () =>
      buildMpTable({
        ...base,
        pciInterrupts: [{ slot: 3, pin: 1, irq: 10 }, { slot: 3, pin: 1, irq: 11 }],
      }),
    /both IRQ 10 and 11/,
  );
  assert.throws(() => buildMpTable({ ...base, ioApicId: 16 }), /I\/O APIC ID 16/);
  assert.throws(() => buildMpTable({ ...base, cpuSignature: -1 }), /CPU signature/);
  assert.throws(() => buildMpTable({ ...base, pciIrqs: [24] }), /PCI IRQ 24/);
});

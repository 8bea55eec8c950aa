import { ioApicPinOf } from "../apic/irq_splitter.ts";
import { IOAPIC_VERSION_VALUE, LAPIC_VERSION_VALUE } from "../apic/registers.ts";
import { IOAPIC_BASE, LAPIC_BASE } from "../memory/layout.ts";
import type { PhysicalMemory } from "../memory/mod.ts";

/**
 * Intel MultiProcessor Specification 1.4 tables: the MP floating pointer
 * structure (§4.1) and the MP configuration table (§4.2, entries §4.3), as
 * SeaBIOS builds them for QEMU's `pc` machine, so that a kernel without ACPI
 * finds the local APIC, the I/O APIC and the interrupt routing.
 */

/** Default physical address of the floating pointer: the BIOS area, 0xF0000–0xFFFFF. */
export const MP_FLOATING_ADDRESS = 0xf5000;

/** One PCI INTx pin on bus 0 and the ISA IRQ its PIRQ line is routed to. */
export interface PciInterrupt {
  /** Device number, 0–31. */
  slot: number;
  /** Interrupt pin, 1–4 = INTA#–INTD# (the Interrupt Pin register's encoding). */
  pin: number;
  /** ISA IRQ the PIIX3 routes the pin's PIRQ to (the Interrupt Line register). */
  irq: number;
}

/** What the MP table describes of the machine. */
export interface MpTableOptions {
  /** CPUID.01H:EAX of the boot processor (stepping, model, family). */
  cpuSignature: number;
  /** CPUID.01H:EDX of the boot processor (feature flags). */
  cpuFeatures: number;
  /** INTx pins of bus 0 with their routed IRQs; a repeated slot and pin is listed once. @default [] */
  pciInterrupts?: readonly PciInterrupt[];
  /**
   * ISA IRQs given to PCI (the PIRQ routing targets). They carry level-triggered
   * PCI lines, so they get no ISA bus entry, which would claim them edge-triggered.
   * The IRQs named in `pciInterrupts` are always left out as well.
   * @default the IRQs named in `pciInterrupts`
   */
  pciIrqs?: readonly number[];
  /** The I/O APIC's ID; SeaBIOS (BUILD_IOAPIC_ID) and QEMU both use 0. @default 0 */
  ioApicId?: number;
}

/** The two structures, ready to be copied into guest memory. */
export interface MpTable {
  /** The 16-byte MP floating pointer structure. */
  floating: Uint8Array;
  /** The MP configuration table (base table only, no extended entries). */
  table: Uint8Array;
}

/** Where `writeMpTable` put the structures. */
export interface MpTableAddresses {
  floating: number;
  table: number;
}

// Entry types (MP spec §4.3).
const ENTRY_PROCESSOR = 0;
const ENTRY_BUS = 1;
const ENTRY_IOAPIC = 2;
const ENTRY_IO_INTERRUPT = 3;
const ENTRY_LOCAL_INTERRUPT = 4;
const PROCESSOR_ENTRY_SIZE = 20;
const ENTRY_SIZE = 8;
const HEADER_SIZE = 44;
const FLOATING_SIZE = 16;

// Interrupt types (MP spec §4.3.4).
const INT_VECTORED = 0;
const INT_NMI = 1;
const INT_EXTINT = 3;
/** I/O interrupt flags: polarity and trigger "conform to the bus" (ISA: high, edge). */
const FLAGS_CONFORM = 0;
/**
 * PCI entries, as SeaBIOS writes them: polarity active high (PO = 01), trigger
 * conforming to PCI, i.e. level. Active high because the PIIX3 presents an
 * asserted PIRQ to the I/O APIC as a high level, and neither QEMU's I/O APIC
 * nor ours applies the polarity bit.
 */
const FLAGS_PCI = 1;

const PCI_BUS_ID = 0;
const ISA_BUS_ID = 1;
/** Local interrupt destination meaning "every local APIC" (MP spec §4.3.5). */
const ALL_LOCAL_APICS = 0xff;

/** Areas a kernel searches for the floating pointer besides the first KiB (MP spec §4). */
const SEARCHED_AREAS: readonly [number, number][] = [
  [0x9fc00, 0xa0000], // last KiB of base memory, also the EBDA the BIOS data area names
  [0xf0000, 0x100000], // BIOS ROM area
];

/**
 * Builds the MP floating pointer and configuration table for one processor,
 * the PCI and ISA buses, one I/O APIC and its interrupt routing. The
 * floating pointer is meant for address `at` and points at `at + 16`, where
 * the configuration table goes. Bad options throw.
 */
export function buildMpTable(options: MpTableOptions, at: number = MP_FLOATING_ADDRESS): MpTable {
  const ioApicId = options.ioApicId ?? 0;
  checkInt("CPU signature", options.cpuSignature, 0, 0xffffffff);
  checkInt("CPU features", options.cpuFeatures, 0, 0xffffffff);
  checkInt("I/O APIC ID", ioApicId, 0, 15);
  checkInt("MP table address", at, 0, 0xffffffef);
  const pci = pciEntries(options.pciInterrupts ?? []);
  const pciIrqs = new Set(pci.map((p) => p.irq));
  for (const irq of options.pciIrqs ?? []) {
    checkInt("PCI IRQ", irq, 0, 15);
    pciIrqs.add(irq);
  }

  const entries: Uint8Array[] = [];
  // Reserved bytes at the end of an entry stay zero.
  const entry = (bytes: number[]) => {
    const e = new Uint8Array(bytes[0] === ENTRY_PROCESSOR ? PROCESSOR_ENTRY_SIZE : ENTRY_SIZE);
    e.set(bytes);
    entries.push(e);
  };
  const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
  const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

  // §4.3.1: the boot processor, enabled (bit 0) and BSP (bit 1).
  entry([
    ENTRY_PROCESSOR,
    0,
    LAPIC_VERSION_VALUE & 0xff,
    0x03,
    ...le32(options.cpuSignature),
    ...le32(options.cpuFeatures),
  ]);
  // §4.3.2: bus type strings are six characters, blank padded.
  entry([ENTRY_BUS, PCI_BUS_ID, ...ascii("PCI   ")]);
  entry([ENTRY_BUS, ISA_BUS_ID, ...ascii("ISA   ")]);
  // §4.3.3: the I/O APIC, usable (flags bit 0).
  entry([ENTRY_IOAPIC, ioApicId, IOAPIC_VERSION_VALUE & 0xff, 0x01, ...le32(IOAPIC_BASE)]);

  // §4.3.4 and appendix D.3: a PCI source IRQ is the device number in bits
  // 6:2 and the pin (0 = INTA#) in bits 1:0. SeaBIOS lists PCI before ISA;
  // Linux takes the first entry naming a pin when it programs it at boot.
  const ioInterrupt = (flags: number, bus: number, source: number, pin: number) =>
    entry([ENTRY_IO_INTERRUPT, INT_VECTORED, flags, 0, bus, source, ioApicId, pin]);
  for (const p of pci) {
    ioInterrupt(FLAGS_PCI, PCI_BUS_ID, (p.slot << 2) | (p.pin - 1), ioApicPinOf(p.irq));
  }
  // ISA IRQ n reaches the pin the board wires it to: IRQ 0 (PIT) to pin 2
  // and IRQ 2 (the 8259 cascade) nowhere, as with SeaBIOS's
  // etc/irq0-override, which QEMU sets for its own I/O APIC.
  for (let irq = 0; irq < 16; irq++) {
    const pin = ioApicPinOf(irq);
    if (pin < 0 || pciIrqs.has(irq)) continue;
    ioInterrupt(FLAGS_CONFORM, ISA_BUS_ID, irq, pin);
  }

  // §4.3.5 and §3.6.2.2 (virtual wire mode): the 8259's INTR reaches the
  // BSP's LINT0 as ExtINT; NMI goes to LINT1 of every local APIC.
  entry([ENTRY_LOCAL_INTERRUPT, INT_EXTINT, FLAGS_CONFORM, 0, ISA_BUS_ID, 0, 0, 0]);
  entry([ENTRY_LOCAL_INTERRUPT, INT_NMI, FLAGS_CONFORM, 0, ISA_BUS_ID, 0, ALL_LOCAL_APICS, 1]);

  const length = HEADER_SIZE + entries.reduce((n, e) => n + e.length, 0);
  const table = new Uint8Array(length);
  const tv = new DataView(table.buffer);
  table.set(ascii("PCMP"), 0);
  tv.setUint16(4, length, true); // base table length
  table[6] = 4; // specification revision 1.4
  table.set(ascii("DENOVMM "), 8); // OEM ID, 8 characters
  table.set(ascii("PC i440FX   "), 16); // product ID, 12 characters
  // 28: OEM table pointer, 32: OEM table size: none.
  tv.setUint16(34, entries.length, true);
  tv.setUint32(36, LAPIC_BASE, true);
  // 40: extended table length, 42: extended table checksum: no extended table.
  let offset = HEADER_SIZE;
  for (const e of entries) {
    table.set(e, offset);
    offset += e.length;
  }
  table[7] = checksum(table);

  const floating = new Uint8Array(FLOATING_SIZE);
  floating.set(ascii("_MP_"), 0);
  new DataView(floating.buffer).setUint32(4, at + FLOATING_SIZE, true);
  floating[8] = 1; // length in 16-byte paragraphs
  floating[9] = 4; // specification revision 1.4
  // Feature byte 1 = 0: a configuration table is present (no default
  // configuration). Feature byte 2 bit 7 (IMCRP) = 0: virtual wire mode,
  // there is no IMCR to switch the 8259 away from the local APIC.
  floating[10] = checksum(floating);
  return { floating, table };
}

/**
 * Writes the floating pointer at `at` (16-byte aligned, in the last KiB of
 * base memory or in 0xF0000–0xFFFFF, where kernels search) and the
 * configuration table right after it; returns both addresses. The area must
 * be RAM: with a BIOS ROM mapped there, the BIOS builds its own tables.
 * Write the BIOS data area first when placing the tables in the EBDA.
 */
export function writeMpTable(
  mem: PhysicalMemory,
  options: MpTableOptions,
  at: number = MP_FLOATING_ADDRESS,
): MpTableAddresses {
  if (!Number.isInteger(at) || at % 16 !== 0) {
    throw new Error(`MP floating pointer address 0x${at.toString(16)} is not 16-byte aligned`);
  }
  const { floating, table } = buildMpTable(options, at);
  const end = at + floating.length + table.length;
  const area = SEARCHED_AREAS.find(([start, limit]) => at >= start && at < limit);
  if (!area) {
    throw new Error(
      `MP floating pointer at 0x${at.toString(16)} is outside the areas kernels search ` +
        `(0x9fc00-0x9ffff, 0xf0000-0xfffff)`,
    );
  }
  if (end > area[1]) {
    throw new Error(
      `MP tables at 0x${at.toString(16)} (${end - at} bytes) overrun 0x${area[1].toString(16)}`,
    );
  }
  mem.writeBytes(at, floating);
  mem.writeBytes(at + floating.length, table);
  const back = mem.readBytes(at, end - at);
  if (!back.every((b, i) => b === (i < 16 ? floating[i] : table[i - 16]))) {
    throw new Error(`MP tables at 0x${at.toString(16)}: the area is not RAM (a ROM is mapped)`);
  }
  return { floating: at, table: at + floating.length };
}

/** The byte that makes `bytes` (with that byte still zero) sum to zero modulo 256. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (const b of bytes) sum += b;
  return -sum & 0xff;
}

/** Validated PCI interrupts, one per slot and pin, in slot then pin order. */
function pciEntries(list: readonly PciInterrupt[]): PciInterrupt[] {
  const seen = new Map<number, PciInterrupt>();
  for (const p of list) {
    checkInt("PCI slot", p.slot, 0, 31);
    checkInt("PCI interrupt pin", p.pin, 1, 4);
    checkInt("PCI IRQ", p.irq, 1, 15);
    if (ioApicPinOf(p.irq) < 0) throw new Error(`PCI IRQ ${p.irq} reaches no I/O APIC pin`);
    const key = p.slot * 4 + p.pin - 1;
    const prior = seen.get(key);
    if (prior && prior.irq !== p.irq) {
      throw new Error(
        `PCI slot ${p.slot} pin ${p.pin} is routed to both IRQ ${prior.irq} and ${p.irq}`,
      );
    }
    seen.set(key, { slot: p.slot, pin: p.pin, irq: p.irq });
  }
  return [...seen.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

function checkInt(what: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${what} ${v} is not an integer in ${min}..${max}`);
  }
}

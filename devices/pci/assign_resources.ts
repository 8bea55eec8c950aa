import {
  PCI_BASE_ADDRESS_0,
  PCI_BASE_ADDRESS_MEM_TYPE_64,
  PCI_BASE_ADDRESS_SPACE_IO,
  PCI_COMMAND,
  PCI_COMMAND_IO,
  PCI_COMMAND_MASTER,
  PCI_COMMAND_MEMORY,
  PCI_DEVICE_ID,
  PCI_INTERRUPT_LINE,
  PCI_INTERRUPT_PIN,
  PCI_VENDOR_ID,
} from "./config_regs.ts";
import { PCI_VENDOR_ID_INTEL } from "./i440fx.ts";
import { formatPciAddress } from "./pci_address.ts";
import type { PciBus } from "./pci_bus.ts";
import { PCI_DEVICE_ID_PIIX3, PIIX3_PIRQRC, pirqForPin } from "./piix3.ts";

/** Windows and interrupt choices for `assignPciResources`. */
export interface AssignPciResourcesOptions {
  /** First I/O port handed to I/O BARs. @default 0xc000 */
  ioBase?: number;
  /** End (exclusive) of the I/O window. @default 0x10000 */
  ioLimit?: number;
  /** First address handed to memory BARs. @default 0xe0000000 (the PCI hole) */
  memBase?: number;
  /** End (exclusive) of the memory window. @default 0xfec00000 (the I/O APIC) */
  memLimit?: number;
  /** ISA IRQs for PIRQA-D. @default [10, 10, 11, 11], SeaBIOS's choice */
  pirqIrqs?: readonly number[];
}

interface BarRequest {
  slot: number;
  func: number;
  index: number;
  size: number;
}

/** ISA IRQs a PIRQ may be routed to (82371SB section 2.2.12). */
const ROUTABLE_IRQS = [3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15];

/**
 * Does what SeaBIOS does to bus 0 before an OS starts, through configuration
 * cycles only: sizes every BAR, places I/O BARs from `ioBase` and memory BARs
 * from `memBase` (largest first, each naturally aligned), routes PIIX3
 * PIRQA-D to `pirqIrqs`, writes each function's interrupt line register and
 * enables I/O, memory and bus-master decoding. Returns the ISA IRQs the PIRQs
 * use, sorted, which the board must make level-triggered in the ELCR.
 * 64-bit memory BARs are left unassigned. Running out of a window throws.
 */
export function assignPciResources(
  bus: PciBus,
  options: AssignPciResourcesOptions = {},
): number[] {
  const ioBase = options.ioBase ?? 0xc000;
  const ioLimit = options.ioLimit ?? 0x10000;
  const memBase = options.memBase ?? 0xe0000000;
  const memLimit = options.memLimit ?? 0xfec00000;
  const pirqIrqs = options.pirqIrqs ?? [10, 10, 11, 11];
  if (pirqIrqs.length !== 4 || !pirqIrqs.every((irq) => ROUTABLE_IRQS.includes(irq))) {
    throw new Error(`PIRQ IRQs ${pirqIrqs.join(",")} must be four of ${ROUTABLE_IRQS.join(",")}`);
  }

  const io: BarRequest[] = [];
  const mem: BarRequest[] = [];
  for (const { slot, func } of bus.entries()) {
    const rd = (o: number) => bus.configRead(slot, func, o, 4);
    const wr = (o: number, v: number) => bus.configWrite(slot, func, o, 4, v);
    // Sizing writes all-ones into the BAR: keep decoding off meanwhile so the
    // device never answers at that transient address.
    const command = bus.configRead(slot, func, PCI_COMMAND, 2);
    const off = command & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    bus.configWrite(slot, func, PCI_COMMAND, 2, off);
    for (let index = 0; index < 6; index++) {
      const reg = PCI_BASE_ADDRESS_0 + 4 * index;
      const saved = rd(reg);
      wr(reg, 0xffffffff);
      const probe = rd(reg);
      wr(reg, saved);
      if (probe === 0) continue;
      if (probe & PCI_BASE_ADDRESS_SPACE_IO) {
        // A 16-bit decoder leaves bits 31:16 zero; those bits are then not part of the size.
        const mask = (probe & 0xfffffffc) | (probe >>> 16 === 0 ? 0xffff0000 : 0);
        io.push({ slot, func, index, size: (~mask + 1) >>> 0 });
      } else if ((probe & 0x6) === PCI_BASE_ADDRESS_MEM_TYPE_64) {
        index++;
      } else {
        mem.push({ slot, func, index, size: (~(probe & 0xfffffff0) + 1) >>> 0 });
      }
    }
    bus.configWrite(slot, func, PCI_COMMAND, 2, command);
  }
  place(bus, io, ioBase, ioLimit, "I/O");
  place(bus, mem, memBase, memLimit, "memory");

  const router = bus.entries().find(({ slot, func }) =>
    bus.configRead(slot, func, PCI_VENDOR_ID, 2) === PCI_VENDOR_ID_INTEL &&
    bus.configRead(slot, func, PCI_DEVICE_ID, 2) === PCI_DEVICE_ID_PIIX3
  );
  if (router) {
    for (let p = 0; p < 4; p++) {
      bus.configWrite(router.slot, router.func, PIIX3_PIRQRC + p, 1, pirqIrqs[p]);
    }
  }
  for (const { slot, func } of bus.entries()) {
    const pin = bus.configRead(slot, func, PCI_INTERRUPT_PIN, 1);
    if (router && pin >= 1 && pin <= 4) {
      bus.configWrite(slot, func, PCI_INTERRUPT_LINE, 1, pirqIrqs[pirqForPin(slot, pin)]);
    }
    const command = bus.configRead(slot, func, PCI_COMMAND, 2);
    const on = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
    bus.configWrite(slot, func, PCI_COMMAND, 2, command | on);
  }
  return router ? [...new Set(pirqIrqs)].sort((a, b) => a - b) : [];
}

/** Gives each request an address in `[base, limit)`, largest first, naturally aligned. */
function place(bus: PciBus, requests: BarRequest[], base: number, limit: number, what: string) {
  // Array.prototype.sort is stable, so equal sizes keep slot/function/BAR order.
  requests.sort((a, b) => b.size - a.size);
  let next = base;
  for (const r of requests) {
    const addr = Math.ceil(next / r.size) * r.size;
    if (addr + r.size > limit) {
      const name = bus.get(r.slot, r.func)?.name ?? "?";
      throw new Error(
        `PCI ${what} window exhausted: ${name} at ${
          formatPciAddress(r)
        } BAR${r.index} needs ${r.size} bytes`,
      );
    }
    bus.configWrite(r.slot, r.func, PCI_BASE_ADDRESS_0 + 4 * r.index, 4, addr);
    next = addr + r.size;
  }
}

import { PCI_INTERRUPT_LINE, PCI_INTERRUPT_PIN, type PciBus } from "../pci/mod.ts";
import type { PciInterrupt } from "./mp_table.ts";

/**
 * Reads back, through configuration cycles as SeaBIOS does, the INTx pin and
 * routed IRQ of every function on `bus` that has both: the `pciInterrupts`
 * of an MP table. Call it after the firmware has written the Interrupt Line
 * registers (`assignPciResources`). A line of 0 or 0xFF (PCI 3.0 §6.2.4:
 * unknown) or above 15 means unrouted, and the pin is left out.
 */
export function pciInterruptsOf(bus: PciBus): PciInterrupt[] {
  const out: PciInterrupt[] = [];
  for (const { slot, func } of bus.entries()) {
    const pin = bus.configRead(slot, func, PCI_INTERRUPT_PIN, 1);
    const irq = bus.configRead(slot, func, PCI_INTERRUPT_LINE, 1);
    if (pin < 1 || pin > 4 || irq < 1 || irq > 15) continue;
    out.push({ slot, pin, irq });
  }
  return out;
}

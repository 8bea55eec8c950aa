import type { DeviceImpl } from "../board/device_impl.ts";
import type { DeviceType } from "../../plugins/registry/mod.ts";
import { PcTestdev } from "./pc_testdev.ts";
import { PciTestdev } from "./pci_testdev.ts";

/** QEMU's `pc-testdev`: scratch ports and memory and interrupt line control for test guests. */
export const pcTestdevType: DeviceType<DeviceImpl> = {
  name: "pc-testdev",
  bus: "isa",
  category: "Misc",
  properties: {},
  impl: {
    plug(ctx) {
      // The line's sink rather than an IrqLine, which drops repeated levels: QEMU passes
      // every write on, and an edge-triggered I/O APIC pin written 1 twice fires twice.
      const irqs = {
        setIrq: (line: number, level: boolean) => ctx.isaIrq(line).sink.setIrq(line, level),
      };
      new PcTestdev({ irqs }).register(ctx.io, ctx.memory.mmio);
    },
  },
};

/** QEMU's `pci-testdev`: port and MMIO exit tests behind two BARs. */
export const pciTestdevType: DeviceType<DeviceImpl> = {
  name: "pci-testdev",
  bus: "pci",
  category: "Misc",
  description: "PCI Test Device",
  properties: {
    // QEMU's optional third BAR is 64-bit, which this PCI model does not offer.
    membar: { type: "size", default: 0, max: 0, help: "size of a 64-bit BAR2; unsupported (0)" },
    "membar-backed": { type: "bool", default: false, help: "back BAR2 with RAM" },
  },
  impl: {
    plug(ctx, _props, placement) {
      ctx.pci.add(new PciTestdev(), placement.addr ?? {});
    },
  },
};

/** Both test device types, for registering with a device registry. */
export const testdevTypes: readonly DeviceType<DeviceImpl>[] = [pcTestdevType, pciTestdevType];

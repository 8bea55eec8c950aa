import type { DeviceRegistry, DeviceType } from "../../plugins/registry/mod.ts";
import { IsaDebugcon, IsaDebugExit } from "../debug/mod.ts";
import type { DeviceImpl } from "./device_impl.ts";
import { pciTestdevType, pcTestdevType } from "../testdev/mod.ts";

/** QEMU's isa-debug-exit: a port write ends the VMM with `(value << 1) | 1`. */
export const isaDebugExitType: DeviceType<DeviceImpl> = {
  name: "isa-debug-exit",
  bus: "isa",
  category: "Misc",
  properties: {
    iobase: { type: "u32", default: 0x501, max: 0xffff, help: "first I/O port" },
    iosize: { type: "u32", default: 0x02, min: 1, max: 4, help: "number of I/O ports" },
  },
  impl: {
    plug(ctx, props) {
      new IsaDebugExit({
        control: ctx.control,
        iobase: props.iobase as number,
        iosize: props.iosize as number,
      }).register(ctx.io);
    },
  },
};

/** QEMU's isa-debugcon: bytes written to the port go to a chardev, unbuffered. */
export const isaDebugconType: DeviceType<DeviceImpl> = {
  name: "isa-debugcon",
  bus: "isa",
  category: "Misc",
  properties: {
    iobase: { type: "u32", default: 0xe9, max: 0xffff, help: "I/O port" },
    chardev: { type: "chardev", help: "ID of a chardev to use as a backend" },
    readback: { type: "u32", default: 0xe9, max: 0xffffffff, help: "value a read returns" },
  },
  impl: {
    plug(ctx, props) {
      const id = props.chardev as string | undefined;
      new IsaDebugcon({
        chardev: id ? ctx.chardev(id) : undefined,
        iobase: props.iobase as number,
        readback: props.readback as number,
      }).register(ctx.io);
    },
  },
};

/** Registers every device type built into the VMM (through the same path as plugins). */
export function registerBuiltinTypes(registry: DeviceRegistry): void {
  registry.register(isaDebugExitType);
  registry.register(isaDebugconType);
  registry.register(pcTestdevType);
  registry.register(pciTestdevType);
}

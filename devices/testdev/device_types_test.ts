import assert from "node:assert/strict";
import type { BoardContext } from "../board/pc_machine.ts";
import type { DeviceImpl } from "../board/device_impl.ts";
import { RangeBus } from "../bus/range_bus.ts";
import { ManualClock } from "../clock.ts";
import { IrqLine, type IrqSink } from "../irq.ts";
import { RecordingControl } from "../machine_control.ts";
import { PhysicalMemory } from "../memory/physical_memory.ts";
import { assignPciResources } from "../pci/assign_resources.ts";
import { PciBus } from "../pci/pci_bus.ts";
import { TimerQueue } from "../timer_queue.ts";
import { DeviceRegistry, parseDeviceOption, resolveDevices } from "../../plugins/registry/mod.ts";
import { testdevTypes } from "./device_types.ts";

function board(irqs: IrqSink): BoardContext {
  const io = new RangeBus("io", 0x10000);
  const memory = new PhysicalMemory({ ramSize: 1 << 20 });
  const clock = new ManualClock();
  return {
    io,
    memory,
    pci: new PciBus({ io, mmio: memory.mmio }),
    control: new RecordingControl(),
    clock,
    timers: new TimerQueue(clock),
    isaIrq: (n) => new IrqLine(irqs, n),
    chardev: (id) => {
      throw new Error(`no chardev ${id}`);
    },
    deliverMsi: () => {},
    onSlice: () => {},
  };
}

function plug(ctx: BoardContext, ...args: string[]): void {
  const registry = new DeviceRegistry();
  for (const t of testdevTypes) registry.register(t);
  const { devices } = resolveDevices(registry, args.map((a) => parseDeviceOption(a)));
  for (const d of devices) {
    (d.type.impl as DeviceImpl).plug!(ctx, d.props, { id: d.id, addr: d.addr });
  }
}

Deno.test("-device pc-testdev claims QEMU's ports and memory and drives board lines", () => {
  const levels: [number, boolean][] = [];
  const ctx = board({ setIrq: (line, level) => void levels.push([line, level]) });
  plug(ctx, "pc-testdev");
  ctx.io.write(0xe0, 4, 0x55aa55aa);
  assert.equal(ctx.io.read(0xe8, 4), 0x55aa55aa);
  ctx.memory.write32(0xff000010, 0x01020304);
  assert.equal(ctx.memory.read32(0xff000010), 0x01020304);
  ctx.io.write(0x2000 + 10, 1, 1);
  ctx.io.write(0x2000 + 10, 1, 1);
  ctx.io.write(0x2000 + 20, 1, 1);
  assert.deepEqual(levels, [[10, true], [10, true], [20, true]]);
});

Deno.test("-device pci-testdev adds a function the firmware pass gives both BARs", () => {
  const ctx = board({ setIrq() {} });
  plug(ctx, "pci-testdev");
  const entry = ctx.pci.entries()[0];
  assert.equal(entry.fn.readConfig(0, 4), 0x00051b36);
  assignPciResources(ctx.pci);
  const mem = entry.fn.barAddress(0)!;
  const io = entry.fn.barAddress(1)!;
  assert.ok(mem >= 0xe0000000 && io >= 0xc000, `BARs at ${mem.toString(16)}, ${io.toString(16)}`);
  ctx.io.write(io, 1, 0);
  assert.equal(ctx.io.read(io + 4, 4), 128 + 3);
  ctx.memory.write8(mem, 2);
  assert.equal(ctx.memory.read32(mem + 4), 2050);
});

Deno.test("pci-testdev refuses a membar it cannot provide", () => {
  const ctx = board({ setIrq() {} });
  assert.throws(() => plug(ctx, "pci-testdev,membar=1M"));
  plug(ctx, "pci-testdev,membar=0");
});

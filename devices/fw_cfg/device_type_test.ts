import assert from "node:assert/strict";
import type { BoardContext } from "../board/pc_machine.ts";
import { RangeBus } from "../bus/range_bus.ts";
import { ManualClock } from "../clock.ts";
import { IrqLine, NO_IRQ } from "../irq.ts";
import { RecordingControl } from "../machine_control.ts";
import { PhysicalMemory } from "../memory/physical_memory.ts";
import { PciBus } from "../pci/pci_bus.ts";
import { TimerQueue } from "../timer_queue.ts";
import { installFwCfg } from "./device_type.ts";
import { FW_CFG_ID, FW_CFG_NB_CPUS, FW_CFG_RAM_SIZE, FW_CFG_SIGNATURE } from "./keys.ts";
import { leValue, readFile, readItem } from "./_test_rig.ts";

function board(): BoardContext {
  const io = new RangeBus("io", 0x10000);
  const memory = new PhysicalMemory({ ramSize: 2 << 20 });
  const clock = new ManualClock();
  return {
    io,
    memory,
    pci: new PciBus({ io, mmio: memory.mmio }),
    control: new RecordingControl(),
    clock,
    timers: new TimerQueue(clock),
    isaIrq: (n) => new IrqLine(NO_IRQ, n),
    chardev: (id) => {
      throw new Error(`no chardev ${id}`);
    },
    deliverMsi: () => {},
    onSlice: () => {},
  };
}

Deno.test("installFwCfg puts a DMA-capable fw_cfg with the pc items on the board's ports", () => {
  const ctx = board();
  const fwCfg = installFwCfg(ctx, { cpus: 1 });
  assert.equal(new TextDecoder().decode(readItem(ctx.io, FW_CFG_SIGNATURE, 4)), "QEMU");
  assert.equal(leValue(readItem(ctx.io, FW_CFG_ID, 4)), 3);
  assert.equal(leValue(readItem(ctx.io, FW_CFG_RAM_SIZE, 8)), 2 << 20, "the board's RAM size");
  assert.equal(leValue(readItem(ctx.io, FW_CFG_NB_CPUS, 2)), 1);
  assert.equal(readFile(ctx.io, "etc/e820")?.length, 20);
  assert.equal(ctx.io.read(0x514, 1), 0x51, "DMA register present");
  readItem(ctx.io, FW_CFG_ID, 1);
  fwCfg.reset();
  assert.equal(fwCfg.selected, FW_CFG_SIGNATURE);
});

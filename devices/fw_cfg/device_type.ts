import type { BoardContext } from "../board/pc_machine.ts";
import { FwCfg } from "./fw_cfg.ts";
import { qemuPcItems, type QemuPcItemsOptions } from "./qemu_pc_items.ts";

/** What the board knows about the machine, for {@link installFwCfg}; RAM size defaults to the board's. */
export type FwCfgMachineInfo = Omit<QemuPcItemsOptions, "ramSize"> & { ramSize?: number };

/**
 * Puts the pc machine's fw_cfg device on the board: ports 0x510-0x511, DMA at
 * 0x514 into the board's RAM, and QEMU's standard items. It is not a `-device`
 * in QEMU (every pc has one), so the board calls this; it should also call
 * `reset()` on the result at machine reset.
 */
export function installFwCfg(ctx: BoardContext, info: FwCfgMachineInfo = {}): FwCfg {
  const fwCfg = new FwCfg({ memory: ctx.memory });
  fwCfg.addAll(qemuPcItems({ ...info, ramSize: info.ramSize ?? ctx.memory.ramSize }));
  fwCfg.register(ctx.io);
  return fwCfg;
}

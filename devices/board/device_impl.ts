import type { BoardContext } from "./pc_machine.ts";

/** Property values as the registry resolved them. */
export type DeviceProps = Readonly<Record<string, unknown>>;

/** Where `-device` placed an instance, besides its properties. */
export interface DevicePlacement {
  /** `id=`. */
  id?: string;
  /** `addr=slot[.func]` of a PCI device. */
  addr?: { slot: number; func: number };
}

/** How a device type in the registry is plugged into the board. */
export interface DeviceImpl {
  /** Creates the device and attaches it to the board's buses. */
  plug(ctx: BoardContext, props: DeviceProps, placement: DevicePlacement): void;
}

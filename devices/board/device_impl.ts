import type { PhysicalMemory } from "../memory/mod.ts";
import type { PluginBackends } from "../../plugins/sandbox/mod.ts";
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

/** What a device may use before the board exists (starting a plugin worker). */
export interface PrepareEnv {
  /** Guest RAM, already allocated. */
  memory: PhysicalMemory;
  /** The -drive and -netdev backends, by id. */
  backends: PluginBackends;
  /** Releases the device's host resources when the VMM stops. */
  onClose(close: () => void | Promise<void>): void;
}

/** Attaches a prepared device to the board's buses. */
export type PlugStep = (ctx: BoardContext) => void;

/**
 * How a device type in the registry is plugged into the board: `plug` for
 * devices built on the spot, `prepare` for those that start asynchronously
 * (plugin workers) and then plug.
 */
export interface DeviceImpl {
  /** Creates the device and attaches it to the board's buses. */
  plug?(ctx: BoardContext, props: DeviceProps, placement: DevicePlacement): void;
  /** Starts the device's backend; resolves to the step that plugs it into the board. */
  prepare?(env: PrepareEnv, props: DeviceProps, placement: DevicePlacement): Promise<PlugStep>;
}

/**
 * Messages between the VMM (host), a sandbox's shell Worker and its device runtime. Data-path
 * traffic never takes this road: it goes through the control block.
 *
 * @module
 */

import type { DeviceShape, PluginDescriptor } from "../sdk/define_device.ts";
import type { PropertyValue } from "../schema/mod.ts";
import type { FaultCode } from "./control_block.ts";
import type { NetdevBackend } from "./permissions.ts";

/** Why a sandbox is started: to read a plugin's description, or to run a device. */
export type SandboxMode = "inspect" | "run";

/** Shell → runtime, first message, before the plugin is imported. */
export interface BootMessage {
  type: "boot";
  /** The private channel to the shell. */
  port: MessagePort;
  mode: SandboxMode;
  /** The bundled plugin, base64. */
  pluginBase64: string;
  props: Record<string, PropertyValue>;
  files: Record<string, { path: string; readonly: boolean }>;
  netdevs: Record<string, NetdevBackend>;
  heartbeatMs: number;
}

/** Host → shell → runtime once the device's shape is known. */
export interface StartMessage {
  type: "start";
  control: SharedArrayBuffer;
  queueCount: number;
  config: SharedArrayBuffer;
  dirty: SharedArrayBuffer;
  memory: SharedArrayBuffer;
  ramSize: number;
  /** Shared memory of each `chardev` property's bridge (chardev_bridge.ts), by property name. */
  chardevs: Record<string, SharedArrayBuffer>;
}

/** Runtime → shell (and relayed to the host). */
export type RuntimeToShell =
  | { type: "described"; descriptor: PluginDescriptor; shape?: DeviceShape }
  | { type: "ready" }
  | { type: "log"; text: string }
  | { type: "fault"; code: FaultCode; queue: number; detail: string };

/** Shell → host. */
export type ShellToHost = RuntimeToShell | { type: "stopped" };

/** Host → shell, first message. */
export interface ShellBoot {
  type: "boot";
  /** The bundled device runtime, base64. */
  runtimeBase64: string;
  mode: SandboxMode;
  pluginBase64: string;
  props: Record<string, PropertyValue>;
  files: Record<string, { path: string; readonly: boolean }>;
  netdevs: Record<string, NetdevBackend>;
  heartbeatMs: number;
  watchdogMs: number;
  memoryLimitMb: number;
  startTimeoutMs: number;
}

/** Host → shell. */
export type HostToShell =
  | ShellBoot
  | StartMessage
  | { type: "writeConfig"; offset: number; size: 1 | 2 | 4; value: number }
  | { type: "kill"; code: FaultCode; detail: string };

/** Base64 of a string's UTF-8 bytes, for `data:` URLs. */
export function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

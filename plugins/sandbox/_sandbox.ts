/**
 * The host's handle on one sandbox: the shell Worker with the device's permissions, the boot
 * protocol, and stopping it (always through the shell, which alone can halt the nested Worker).
 *
 * @module
 */

import type { DeviceShape, PluginDescriptor } from "../sdk/define_device.ts";
import type { PropertyValue } from "../schema/mod.ts";
import type { BundledPlugin } from "./bundle_plugin.ts";
import { bundleInternal } from "./bundle_plugin.ts";
import { FAULT_TEXT, FaultCode } from "./control_block.ts";
import type { PluginGrants } from "./permissions.ts";
import {
  type HostToShell,
  type SandboxMode,
  type ShellToHost,
  type StartMessage,
  toBase64,
} from "./_protocol.ts";
import { assertWorkerPermissions } from "./worker_options.ts";

/** How long a stopping shell gets to halt its runtime before it is terminated regardless. */
const STOP_GRACE_MS = 2000;

let runtime: Promise<string> | undefined;

/** The device runtime, bundled once per process. */
export function runtimeBase64(): Promise<string> {
  runtime ??= bundleInternal(new URL("./_device_runtime.ts", import.meta.url)).then(toBase64);
  return runtime;
}

/** What a sandbox is started with. */
export interface SandboxConfig {
  mode: SandboxMode;
  plugin: BundledPlugin;
  props: Record<string, PropertyValue>;
  grants: PluginGrants;
  watchdogMs: number;
  memoryLimitMb: number;
  startTimeoutMs: number;
  heartbeatMs: number;
}

/** A fault as the shell reports it. */
export interface SandboxFault {
  code: FaultCode;
  queue: number;
  detail: string;
}

/** One running sandbox. */
export class Sandbox {
  /** Called for every log line of the plugin. */
  onLog: (text: string) => void = () => {};
  /** Called once when the sandbox stops for a fault. */
  onFault: (fault: SandboxFault) => void = () => {};
  readonly #worker: Worker;
  readonly #waiters = new Map<string, (m: ShellToHost) => void>();
  #fault: SandboxFault | undefined;
  #stopped: Promise<void> | undefined;
  #stoppedResolve: (() => void) | undefined;
  #terminated = false;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (e: MessageEvent<ShellToHost>) => this.#receive(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.#receive({ type: "fault", code: FaultCode.EXITED, queue: -1, detail: e.message });
      this.#receive({ type: "stopped" });
    };
  }

  /** Starts a shell with `config.grants.permissions` and boots the runtime in it. */
  static async open(config: SandboxConfig): Promise<Sandbox> {
    assertWorkerPermissions();
    const runtimeCode = runtimeBase64();
    // The shell starts (loading Deno's Node compatibility layer takes it about half a second)
    // while the runtime is still being bundled.
    const worker = new Worker(new URL("./_shell_worker.ts", import.meta.url), {
      type: "module",
      name: `device plugin ${config.plugin.origin}`,
      // deno-lint-ignore no-explicit-any
      deno: { permissions: config.grants.permissions } as any,
    });
    const sandbox = new Sandbox(worker);
    let runtime: string;
    try {
      runtime = await runtimeCode;
    } catch (e) {
      worker.terminate();
      throw e;
    }
    sandbox.post({
      type: "boot",
      runtimeBase64: runtime,
      mode: config.mode,
      pluginBase64: toBase64(config.plugin.code),
      props: config.props,
      files: { ...config.grants.files },
      netdevs: { ...config.grants.netdevs },
      heartbeatMs: config.heartbeatMs,
      watchdogMs: config.watchdogMs,
      memoryLimitMb: config.memoryLimitMb,
      startTimeoutMs: config.startTimeoutMs,
    });
    return sandbox;
  }

  /** The fault that stopped it, if any. */
  get fault(): SandboxFault | undefined {
    return this.#fault;
  }

  /**
   * Waits for the runtime's description (descriptor, and the shape in run mode). Rejects with
   * the fault if the plugin fails first.
   */
  async described(): Promise<{ descriptor: PluginDescriptor; shape?: DeviceShape }> {
    const m = await this.#next("described");
    if (m.type !== "described") throw new Error("unreachable");
    return { descriptor: m.descriptor, shape: m.shape };
  }

  /** Hands the runtime its shared memory and waits until the backend is built. */
  async start(message: StartMessage): Promise<void> {
    const ready = this.#next("ready");
    this.post(message);
    await ready;
  }

  /** Posts a message to the shell (ignored once stopped). */
  post(message: HostToShell): void {
    if (!this.#terminated) this.#worker.postMessage(message);
  }

  /** Stops the sandbox for `code` (unless it already stopped) and waits until it has. */
  stop(code: FaultCode, detail: string): Promise<void> {
    if (!this.#fault) this.post({ type: "kill", code, detail });
    return this.#whenStopped();
  }

  /** Stops the sandbox without recording a fault (the device was closed). */
  async close(): Promise<void> {
    if (this.#terminated) return;
    this.onFault = () => {};
    await this.stop(FaultCode.EXITED, "closed");
  }

  #whenStopped(): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = new Promise<void>((resolve) => {
        this.#stoppedResolve = resolve;
        const timer = setTimeout(() => this.#terminate(), STOP_GRACE_MS);
        Deno.unrefTimer(timer);
      });
    }
    return this.#stopped;
  }

  #terminate(): void {
    if (!this.#terminated) {
      this.#terminated = true;
      this.#worker.terminate();
    }
    this.#stoppedResolve?.();
  }

  #next(type: "described" | "ready"): Promise<ShellToHost> {
    if (this.#fault) return Promise.reject(faultError(this.#fault));
    return new Promise((resolve, reject) => {
      this.#waiters.set(type, resolve);
      this.#waiters.set("fault", (m) => reject(faultError(m as SandboxFault)));
    });
  }

  #receive(m: ShellToHost): void {
    if (m.type === "log") {
      this.onLog(m.text);
    } else if (m.type === "fault") {
      if (this.#fault) return;
      this.#fault = { code: m.code, queue: m.queue, detail: m.detail };
      this.#whenStopped();
      this.#waiters.get("fault")?.(m);
      this.#waiters.clear();
      this.onFault(this.#fault);
    } else if (m.type === "stopped") {
      this.#terminate();
    } else {
      const waiter = this.#waiters.get(m.type);
      this.#waiters.delete(m.type);
      waiter?.(m);
    }
  }
}

/** An Error for a sandbox that failed before it was ready. */
export function faultError(fault: SandboxFault): Error {
  const text = FAULT_TEXT[fault.code] ?? "the plugin failed";
  return new Error(`${text}: ${fault.detail}`);
}

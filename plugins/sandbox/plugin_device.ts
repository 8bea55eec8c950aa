/**
 * The host side of a plugin device: a {@link VirtioDevice} the virtio-pci transport drives on
 * the VMM thread, whose backend runs in a sandbox. Configuration reads are served from shared
 * memory, doorbells and interrupt requests go through the control block, and a faulty plugin is
 * stopped while the VMM goes on.
 *
 * @module
 */

import type { PropertyValue } from "../schema/mod.ts";
import type { DeviceShape, PluginDescriptor } from "../sdk/define_device.ts";
import { checkShape, describeDevice } from "../sdk/define_device.ts";
import type { VirtioActivation, VirtioDevice } from "../sdk/virtio_device.ts";
import { type ChardevBridge, openChardevBridges } from "./chardev_bridge.ts";
import { CB, ControlBlock, FAULT_TEXT, FaultCode } from "./control_block.ts";
import { DirtyPages } from "./dirty_pages.ts";
import { type LoadedPlugin, loadPlugin, type PluginSource } from "./load_plugin.ts";
import { type PluginBackends, pluginGrants } from "./permissions.ts";
import { Sandbox, type SandboxFault } from "./_sandbox.ts";

/** Options of {@link startPluginDevice}. */
export interface StartPluginOptions {
  /** Guest RAM: the machine's shared WebAssembly.Memory (guest-physical == offset). */
  memory: WebAssembly.Memory | SharedArrayBuffer;
  /** Bytes of RAM from offset 0; the device touches nothing above. */
  ramSize: number;
  /**
   * The `-drive`s, `-netdev`s and `-chardev`s its `drive` / `netdev` / `chardev` properties may
   * name. @default none
   */
  backends?: PluginBackends;
  /** Device id for messages (`-device ...,id=`). @default the plugin's name */
  id?: string;
  /** Longest a doorbell may go unserved, or the plugin's event loop stay blocked. @default 2000 */
  watchdogMs?: number;
  /** Heap (and external memory) limit of the plugin, MiB. @default 256 */
  memoryLimitMb?: number;
  /** Longest the plugin may take to start. @default 10000 */
  startTimeoutMs?: number;
  /** Longest `reset()` waits for the plugin to drop its queues. @default 500 */
  resetWaitMs?: number;
  /** Times the sandbox is restarted by a reset after a fault. @default 3 */
  maxRestarts?: number;
  /** Where faults and the plugin's log lines go. @default a line on stderr */
  report?: (line: string) => void;
  /** Called with each 4 KiB guest page the plugin wrote (translated-code invalidation). */
  onGuestWrite?: (page: number) => void;
}

const HEARTBEAT_MS = 50;
const LOG_LINES_PER_SECOND = 50;

/**
 * Starts a plugin device: bundles and describes the plugin if needed, opens its sandbox with the
 * permissions its properties grant, and returns the host-side proxy once the backend is built.
 * `props` are the resolved property values (`DeviceRegistry.resolve(...).props`). Throws a clear
 * Error when the plugin does not load, declares a bad schema, names a missing backend, or fails
 * while starting.
 *
 * @example
 * ```ts ignore
 * const plugin = await loadPlugin("./my_rng.ts");
 * const device = await startPluginDevice(plugin, {}, { memory: pm.memory, ramSize: pm.ramSize });
 * transport = new VirtioPciFunction(device, ...);
 * // between CPU slices:
 * device.pollInterrupts();
 * ```
 */
export async function startPluginDevice(
  source: LoadedPlugin | PluginSource,
  props: Readonly<Record<string, PropertyValue>>,
  options: StartPluginOptions,
): Promise<PluginDevice> {
  const plugin = isLoaded(source) ? source : await loadPlugin(source);
  const device = new PluginDevice(plugin, { ...props }, options);
  try {
    await device.started;
  } catch (e) {
    await device.close();
    throw e;
  }
  return device;
}

function isLoaded(source: LoadedPlugin | PluginSource): source is LoadedPlugin {
  return typeof source === "object" && !(source instanceof URL) && "descriptor" in source;
}

/** A device whose backend runs in a sandboxed Worker. */
export class PluginDevice implements VirtioDevice {
  /** Virtio device type. */
  readonly deviceId: number;
  /** Device features. */
  features = 0n;
  /** PCI class and subclass the plugin computed for this instance, if it does. */
  pciClass: number | undefined;
  /** Maximum queue sizes. */
  queueSizes: readonly number[] = [];
  /** Bytes of configuration space. */
  configSize = 0;
  /** The plugin's description. */
  readonly descriptor: PluginDescriptor;
  /** Device id used in messages. */
  readonly id: string;
  /** Resolves when the first sandbox is ready; rejects if it fails to start. */
  readonly started: Promise<void>;
  readonly #plugin: LoadedPlugin;
  readonly #props: Record<string, PropertyValue>;
  readonly #options: StartPluginOptions;
  readonly #memory: SharedArrayBuffer;
  readonly #report: (line: string) => void;
  /** One per `chardev` property; they outlive restarts of the sandbox. */
  readonly #chardevs: Record<string, ChardevBridge>;
  readonly #bridges: readonly ChardevBridge[];
  #sandbox: Sandbox | undefined;
  #control: ControlBlock | undefined;
  #config: Uint8Array<SharedArrayBuffer> = new Uint8Array(new SharedArrayBuffer(0));
  #configView: DataView<SharedArrayBuffer> = new DataView(new SharedArrayBuffer(0));
  #dirty: DirtyPages | undefined;
  #ctx: VirtioActivation | undefined;
  #failure: string | undefined;
  #restarts = 0;
  /** Counts sandboxes started; a fault from an earlier one (already replaced) only reports. */
  #generation = 0;
  #running = false;
  /** The generation whose fault detail has been reported. */
  #reportedGeneration = -1;
  #closed = false;
  /** `SIGNAL` as the last {@link PluginDevice.pollInterrupts} found it, and in which block. */
  #signalSeen = 0;
  #signalled: ControlBlock | undefined;
  #logBudget = LOG_LINES_PER_SECOND;
  #logWindow = 0;

  /** Use {@link startPluginDevice}, which waits for `started`. */
  constructor(
    plugin: LoadedPlugin,
    props: Record<string, PropertyValue>,
    options: StartPluginOptions,
  ) {
    this.#plugin = plugin;
    this.descriptor = describeDevice(plugin.descriptor);
    this.deviceId = this.descriptor.deviceId;
    this.id = options.id ?? this.descriptor.name;
    // Defaults for what the caller left out (DeviceRegistry.resolve has applied them already).
    this.#props = { ...schemaDefaults(this.descriptor), ...props };
    this.#options = options;
    this.#report = options.report ?? ((line) => console.error(line));
    const memory = options.memory instanceof WebAssembly.Memory
      ? options.memory.buffer
      : options.memory;
    if (!(memory instanceof SharedArrayBuffer)) {
      throw new Error("guest RAM must be a shared WebAssembly.Memory or SharedArrayBuffer");
    }
    if (!Number.isSafeInteger(options.ramSize) || options.ramSize <= 0) {
      throw new RangeError(`RAM size ${options.ramSize} must be a positive integer`);
    }
    if (options.ramSize > memory.byteLength) {
      throw new RangeError(`RAM size ${options.ramSize} exceeds the memory's ${memory.byteLength}`);
    }
    this.#memory = memory;
    this.#chardevs = openChardevBridges(
      this.descriptor.properties,
      this.#props,
      options.backends?.chardevs,
    );
    this.#bridges = Object.values(this.#chardevs);
    this.started = this.#launch(undefined);
  }

  /** Why the device stopped, until a reset restarts it; undefined while it runs. */
  get failure(): string | undefined {
    return this.#failure;
  }

  /** Reads configuration space from shared memory: no round trip to the plugin. */
  readConfig(offset: number, size: 1 | 2 | 4): number {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.#config.length) return 0;
    const v = this.#configView;
    return size === 1
      ? v.getUint8(offset)
      : size === 2
      ? v.getUint16(offset, true)
      : v.getUint32(offset, true);
  }

  /** Hands a configuration write to the plugin's `writeConfig` handler, if it has one. */
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.configSize) return;
    if (this.#failure) return;
    this.#sandbox?.post({ type: "writeConfig", offset, size, value: value >>> 0 });
  }

  /** Publishes the activation to the plugin; a failed device fails the activation at once. */
  activate(ctx: VirtioActivation): void {
    this.#ctx = ctx;
    if (this.#failure) {
      ctx.fail(this.#failure);
      return;
    }
    this.#control?.requestActivate(ctx.features, ctx.queues);
  }

  /** Doorbell: marks the queue kicked and wakes the plugin. */
  notify(index: number): void {
    if (this.#failure || !this.#control) return;
    if (!Number.isInteger(index) || index < 0 || index >= this.queueSizes.length) return;
    this.#control.ring(index);
  }

  /**
   * Resets the device. A running plugin drops its queues before this returns (bounded by
   * `resetWaitMs`; a plugin that does not answer is stopped as hung). A failed plugin is started
   * afresh, up to `maxRestarts` times.
   */
  reset(): void {
    this.#ctx = undefined;
    const cb = this.#control;
    if (this.#closed) return;
    if (this.#failure) {
      if (this.#restarts < (this.#options.maxRestarts ?? 3)) {
        this.#restarts++;
        this.#generation++;
        this.#failure = undefined;
        // The new block exists before the sandbox does, so that the driver's re-activation and
        // doorbells, which may come before the plugin is up again, wait there for it.
        this.#share(ControlBlock.create(this.queueSizes.length));
        const shape = {
          features: this.features,
          queueSizes: this.queueSizes,
          configSize: this.configSize,
        };
        this.#launch(shape).catch(() => {});
      }
      return;
    }
    if (!cb) return;
    const gen = cb.requestReset();
    // A sandbox still starting applies the request when it comes up; nothing to wait for.
    if (!this.#running) {
      cb.clearInterrupts();
      return;
    }
    const deadline = performance.now() + (this.#options.resetWaitMs ?? 500);
    for (;;) {
      const applied = Atomics.load(cb.words, CB.APPLIED_GEN);
      if (applied === gen || cb.fault()) break;
      const left = deadline - performance.now();
      if (left <= 0) {
        this.#fail(
          { code: FaultCode.HUNG, queue: -1, detail: "it did not finish a reset" },
          this.#generation,
        );
        break;
      }
      Atomics.wait(cb.words, CB.APPLIED_GEN, applied, left);
    }
    cb.clearInterrupts();
  }

  /**
   * Delivers what the plugin requested since the last call: queue and configuration interrupts
   * through the activation, written guest pages to `onGuestWrite`, and a fault as `fail()`.
   * The board calls it between CPU slices; it also runs by itself when the plugin signals while
   * the VMM thread is idle. Returns the number of interrupts delivered.
   */
  pollInterrupts(): number {
    for (const bridge of this.#bridges) bridge.pump();
    const cb = this.#control;
    if (!cb) return 0;
    // The plugin sets interrupt and fault bits before it bumps SIGNAL: with SIGNAL where the
    // last call left it, none are new, and only written pages may be (the board polls every
    // device between CPU slices, so this is the common case). Read before the bits are taken,
    // so that waitForSignal also sees the requests that come after.
    const signal = Atomics.load(cb.words, CB.SIGNAL);
    if (signal === this.#signalSeen && cb === this.#signalled) {
      this.#drainDirty();
      return 0;
    }
    this.#signalSeen = signal;
    this.#signalled = cb;
    const fault = cb.fault();
    if (fault && !this.#failure) {
      this.#fail({ code: fault.code, queue: fault.queue, detail: "" }, this.#generation);
    }
    this.#drainDirty();
    if (this.#failure) return 0;
    const ctx = this.#ctx;
    const queues = cb.takeQueueInterrupts();
    const config = cb.takeConfigInterrupt();
    if (!ctx) return 0;
    for (const index of queues) ctx.interruptQueue(index);
    if (config) ctx.interruptConfig();
    return queues.length + (config ? 1 : 0);
  }

  #drainDirty(): void {
    if (this.#dirty && this.#options.onGuestWrite) {
      for (const page of this.#dirty.drain()) this.#options.onGuestWrite(page);
    }
  }

  /**
   * Blocks the calling thread until the plugin signals (requests an interrupt, or faults) after
   * the last {@link PluginDevice.pollInterrupts}, or `timeoutMs` passes; returns whether it
   * signalled. For a VMM thread with nothing to run until a device completes something: unlike
   * the idle watcher, which resolves through the event loop, this wakes within tens of µs.
   * A completion for which the driver asked no interrupt (§2.6.7.2) does not end the wait. It
   * returns true at once when the sandbox was restarted since that call: poll it first.
   */
  waitForSignal(timeoutMs: number): boolean {
    const cb = this.#control;
    if (!cb || this.#failure) return false;
    if (cb !== this.#signalled) return true;
    return Atomics.wait(cb.words, CB.SIGNAL, this.#signalSeen, timeoutMs) !== "timed-out";
  }

  /** The control block's header words, for diagnostics. */
  debugState(): string {
    const cb = this.#control;
    if (!cb) return "no control block";
    return Object.entries(CB).map(([name, word]) => `${name}=${cb.load(word)}`).join(" ");
  }

  /** Stops the sandbox for good. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#control = undefined;
    for (const bridge of this.#bridges) bridge.close();
    await this.#sandbox?.close();
  }

  /** Stops the sandbox for good (`await using device = ...`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #launch(known: DeviceShape | undefined): Promise<void> {
    const grants = pluginGrants(this.descriptor.properties, this.#props, this.#options.backends);
    const watchdogMs = this.#options.watchdogMs ?? 2000;
    const generation = this.#generation;
    const sandbox = await Sandbox.open({
      mode: "run",
      plugin: this.#plugin.bundle,
      props: this.#props,
      grants,
      watchdogMs,
      memoryLimitMb: this.#options.memoryLimitMb ?? 256,
      startTimeoutMs: this.#options.startTimeoutMs ?? 10000,
      heartbeatMs: Math.min(HEARTBEAT_MS, Math.max(5, watchdogMs >> 3)),
    });
    this.#sandbox = sandbox;
    sandbox.onLog = (text) => this.#log(text);
    // The shell's fault message can arrive after a reset has already started the next sandbox:
    // #fail then only reports it, and the new sandbox keeps running.
    sandbox.onFault = (fault) => this.#fail(fault, generation);
    try {
      const described = await sandbox.described();
      const descriptor = describeDevice(described.descriptor);
      if (descriptor.name !== this.descriptor.name) {
        throw new Error(`it now says it is '${descriptor.name}'`);
      }
      const shape = checkShape(described.shape, descriptor.name);
      if (known && JSON.stringify(shapeKey(known)) !== JSON.stringify(shapeKey(shape))) {
        throw new Error("its features, queues or configuration size changed on restart");
      }
      if (this.#closed) throw new Error("the device was closed");
      if (!known) {
        this.features = shape.features;
        this.queueSizes = shape.queueSizes;
        this.configSize = shape.configSize;
        this.pciClass = shape.pciClass;
        this.#share(ControlBlock.create(shape.queueSizes.length));
      }
      const control = this.#control!;
      this.#running = false;
      await sandbox.start({
        type: "start",
        control: control.buffer,
        queueCount: shape.queueSizes.length,
        config: this.#config.buffer,
        dirty: this.#dirty!.buffer,
        memory: this.#memory,
        ramSize: this.#options.ramSize,
        chardevs: Object.fromEntries(
          Object.entries(this.#chardevs).map(([name, bridge]) => [name, bridge.buffer]),
        ),
      });
      this.#running = this.#control === control;
    } catch (e) {
      await sandbox.close();
      const message = `device '${this.id}' (${this.descriptor.name}): cannot start: ${
        (e as Error).message
      }`;
      if (generation === this.#generation) this.#failure ??= message;
      throw new Error(message);
    }
  }

  /** Installs a fresh control block, configuration space and dirty bitmap. */
  #share(control: ControlBlock): void {
    this.#running = false;
    const config = new SharedArrayBuffer(this.configSize);
    this.#control = control;
    this.#config = new Uint8Array(config);
    this.#configView = new DataView(config);
    this.#dirty = DirtyPages.create(this.#options.ramSize);
    this.#watchSignals(control);
  }

  /** Runs `pollInterrupts` whenever the plugin signals, for when nobody else polls. */
  #watchSignals(control: ControlBlock): void {
    const loop = async () => {
      let seen = Atomics.load(control.words, CB.SIGNAL);
      while (this.#control === control && !this.#closed) {
        const waiting = Atomics.waitAsync(control.words, CB.SIGNAL, seen);
        if (waiting.async) await waiting.value;
        seen = Atomics.load(control.words, CB.SIGNAL);
        if (this.#control === control) this.pollInterrupts();
      }
    };
    loop();
  }

  /** Records a fault of the sandbox of `generation`; one already replaced by a reset only reports. */
  #fail(fault: SandboxFault, generation: number): void {
    if (this.#closed) return;
    const where = fault.queue >= 0 ? ` on queue ${fault.queue}` : "";
    const reason = `${FAULT_TEXT[fault.code] ?? "the plugin failed"}${where}`;
    const current = generation === this.#generation;
    if (current && !this.#failure) {
      this.#failure = reason;
      this.#ctx?.fail(reason);
      const sandbox = this.#sandbox;
      if (fault.detail !== "") {
        sandbox?.stop(fault.code, fault.detail);
      } else {
        // Seen in the control block: the shell is already stopping the plugin and will send the
        // detail. Stop it from here only if the shell does not.
        const timer = setTimeout(() => sandbox?.stop(fault.code, reason), 1000);
        Deno.unrefTimer(timer);
      }
    }
    // The detail comes with the shell's message; the control-block path only knows the code.
    if (fault.detail !== "" && this.#reportedGeneration !== generation) {
      this.#reportedGeneration = generation;
      this.#report(
        `deno-vmm: device '${this.id}' (${this.descriptor.name}): ${reason}: ${fault.detail}; ` +
          "device set to NEEDS_RESET",
      );
    }
  }

  #log(text: string): void {
    const now = Math.floor(performance.now() / 1000);
    if (now !== this.#logWindow) {
      if (this.#logBudget < 0) this.#report(`device '${this.id}': log lines dropped`);
      this.#logWindow = now;
      this.#logBudget = LOG_LINES_PER_SECOND;
    }
    if (this.#logBudget-- > 0) this.#report(`device '${this.id}': ${text.slice(0, 1000)}`);
  }
}

function schemaDefaults(d: PluginDescriptor): Record<string, PropertyValue> {
  const out: Record<string, PropertyValue> = {};
  for (const [name, spec] of Object.entries(d.properties)) {
    if ("default" in spec && spec.default !== undefined) out[name] = spec.default;
  }
  return out;
}

function shapeKey(s: DeviceShape): unknown[] {
  return [s.features.toString(), [...s.queueSizes], s.configSize];
}

/**
 * The sandboxed-Worker variant of the virtqueue rigs: the device half runs in a plugin Worker
 * (bench/_sink_plugin.ts, started with `startPluginDevice`), the driver half is the MockDriver on
 * the VMM thread, in the same shared WebAssembly.Memory. A kick is the proxy's `notify` (an
 * Atomics doorbell into the Worker); completions are seen in the used ring, and interrupt requests
 * come back through `pollInterrupts()`, as the board delivers them between CPU slices.
 *
 * Starting a sandbox is asynchronous and takes about a second, while `VirtqueueVariant.open` is
 * synchronous and the virtqueue benchmark has no set-up or tear-down step for a variant. So the
 * devices are started beforehand by {@link WorkerVariant.start}, and `open` hands out one of them
 * reset and activated for a new queue; {@link WorkerVariant.close} stops them all.
 *
 * While it waits for the device, the driver polls `used.idx` (as a busy guest driver polls its
 * queue): the figures are the device's turnaround, not the VMM thread's wake-up latency. Past
 * half a millisecond it sleeps until the device requests an interrupt (bounded, since with
 * EVENT_IDX not every completion requests one), so that on a machine with more threads than
 * cores the Worker is not kept off one by the driver's spinning. Short timed naps instead would
 * be worse there: a thread that wakes every few tens of µs by itself is, under Linux's EEVDF
 * scheduler, not the one that gets a core when the device's work is done. On such a machine
 * (this one is shared) the figures are the scheduler's as much as the device's.
 *
 * @module
 */

import { createGuestRam, type GuestRam, MockDriver } from "../plugins/virtqueue/mod.ts";
import {
  checkDefinition,
  describeDevice,
  featureBit,
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_VERSION_1,
} from "../plugins/sdk/mod.ts";
import type { VirtioActivation } from "../plugins/sdk/mod.ts";
import {
  bundlePlugin,
  type LoadedPlugin,
  type PluginDevice,
  startPluginDevice,
} from "../plugins/sandbox/mod.ts";
import sink from "./_sink_plugin.ts";
import {
  type QueueRig,
  type RigCounts,
  type RigOptions,
  type VirtqueueVariant,
  writeRequestSlots,
} from "./virtqueue.ts";

/** Options of {@link WorkerVariant.start}. */
export interface WorkerVariantOptions {
  /** Devices started: how many rigs may be open at once. @default 1 */
  devices?: number;
  /** Largest request a rig may be opened with, bytes. @default 1 MiB */
  maxRequestSize?: number;
  /** Longest one batch may wait for its completions before the exchange throws. @default 5000 */
  timeoutMs?: number;
}

/** Options of {@link WorkerVariant.open}. */
export interface WorkerRigOptions extends RigOptions {
  /**
   * Batches the driver keeps offered at once: with 2, it offers the next batch while the device
   * works on the previous one, as a guest driver with more requests queued does. @default 1
   */
  inFlight?: number;
}

/** The plugin module run in the Worker. */
export const SINK_PLUGIN: URL = new URL("./_sink_plugin.ts", import.meta.url);

const QUEUE_SIZE = 256;
const RING_BASE = 0x1000;
/** Rings, status bytes and alignment slack below the request buffer (as the in-process rig). */
const RING_AREA = 0x20000;
const STATUS_UNSET = 0xff;
/** How long the driver polls the used ring before it starts to sleep between looks. */
const SPIN_MS = 0.5;
/** Longest sleep between looks when no interrupt comes (one may not be due). */
const SLEEP_MS = 1;

let sinkPlugin: Promise<LoadedPlugin> | undefined;

/**
 * The sink plugin, bundled once per process. It is this repository's own module, so its
 * description is read by importing it here instead of in a sandbox of its own (`loadPlugin`),
 * which would add a second sandbox start; bench/plugin_startup.ts times that path.
 */
function loadSink(): Promise<LoadedPlugin> {
  sinkPlugin ??= bundlePlugin(SINK_PLUGIN).then((bundle) => ({
    bundle,
    descriptor: describeDevice(checkDefinition(sink)),
  }));
  sinkPlugin.catch(() => sinkPlugin = undefined);
  return sinkPlugin;
}

/** One started device and the guest RAM it serves. */
interface Slot {
  device: PluginDevice;
  ram: GuestRam;
}

/** Device halves in plugin Workers, handed out to rigs one at a time each. */
export class WorkerVariant implements VirtqueueVariant, AsyncDisposable {
  /** Name used in figure labels. */
  readonly name = "worker";
  /** Largest request a rig may be opened with, bytes. */
  readonly maxRequestSize: number;
  readonly #slots: Slot[];
  readonly #free: Slot[];
  readonly #timeoutMs: number;
  #closed = false;

  private constructor(slots: Slot[], maxRequestSize: number, timeoutMs: number) {
    this.#slots = slots;
    this.#free = [...slots];
    this.maxRequestSize = maxRequestSize;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Starts `devices` sink plugins, each on its own guest RAM; resolves when all are ready. Bad
   * options throw RangeError; a device that fails to start stops the others and rejects.
   */
  static async start(options: WorkerVariantOptions = {}): Promise<WorkerVariant> {
    const count = options.devices ?? 1;
    const maxRequestSize = options.maxRequestSize ?? 1 << 20;
    const timeoutMs = options.timeoutMs ?? 5000;
    if (!Number.isInteger(count) || count < 1 || count > 8) {
      throw new RangeError(`devices ${count} must be an integer in 1..8`);
    }
    if (!Number.isInteger(maxRequestSize) || maxRequestSize < 1 || maxRequestSize > 64 << 20) {
      throw new RangeError(`maxRequestSize ${maxRequestSize} must be an integer in 1..64 MiB`);
    }
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs ${timeoutMs} must be positive`);
    const plugin = await loadSink();
    const started = await Promise.allSettled(
      Array.from({ length: count }, async (_, i): Promise<Slot> => {
        const ram = createGuestRam(RING_AREA + maxRequestSize);
        const device = await startPluginDevice(plugin, { buffer: maxRequestSize }, {
          memory: ram.u8.buffer as SharedArrayBuffer,
          ramSize: ram.size,
          id: `bench-sink-${i}`,
        });
        return { device, ram };
      }),
    );
    const slots = started.flatMap((r) => r.status === "fulfilled" ? [r.value] : []);
    const failed = started.find((r) => r.status === "rejected");
    if (failed) {
      await Promise.all(slots.map((s) => s.device.close()));
      throw failed.reason;
    }
    return new WorkerVariant(slots, maxRequestSize, timeoutMs);
  }

  /**
   * Builds a rig on a free device: resets it, lays out a fresh queue and activates it. Throws
   * when every device is in use, the variant is closed, or the options are out of range.
   */
  open(options: WorkerRigOptions): QueueRig {
    const { requestSize, batch } = options;
    const inFlight = options.inFlight ?? 1;
    if (this.#closed) throw new Error("the worker variant is closed");
    if (!Number.isInteger(inFlight) || inFlight < 1) {
      throw new RangeError(`inFlight ${inFlight} must be a positive integer`);
    }
    if (!Number.isInteger(batch) || batch < 1 || 2 * batch * inFlight > QUEUE_SIZE) {
      throw new RangeError(`batch ${batch} × ${inFlight} in flight out of range`);
    }
    if (!Number.isInteger(requestSize) || requestSize < 1 || requestSize > this.maxRequestSize) {
      throw new RangeError(`request size ${requestSize} out of 1..${this.maxRequestSize}`);
    }
    const slot = this.#free.pop();
    if (!slot) throw new Error(`all ${this.#slots.length} worker devices are in use`);
    try {
      return new WorkerRig(slot, options, this.#timeoutMs, () => this.#free.push(slot));
    } catch (e) {
      slot.device.reset();
      this.#free.push(slot);
      throw e;
    }
  }

  /** Stops every device's Worker. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#free.length = 0;
    await Promise.all(this.#slots.map((s) => s.device.close()));
  }

  /** Stops every device's Worker (`await using variant = ...`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** One queue between the MockDriver here and the sink plugin in its Worker. */
class WorkerRig implements QueueRig {
  readonly counts: RigCounts = { requests: 0, kicks: 0, interrupts: 0 };
  readonly #device: PluginDevice;
  readonly #driver: MockDriver;
  readonly #batch: number;
  readonly #slots: number;
  readonly #requestSize: number;
  readonly #timeoutMs: number;
  readonly #release: () => void;
  #failure: string | undefined;
  /** Requests offered since activation; request r sits in slot r % #slots. */
  #offered = 0;
  /** `used.idx` as far as the driver has read it. */
  #usedIdx = 0;
  #closed = false;

  constructor(slot: Slot, options: WorkerRigOptions, timeoutMs: number, release: () => void) {
    const { requestSize, eventIdx, batch } = options;
    const { device, ram } = slot;
    this.#device = device;
    this.#batch = batch;
    this.#slots = batch * (options.inFlight ?? 1);
    this.#requestSize = requestSize;
    this.#timeoutMs = timeoutMs;
    this.#release = release;
    // The previous rig's queue is dropped before its rings are overwritten.
    device.reset();
    const driver = new MockDriver(ram, { size: QUEUE_SIZE, base: RING_BASE, eventIdx });
    this.#driver = driver;
    const data = driver.alloc(requestSize);
    const status = driver.alloc(this.#slots);
    ram.u8.fill(STATUS_UNSET, status, status + this.#slots);
    // Posted once and re-offered, as in the in-process rig.
    writeRequestSlots(ram, driver, { data, status, requestSize, slots: this.#slots });
    const features = featureBit(VIRTIO_F_VERSION_1) |
      (eventIdx ? featureBit(VIRTIO_F_EVENT_IDX) : 0n);
    const counts = this.counts;
    const ctx: VirtioActivation = {
      features,
      queues: [{ index: 0, size: QUEUE_SIZE, ...driver.layout, legacy: false }],
      interruptQueue: () => counts.interrupts++,
      interruptConfig: () => {},
      fail: (reason) => this.#failure ??= reason,
    };
    device.activate(ctx);

    // One exchange checked end to end, so a broken path fails here rather than measuring fast.
    this.exchange(1);
    this.#waitFor(() => device.readConfig(0, 4) === 1, "report");
    const seen = [device.readConfig(4, 4), device.readConfig(8, 4), device.readConfig(12, 4)];
    const sent = [requestSize, ram.u8[data], ram.u8[data + requestSize - 1]];
    if (seen.some((v, i) => v !== sent[i]) || ram.u8[status] !== 0) {
      throw new Error(
        `the device did not receive the request bytes: got ${seen}, sent ${sent}, ` +
          `status ${ram.u8[status]}`,
      );
    }
    // The check's own interrupt request, if one was due, is raised by now: take it out of the
    // way before counting starts.
    device.pollInterrupts();
    counts.requests = counts.kicks = counts.interrupts = 0;
  }

  exchange(count: number): number {
    if (this.#closed) throw new Error("the rig is closed");
    const driver = this.#driver;
    const batch = this.#batch;
    // Requests of this call offered and returned; at most #slots are outstanding at a time.
    let offered = 0;
    let returned = 0;
    while (returned < count) {
      while (offered < count) {
        const n = Math.min(batch, count - offered);
        if (offered - returned + n > this.#slots) break;
        this.#offer(n);
        offered += n;
      }
      // Wait until the oldest batch is back (room for the next one), or for all of them.
      const next = Math.min(batch, count - offered);
      const wanted = (offered < count ? offered + next - this.#slots : offered) - returned;
      const from = this.#usedIdx;
      this.#waitFor(() => ((driver.usedIdx - from) & 0xffff) >= wanted, "used buffers", {
        usedEvent: (from + wanted - 1) & 0xffff,
      });
      const used = driver.getUsed().length;
      if (used > offered - returned) {
        throw new Error(`${offered - returned} requests outstanding, ${used} returned`);
      }
      returned += used;
      this.#usedIdx = (from + used) & 0xffff;
      // What the board does between CPU slices: deliver the interrupts the device requested.
      this.#device.pollInterrupts();
    }
    this.counts.requests += count;
    return count * this.#requestSize;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#device.reset();
    this.#release();
  }

  /** Offers the next `n` request slots and kicks if the device asks for it (§2.6.10.1). */
  #offer(n: number): void {
    const driver = this.#driver;
    for (let i = 0; i < n; i++) driver.pushAvail(2 * ((this.#offered + i) % this.#slots));
    this.#offered += n;
    if (driver.kick()) {
      this.counts.kicks++;
      this.#device.notify(0);
    }
  }

  /**
   * Spins until `done()` holds, then sleeps until the device signals once the wait is long (so
   * that on a busy machine the Worker gets the core); throws if the device failed or the timeout
   * passed. With EVENT_IDX, `usedEvent` is the used-ring index whose completion ends the wait:
   * before sleeping, the driver asks for its interrupt there (§2.6.7.1, as Linux's
   * `virtqueue_enable_cb_delayed` does) rather than at the next completion, which would wake it
   * while the rest of the batch is still being served.
   */
  #waitFor(done: () => boolean, what: string, options: { usedEvent?: number } = {}): void {
    if (done()) return;
    const start = performance.now();
    for (let spins = 1; !done(); spins++) {
      if ((spins & 0x3ff) !== 0) continue;
      // Faults come back through the control block, which pollInterrupts reads; it also marks
      // where waitForSignal starts to wait from.
      this.#device.pollInterrupts();
      const failure = this.#failure ?? this.#device.failure;
      if (failure) throw new Error(`device '${this.#device.id}' failed: ${failure}`);
      const waited = performance.now() - start;
      if (waited > this.#timeoutMs) {
        throw new Error(
          `no ${what} from device '${this.#device.id}' within ${this.#timeoutMs} ms ` +
            `(${this.#device.debugState()})`,
        );
      }
      if (waited <= SPIN_MS) continue;
      if (options.usedEvent !== undefined && this.#driver.eventIdx) {
        this.#driver.setUsedEvent(options.usedEvent);
      }
      // Looked at again after the request, so that a completion that came before it is not
      // slept through.
      if (!done()) this.#device.waitForSignal(SLEEP_MS);
    }
  }
}

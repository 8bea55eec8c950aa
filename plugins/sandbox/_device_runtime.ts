/**
 * The device side of a sandbox, bundled into one module and run in a `node:worker_threads`
 * Worker (for its V8 heap limit) inside the permission-restricted shell Worker. It imports the
 * plugin, builds the backend's environment and serves the control block: requests, doorbells,
 * heartbeat. Everything secret (control block, dirty bitmap) arrives on a private port before
 * the plugin's code runs, so the plugin cannot reach it.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { parentPort } from "node:worker_threads";
import type { MessagePort as NodeMessagePort } from "node:worker_threads";
import { checkDefinition, deviceShape, isPluginDefinition } from "../sdk/define_device.ts";
import type { DeviceEnv, DeviceHandlers, NetdevEndpoint } from "../sdk/device_env.ts";
import { DriveFile } from "../sdk/drive_file.ts";
import { hasFeature, VIRTIO_F_EVENT_IDX, VIRTIO_F_INDIRECT_DESC } from "../sdk/feature_bits.ts";
import type { PropertyValue } from "../schema/mod.ts";
import type { GuestRam } from "../virtqueue/guest_ram.ts";
import { Virtqueue } from "../virtqueue/virtqueue.ts";
import { CB, ControlBlock, DeviceRequest, type FaultCode } from "./control_block.ts";
import { ChardevEndpoint } from "./chardev_bridge.ts";
import { DirtyPages } from "./dirty_pages.ts";
import { DoorbellWait } from "./_doorbell_wait.ts";
import type { BootMessage, RuntimeToShell, StartMessage } from "./_protocol.ts";

const THREW: FaultCode = 1;
const RING: FaultCode = 4;

// Taken before the plugin runs, so that it cannot swap them to forge heartbeats or hide memory.
const memoryUsage = Deno.memoryUsage.bind(Deno);
const startInterval = setInterval;
const now = performance.now.bind(performance);
const nextTurn = setImmediate;
Object.freeze(Atomics);

let port: NodeMessagePort;
let stopped = false;

parentPort!.once("message", (boot: BootMessage) => {
  port = boot.port as unknown as NodeMessagePort;
  main(boot).catch((e) => fault(THREW, -1, e));
});

function send(message: RuntimeToShell): void {
  try {
    port.postMessage(message);
  } catch { /* the shell is gone */ }
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

function isRingError(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as Error).name === "VirtqueueError";
}

let control: ControlBlock | undefined;

function fault(code: FaultCode, queue: number, e: unknown): void {
  if (stopped) return;
  stopped = true;
  const kind = isRingError(e) ? RING : code;
  send({ type: "fault", code: kind, queue, detail: errorText(e) });
  control?.setFault(kind, queue);
}

async function main(boot: BootMessage): Promise<void> {
  pinForTermination();
  silenceStdio();
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    fault(THREW, -1, event.error ?? event.message);
  });
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    fault(THREW, -1, event.reason);
  });
  const mod = await import("data:text/javascript;base64," + boot.pluginBase64);
  const definition = mod.default;
  if (!isPluginDefinition(definition)) {
    throw new Error("the module's default export is not a defineDevice() result");
  }
  const descriptor = checkDefinition(definition);
  if (boot.mode === "inspect") {
    send({ type: "described", descriptor });
    return;
  }
  const shape = deviceShape(definition, boot.props);
  const startPromise = new Promise<StartMessage>((resolve) => {
    port.once("message", resolve);
  });
  send({ type: "described", descriptor, shape });
  const start = await startPromise;
  await run(definition.backend, boot, start, shape.queueSizes);
}

/**
 * Holds a Web Lock for the Worker's lifetime. Deno halts a busy `node:worker_threads` Worker on
 * `terminate()` only when it holds a lock (runtime/ops/worker_host.rs, `WorkerThread::drop`);
 * without one, a plugin spinning in a loop would keep its thread running forever. The lock API
 * is then taken away so the plugin cannot release or steal it.
 */
function pinForTermination(): void {
  const locks =
    (navigator as { locks?: { request(name: string, cb: () => Promise<void>): unknown } })
      .locks;
  if (!locks) throw new Error("this Deno has no Web Locks: a busy plugin could not be stopped");
  locks.request(`deno-vmm-sandbox-${crypto.randomUUID()}`, () => new Promise<void>(() => {}));
  const proto = Object.getPrototypeOf(locks) as Record<string, unknown>;
  const refuse = () => Promise.reject(new Error("Web Locks are not available to device plugins"));
  for (const name of ["request", "query"]) {
    Object.defineProperty(proto, name, { value: refuse, writable: false, configurable: false });
  }
  Object.freeze(proto);
}

/** Console output and Deno.stdout/stderr go to the VMM's log, not the guest's console. */
function silenceStdio(): void {
  const toLog = (...args: unknown[]) => {
    send({ type: "log", text: args.map((a) => typeof a === "string" ? a : String(a)).join(" ") });
  };
  for (const name of ["log", "info", "debug", "warn", "error", "trace"] as const) {
    (console as unknown as Record<string, unknown>)[name] = toLog;
  }
  const decoder = new TextDecoder();
  const sink = {
    writeSync: (b: Uint8Array) => (toLog(decoder.decode(b)), b.length),
    write: (b: Uint8Array) => Promise.resolve((toLog(decoder.decode(b)), b.length)),
  };
  for (const name of ["stdout", "stderr"]) {
    Object.defineProperty(Deno, name, { value: sink, writable: false, configurable: false });
  }
}

async function run(
  backend: (
    props: Record<string, PropertyValue>,
    env: DeviceEnv,
  ) => DeviceHandlers | Promise<DeviceHandlers>,
  boot: BootMessage,
  start: StartMessage,
  queueSizes: readonly number[],
): Promise<void> {
  const cb = new ControlBlock(start.control, start.queueCount);
  control = cb;
  const dirty = new DirtyPages(start.dirty);
  const ram: GuestRam = {
    u8: new Uint8Array(start.memory),
    view: new DataView(start.memory),
    size: start.ramSize,
    onWrite: (addr, length) => dirty.mark(addr, length),
  };
  const config = new Uint8Array(start.config);
  const fresh = () => queueSizes.map((size) => new Virtqueue(ram, size));
  let queues = fresh();
  let features = 0n;
  const files: Record<string, DriveFile> = {};
  for (const [name, f] of Object.entries(boot.files)) {
    files[name] = new DriveFile(f.path, { readonly: f.readonly });
  }
  const checkIndex = (index: number) => {
    if (!Number.isInteger(index) || index < 0 || index >= queues.length) {
      throw new RangeError(`queue ${index} does not exist (the device has ${queues.length})`);
    }
  };
  const env: DeviceEnv = {
    memory: ram,
    queue(index) {
      checkIndex(index);
      return queues[index];
    },
    interrupt(index) {
      checkIndex(index);
      cb.raiseQueue(index);
    },
    signalUsed(index) {
      checkIndex(index);
      if (!queues[index].needsNotification()) return false;
      cb.raiseQueue(index);
      return true;
    },
    configChanged: () => cb.raiseConfig(),
    config,
    configView: new DataView(start.config),
    files: Object.freeze(files),
    netdevs: Object.freeze({ ...boot.netdevs }) as Record<string, NetdevEndpoint>,
    chardevs: Object.freeze(
      Object.fromEntries(
        Object.entries(start.chardevs ?? {}).map(([name, b]) => [name, new ChardevEndpoint(b)]),
      ),
    ),
    get features() {
      return features;
    },
    log: (message) => send({ type: "log", text: String(message) }),
  };
  const handlers = await backend(boot.props, env);
  for (const name of ["activate", "notify", "reset"] as const) {
    if (typeof handlers?.[name] !== "function") {
      throw new Error(`backend() must return handlers with ${name}()`);
    }
  }

  port.on("message", (m: { type: string; offset: number; size: 1 | 2 | 4; value: number }) => {
    if (m.type !== "writeConfig" || stopped || !handlers.writeConfig) return;
    try {
      handlers.writeConfig(m.offset, m.size, m.value);
    } catch (e) {
      fault(THREW, -1, e);
    }
  });

  const baseline = usedBytes();
  const beat = () => {
    if (stopped) return;
    Atomics.add(cb.words, CB.HEARTBEAT, 1);
    const mb = Math.max(0, Math.round((usedBytes() - baseline) / 0x100000));
    Atomics.store(cb.words, CB.MEMORY_MB, mb);
  };
  beat();
  startInterval(beat, boot.heartbeatMs);
  send({ type: "ready" });

  // A backend fed by the host's sockets or chardevs has events of its own to serve on the event
  // loop, which a nap in Atomics.wait would hold up; one driven by doorbells alone has none
  // while its handlers have nothing outstanding.
  const ownEvents = Object.keys(boot.netdevs).length > 0 ||
    Object.keys(start.chardevs ?? {}).length > 0;
  const doorbell = new DoorbellWait(cb.words, CB.WAKE, {
    now,
    turn: () => new Promise<void>((resolve) => nextTurn(resolve)),
    mayBlock: () => !ownEvents && outstanding === 0,
  });
  let active = false;
  let applied = Atomics.load(cb.words, CB.APPLIED_GEN);
  let served = -1;
  while (!stopped) {
    const wake = Atomics.load(cb.words, CB.WAKE);
    if (wake === served) {
      await doorbell.wait(wake);
      continue;
    }
    served = wake;
    // Most wake-ups are doorbells: the whole request (features, queue layouts) is read only
    // when its generation moved.
    const request = Atomics.load(cb.words, CB.REQ_GEN) === applied ? undefined : cb.readRequest();
    if (request && request.gen !== applied) {
      if (active) {
        active = false;
        for (const q of queues) q.reset();
        await call(() => handlers.reset(), -1);
      }
      if (request.state === DeviceRequest.ACTIVE && !stopped) {
        features = request.features;
        const options = {
          eventIdx: hasFeature(features, VIRTIO_F_EVENT_IDX),
          indirect: hasFeature(features, VIRTIO_F_INDIRECT_DESC),
        };
        queues = fresh();
        for (const q of request.queues) {
          if (q.index >= queues.length) continue;
          try {
            const queue = new Virtqueue(ram, q.size, options);
            queue.setLayout({ desc: q.desc, avail: q.avail, used: q.used });
            queues[q.index] = queue;
          } catch (e) {
            // A queue size or ring address the driver set that no queue can have (§2.6).
            const err = e instanceof Error ? e : new Error(String(e));
            err.name = "VirtqueueError";
            fault(RING, q.index, err);
          }
        }
        if (stopped) break;
        active = true;
        await call(() => handlers.activate(features, queues), -1);
      }
      applied = request.gen;
      cb.applied(applied);
    }
    // While inactive the doorbell bits stay set: one rung right after an activation this pass
    // has not seen yet belongs to that activation (the host clears them on reset).
    if (active) {
      for (const index of cb.takeKicks()) {
        if (stopped || index >= queues.length) continue;
        // Not awaited: an asynchronous backend runs its requests concurrently; only its
        // synchronous part counts against the watchdog.
        void call(() => handlers.notify(index), index);
      }
    }
    Atomics.store(cb.words, CB.WAKE_ACK, served);
    doorbell.worked();
  }
}

/** Handler calls whose promise has not settled yet. */
let outstanding = 0;

/**
 * Runs a handler; what it throws or rejects with is a fault. A synchronous handler (the common
 * case on the data path) is not wrapped in a promise.
 */
function call(fn: () => void | Promise<void>, queue: number): Promise<void> | undefined {
  try {
    const result = fn();
    if (!isThenable(result)) return undefined;
    outstanding++;
    return Promise.resolve(result).then(
      () => void outstanding--,
      (e) => {
        outstanding--;
        fault(THREW, queue, e);
      },
    );
  } catch (e) {
    fault(THREW, queue, e);
    return undefined;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null &&
    typeof (value as PromiseLike<unknown>).then === "function";
}

function usedBytes(): number {
  const m = memoryUsage();
  return m.heapUsed + m.external;
}

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

/**
 * A sandbox's shell: a Worker holding only the permissions the device's properties grant, whose
 * one job is to run the device runtime in a nested `node:worker_threads` Worker (which inherits
 * those permissions and gets a V8 heap limit), watch it, and stop it.
 *
 * The shell runs no plugin code, so its event loop stays free for the watchdog even when the
 * plugin hangs or the VMM thread is busy running the guest.
 *
 * @module
 */

import { MessageChannel, Worker as NodeWorker } from "node:worker_threads";
import { CB, ControlBlock, FaultCode } from "./control_block.ts";
import type { HostToShell, RuntimeToShell, ShellBoot, ShellToHost } from "./_protocol.ts";

let inner: NodeWorker | undefined;
let port: MessagePort | undefined;
let control: ControlBlock | undefined;
let boot: ShellBoot | undefined;
let stopping = false;
let ready = false;
let bootedAt = 0;

function send(message: ShellToHost): void {
  self.postMessage(message);
}

self.onmessage = (event: MessageEvent<HostToShell>) => {
  const m = event.data;
  if (m.type === "boot") {
    start(m);
  } else if (m.type === "start") {
    control = new ControlBlock(m.control, m.queueCount);
    port?.postMessage(m);
  } else if (m.type === "writeConfig") {
    port?.postMessage(m);
  } else if (m.type === "kill") {
    stop(m.code, -1, m.detail);
  }
};

function start(m: ShellBoot): void {
  boot = m;
  bootedAt = performance.now();
  const channel = new MessageChannel();
  port = channel.port1 as unknown as MessagePort;
  inner = new NodeWorker(new URL(`data:text/javascript;base64,${m.runtimeBase64}`), {
    resourceLimits: {
      maxOldGenerationSizeMb: m.memoryLimitMb,
      maxYoungGenerationSizeMb: Math.min(16, Math.max(1, m.memoryLimitMb >> 3)),
    },
  });
  channel.port1.on("message", (r: RuntimeToShell) => {
    if (stopping) return;
    if (r.type === "ready") ready = true;
    if (r.type === "fault") {
      stop(r.code, r.queue, r.detail);
      return;
    }
    send(r);
  });
  inner.on("error", (e: Error & { code?: string }) => {
    const code = e.code === "ERR_WORKER_OUT_OF_MEMORY"
      ? FaultCode.OUT_OF_MEMORY
      : e.name === "VirtqueueError"
      ? FaultCode.RING
      : FaultCode.THREW;
    stop(code, -1, `${e.name}: ${e.message}`);
  });
  inner.on("exit", (status: number) => {
    if (!stopping) stop(FaultCode.EXITED, -1, `its Worker exited with status ${status}`);
  });
  inner.postMessage({
    type: "boot",
    port: channel.port2,
    mode: m.mode,
    pluginBase64: m.pluginBase64,
    props: m.props,
    files: m.files,
    netdevs: m.netdevs,
    heartbeatMs: m.heartbeatMs,
  }, [channel.port2]);
  const tick = Math.max(10, Math.min(100, m.watchdogMs >> 2));
  setInterval(watch, tick);
}

/** Stops the runtime for `code` (the first reason wins) and tells the host why. */
function stop(code: FaultCode, queue: number, detail: string): void {
  if (stopping) return;
  stopping = true;
  control?.setFault(code, queue);
  send({ type: "fault", code, queue, detail });
  const worker = inner;
  inner = undefined;
  (worker ? worker.terminate() : Promise.resolve(0)).finally(() => send({ type: "stopped" }));
}

let faultSeen = 0;
let lastAck = -1;
let ackSince = 0;
let lastBeat = -1;
let beatSince = 0;
let rssAtBeat = 0;

/**
 * The watchdog. A doorbell not served, or an event loop that stops beating, for `watchdogMs`
 * is a hang. Memory is bounded three ways: V8's heap limit on the nested Worker (a hard stop),
 * the runtime's own heap-plus-external figure at each heartbeat, and, while the plugin is too
 * busy to beat, the process's resident size growing by more than the limit since its last beat
 * (ArrayBuffers live outside V8's heap limit, so a busy loop filling them needs this).
 */
function watch(): void {
  if (stopping || !boot) return;
  const now = performance.now();
  const limit = boot.watchdogMs;
  if (!ready || !control) {
    if (now - bootedAt > boot.startTimeoutMs) {
      stop(FaultCode.HUNG, -1, `it did not start within ${boot.startTimeoutMs} ms`);
    }
    return;
  }
  const cb = control;
  const existing = cb.fault();
  if (existing) {
    // The runtime records a fault and then sends its detail; give the message a tick to arrive.
    if (faultSeen++ > 0) stop(existing.code, existing.queue, "it stopped itself");
    return;
  }
  const wake = cb.load(CB.WAKE);
  const ack = cb.load(CB.WAKE_ACK);
  if (wake === ack || ack !== lastAck) {
    lastAck = ack;
    ackSince = now;
  } else if (now - ackSince > limit) {
    stop(FaultCode.HUNG, -1, `no progress on a doorbell for ${limit} ms`);
    return;
  }
  const beat = cb.load(CB.HEARTBEAT);
  if (beat !== lastBeat) {
    lastBeat = beat;
    beatSince = now;
    rssAtBeat = Deno.memoryUsage().rss;
  } else if (now - beatSince > limit) {
    stop(FaultCode.HUNG, -1, `its event loop was blocked for ${limit} ms`);
    return;
  }
  const budget = boot.memoryLimitMb;
  const used = cb.load(CB.MEMORY_MB);
  if (used > budget) {
    stop(FaultCode.OUT_OF_MEMORY, -1, `it holds ${used} MiB, more than its ${budget} MiB`);
    return;
  }
  if (now - beatSince > 2 * boot.heartbeatMs) {
    const grown = (Deno.memoryUsage().rss - rssAtBeat) / 0x100000;
    if (grown > budget) {
      stop(
        FaultCode.OUT_OF_MEMORY,
        -1,
        `the process grew by ${Math.round(grown)} MiB while it was busy (limit ${budget} MiB)`,
      );
    }
  }
}

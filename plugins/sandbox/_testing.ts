/** Guest RAM, a mock driver and a recording activation for this directory's tests. */

import { createGuestRam, type GuestRam, MockDriver } from "../virtqueue/mod.ts";
import type { VirtioActivation } from "../sdk/virtio_device.ts";
import type { PluginDevice } from "./plugin_device.ts";

/** RAM for one device and its driver. */
export function testRam(size = 0x40000): GuestRam {
  return createGuestRam(size);
}

/** An activation that records interrupts and failures. */
export interface RecordingActivation extends VirtioActivation {
  /** Queue interrupts, in order. */
  readonly interrupts: number[];
  /** Configuration interrupts. */
  configInterrupts: number;
  /** Reasons given to `fail()`. */
  readonly failures: string[];
}

/** Activates `device` with one queue laid out by `driver`. */
export function activate(
  device: PluginDevice,
  driver: MockDriver,
  features = 0n,
): RecordingActivation {
  const ctx: RecordingActivation = {
    features,
    queues: [{ index: 0, size: driver.size, ...driver.layout, legacy: false }],
    interrupts: [],
    configInterrupts: 0,
    failures: [],
    interruptQueue(index) {
      ctx.interrupts.push(index);
    },
    interruptConfig() {
      ctx.configInterrupts++;
    },
    fail(reason) {
      ctx.failures.push(reason);
    },
  };
  device.activate(ctx);
  return ctx;
}

/** Waits until `done()` holds, polling every few milliseconds; throws after `ms`. */
export async function until(
  done: () => boolean,
  ms = 5000,
  what: string | (() => string) = "condition",
): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The directory holding the test plugins. */
export const TESTDATA = new URL("./testdata/", import.meta.url);

export { MockDriver };

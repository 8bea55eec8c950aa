/** Guest RAM, mock drivers and a recording activation for this directory's tests. */

import type { VirtioActivation } from "../sdk/virtio_device.ts";
import type { PluginDevice } from "../sandbox/mod.ts";
import { createGuestRam, type GuestRam, MockDriver } from "../virtqueue/mod.ts";

/** An activation that records interrupts and failures. */
export interface RecordingActivation extends VirtioActivation {
  /** Queue interrupts, in order. */
  readonly interrupts: number[];
  /** Reasons given to `fail()`. */
  readonly failures: string[];
}

/** RAM for one device, and a driver per queue, each with its own rings and data area. */
export interface TestRig {
  /** Guest RAM. */
  readonly ram: GuestRam;
  /** The drivers, queue `i` at index `i`. */
  readonly drivers: MockDriver[];
}

const RAM_SIZE = 0x20_0000;

/** Builds RAM and `queues` mock drivers of `size` entries that share it without overlapping. */
export function testRig(queues = 1, size = 64): TestRig {
  const ram = createGuestRam(RAM_SIZE);
  const slice = RAM_SIZE / queues;
  const drivers = Array.from({ length: queues }, (_, i) =>
    new MockDriver(ram, {
      size,
      base: i * slice + 0x1000,
      dataBase: i * slice + 0x10000,
      dataEnd: (i + 1) * slice,
    }));
  return { ram, drivers };
}

/** Activates `device` with one queue per driver and `features` negotiated (VERSION_1 alone). */
export function activate(
  device: PluginDevice,
  drivers: MockDriver[],
  features = 1n << 32n,
): RecordingActivation {
  const ctx: RecordingActivation = {
    features,
    queues: drivers.map((d, index) => ({ index, size: d.size, ...d.layout, legacy: false })),
    interrupts: [],
    failures: [],
    interruptQueue(index) {
      ctx.interrupts.push(index);
    },
    interruptConfig() {},
    fail(reason) {
      ctx.failures.push(reason);
    },
  };
  device.activate(ctx);
  return ctx;
}

/**
 * How long a test waits for a device before giving up. Generous on purpose: a device restarted
 * after a fault starts a new sandbox (about a second alone, several under a parallel test run).
 * It bounds a hang; it is not a timing assertion.
 */
export const DEVICE_WAIT_MS = 30_000;

/** Waits until `done()` holds, polling every few milliseconds; throws after `ms`. */
export async function until(
  done: () => boolean,
  ms = DEVICE_WAIT_MS,
  what = "condition",
): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Publishes what `driver` staged, rings the doorbell, and waits for `count` used elements. */
export async function exchange(
  device: PluginDevice,
  driver: MockDriver,
  index: number,
  count: number,
): Promise<ReturnType<MockDriver["getUsed"]>> {
  const target = (driver.usedIdx + count) & 0xffff;
  if (driver.kick()) device.notify(index);
  await until(
    () => driver.usedIdx === target,
    DEVICE_WAIT_MS,
    `${count} used buffers on queue ${index}`,
  );
  return driver.getUsed();
}

import assert from "node:assert/strict";
import { mulberry32 } from "./fuzz.ts";
import { createGuestRam } from "./guest_ram.ts";
import { MockDriver, type UsedElement } from "./mock_driver.ts";

async function exchange(eventIdx: boolean): Promise<void> {
  const total = 3000;
  const size = 64;
  const ram = createGuestRam(0x40000);
  const driver = new MockDriver(ram, { size, eventIdx });
  const bells = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL("./testdata/echo_device_worker.ts", import.meta.url), {
    type: "module",
  });
  const finished = new Promise<{ done: number; lostKicks: number }>((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(e);
  });
  worker.postMessage({
    buffer: ram.u8.buffer,
    ramSize: ram.size,
    size,
    layout: driver.layout,
    eventIdx,
    total,
    bells: bells.buffer,
  });

  const random = mulberry32(eventIdx ? 11 : 10);
  const expected = new Map<number, Uint8Array>();
  let sent = 0;
  let received = 0;
  let interrupts = 0;
  let lostInterrupts = 0;
  const check = (used: UsedElement[]) => {
    for (const { id, written } of used) {
      const want = expected.get(id);
      assert.ok(want, `head ${id} was in flight`);
      assert.deepEqual([...written], [...want]);
      expected.delete(id);
      received++;
    }
  };
  while (received < total) {
    while (sent < total && driver.freeDescriptors >= 2) {
      const request = Uint8Array.from(
        { length: 1 + Math.floor(random() * 64) },
        () => Math.floor(random() * 256),
      );
      const head = driver.addBuffer([request], [request.length]);
      expected.set(head, request.slice().reverse());
      sent++;
    }
    if (driver.kick()) {
      Atomics.add(bells, 0, 1);
      Atomics.notify(bells, 0);
    }
    const used = driver.getUsed();
    if (used.length > 0) {
      check(used);
      continue;
    }
    // As in the worker, the timeout is a safety net; needing it means a lost notification.
    const wait = Atomics.waitAsync(bells, 1, interrupts, 1000);
    const woke = wait.async ? await wait.value : wait.value;
    interrupts = Atomics.load(bells, 1);
    if (woke === "timed-out" && driver.usedIdx !== received % 0x10000) lostInterrupts++;
  }
  const device = await finished;
  worker.terminate();
  assert.equal(device.done, total);
  assert.equal(expected.size, 0);
  assert.equal(device.lostKicks, 0, "the device never had to find work without a kick");
  assert.equal(lostInterrupts, 0, "the driver never had to find used buffers unnotified");
}

Deno.test("§2.6.8.2 a device Worker and the driver thread exchange 3000 buffers", async () => {
  await exchange(false);
});

Deno.test("§2.6.7.2 with EVENT_IDX a device Worker and the driver lose no wake-up", async () => {
  await exchange(true);
});

import assert from "node:assert/strict";
import { WorkerVariant } from "./worker_variant.ts";

/** Waits until `done()` holds, letting the event loop run; throws after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

Deno.test("worker rigs exchange requests with the sink plugin in its Worker", async (t) => {
  await using variant = await WorkerVariant.start({ maxRequestSize: 4096 });

  await t.step("one batch at a time: at most one kick and one interrupt per batch", async () => {
    const rig = variant.open({ requestSize: 512, eventIdx: false, batch: 4 });
    try {
      assert.equal(rig.exchange(40), 40 * 512);
      assert.equal(rig.counts.requests, 40);
      // Interrupt requests reach the counts through pollInterrupts, the last ones only once the
      // VMM thread is idle again.
      await until(() => rig.counts.interrupts > 0, 2000, "an interrupt");
      await new Promise((r) => setTimeout(r, 20));
      // A batch offered before the device has turned notifications back on needs no kick and
      // is served in the same pass, which raises one interrupt for both.
      const { kicks, interrupts } = rig.counts;
      assert.ok(interrupts <= kicks && kicks <= 10, `${kicks} kicks, ${interrupts} interrupts`);
    } finally {
      rig.close();
    }
  });

  await t.step("two batches in flight return every request across the 16-bit index wrap", () => {
    const rig = variant.open({ requestSize: 64, eventIdx: true, batch: 32, inFlight: 2 });
    try {
      const count = 70_000;
      assert.equal(rig.exchange(count), count * 64);
      assert.equal(rig.counts.requests, count);
      assert.ok(rig.counts.kicks >= 1 && rig.counts.kicks <= count / 32, `${rig.counts.kicks}`);
    } finally {
      rig.close();
    }
  });

  await t.step("open refuses what the devices cannot serve, and close frees the device", () => {
    assert.throws(() => variant.open({ requestSize: 8192, eventIdx: true, batch: 1 }), /8192/);
    assert.throws(
      () => variant.open({ requestSize: 512, eventIdx: true, batch: 64, inFlight: 3 }),
      RangeError,
    );
    const first = variant.open({ requestSize: 512, eventIdx: true, batch: 1 });
    assert.throws(() => variant.open({ requestSize: 512, eventIdx: true, batch: 1 }), /in use/);
    first.close();
    assert.throws(() => first.exchange(1), /closed/);
    const second = variant.open({ requestSize: 4096, eventIdx: true, batch: 1 });
    assert.equal(second.exchange(3), 3 * 4096);
    second.close();
  });
});

Deno.test("WorkerVariant.start refuses bad options before starting anything", async () => {
  await assert.rejects(WorkerVariant.start({ devices: 0 }), RangeError);
  await assert.rejects(WorkerVariant.start({ maxRequestSize: 0 }), RangeError);
});

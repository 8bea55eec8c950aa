import assert from "node:assert/strict";
import { parsePropertyValue } from "../schema/mod.ts";
import { describeDevice } from "../sdk/mod.ts";
import { loadPlugin, startPluginDevice } from "../sandbox/mod.ts";
import rngDefinition from "./virtio_rng.ts";
import { activate, exchange, testRig, until } from "./_testing.ts";

const plugin = await loadPlugin(new URL("./virtio_rng.ts", import.meta.url));

Deno.test("virtio-rng-pci describes itself with QEMU's names, IDs and property defaults", () => {
  const d = plugin.descriptor;
  assert.equal(d.name, "virtio-rng-pci");
  assert.deepEqual(d.aliases, ["virtio-rng"]);
  assert.equal(d.category, "Misc");
  assert.equal(d.deviceId, 4);
  assert.equal(d.pciClass, 0x00ff);
  assert.equal(d.properties["max-bytes"].type, "u64");
  assert.equal((d.properties["max-bytes"] as { default: bigint }).default, (1n << 63n) - 1n);
  assert.equal((d.properties.period as { default: number }).default, 65536);
});

Deno.test("virtio-rng-pci refuses period=0 and max-bytes of 2^63 before it starts", () => {
  const props = describeDevice(rngDefinition).properties;
  const owner = "virtio-rng-pci";
  assert.throws(
    () => parsePropertyValue(props.period, "0", { owner, name: "period" }),
    /virtio-rng-pci\.period doesn't take value 0/,
  );
  assert.throws(
    () => parsePropertyValue(props["max-bytes"], String(1n << 63n), { owner, name: "max-bytes" }),
    /virtio-rng-pci\.max-bytes doesn't take value 9223372036854775808/,
  );
  assert.equal(parsePropertyValue(props.period, "1", { owner, name: "period" }), 1);
});

Deno.test("virtio-rng-pci fills each chain's writable buffers with fresh random bytes", async () => {
  const { ram, drivers: [driver] } = testRig(1, 8);
  await using device = await startPluginDevice(plugin, {}, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
  });
  assert.deepEqual(device.queueSizes, [8], "QEMU's queue of 8");
  assert.equal(device.configSize, 0);
  assert.equal(device.features, 0n);
  const ctx = activate(device, [driver]);

  const whole = driver.addBuffer([], [64]);
  const split = driver.addBuffer([], [16, 48]);
  const readOnly = driver.addBuffer([new Uint8Array(4)], []);
  const mixed = driver.addBuffer([new Uint8Array(8)], [32]);
  const used = new Map((await exchange(device, driver, 0, 4)).map((u) => [u.id, u]));

  assert.equal(used.get(whole)?.len, 64);
  assert.equal(used.get(split)?.len, 64, "both writable descriptors are filled");
  assert.equal(used.get(readOnly)?.len, 0, "a chain with nothing writable gets nothing");
  assert.equal(used.get(mixed)?.len, 32);
  const a = used.get(whole)!.written;
  const b = used.get(split)!.written;
  assert.notDeepEqual([...a], [...b], "two requests get different bytes");
  for (const bytes of [a.subarray(0, 16), a.subarray(48), b.subarray(0, 16), b.subarray(48)]) {
    assert.ok(bytes.some((x) => x !== 0), "every part of every buffer was written");
  }
  device.pollInterrupts();
  assert.ok(ctx.interrupts.includes(0));
  assert.deepEqual(ctx.failures, []);
});

Deno.test("virtio-rng-pci delivers at most max-bytes per period, then the rest, and reset refills", async () => {
  const { ram, drivers: [driver] } = testRig(1, 8);
  const periodMs = 400;
  await using device = await startPluginDevice(plugin, { "max-bytes": 100n, period: periodMs }, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
  });
  activate(device, [driver]);
  const heads = [0, 1, 2, 3].map(() => driver.addBuffer([], [64]));
  // Taken before the exchange: the period starts inside it, so a busy host cannot make the
  // second batch look early.
  const start = performance.now();
  const first = await exchange(device, driver, 0, 2);
  assert.deepEqual(first.map((u) => [u.id, u.len]), [[heads[0], 64], [heads[1], 36]]);

  // The quota is spent: the other two chains wait for the period to end.
  await new Promise((r) => setTimeout(r, periodMs / 4));
  assert.equal(driver.usedIdx, 2, "nothing more before the period ends");
  await until(() => driver.usedIdx === 4, 5000, "the next period");
  const waited = performance.now() - start;
  assert.ok(waited >= periodMs - 50, `second batch after ${waited.toFixed(0)} ms`);
  assert.deepEqual(driver.getUsed().map((u) => [u.id, u.len]), [[heads[2], 64], [heads[3], 36]]);

  // That refill is spent too; a reset restores the whole quota at once.
  device.reset();
  driver.reset();
  activate(device, [driver]);
  const again = driver.addBuffer([], [100]);
  const t0 = performance.now();
  const [after] = await exchange(device, driver, 0, 1);
  assert.deepEqual([after.id, after.len], [again, 100]);
  assert.ok(performance.now() - t0 < periodMs, "served without waiting for a period");
});

import assert from "node:assert/strict";
import { loadPlugin } from "./load_plugin.ts";
import { startPluginDevice } from "./plugin_device.ts";
import { activate, MockDriver, TESTDATA, testRam, until } from "./_testing.ts";

const echo = await loadPlugin(new URL("echo_plugin.ts", TESTDATA));

Deno.test("an echo plugin serves 300 requests through the proxy and MockDriver rings", async () => {
  const ram = testRam();
  const pages: number[] = [];
  await using device = await startPluginDevice(echo, { greeting: "hi there" }, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    onGuestWrite: (page) => pages.push(page),
  });
  assert.equal(device.deviceId, 0x3f);
  assert.deepEqual(device.queueSizes, [64]);
  assert.equal(device.configSize, 24);
  assert.equal(
    new TextDecoder().decode(new Uint8Array(8).map((_, i) => device.readConfig(8 + i, 1))),
    "hi there",
  );
  const driver = new MockDriver(ram, { size: 64 });
  const ctx = activate(device, driver);
  const expected = new Map<number, number[]>();
  let received = 0;
  for (let round = 0; round < 10; round++) {
    for (let i = 0; i < 30; i++) {
      const request = Uint8Array.from({ length: 1 + ((round * 7 + i) % 40) }, (_, k) => k + i);
      expected.set(driver.addBuffer([request], [request.length]), [...request].reverse());
    }
    if (driver.kick()) device.notify(0);
    await until(() => driver.usedIdx === (((round + 1) * 30) & 0xffff), 5000, "used buffers");
    for (const { id, written } of driver.getUsed()) {
      assert.deepEqual([...written], expected.get(id));
      received++;
    }
  }
  assert.equal(received, 300);
  assert.equal(device.readConfig(0, 4), 300);
  assert.ok(ctx.interrupts.length >= 1 && ctx.interrupts.every((q) => q === 0));
  assert.deepEqual(ctx.failures, []);
  device.pollInterrupts();
  const usedPage = Math.floor(driver.layout.used / 4096);
  assert.ok(pages.includes(usedPage), "writes to the used ring were reported");
});

Deno.test("configuration writes reach the plugin and reads come back from shared memory", async () => {
  const ram = testRam();
  await using device = await startPluginDevice(echo, {}, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
  });
  assert.equal(device.readConfig(8, 4), 0x6c6c6568); // "hell", the default greeting
  device.writeConfig(4, 4, 0xdeadbeef);
  device.writeConfig(8, 4, 0x12345678); // the plugin ignores writes to the greeting
  await until(() => device.readConfig(4, 4) === 0xdeadbeef, 2000, "config write");
  assert.equal(device.readConfig(8, 4), 0x6c6c6568);
  assert.equal(device.readConfig(22, 4), 0, "reads past the end read 0");
});

Deno.test("reset drops the queues before it returns and a new activation works", async () => {
  const ram = testRam();
  const reports: string[] = [];
  await using device = await startPluginDevice(echo, {}, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    report: (line) => reports.push(line),
  });
  const what = () =>
    `used buffers (${device.failure ?? "running"}; ${reports.join("; ")}; ${device.debugState()})`;
  let driver = new MockDriver(ram, { size: 64 });
  activate(device, driver);
  driver.addBuffer([new Uint8Array([1, 2])], [2]);
  driver.kick();
  device.notify(0);
  await until(() => driver.usedIdx === 1, 5000, what);
  device.reset();
  driver = new MockDriver(ram, { size: 16, base: 0x8000 });
  activate(device, driver);
  driver.addBuffer([new Uint8Array([3, 4, 5])], [3]);
  driver.kick();
  device.notify(0);
  await until(() => driver.usedIdx === 1, 5000, what);
  assert.deepEqual([...driver.getUsed()[0].written], [5, 4, 3]);
});

Deno.test("waitForSignal sleeps until the plugin requests an interrupt, delivered once", async () => {
  const ram = testRam();
  await using device = await startPluginDevice(echo, {}, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
  });
  const driver = new MockDriver(ram, { size: 64 });
  const ctx = activate(device, driver);
  // No await from here on: the idle watcher, which runs on the event loop, cannot take the
  // interrupt request first.
  device.pollInterrupts();
  const t0 = performance.now();
  assert.equal(device.waitForSignal(30), false, "nothing was requested");
  assert.ok(performance.now() - t0 >= 25, "it slept");
  driver.addBuffer([new Uint8Array([1, 2, 3])], [3]);
  if (driver.kick()) device.notify(0);
  assert.equal(device.waitForSignal(5000), true);
  assert.equal(driver.usedIdx, 1, "the buffer was used before its interrupt was requested");
  assert.equal(device.pollInterrupts(), 1);
  assert.deepEqual(ctx.interrupts, [0]);
  assert.equal(device.pollInterrupts(), 0, "one request, one interrupt");
  assert.equal(device.waitForSignal(10), false, "and no request since");
});

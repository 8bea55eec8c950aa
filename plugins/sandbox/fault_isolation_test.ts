import assert from "node:assert/strict";
import { loadPlugin } from "./load_plugin.ts";
import { type PluginDevice, startPluginDevice } from "./plugin_device.ts";
import { activate, MockDriver, TESTDATA, testRam, until } from "./_testing.ts";

const WATCHDOG_MS = 400;
const faulty = await loadPlugin(new URL("faulty_plugin.ts", TESTDATA));
const ram = testRam(0x100000);
const reports: string[] = [];

function start(fault: string): Promise<PluginDevice> {
  return startPluginDevice(faulty, { fault }, {
    memory: ram.u8.buffer as SharedArrayBuffer,
    ramSize: ram.size,
    id: `faulty-${fault}`,
    // V8 collects hard before it gives up on a heap; let its limit, not the watchdog, stop it.
    watchdogMs: fault === "heap" ? 10000 : WATCHDOG_MS,
    memoryLimitMb: 64,
    report: (line) => reports.push(line),
  });
}

// Sandboxes start in parallel: each start is mostly waiting on Worker bootstrap.
const kinds = ["throw", "loop", "heap", "buffers", "busy-buffers", "late-throw", "exit", "none"];
const devices = new Map(
  await Promise.all(kinds.map(async (k) => [k, await start(k)] as const)),
);
let base = 0;

/** Activates the device on a fresh ring, offers one buffer and rings its doorbell. */
function kick(device: PluginDevice) {
  const driver = new MockDriver(ram, { size: 16, base: base += 0x10000, dataEnd: base + 0x8000 });
  const ctx = activate(device, driver);
  driver.addBuffer([new Uint8Array([1])], [4]);
  driver.kick();
  device.notify(0);
  return { driver, ctx };
}

/** Waits for the device to fail and checks the report names it; returns the reason. */
async function failed(kind: string, ctx: { failures: string[] }, ms = 5000): Promise<string> {
  const device = devices.get(kind)!;
  await until(() => ctx.failures.length > 0, ms, `${kind} to fail`);
  assert.equal(ctx.failures.length, 1, "fail() is called once");
  assert.equal(device.failure, ctx.failures[0]);
  await until(() => reports.some((r) => r.includes(`device 'faulty-${kind}'`)), 2000, "report");
  const report = reports.find((r) => r.includes(`device 'faulty-${kind}'`))!;
  assert.match(report, /NEEDS_RESET/);
  return ctx.failures[0];
}

Deno.test("a plugin that throws in notify is stopped and its device set to NEEDS_RESET", async () => {
  const { ctx } = kick(devices.get("throw")!);
  assert.match(await failed("throw", ctx), /threw on queue 0/);
  assert.ok(reports.some((r) => r.includes("a plugin bug")));
});

Deno.test("a plugin spinning forever is stopped by the watchdog and its thread halted", async () => {
  const { ctx } = kick(devices.get("loop")!);
  const t0 = performance.now();
  assert.match(await failed("loop", ctx), /hung/);
  // The watchdog samples every quarter period, so it may see the last heartbeat a little late.
  assert.ok(performance.now() - t0 >= WATCHDOG_MS * 0.75, "not before the watchdog period");
  // Deno's terminate() leaves a spinning Worker running unless it holds a Web Lock; the
  // sandbox's runtime holds one, so the loop, which counts in configuration space, must stop.
  const device = devices.get("loop")!;
  await device.close();
  await new Promise((r) => setTimeout(r, 50));
  const count = device.readConfig(0, 4);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(device.readConfig(0, 4), count, "the spinning loop was halted");
  assert.ok(count > 0, "the loop had been running");
});

Deno.test("a plugin filling its heap without bound hits its V8 heap limit and is stopped", async () => {
  const { ctx } = kick(devices.get("heap")!);
  assert.match(await failed("heap", ctx, 10000), /out of memory/);
});

Deno.test("a plugin piling up ArrayBuffers from timers is stopped at its memory limit", async () => {
  const { ctx } = kick(devices.get("buffers")!);
  assert.match(await failed("buffers", ctx), /out of memory/);
});

Deno.test("a plugin piling up ArrayBuffers in a busy loop is stopped", async () => {
  const { ctx } = kick(devices.get("busy-buffers")!);
  // The process-growth check or the watchdog, whichever sees it first.
  assert.match(await failed("busy-buffers", ctx), /out of memory|hung/);
});

Deno.test("an exception thrown later from a plugin's timer stops the device", async () => {
  const { ctx } = kick(devices.get("late-throw")!);
  assert.match(await failed("late-throw", ctx), /threw/);
  assert.ok(reports.some((r) => r.includes("a late plugin bug")));
});

Deno.test("a plugin that exits its Worker is reported as failed", async () => {
  const { ctx } = kick(devices.get("exit")!);
  assert.match(await failed("exit", ctx), /exited/);
});

Deno.test("a driver that corrupts the ring gets NEEDS_RESET, and a reset restarts the plugin", async () => {
  const device = devices.get("none")!;
  const { driver, ctx } = kick(device);
  await until(() => driver.usedIdx === 1, 5000, "the healthy request");
  driver.setAvailIdx(driver.availIdx + 100); // §2.6.6: further than the ring holds
  device.notify(0);
  assert.match(await failed("none", ctx), /virtqueue protocol/);
  assert.ok(reports.some((r) => /avail-idx-jump/.test(r)));
  device.reset();
  assert.equal(device.failure, undefined);
  const again = kick(device);
  await until(() => again.driver.usedIdx === 1, 10000, "the restarted plugin to serve");
  assert.deepEqual(again.ctx.failures, []);
});

Deno.test("a plugin whose backend throws while starting is refused with a clear error", async () => {
  await assert.rejects(
    start("start-throw"),
    /device 'faulty-start-throw'.*cannot start: the plugin threw: Error: cannot start/,
  );
});

Deno.test("after every fault the VMM side still serves a healthy device", async () => {
  for (const [kind, device] of devices) if (kind !== "none") await device.close();
  const device = devices.get("none")!;
  const { driver } = kick(device);
  await until(() => driver.usedIdx === 1, 5000, "the healthy device");
  await device.close();
});

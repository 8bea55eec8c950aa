/**
 * What a device plugin costs before the guest sees it, for the echo test plugin: `loadPlugin`
 * (bundling with esbuild-wasm, then evaluating the module in a sandbox with no permission to read
 * its description), and `startPluginDevice` from the loaded plugin until its backend is built and
 * the proxy is ready; each device is closed again, and that is timed too. A VMM pays the first
 * for every `--plugin` and the second for every `-device` backed by one, at start-up and after a
 * reset of a failed device.
 *
 * The first load of a process also starts esbuild and bundles the sandbox runtime (about 1.3 s,
 * plugins/sandbox/README.md); it is logged apart and kept out of the figures of a full run.
 *
 * @module
 */

import { loadPlugin, type PluginDevice, startPluginDevice } from "../plugins/sandbox/mod.ts";
import { createGuestRam } from "../plugins/virtqueue/mod.ts";
import type { BenchContext } from "./context.ts";
import { registerBenchmark } from "./registry.ts";

/** The plugin timed: plugins/sandbox/testdata/echo_plugin.ts. */
export const ECHO_PLUGIN: URL = new URL(
  "../plugins/sandbox/testdata/echo_plugin.ts",
  import.meta.url,
);

/** The echo plugin's default greeting, as its configuration space holds it from byte 8. */
const GREETING_WORD = 0x6c6c6568; // "hell"

/** Milliseconds `fn` takes, and what it returned. */
async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

async function run(ctx: BenchContext): Promise<void> {
  const samples = ctx.quick ? 1 : 5;
  const [firstMs, first] = await timed(() => loadPlugin(ECHO_PLUGIN));
  ctx.log(`first loadPlugin in this process: ${firstMs.toFixed(0)} ms`);
  if (first.descriptor.deviceId !== 0x3f) throw new Error("not the echo plugin");

  // A quick pass keeps the first load as its one sample: a smoke figure, not for comparison.
  const loads: number[] = ctx.quick ? [firstMs] : [];
  while (loads.length < samples) loads.push((await timed(() => loadPlugin(ECHO_PLUGIN)))[0]);
  ctx.figure("loadPlugin echo (bundle + describe)", loads, { unit: "ms", better: "lower" });

  const ram = createGuestRam(0x40000);
  const starts: number[] = [];
  const closes: number[] = [];
  for (let i = 0; i < samples; i++) {
    let device: PluginDevice | undefined;
    try {
      const [ms, started] = await timed(() =>
        startPluginDevice(first, {}, {
          memory: ram.u8.buffer as SharedArrayBuffer,
          ramSize: ram.size,
          id: `echo-${i}`,
        })
      );
      device = started;
      starts.push(ms);
      // Ready means its backend ran: the greeting it wrote is in configuration space.
      if (device.readConfig(8, 4) !== GREETING_WORD) {
        throw new Error(`the echo device is not serving its configuration (${device.failure})`);
      }
    } finally {
      if (device) closes.push((await timed(() => device!.close()))[0]);
    }
  }
  ctx.figure("startPluginDevice echo to ready", starts, { unit: "ms", better: "lower" });
  ctx.figure("PluginDevice.close()", closes, { unit: "ms", better: "lower" });
}

registerBenchmark({
  name: "plugin_startup",
  description: "device plugin start-up, echo test plugin: loadPlugin (bundle + describe in a " +
    "sandbox), startPluginDevice to ready, close; ms",
  run,
});

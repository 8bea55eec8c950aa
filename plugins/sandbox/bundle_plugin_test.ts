import assert from "node:assert/strict";
import { bundlePlugin, PluginBundleError } from "./bundle_plugin.ts";
import { loadPlugin, pluginDeviceType } from "./load_plugin.ts";
import { DeviceRegistry } from "../registry/mod.ts";
import { TESTDATA } from "./_testing.ts";

const bad = (name: string) => new URL(`bad/${name}`, TESTDATA);

/** Writes a plugin that must not live in the repository (the repository's checks parse it). */
async function tempPlugin(code: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/plugin.ts`, code);
  return `${dir}/plugin.ts`;
}

Deno.test("bundlePlugin inlines relative imports and the SDK into one module", async () => {
  const bundle = await bundlePlugin(new URL("echo_plugin.ts", TESTDATA));
  assert.match(bundle.origin, /echo_plugin\.ts$/);
  assert.doesNotMatch(bundle.code, /from\s+["']\.\.?\//, "no relative import is left");
  assert.match(bundle.code, /function reverse/);
  assert.match(bundle.code, /deno-vmm\.device\/1/);
});

Deno.test("bundlePlugin resolves the bare 'deno-vmm/sdk' specifier to the SDK", async () => {
  const path = await tempPlugin(`
    import { defineDevice } from "deno-vmm/sdk";
    export default defineDevice({
      name: "test-alias-pci",
      category: "Misc",
      deviceId: 4,
      queueSizes: [8],
      properties: {},
      backend: () => ({ activate() {}, notify() {}, reset() {} }),
    });
  `);
  const bundle = await bundlePlugin(path);
  await Deno.remove(path);
  assert.doesNotMatch(bundle.code, /deno-vmm\/sdk/);
  assert.match(bundle.code, /function defineDevice/);
});

Deno.test("bundlePlugin refuses syntax errors, escapes, data and remote imports clearly", async () => {
  const syntax = await tempPlugin("export default {;\n");
  const remote = await tempPlugin(
    'import { x } from "https://example.com/x.ts";\nexport default x;\n',
  );
  const cases: [string | URL, RegExp][] = [
    [syntax, /plugin\.ts:1:16: Expected identifier but found ";"/],
    [remote, /'https:\/\/example\.com\/x\.ts' is not allowed/],
    [
      "escape_import.ts",
      /'\.\.\/\.\.\/\.\.\/\.\.\/devices\/irq\.ts' leaves the plugin's directory/,
    ],
    ["data_import.ts", /'\.\/secret\.json' is not a \.ts\/\.mts\/\.js\/\.mjs module/],
    ["missing.ts", /cannot read it/],
  ];
  for (const [file, message] of cases) {
    const source = typeof file === "string" && file.startsWith("/") ? file : bad(String(file));
    const err = await bundlePlugin(source).then(() => undefined, (e) => e);
    assert.ok(err instanceof PluginBundleError, `${file} is refused`);
    assert.match(err.message, /^cannot bundle device plugin .*: /);
    assert.match(err.message, message, String(file));
  }
  await Deno.remove(syntax);
  await Deno.remove(remote);
});

Deno.test("loadPlugin reads the description in a sandbox and the registry accepts it", async () => {
  const plugin = await loadPlugin(new URL("echo_plugin.ts", TESTDATA));
  assert.equal(plugin.descriptor.name, "test-echo-pci");
  assert.equal(plugin.descriptor.deviceId, 0x3f);
  assert.deepEqual(plugin.descriptor.properties.greeting, { type: "string", default: "hello" });
  const registry = new DeviceRegistry();
  registry.register(pluginDeviceType(plugin));
  assert.equal(registry.get("test-echo-pci")?.impl, plugin);
});

Deno.test("loadPlugin refuses a bad schema, a forged definition and a non-device clearly", async () => {
  const [schema, forged, none] = await Promise.all(
    ["bad_schema_plugin.ts", "forged_plugin.ts", "not_a_device.ts"].map((f) =>
      loadPlugin(bad(f)).then(() => assert.fail(`${f} loaded`), (e: Error) => e.message)
    ),
  );
  assert.match(
    schema,
    /bad_schema_plugin\.ts: .*'test-bad-schema': property 'speed': unknown type 'u99'/,
  );
  assert.match(forged, /forged_plugin\.ts: .*'test-forged': queue size 3 is not a power of two/);
  assert.match(none, /not_a_device\.ts: .*default export is not a defineDevice\(\) result/);
});

import assert from "node:assert/strict";
import {
  DeviceRegistry,
  formatDeviceList,
  formatDeviceProperties,
} from "../../plugins/registry/mod.ts";
import { loadPlugins } from "./plugin_loading.ts";

Deno.test("loadPlugins: a virtconsole brings virtio-serial-pci and both port types, listed under Input", async () => {
  const registry = new DeviceRegistry();
  await loadPlugins(registry, ["virtconsole"]);
  assert.deepEqual(registry.list().map((t) => t.name), [
    "virtconsole",
    "virtio-serial-pci",
    "virtserialport",
  ]);
  assert.equal(registry.get("virtio-serial")?.name, "virtio-serial-pci");
  assert.equal(
    formatDeviceList(registry),
    // QEMU puts an empty line before every heading but the first category's.
    "\nInput devices:\n" +
      'name "virtconsole", bus virtio-serial-bus\n' +
      'name "virtio-serial-pci", bus PCI, alias "virtio-serial", ' +
      'desc "virtio console with virtconsole and virtserialport ports"\n' +
      'name "virtserialport", bus virtio-serial-bus\n',
  );
});

Deno.test("loadPlugins: virtio-serial-pci,help shows QEMU's properties, not how ports reach the plugin", async () => {
  const registry = new DeviceRegistry();
  await loadPlugins(registry, ["virtio-serial-pci"]);
  const help = formatDeviceProperties(registry.get("virtio-serial-pci")!);
  for (const name of ["max_ports", "emergency-write", "class", "vectors", "chardev"]) {
    assert.match(help, new RegExp(`^  ${name}=`, "m"));
  }
  assert.doesNotMatch(help, /x-ports|x-port-events|port\.\d/);
  // virtio-console-pci stays the single-port device of its own name.
  await loadPlugins(registry, ["virtio-console-pci"]);
  assert.equal(registry.get("virtio-console-pci")?.aliases, undefined);
});

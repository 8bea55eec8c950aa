import assert from "node:assert/strict";
import { DeviceConfigError } from "./config_error.ts";
import {
  formatDeviceHelp,
  formatDeviceInfo,
  formatDeviceList,
  formatDeviceProperties,
} from "./device_help.ts";
import { parseDeviceOption } from "./device_option.ts";
import { DeviceRegistry } from "./device_registry.ts";
import { ISA_DEBUG_EXIT, sampleRegistry } from "./_sample_types.ts";

const registry = sampleRegistry();

Deno.test("-device help groups devices by category in QEMU's order", () => {
  assert.equal(
    formatDeviceList(registry),
    [
      "",
      "Storage devices:",
      'name "virtio-blk-pci", bus PCI, alias "virtio-blk"',
      "",
      "Network devices:",
      'name "e1000", bus PCI, alias "e1000-82540em", desc "Intel Gigabit Ethernet"',
      "",
      "Input devices:",
      'name "isa-serial", bus ISA, desc "16550A UART"',
      "",
      "Misc devices:",
      'name "isa-debug-exit", bus ISA',
      "",
      "Uncategorized devices:",
      'name "rom-loader"',
      "",
    ].join("\n"),
  );
});

Deno.test("the Controller/Bridge/Hub heading alone has no blank line before it", () => {
  const r = new DeviceRegistry();
  r.register({ ...ISA_DEBUG_EXIT, name: "pci-bridge", category: "Controller/Bridge/Hub" });
  r.register({ ...ISA_DEBUG_EXIT, name: "usb-hub", category: "USB", bus: "sysbus" });
  r.register({ ...ISA_DEBUG_EXIT, name: "i6300esb", category: "Watchdog", bus: "pci" });
  r.register({ ...ISA_DEBUG_EXIT, name: "Beta", category: "Watchdog", bus: "pci" });
  assert.equal(
    formatDeviceList(r),
    'Controller/Bridge/Hub devices:\nname "pci-bridge", bus ISA\n\n' +
      'USB devices:\nname "usb-hub", bus System\n\n' +
      'Watchdog devices:\nname "Beta", bus PCI\nname "i6300esb", bus PCI\n',
  );
});

Deno.test("a device line shows only the first alias and omits an absent bus", () => {
  assert.equal(
    formatDeviceInfo({ ...ISA_DEBUG_EXIT, bus: "none", aliases: ["a", "b"], description: "D" }),
    'name "isa-debug-exit", alias "a", desc "D"',
  );
});

Deno.test("-device NAME,help lists properties with QEMU 7's alignment", () => {
  assert.equal(
    formatDeviceProperties(registry.get("isa-debug-exit")!),
    "isa-debug-exit options:\n" +
      "  iobase=<uint32>        -  (default: 1281)\n" +
      "  iosize=<uint32>        -  (default: 2)\n",
  );
});

Deno.test("PCI devices list the generic addr property, all lines sorted", () => {
  assert.equal(
    formatDeviceProperties(registry.get("virtio-blk-pci")!),
    [
      "virtio-blk-pci options:",
      "  addr=<int32>           - Slot and optional function number, example: 06.0 or 06 (default: -1)",
      "  discard_granularity=<size> -  (default: 4096)",
      "  drive=<str>            - Node name or ID of a block device to use as a backend",
      "  num-queues=<uint16>    -  (default: 1)",
      "  queue-size=<uint16>    -  (default: 256)",
      '  rerror=<BlockdevOnError> - Error handling policy, report/ignore/enospc/stop/auto (default: "auto")',
      "  seg-max-adjust=<bool>  -  (default: true)",
      "  serial=<str>",
      "",
    ].join("\n"),
  );
});

Deno.test("hex32 defaults show in hex in the property help", () => {
  const lines = formatDeviceProperties(registry.get("isa-serial")!).split("\n");
  assert.ok(lines.includes("  iobase=<uint32>        -  (default: 0x3f8)"));
});

Deno.test("a device without properties says so", () => {
  assert.equal(
    formatDeviceProperties({ ...ISA_DEBUG_EXIT, properties: {} }),
    "There are no options for isa-debug-exit.\n",
  );
});

Deno.test("formatDeviceHelp answers -device help, NAME,help and ALIAS,help", () => {
  assert.equal(formatDeviceHelp(registry, parseDeviceOption("help")), formatDeviceList(registry));
  assert.equal(formatDeviceHelp(registry, parseDeviceOption("?")), formatDeviceList(registry));
  const blk = formatDeviceProperties(registry.get("virtio-blk-pci")!);
  assert.equal(formatDeviceHelp(registry, parseDeviceOption("virtio-blk-pci,help")), blk);
  assert.equal(formatDeviceHelp(registry, parseDeviceOption("virtio-blk,?")), blk);
});

Deno.test("help for an unknown device says it was not found", () => {
  assert.throws(
    () => formatDeviceHelp(registry, parseDeviceOption("foo,help")),
    (e: unknown) =>
      e instanceof DeviceConfigError && e.message === "-device foo,help: Device 'foo' not found",
  );
  assert.throws(() => formatDeviceHelp(registry, parseDeviceOption("e1000")), /does not ask/);
});

import assert from "node:assert/strict";
import { DeviceConfigError, formatDiagnostic } from "./config_error.ts";
import { parseDeviceOption } from "./device_option.ts";
import { parseGlobalOption } from "./global_option.ts";
import { resolveDevices } from "./resolve_devices.ts";
import { sampleRegistry } from "./_sample_types.ts";

const registry = sampleRegistry();
const devices = (...texts: string[]) => texts.map(parseDeviceOption);

function refused(texts: string[], message: string, ctx = {}) {
  assert.throws(
    () => resolveDevices(registry, devices(...texts), ctx),
    (e: unknown) => {
      if (!(e instanceof DeviceConfigError)) return false;
      assert.equal(e.message, message);
      return true;
    },
  );
}

Deno.test("resolveDevices resolves every -device in command-line order", () => {
  const r = resolveDevices(
    registry,
    devices("isa-debug-exit,iobase=0xf4", "e1000,netdev=n0", "virtio-blk,drive=d0"),
    { drives: ["d0"], netdevs: ["n0"] },
  );
  assert.deepEqual(r.devices.map((d) => d.type.name), [
    "isa-debug-exit",
    "e1000",
    "virtio-blk-pci",
  ]);
  assert.deepEqual(r.warnings, []);
});

Deno.test("a repeated id is a duplicate, reported at its second use", () => {
  refused(
    ["e1000,id=n", "isa-debug-exit,id=n"],
    "-device isa-debug-exit,id=n: Duplicate ID 'n' for device",
  );
});

Deno.test("a drive, netdev or chardev serves one device only", () => {
  refused(
    ["virtio-blk-pci,drive=d0", "virtio-blk-pci,drive=d0"],
    "-device virtio-blk-pci,drive=d0: Drive 'd0' is already in use by another device",
    { drives: ["d0"] },
  );
  refused(
    ["e1000,netdev=n0", "e1000,netdev=n0,id=second"],
    "-device e1000,netdev=n0,id=second: Property 'e1000.netdev' can't take value 'n0', it's in use",
    { netdevs: ["n0"] },
  );
  refused(
    ["isa-serial,chardev=c0", "isa-serial,chardev=c0"],
    "-device isa-serial,chardev=c0: Property 'isa-serial.chardev' can't take value 'c0': " +
      "Device 'c0' is in use",
    { chardevs: ["c0"] },
  );
});

Deno.test("unused globals are warned about as qdev_prop_check_globals() does", () => {
  const globals = [
    "nosuch.x=1",
    "virtio-blk.num-queues=2",
    "isa-serial.irq=3",
    "e1000.mac=x",
    "isa-debug-exit.iosize=1",
  ].map(parseGlobalOption);
  const r = resolveDevices(registry, devices("isa-debug-exit"), { globals });
  assert.deepEqual(r.warnings, [
    { detail: "global nosuch.x has invalid class name" },
    { detail: "global virtio-blk.num-queues has invalid class name" },
    { detail: "global isa-serial.irq=3 not used" },
    // e1000 is PCI, hence hot-pluggable: its global may be used later.
  ]);
  assert.equal(
    formatDiagnostic("deno-vmm", r.warnings[2], { warning: true }),
    "deno-vmm: warning: global isa-serial.irq=3 not used\n",
  );
});

Deno.test("errors print with the program name, location and hint like QEMU's", () => {
  try {
    parseDeviceOption("e1000,id=1x");
    assert.fail("expected a refusal");
  } catch (e) {
    assert.ok(e instanceof DeviceConfigError);
    assert.equal(
      formatDiagnostic("deno-vmm", e),
      "deno-vmm: -device e1000,id=1x: Parameter 'id' expects an identifier\n" +
        "Identifiers consist of letters, digits, '-', '.', '_', starting with a letter.\n",
    );
  }
  const [warning] = parseDeviceOption("virtio-blk-pci,seg-max-adjust").warnings;
  assert.equal(
    formatDiagnostic("deno-vmm", warning, { warning: true }),
    "deno-vmm: -device virtio-blk-pci,seg-max-adjust: warning: short-form boolean option " +
      "'seg-max-adjust' deprecated\nPlease use seg-max-adjust=on instead\n",
  );
});

import assert from "node:assert/strict";
import { DeviceConfigError } from "./config_error.ts";
import { formatDeviceInfo } from "./device_help.ts";
import { parseDeviceOption } from "./device_option.ts";
import { DeviceRegistry } from "./device_registry.ts";
import { parseGlobalOption } from "./global_option.ts";
import type { ResolveContext } from "./resolve_device.ts";
import { sampleRegistry } from "./_sample_types.ts";

const registry = sampleRegistry();
const resolve = (text: string, ctx?: ResolveContext) =>
  registry.resolve(parseDeviceOption(text), ctx);
const globals = (...texts: string[]) => ({ globals: texts.map(parseGlobalOption) });

function refused(text: string, message: string, ctx?: ResolveContext) {
  assert.throws(
    () => resolve(text, ctx),
    (e: unknown) => {
      if (!(e instanceof DeviceConfigError)) return false;
      assert.equal(e.message, message);
      return true;
    },
  );
}

Deno.test("defaults fill every property nobody set", () => {
  const d = resolve("isa-debug-exit");
  assert.equal(d.type.name, "isa-debug-exit");
  assert.deepEqual(d.props, { iobase: 0x501, iosize: 2 });
  assert.deepEqual(d.origins, { iobase: "default", iosize: "default" });
  assert.equal(d.id, undefined);
  assert.deepEqual(d.globals, []);
});

Deno.test("-device values are typed: integers, bools, sizes, enums, strings", () => {
  const d = resolve(
    "virtio-blk-pci,num-queues=4,seg-max-adjust=off,discard_granularity=64K,rerror=stop," +
      "serial=ABC,,1",
  );
  assert.deepEqual(d.props, {
    "num-queues": 4,
    "queue-size": 256,
    "seg-max-adjust": false,
    discard_granularity: 65536n,
    rerror: "stop",
    serial: "ABC,1",
  });
  assert.equal(d.origins["num-queues"], "device");
  assert.equal(d.origins["queue-size"], "default");
});

Deno.test("an alias resolves to the registered type", () => {
  const d = resolve("virtio-blk,id=disk0");
  assert.equal(d.type.name, "virtio-blk-pci");
  assert.equal(d.id, "disk0");
});

Deno.test("an unknown driver is not a valid device model name", () => {
  refused("foo", "-device foo: 'foo' is not a valid device model name");
  refused("foo,x=1", "-device foo,x=1: 'foo' is not a valid device model name");
});

Deno.test("an unknown property is not found under the type's real name", () => {
  refused(
    "isa-debug-exit,bogus=1",
    "-device isa-debug-exit,bogus=1: Property 'isa-debug-exit.bogus' not found",
  );
  refused(
    "virtio-blk,colour=red",
    "-device virtio-blk,colour=red: Property 'virtio-blk-pci.colour' not found",
  );
  // addr is generic to PCI devices only.
  refused(
    "isa-debug-exit,addr=3",
    "-device isa-debug-exit,addr=3: Property 'isa-debug-exit.addr' not found",
  );
});

Deno.test("invalid and out-of-range values use QEMU's wording", () => {
  refused(
    "isa-debug-exit,iobase=foo",
    "-device isa-debug-exit,iobase=foo: Parameter 'iobase' expects integer",
  );
  refused(
    "isa-debug-exit,iosize=0x100000000",
    "-device isa-debug-exit,iosize=0x100000000: Parameter 'iosize' expects uint32_t",
  );
  refused(
    "isa-debug-exit,iobase=70000",
    "-device isa-debug-exit,iobase=70000: Property isa-debug-exit.iobase doesn't take value 70000 (minimum: 0, maximum: 65535)",
  );
  refused(
    "virtio-blk-pci,seg-max-adjust=maybe",
    "-device virtio-blk-pci,seg-max-adjust=maybe: Parameter 'seg-max-adjust' expects 'on' or 'off'",
  );
  refused(
    "virtio-blk-pci,discard_granularity=big",
    "-device virtio-blk-pci,discard_granularity=big: Parameter 'discard_granularity' expects size",
  );
  refused(
    "virtio-blk-pci,rerror=panic",
    "-device virtio-blk-pci,rerror=panic: Parameter 'rerror' does not accept value 'panic'",
  );
});

Deno.test("a bare flag sets a bool property on", () => {
  assert.equal(resolve("virtio-blk-pci,noseg-max-adjust").props["seg-max-adjust"], false);
  assert.equal(resolve("virtio-blk-pci,seg-max-adjust").props["seg-max-adjust"], true);
});

Deno.test("addr gives a PCI device its slot and function", () => {
  assert.deepEqual(resolve("virtio-blk-pci,addr=0a.2").addr, { slot: 10, func: 2 });
  assert.equal(resolve("virtio-blk-pci").addr, undefined);
  refused(
    "virtio-blk-pci,addr=32",
    "-device virtio-blk-pci,addr=32: Property 'virtio-blk-pci.addr' doesn't take value '32'",
  );
});

Deno.test("a drive reference must name a defined -drive", () => {
  const ctx = { drives: ["d0"] };
  assert.equal(resolve("virtio-blk-pci,drive=d0", ctx).props.drive, "d0");
  refused(
    "virtio-blk-pci,drive=d9",
    "-device virtio-blk-pci,drive=d9: Property 'virtio-blk-pci.drive' can't find value 'd9'",
    ctx,
  );
  refused(
    "virtio-blk,drive=d0",
    "-device virtio-blk,drive=d0: Property 'virtio-blk-pci.drive' can't find value 'd0'",
  );
  // An empty drive means none, as in QEMU.
  assert.equal("drive" in resolve("virtio-blk-pci,drive=").props, false);
});

Deno.test("netdev and chardev references must name a defined -netdev / -chardev", () => {
  assert.equal(resolve("e1000,netdev=n0", { netdevs: new Set(["n0"]) }).props.netdev, "n0");
  refused(
    "e1000,netdev=n1",
    "-device e1000,netdev=n1: Property 'e1000.netdev' can't find value 'n1'",
    { netdevs: ["n0"] },
  );
  refused("e1000,netdev=", "-device e1000,netdev=: Property 'e1000.netdev' can't find value ''");
  assert.equal(resolve("isa-serial,chardev=c0", { chardevs: ["c0"] }).props.chardev, "c0");
  refused(
    "isa-serial,chardev=c1",
    "-device isa-serial,chardev=c1: Property 'isa-serial.chardev' can't find value 'c1'",
    { chardevs: ["c0"] },
  );
});

Deno.test("globals override defaults, later globals override earlier ones", () => {
  const d = resolve(
    "isa-debug-exit",
    globals("isa-debug-exit.iobase=0xf4", "isa-debug-exit.iobase=0xf5"),
  );
  assert.equal(d.props.iobase, 0xf5);
  assert.equal(d.origins.iobase, "global");
  assert.equal(d.props.iosize, 2);
  assert.equal(d.globals.length, 2);
});

Deno.test("-device values override globals", () => {
  const d = resolve(
    "isa-debug-exit,iobase=0x80",
    globals("isa-debug-exit.iobase=0xf4", "isa-debug-exit.iosize=1"),
  );
  assert.equal(d.props.iobase, 0x80);
  assert.equal(d.origins.iobase, "device");
  assert.equal(d.props.iosize, 1);
  assert.equal(d.origins.iosize, "global");
});

Deno.test("globals apply by type name only, never by alias, and not to other types", () => {
  const ctx = globals("virtio-blk.num-queues=2", "e1000.mac=x", "virtio-blk-pci.queue-size=64");
  const d = resolve("virtio-blk", ctx);
  assert.equal(d.props["num-queues"], 1);
  assert.equal(d.props["queue-size"], 64);
  assert.deepEqual(d.globals.map((g) => g.text), ["virtio-blk-pci.queue-size=64"]);
});

Deno.test("a bad global is reported as 'can't apply global' at the -device that uses it", () => {
  refused(
    "isa-debug-exit",
    "-device isa-debug-exit: can't apply global isa-debug-exit.iobase=foo: Parameter 'iobase' expects uint64",
    globals("isa-debug-exit.iobase=foo"),
  );
  refused(
    "isa-debug-exit,iobase=1",
    "-device isa-debug-exit,iobase=1: can't apply global isa-debug-exit.bogus=1: Property 'isa-debug-exit.bogus' not found",
    globals("isa-debug-exit.bogus=1"),
  );
});

Deno.test("a global can set a PCI device's addr", () => {
  const d = resolve("virtio-blk-pci", globals("virtio-blk-pci.addr=5"));
  assert.deepEqual(d.addr, { slot: 5, func: 0 });
  assert.equal(d.origins.addr, "global");
});

Deno.test("a backend set by a global cannot be replaced by -device", () => {
  refused(
    "virtio-blk-pci,drive=d1",
    "-device virtio-blk-pci,drive=d1: -global virtio-blk-pci.drive=... conflicts with drive=d1",
    { ...globals("virtio-blk-pci.drive=d0"), drives: ["d0", "d1"] },
  );
  const d = resolve("virtio-blk-pci", { ...globals("virtio-blk-pci.drive=d0"), drives: ["d0"] });
  assert.equal(d.props.drive, "d0");
  assert.equal(d.origins.drive, "global");
});

Deno.test("u64 and path properties resolve on a device without a bus", () => {
  const d = resolve("rom-loader,file=/tmp/bios.bin,addr=0xffff0000");
  assert.deepEqual(d.props, { file: "/tmp/bios.bin", addr: 0xffff0000n });
});

Deno.test("bus= is checked against the machine's buses when they are given", () => {
  const buses = new Map([["pci.0", "pci"], ["isa.0", "isa"]] as const);
  assert.equal(resolve("virtio-blk-pci,bus=pci.0", { buses }).bus, "pci.0");
  assert.equal(resolve("isa-debug-exit", { buses }).bus, undefined);
  refused("virtio-blk-pci,bus=pci.9", "-device virtio-blk-pci,bus=pci.9: Bus 'pci.9' not found", {
    buses,
  });
  refused(
    "virtio-blk-pci,bus=isa.0",
    "-device virtio-blk-pci,bus=isa.0: Device 'virtio-blk-pci' can't go on ISA bus",
    { buses },
  );
  refused("isa-serial", "-device isa-serial: No 'ISA' bus found for device 'isa-serial'", {
    buses: new Map([["pci.0", "pci"]] as const),
  });
  // Without a bus map, bus= passes through unchecked.
  assert.equal(resolve("e1000,bus=anything").bus, "anything");
});

Deno.test("resolve() refuses a help request rather than building a device", () => {
  assert.throws(() => resolve("e1000,help"), /asks for help/);
});

Deno.test("a virtio-serial device names QEMU's virtio-serial-bus in help and bus errors", () => {
  const r = new DeviceRegistry();
  r.register({ name: "virtconsole", bus: "virtio-serial", category: "Input", properties: {} });
  assert.equal(
    formatDeviceInfo(r.get("virtconsole")!),
    'name "virtconsole", bus virtio-serial-bus',
  );
  const pciOnly = { buses: new Map([["pci.0", "pci"]] as const) };
  assert.throws(
    () => r.resolve(parseDeviceOption("virtconsole"), pciOnly),
    /^DeviceConfigError: -device virtconsole: No 'virtio-serial-bus' bus found for device 'virtconsole'$/,
  );
  assert.throws(
    () => r.resolve(parseDeviceOption("virtconsole,bus=pci.0"), pciOnly),
    /Device 'virtconsole' can't go on PCI bus$/,
  );
  const serial = { buses: new Map([["vs.0", "virtio-serial"]] as const) };
  assert.equal(r.resolve(parseDeviceOption("virtconsole,bus=vs.0"), serial).bus, "vs.0");
});

import assert from "node:assert/strict";
import { DeviceRegistry } from "./device_registry.ts";
import type { DeviceType } from "./device_type.ts";
import { ISA_DEBUG_EXIT, sampleRegistry, VIRTIO_BLK_PCI } from "./_sample_types.ts";

Deno.test("register() stores a type that get() finds by name and by alias", () => {
  const r = new DeviceRegistry();
  const stored = r.register(VIRTIO_BLK_PCI);
  assert.equal(r.get("virtio-blk-pci"), stored);
  assert.equal(r.get("virtio-blk"), stored);
  assert.equal(r.get("virtio-blk-device"), undefined);
  assert.ok(Object.isFrozen(stored) && Object.isFrozen(stored.properties));
});

Deno.test("register() keeps impl as given and normalises u64/size numbers to bigint", () => {
  const factory = () => "device";
  const r = new DeviceRegistry();
  const stored = r.register({ ...VIRTIO_BLK_PCI, impl: factory });
  assert.equal(stored.impl, factory);
  assert.deepEqual(stored.properties.discard_granularity, { type: "size", default: 4096n });
});

Deno.test("register() refuses a taken name, alias, or an alias equal to a name", () => {
  const r = sampleRegistry();
  assert.throws(
    () => r.register(ISA_DEBUG_EXIT),
    /device type 'isa-debug-exit' is already registered/,
  );
  assert.throws(
    () => r.register({ ...ISA_DEBUG_EXIT, name: "virtio-blk" }),
    /'virtio-blk' is already an alias of 'virtio-blk-pci'/,
  );
  assert.throws(
    () => r.register({ ...ISA_DEBUG_EXIT, name: "other", aliases: ["e1000"] }),
    /device type 'e1000' is already registered/,
  );
  assert.equal(r.get("other"), undefined, "a refused type leaves nothing behind");
});

Deno.test("register() refuses malformed types", () => {
  const r = new DeviceRegistry();
  const bad = (patch: Record<string, unknown>, why: RegExp) =>
    assert.throws(() => r.register({ ...ISA_DEBUG_EXIT, ...patch } as DeviceType), why);
  bad({ name: "" }, /name '' is not a usable -device name/);
  bad({ name: "a,b" }, /is not a usable -device name/);
  bad({ name: "help" }, /is not a usable -device name/);
  bad({ aliases: ["x=y"] }, /alias 'x=y'/);
  bad({ aliases: ["isa-debug-exit"] }, /aliases repeat a name/);
  bad({ bus: "usb" }, /unknown bus 'usb'/);
  bad({ category: "Gadgets" }, /unknown category 'Gadgets'/);
  bad({ properties: null }, /properties must be an object/);
  bad({ properties: { id: { type: "string" } } }, /property 'id' is generic/);
  bad({ properties: { bus: { type: "string" } } }, /property 'bus' is generic/);
  bad({ properties: { driver: { type: "string" } } }, /property 'driver' is generic/);
  bad({ properties: { iobase: { type: "u8", default: 300 } } }, /property 'iobase': default/);
  assert.throws(
    () => r.register({ ...VIRTIO_BLK_PCI, properties: { addr: { type: "u32" } } }),
    /property 'addr' is generic to every PCI device/,
  );
  // addr is an ordinary name on a non-PCI device.
  r.register({ ...ISA_DEBUG_EXIT, properties: { addr: { type: "u32" } } });
});

Deno.test("list() returns every type sorted by name without regard to case", () => {
  const r = new DeviceRegistry();
  for (const name of ["b-dev", "AC97", "a-dev", "Zed"]) {
    r.register({ ...ISA_DEBUG_EXIT, name });
  }
  assert.deepEqual(r.list().map((t) => t.name), ["a-dev", "AC97", "b-dev", "Zed"]);
});

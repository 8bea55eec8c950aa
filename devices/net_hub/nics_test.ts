import assert from "node:assert/strict";
import type { NicSpec } from "../../options.ts";
import { DeviceRegistry, parseDeviceOption, resolveDevices } from "../../plugins/registry/mod.ts";
import {
  DEFAULT_NIC_MODEL,
  isNicModel,
  nicDeviceText,
  unsupportedNicModel,
  withDefaultMacs,
} from "./nics.ts";

const hub = (id: string): NicSpec["netdev"] => ({ type: "hubport", id, props: { hubid: "0" } });

function registry(): DeviceRegistry {
  const r = new DeviceRegistry();
  r.register({
    name: "virtio-net-pci",
    aliases: ["virtio-net"],
    bus: "virtio-pci",
    category: "Network",
    properties: { netdev: { type: "netdev" }, mac: { type: "string" } },
  });
  // A network device without a netdev is not a NIC (QEMU's rocker case).
  r.register({ name: "net-thing", bus: "pci", category: "Network", properties: {} });
  r.register({
    name: "virtio-rng-pci",
    bus: "virtio-pci",
    category: "Misc",
    properties: {},
  });
  return r;
}

Deno.test("a -nic becomes its model on its netdev, virtio-net-pci unless model= says otherwise", () => {
  assert.equal(DEFAULT_NIC_MODEL, "virtio-net-pci");
  assert.equal(
    nicDeviceText({ netdev: hub("__org.qemu.nic0") }),
    "virtio-net-pci,netdev=__org.qemu.nic0",
  );
  assert.equal(
    nicDeviceText({ netdev: hub("n"), model: "virtio", mac: "52:54:00:00:00:09" }),
    "virtio-net-pci,netdev=n,mac=52:54:00:00:00:09",
  );
  assert.equal(nicDeviceText({ netdev: hub("n"), model: "my-nic" }), "my-nic,netdev=n");
});

Deno.test("unsupportedNicModel names the first -nic model that is no NIC type, as written", () => {
  const r = registry();
  assert.ok(isNicModel(r.get("virtio-net-pci")!));
  assert.ok(!isNicModel(r.get("net-thing")!));
  assert.equal(
    unsupportedNicModel(r, [{ netdev: hub("a") }, { netdev: hub("b"), model: "virtio" }]),
    undefined,
  );
  for (const model of ["e1000", "virtio-net", "net-thing", "virtio-rng-pci"]) {
    assert.equal(
      unsupportedNicModel(r, [{ netdev: hub("a") }, { netdev: hub("b"), model }]),
      model,
    );
  }
});

Deno.test("withDefaultMacs gives each NIC without mac= QEMU's next address, -nic NICs first", () => {
  const r = registry();
  const options = [
    "virtio-net-pci,netdev=n0", // from a -nic: created first
    "virtio-net-pci,netdev=n1,mac=52:54:00:12:34:57",
    "virtio-rng-pci",
    "virtio-net,netdev=n2",
    "virtio-net-pci,netdev=n3,mac=bogus",
  ].map((t) => parseDeviceOption(t));
  const { devices } = resolveDevices(r, options, { netdevs: ["n0", "n1", "n2", "n3"] });
  const out = withDefaultMacs(devices);
  assert.deepEqual(out.map((d) => d.props.mac), [
    "52:54:00:12:34:56",
    "52:54:00:12:34:57",
    undefined,
    "52:54:00:12:34:58",
    "bogus", // left for the device to refuse in QEMU's words
  ]);
  assert.equal(out[0].origins.mac, "default");
  assert.equal(out[2], devices[2], "a device that is no NIC comes back as it was");
  assert.equal(devices[0].props.mac, undefined, "the input is not changed");
});

import assert from "node:assert/strict";
import { pluginGrants } from "./permissions.ts";

const schema = {
  drive: { type: "drive" },
  cdrom: { type: "drive" },
  net: { type: "netdev" },
  path: { type: "path" },
  serial: { type: "string" },
} as const;

Deno.test("pluginGrants gives a drive read and write, a read-only drive read, a netdev its address", () => {
  const grants = pluginGrants(schema, {
    drive: "d0",
    cdrom: "cd",
    net: "n0",
    path: "/etc/shadow",
    serial: "/etc/passwd",
  }, {
    drives: { d0: { file: "/images/a.img" }, cd: { file: "/images/b.iso", readonly: true } },
    netdevs: { n0: { hostname: "127.0.0.1", port: 4444 } },
  });
  assert.deepEqual(grants.permissions, {
    read: ["/images/a.img", "/images/b.iso"],
    write: ["/images/a.img"],
    net: ["127.0.0.1:4444"],
    env: false,
    run: false,
    ffi: false,
    sys: false,
    import: false,
  });
  assert.deepEqual(grants.files, {
    drive: { path: "/images/a.img", readonly: false },
    cdrom: { path: "/images/b.iso", readonly: true },
  });
  assert.deepEqual(grants.netdevs, { net: { hostname: "127.0.0.1", port: 4444 } });
});

Deno.test("pluginGrants denies everything when no property names a backend", () => {
  const grants = pluginGrants(schema, { path: "/etc/shadow" });
  assert.equal(grants.permissions.read, false);
  assert.equal(grants.permissions.write, false);
  assert.equal(grants.permissions.net, false);
  assert.deepEqual(grants.files, {});
});

Deno.test("pluginGrants resolves a relative image path against the working directory", () => {
  const grants = pluginGrants(schema, { drive: "d0" }, { drives: { d0: { file: "disk.img" } } });
  assert.deepEqual(grants.permissions.read, [`${Deno.cwd()}/disk.img`]);
});

Deno.test("pluginGrants refuses a drive or netdev id that names no backend", () => {
  assert.throws(
    () => pluginGrants(schema, { drive: "nope" }),
    /property 'drive': no -drive with id 'nope'/,
  );
  assert.throws(
    () => pluginGrants(schema, { drive: "__proto__" }, { drives: {} }),
    /no -drive with id '__proto__'/,
  );
  assert.throws(
    () => pluginGrants(schema, { net: "n9" }),
    /property 'net': no -netdev with id 'n9'/,
  );
});

Deno.test("pluginGrants passes a hub port's channel on and grants no network for it", () => {
  const channel = new SharedArrayBuffer(64);
  const grants = pluginGrants(schema, { net: "h0" }, {
    netdevs: { h0: { mode: "hub", channel } },
  });
  assert.equal(grants.permissions.net, false);
  assert.deepEqual(grants.netdevs, { net: { mode: "hub", channel } });
  assert.equal((grants.netdevs.net as { channel: SharedArrayBuffer }).channel, channel);
  assert.throws(
    () =>
      pluginGrants(schema, { net: "h0" }, {
        netdevs: {
          h0: { mode: "hub", channel: new ArrayBuffer(64) as unknown as SharedArrayBuffer },
        },
      }),
    /property 'net': -netdev 'h0' has no hub channel/,
  );
});

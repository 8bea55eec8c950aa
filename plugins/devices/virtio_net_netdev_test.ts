import assert from "node:assert/strict";
import { pluginGrants } from "../sandbox/mod.ts";
import { netdevBackend, netdevBackends } from "./virtio_net_netdev.ts";

const socket = (props: Record<string, string>) => ({ type: "socket", id: "n0", props });

Deno.test("-netdev socket maps udp=, listen= and connect= to what the sandbox may reach", () => {
  assert.deepEqual(
    netdevBackend(socket({ udp: "127.0.0.1:5000", localaddr: "127.0.0.1:5001" })),
    {
      hostname: "127.0.0.1",
      port: 5000,
      mode: "udp",
      local: { hostname: "127.0.0.1", port: 5001 },
    },
  );
  assert.deepEqual(netdevBackend(socket({ listen: ":1234" })), {
    hostname: "0.0.0.0",
    port: 1234,
    mode: "listen",
  });
  assert.deepEqual(netdevBackend(socket({ listen: "[]:1234" })).hostname, "::");
  assert.deepEqual(netdevBackend(socket({ connect: "[::1]:80" })), {
    hostname: "::1",
    port: 80,
    mode: "connect",
  });
});

Deno.test("-netdev stream inet maps server=on to listen and otherwise to connect", () => {
  const stream = (props: Record<string, string>) => ({ type: "stream", id: "s", props });
  const addr = { "addr.type": "inet", "addr.host": "localhost", "addr.port": "5555" };
  assert.deepEqual(netdevBackend(stream({ ...addr, server: "on" })), {
    hostname: "localhost",
    port: 5555,
    mode: "listen",
  });
  assert.equal(netdevBackend(stream({ ...addr, server: "off" })).mode, "connect");
  assert.equal(netdevBackend(stream(addr)).mode, "connect");
  assert.throws(
    () => netdevBackend(stream({ "addr.type": "unix", "addr.path": "/tmp/s" })),
    /-netdev stream,id=s: stream addr.type=unix is not supported/,
  );
});

Deno.test("netdevBackends refuses user, a hubport without hub, multicast and malformed addresses clearly", () => {
  assert.throws(
    () => netdevBackends([{ type: "user", id: "u0", props: {} }]),
    /^Error: -netdev user,id=u0: user-mode networking \(slirp\) is not supported; use -netdev socket or -netdev stream$/,
  );
  assert.throws(
    () => netdevBackends([{ type: "hubport", id: "h", props: { hubid: "0" } }]),
    /^Error: -netdev hubport,id=h: a hub port has no host address: its frames go through the VMM's hub$/,
  );
  assert.throws(
    () => netdevBackend(socket({ mcast: "230.0.0.1:1234" })),
    /mcast= is not supported/,
  );
  assert.throws(() => netdevBackend(socket({ udp: "127.0.0.1:1" })), /localaddr= is mandatory/);
  assert.throws(
    () => netdevBackend(socket({ listen: ":1", localaddr: "127.0.0.1:2" })),
    /localaddr= is only valid with mcast= or udp=/,
  );
  assert.throws(() => netdevBackend(socket({ connect: "localhost" })), /doesn't contain ':'/);
  assert.throws(() => netdevBackend(socket({ connect: ":80" })), /has no host/);
  assert.throws(() => netdevBackend(socket({ connect: "h:http" })), /not a port number/);
  assert.throws(() => netdevBackend(socket({ connect: "h:65536" })), /not a port number/);
  const two = netdevBackends([
    socket({ listen: ":1" }),
    { type: "socket", id: "n1", props: { connect: "10.0.0.1:2" } },
  ]);
  assert.deepEqual(Object.keys(two), ["n0", "n1"]);
});

Deno.test("a udp netdev grants the sandbox its peer and its local address, and nothing else", () => {
  const netdevs = netdevBackends([
    socket({ udp: "127.0.0.1:5000", localaddr: "127.0.0.1:5001" }),
    { type: "socket", id: "other", props: { connect: "10.0.0.1:22" } },
  ]);
  const grants = pluginGrants({ netdev: { type: "netdev" } }, { netdev: "n0" }, { netdevs });
  assert.deepEqual(grants.permissions.net, ["127.0.0.1:5000", "127.0.0.1:5001"]);
  assert.deepEqual(grants.netdevs.netdev, netdevs.n0);
  const v6 = pluginGrants({ netdev: { type: "netdev" } }, { netdev: "n0" }, {
    netdevs: netdevBackends([socket({ listen: "[::1]:7" })]),
  });
  assert.deepEqual(v6.permissions.net, ["[::1]:7"]);
});

Deno.test("a hubport netdev grants the sandbox its hub channel and no network permission", () => {
  const channel = new SharedArrayBuffer(64);
  const asked: string[] = [];
  const netdevs = netdevBackends([
    { type: "hubport", id: "h0", props: { hubid: "0" } },
    socket({ connect: "10.0.0.1:22" }),
  ], {
    hubport: (netdev) => {
      asked.push(netdev.id);
      return { mode: "hub", channel };
    },
  });
  assert.deepEqual(asked, ["h0"], "asked once, for the hubport only");
  const grants = pluginGrants({ netdev: { type: "netdev" } }, { netdev: "h0" }, { netdevs });
  assert.equal(grants.permissions.net, false);
  assert.deepEqual(Object.keys(grants.netdevs), ["netdev"]);
  const grant = grants.netdevs.netdev;
  assert.ok(grant.mode === "hub" && grant.channel === channel, "the very same shared memory");
});

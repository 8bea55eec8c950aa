import assert from "node:assert/strict";
import { loadPlugin } from "./load_plugin.ts";
import { startPluginDevice } from "./plugin_device.ts";
import { TESTDATA, testRam } from "./_testing.ts";

Deno.test("a plugin gets its drives and netdev and is denied every other host resource", async () => {
  const dir = await Deno.makeTempDir();
  const disk = `${dir}/disk.img`;
  const roDisk = `${dir}/ro.img`;
  const secret = `${dir}/secret.txt`;
  await Deno.writeFile(disk, new Uint8Array(512));
  await Deno.writeFile(roDisk, new Uint8Array([1, 2, 3, 4]));
  await Deno.writeTextFile(secret, "export default 'not for plugins';");
  const peer = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const other = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = peer.accept().then((c) => c.close());
  const lines: string[] = [];
  const ram = testRam();
  try {
    const plugin = await loadPlugin(new URL("probe_plugin.ts", TESTDATA));
    const device = await startPluginDevice(plugin, {
      drive: "d0",
      ro: "d1",
      peer: "n0",
      other: secret,
      port: other.addr.port,
    }, {
      memory: ram.u8.buffer as SharedArrayBuffer,
      ramSize: ram.size,
      id: "probe0",
      backends: {
        drives: { d0: { file: disk }, d1: { file: roDisk, readonly: true } },
        netdevs: { n0: { hostname: "127.0.0.1", port: peer.addr.port } },
      },
      report: (line) => lines.push(line),
    });
    await device.close();
    await accepted;

    const result = (name: string) => {
      const line = lines.find((l) => l.startsWith(`device 'probe0': probe ${name} `));
      assert.ok(line, `probe ${name} reported`);
      return line.slice(`device 'probe0': probe ${name} `.length);
    };
    for (const granted of ["read-granted-drive", "write-granted-drive", "read-readonly-drive"]) {
      assert.equal(result(granted), "ok", granted);
    }
    assert.equal(result("net-granted"), "ok");
    const denied = [
      "write-readonly-drive",
      "read-other-file",
      "write-other-file",
      "node-fs-read-other",
      "fetch-other-file",
      "import-other-file",
      "env",
      "node-process-env",
      "run",
      "node-child-process",
      "ffi",
      "sys",
      "net-other-port",
      "net-listen",
      "worker-escalation",
    ];
    for (const name of denied) {
      assert.match(result(name), /NotCapable|Requires .* access|permission/i, name);
    }
    assert.match(result("write-readonly-drive-api"), /read-only/);
    assert.deepEqual(
      [...await Deno.readFile(roDisk)],
      [1, 2, 3, 4],
      "the read-only image is intact",
    );
    assert.equal((await Deno.readFile(disk))[0], 7, "the writable image was written");
    await assert.rejects(Deno.stat(`${secret}.copy`), Deno.errors.NotFound);
  } finally {
    peer.close();
    other.close();
    await Deno.remove(dir, { recursive: true });
  }
});

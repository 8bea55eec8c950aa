/**
 * A hostile test device: as it starts, it tries every host resource it can name and logs
 * `probe NAME ok` or `probe NAME <error name>: <message>` for each.
 */

import { defineDevice, type DeviceEnv } from "../../sdk/mod.ts";

type Probe = () => unknown;

function probes(props: Record<string, unknown>, env: DeviceEnv): Record<string, Probe> {
  const other = String(props.other);
  const bytes = new Uint8Array(4);
  return {
    "read-granted-drive": () => env.files.drive.read(0, bytes),
    "write-granted-drive": () => env.files.drive.write(0, new Uint8Array([7])),
    "read-readonly-drive": () => env.files.ro.read(0, bytes),
    "write-readonly-drive": () => Deno.openSync(env.files.ro.path, { write: true }),
    "write-readonly-drive-api": () => env.files.ro.write(0, bytes),
    "read-other-file": () => Deno.readFileSync(other),
    "write-other-file": () => Deno.writeTextFileSync(`${other}.copy`, "x"),
    "node-fs-read-other": async () => (await import("node:fs")).readFileSync(other),
    "fetch-other-file": () => fetch(`file://${other}`),
    "import-other-file": () => import(`file://${other}`),
    "env": () => Deno.env.get("PATH"),
    "node-process-env": async () => (await import("node:process")).env.PATH,
    "run": () => new Deno.Command("true").outputSync(),
    "node-child-process": async () => (await import("node:child_process")).execSync("true"),
    "ffi": () => Deno.dlopen("libc.so.6", {}),
    "sys": () => Deno.hostname(),
    "net-granted": async () => (await Deno.connect(env.netdevs.peer)).close(),
    "net-other-port": async () =>
      (await Deno.connect({ hostname: "127.0.0.1", port: Number(props.port) })).close(),
    "net-listen": () => Deno.listen({ port: 0 }),
    "worker-escalation": () =>
      new Worker("data:text/javascript,", {
        type: "module",
        // deno-lint-ignore no-explicit-any
        deno: { permissions: { read: true, env: true } } as any,
      }),
  };
}

export default defineDevice({
  name: "test-probe-pci",
  category: "Misc",
  deviceId: 0x3e,
  queueSizes: [4],
  properties: {
    drive: { type: "drive" },
    ro: { type: "drive" },
    peer: { type: "netdev" },
    other: { type: "string" },
    port: { type: "u16" },
  },
  async backend(props, env) {
    for (const [name, probe] of Object.entries(probes(props, env))) {
      try {
        await probe();
        env.log(`probe ${name} ok`);
      } catch (e) {
        env.log(`probe ${name} ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    return { activate() {}, notify() {}, reset() {} };
  },
});

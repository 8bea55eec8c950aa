import assert from "node:assert/strict";
import { MemoryChardev } from "../devices/chardev/mod.ts";
import { builtinRegistry, parseDeviceOption, PcMachine } from "../mod.ts";
import { resolveDevices } from "../plugins/registry/mod.ts";
import type { DeviceImpl } from "../devices/board/device_impl.ts";

const KERNEL = new URL("./guests/hello_multiboot.bin", import.meta.url);

Deno.test("a multiboot kernel prints on COM1 and exits through isa-debug-exit with (0x10 << 1) | 1", async () => {
  const serial = new MemoryChardev();
  const registry = builtinRegistry();
  const { devices } = resolveDevices(registry, [
    parseDeviceOption("isa-debug-exit,iobase=0xf4,iosize=0x04"),
  ]);
  const machine = new PcMachine({
    memoryBytes: 32 << 20,
    kernel: { name: "hello_multiboot.bin", data: await Deno.readFile(KERNEL) },
    serial: [serial],
    devices: devices.map((d) => (ctx) =>
      (d.type.impl as DeviceImpl).plug!(ctx, d.props, { id: d.id })
    ),
    noReboot: true,
  });
  const status = await machine.run();
  assert.equal(status, 0x21);
  assert.equal(serial.text(), "hello from a multiboot kernel\n");
});

Deno.test("the command line boots the same kernel and returns its exit status", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../main.ts", import.meta.url).pathname,
      "-nographic",
      "-no-reboot",
      "-kernel",
      KERNEL.pathname,
      "-device",
      "isa-debug-exit,iobase=0xf4,iosize=0x04",
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 33, new TextDecoder().decode(out.stderr));
  assert.match(new TextDecoder().decode(out.stdout), /hello from a multiboot kernel/);
});

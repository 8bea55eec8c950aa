/** `-D FILE`: the machine's log goes to FILE (QEMU's option), written through line by line. */
import assert from "node:assert/strict";
import { createMachine, parseArgs } from "../mod.ts";

const KERNEL = new URL("./guests/hello_multiboot.bin", import.meta.url).pathname;

Deno.test("-D FILE receives the machine's log lines instead of stderr", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/vmm.log`;
  try {
    const cmd = parseArgs([
      "-kernel",
      KERNEL,
      "-nodefaults",
      "-device",
      "isa-debug-exit,iobase=0xf4,iosize=0x04",
      "-D",
      path,
    ]);
    const { machine, close } = await createMachine(cmd);
    try {
      machine.requestReset("a reset asked for by the test");
      assert.equal(await machine.run(), 33, "rebooted and ran to isa-debug-exit");
      assert.match(
        await Deno.readTextFile(path),
        /guest reset \(a reset asked for by the test\)\n$/,
      );
    } finally {
      await close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("-D with a file that cannot be created is refused before the machine starts", async () => {
  const cmd = parseArgs(["-kernel", KERNEL, "-nodefaults", "-D", "/nonexistent-dir/vmm.log"]);
  await assert.rejects(() => createMachine(cmd), /-D \/nonexistent-dir\/vmm\.log/);
});

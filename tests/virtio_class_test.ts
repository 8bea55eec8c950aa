import assert from "node:assert/strict";
import { createMachine, parseArgs } from "../mod.ts";

const KERNEL = new URL("./guests/hello_multiboot.bin", import.meta.url).pathname;

/** The PCI class and subclass (config offset 0x0a) of each virtio function of a machine. */
async function virtioClasses(devices: string[]): Promise<number[]> {
  const image = await Deno.makeTempFile({ suffix: ".img" });
  await Deno.writeFile(image, new Uint8Array(4096));
  const cmd = parseArgs([
    "-kernel",
    KERNEL,
    "-nodefaults",
    ...[0, 1, 2].flatMap((i) => ["-drive", `file=${image},if=none,id=d${i},format=raw`]),
    ...devices.flatMap((d) => ["-device", d]),
  ]);
  const { machine, close } = await createMachine(cmd, { log: () => {} });
  try {
    return machine.pci.entries()
      .filter((e) => machine.pci.configRead(e.slot, e.func, 0, 2) === 0x1af4)
      .map((e) => machine.pci.configRead(e.slot, e.func, 0x0a, 2));
  } finally {
    close();
    await Deno.remove(image);
  }
}

Deno.test("virtio-blk-pci takes `class` as QEMU does: 0x0180 is kept, anything else is 0x0100", async () => {
  assert.deepEqual(
    await virtioClasses([
      "virtio-blk-pci,drive=d0",
      "virtio-blk-pci,drive=d1,class=0x0180",
      "virtio-blk-pci,drive=d2,class=0x0300",
    ]).then((c) => c.sort((a, b) => a - b)),
    [0x0100, 0x0100, 0x0180],
  );
});

Deno.test("virtio-console-pci takes `class` as QEMU does: 0x0380 and 0x00ff are kept, else 0x0780", async () => {
  assert.deepEqual(
    await virtioClasses([
      "virtio-console-pci",
      "virtio-console-pci,class=0x0380",
      "virtio-serial-pci,class=0x00ff",
      "virtio-serial-pci,class=0x0101",
    ]).then((c) => c.sort((a, b) => a - b)),
    [0x00ff, 0x0380, 0x0780, 0x0780],
  );
});

import assert from "node:assert/strict";
import { defaultGuestArgs, GuestSession } from "./guest_session.ts";

const SECTOR = 512;

for (const transport of ["modern", "legacy"]) {
  Deno.test({
    name: `Linux reads and writes a raw image through virtio-blk-pci (${transport} transport)`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const image = await Deno.makeTempFile({ suffix: ".img" });
      const data = new Uint8Array(1 << 20);
      data.set(new TextEncoder().encode("deno-vmm disk says hello"), 0);
      await Deno.writeFile(image, data);
      const device = transport === "modern"
        ? "virtio-blk-pci,drive=d0,serial=VMMDISK1"
        : "virtio-blk-pci,drive=d0,serial=VMMDISK1,disable-modern=on,vectors=0";
      const vm = new GuestSession([
        "-drive",
        `file=${image},if=none,id=d0,format=raw`,
        "-device",
        device,
        ...defaultGuestArgs(),
      ]);
      try {
        await vm.booted();
        assert.match(await vm.run("cat /sys/block/vda/size"), /\n2048\n/);
        assert.match(await vm.run("cat /sys/block/vda/serial"), /VMMDISK1/);
        assert.match(
          await vm.run("dd if=/dev/vda bs=24 count=1 2>/dev/null; echo"),
          /deno-vmm disk says hello/,
        );
        await vm.run(
          `echo -n written-by-the-guest | dd of=/dev/vda bs=${SECTOR} seek=3 conv=fsync 2>&1`,
        );
        assert.equal(await vm.powerOff(), 0);
      } finally {
        await vm.kill();
      }
      const after = await Deno.readFile(image);
      const text = new TextDecoder().decode(after.subarray(3 * SECTOR, 3 * SECTOR + 20));
      assert.equal(text, "written-by-the-guest");
      await Deno.remove(image);
    },
  });
}

import assert from "node:assert/strict";
import { defaultGuestArgs, GuestSession } from "../../tests/guest_session.ts";

const PLUGIN = new URL("./pattern_rng.ts", import.meta.url).pathname;

/** Parses `od -An -tx1` output into bytes. */
function bytesOf(od: string): number[] {
  return [...od.matchAll(/\b[0-9a-f]{2}\b/g)].map((m) => parseInt(m[0], 16));
}

for (const transport of ["modern, MSI-X", "legacy, INTx"]) {
  Deno.test({
    name: `--plugin loads the example pattern-rng-pci and Linux reads its bytes (${transport})`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const device = transport.startsWith("modern")
        ? "pattern-rng-pci,pattern=0x10"
        : "pattern-rng-pci,pattern=0x10,disable-modern=on,vectors=0";
      const vm = new GuestSession(["--plugin", PLUGIN, "-device", device, ...defaultGuestArgs()]);
      try {
        await vm.booted();
        assert.match(await vm.run("cat /sys/bus/virtio/devices/virtio0/device"), /0x0004/);
        assert.match(await vm.run("ls /sys/bus/virtio/drivers/virtio_rng"), /virtio0/);
        const out = await vm.run("head -c 32 /dev/hwrng | od -An -tx1");
        const bytes = bytesOf(out.slice(out.indexOf("\n")));
        assert.equal(bytes.length, 32, out);
        for (let i = 1; i < bytes.length; i++) {
          assert.equal(
            bytes[i],
            (bytes[i - 1] + 1) & 0xff,
            `byte ${i} follows the pattern: ${out}`,
          );
        }
        const irqs = await vm.run("cat /proc/interrupts");
        if (transport.startsWith("modern")) assert.match(irqs, /PCI-MSI.*virtio0-input/);
        else assert.match(irqs, /IO-APIC.*virtio0/);
        assert.equal(await vm.powerOff(), 0);
      } finally {
        await vm.kill();
      }
    },
  });
}

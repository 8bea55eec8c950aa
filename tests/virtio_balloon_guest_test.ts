import assert from "node:assert/strict";
import { defaultGuestArgs, GuestSession } from "./guest_session.ts";

const RAM_MIB = 128;
const BALLOON_PAGES = 2048; // 8 MiB of 4 KiB pages

/**
 * Reads `num_pages` and `actual` (§5.5.4) through the device's legacy I/O BAR, which sysfs lets
 * root read with port accesses; the configuration starts at 20, or 24 with MSI-X enabled
 * (virtio 1.1 §4.1.4.8). Waits up to 60 s for the driver to reach the target.
 */
const READ_CONFIG = [
  "P=$(readlink -f /sys/bus/virtio/drivers/virtio_balloon/virtio*/..)",
  'off=20; [ -n "$(ls $P/msi_irqs 2>/dev/null)" ] && off=24',
  "i=0",
  "while :; do",
  "set -- $(dd if=$P/resource0 bs=4 skip=$((off / 4)) count=2 2>/dev/null | od -An -tu4)",
  '[ "$1" = "$2" ] || [ $i -ge 60 ] && break',
  "i=$((i + 1)); sleep 1",
  "done",
  'echo "num_pages=$1 actual=$2"',
].join("\n");

Deno.test({
  name: "Linux binds virtio-balloon-pci and inflates the balloon to the num-pages target",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const vm = new GuestSession([
      "-m",
      String(RAM_MIB),
      "-device",
      `virtio-balloon-pci,num-pages=${BALLOON_PAGES}`,
      ...defaultGuestArgs(),
    ]);
    try {
      await vm.booted();
      const bound = await vm.run("ls /sys/bus/virtio/drivers/virtio_balloon/");
      assert.match(bound, /virtio\d+/);
      const pci = await vm.run(
        "d=$(readlink -f /sys/bus/virtio/drivers/virtio_balloon/virtio*/..); " +
          "echo pci $(cat $d/vendor) $(cat $d/device) $(cat $d/class)",
      );
      assert.match(pci, /^pci 0x1af4 0x1002 0x050000$/m);
      // Feature bits as a string, bit 0 first: STATS_VQ (1) offered and taken, VERSION_1 (32).
      const features = (await vm.run("cat /sys/bus/virtio/drivers/virtio_balloon/virtio*/features"))
        .match(/^[01]{64}$/m)?.[0];
      assert.ok(features, "a feature string");
      assert.equal(features[1], "1", "VIRTIO_BALLOON_F_STATS_VQ");
      assert.equal(features[32], "1", "VIRTIO_F_VERSION_1");
      // The driver gives the pages and reports them in `actual`, which the device keeps.
      assert.match(
        await vm.run(`sh -c '${READ_CONFIG.replaceAll("'", "'\\''")}'`, 90_000),
        new RegExp(`^num_pages=${BALLOON_PAGES} actual=${BALLOON_PAGES}$`, "m"),
      );
      // Without DEFLATE_ON_OOM Linux takes ballooned pages out of MemTotal, so the guest now
      // sees at most its RAM less the balloon.
      const total = Number((await vm.run("grep MemTotal /proc/meminfo")).match(/(\d+) kB/)?.[1]);
      assert.ok(total > 0 && total <= RAM_MIB * 1024 - BALLOON_PAGES * 4, `MemTotal ${total} kB`);
      assert.equal(await vm.powerOff(), 0);
    } finally {
      await vm.kill();
    }
  },
});

import assert from "node:assert/strict";
import { defaultGuestArgs, GuestSession } from "./guest_session.ts";

/** The default guest's options with the kernel's console, and so the shell, on hvc0. */
function consoleOnHvc0(serialLog: string): string[] {
  const args = defaultGuestArgs().filter((a) => a !== "-nographic");
  // The last console= names /dev/console: boot messages still go to ttyS0 (a file here), the
  // shell to hvc0.
  args[args.indexOf("-append") + 1] = "console=ttyS0 console=hvc0";
  return [...args, "-serial", `file:${serialLog}`];
}

Deno.test({
  name: "Linux runs its shell on virtio-console-pci over stdio and writes hvc1 to a file chardev",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const serialLog = await Deno.makeTempFile({ suffix: ".log" });
    const output = await Deno.makeTempFile({ suffix: ".txt" });
    const vm = new GuestSession([
      ...consoleOnHvc0(serialLog),
      "-chardev",
      "stdio,id=con",
      "-device",
      "virtio-console-pci,chardev=con",
      // The second console on the legacy transport with INTx, under QEMU's newer name.
      "-chardev",
      `file,id=out,path=${output}`,
      "-device",
      "virtio-serial-pci,chardev=out,disable-modern=on,vectors=0",
    ]);
    const long = Array.from({ length: 60 }, (_, i) => `w${i.toString().padStart(3, "0")}x`)
      .join("");
    try {
      // Every byte of this session, both ways, crosses virtio-console's queues.
      await vm.booted();
      assert.match(await vm.run("cat /proc/consoles"), /^hvc0 .*\(EC/m);
      const bound = await vm.run("ls /sys/bus/virtio/drivers/virtio_console/");
      assert.equal(bound.match(/virtio\d+/g)?.length, 2, bound);
      const ids = await vm.run(
        "for d in /sys/bus/virtio/drivers/virtio_console/virtio*; do " +
          "echo pci $(cat $d/../vendor) $(cat $d/../device) $(cat $d/../class); done",
      );
      assert.equal(ids.match(/^pci 0x1af4 0x1003 0x078000$/gm)?.length, 2, ids);
      // A 300-byte line typed on the host comes back whole.
      assert.match(await vm.run(`echo ${long} | wc -c`), /^301$/m);
      await vm.run("echo hello-from-the-guest > /dev/hvc1");
      // More than the host bridge's ring holds, so the guest waits for the host on the way.
      await vm.run("head -c 100000 /dev/zero | tr '\\0' x > /dev/hvc1");
      assert.equal(await vm.powerOff(), 0);
    } finally {
      await vm.kill();
    }
    const text = await Deno.readTextFile(output);
    // hvc1 is a terminal: its output processing turns "\n" into "\r\n".
    assert.equal(text, `hello-from-the-guest\r\n${"x".repeat(100000)}`);
    const serial = await Deno.readTextFile(serialLog);
    assert.match(serial, /Linux version/, "boot messages still reach ttyS0");
    assert.doesNotMatch(serial, /\/root # /, "the shell never used the serial port");
    await Deno.remove(serialLog);
    await Deno.remove(output);
  },
});

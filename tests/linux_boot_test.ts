import assert from "node:assert/strict";
import { MemoryChardev } from "../devices/chardev/mod.ts";
import { PcMachine } from "../mod.ts";
import { firstDifference, kernelLog } from "./boot_transcript.ts";

const guest = (f: string) => new URL(`../guests/${f}`, import.meta.url);
const PROMPT = "/root # ";
const QEMU_BOOT = new URL("./guests/qemu_default_guest_boot.txt", import.meta.url);
/** A terminal control sequence (CSI): ESC [ parameters final-byte. */
const ESCAPE_SEQUENCE = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*[A-Za-z]", "g");

/** Waits until the serial output, from `from` on, contains `text`. */
async function waitFor(serial: MemoryChardev, text: string, from: number, ms: number) {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const out = serial.text();
    const at = out.indexOf(text, from);
    if (at >= 0) return at + text.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `timed out waiting for ${JSON.stringify(text)}; output so far:\n${serial.text()}`,
  );
}

Deno.test({
  name:
    "the default guest boots as on QEMU to a busybox shell, runs commands and powers off with status 0",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const serial = new MemoryChardev();
    const machine = new PcMachine({
      memoryBytes: 128 << 20,
      kernel: { name: "bzImage", data: await Deno.readFile(guest("bzImage")) },
      initrd: [{ name: "initramfs.cpio", data: await Deno.readFile(guest("initramfs.cpio")) }],
      append: "console=ttyS0",
      serial: [serial],
      noReboot: true,
      log: () => {},
    });
    const exit = machine.run();
    try {
      let at = await waitFor(serial, PROMPT, 0, 240_000);
      // The same kernel, initrd and command line on qemu-system-i386 (recorded by
      // tests/guests/record_qemu_boot.sh): the kernel logs agree line for line.
      const qemu = kernelLog(await Deno.readTextFile(QEMU_BOOT));
      assert.ok(qemu.length > 100, "the recorded QEMU log is there");
      const difference = firstDifference(kernelLog(serial.text()), qemu);
      assert.equal(difference, undefined, difference);
      const run = async (cmd: string): Promise<string> => {
        serial.inject(cmd + "\n");
        const end = await waitFor(serial, PROMPT, at, 60_000);
        const out = serial.text().slice(at, end - PROMPT.length);
        at = end;
        // busybox asks the terminal for the cursor position (ESC [6n) after each prompt.
        return out.replaceAll("\r", "").replace(ESCAPE_SEQUENCE, "");
      };
      assert.match(await run("uname -a"), /Linux \S+ 6\.1\.\d+ .* i686/);
      assert.match(await run("echo $((6 * 7))"), /^echo .*\n42\n/);
      const cpuinfo = await run("cat /proc/cpuinfo");
      assert.match(cpuinfo, /vendor_id\s*: GenuineIntel/);
      assert.match(cpuinfo, /flags\s*:.*\bfpu\b.*\bcmov\b/);
      assert.match(await run("ls /sys/bus/pci/devices"), /0000:00:00\.0\s+0000:00:01\.0/);
      assert.match(await run("cat /proc/interrupts"), /timer/);
      serial.inject("poweroff\n");
      assert.equal(await exit, 0);
    } finally {
      machine.stop(1);
      await exit;
    }
  },
});

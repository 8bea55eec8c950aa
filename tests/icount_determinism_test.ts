import assert from "node:assert/strict";
import { MemoryChardev } from "../devices/chardev/mod.ts";
import { PcMachine } from "../mod.ts";

const guest = (f: string) => new URL(`../guests/${f}`, import.meta.url);
const PROMPT = "/root # ";

/** Boots the default guest with guest time tied to the instruction count; returns the console. */
async function bootWithIcount(accel: "jit" | "interp"): Promise<string> {
  const serial = new MemoryChardev();
  const machine = new PcMachine({
    memoryBytes: 128 << 20,
    kernel: { name: "bzImage", data: await Deno.readFile(guest("bzImage")) },
    initrd: [{ name: "initramfs.cpio", data: await Deno.readFile(guest("initramfs.cpio")) }],
    append: "console=ttyS0",
    serial: [serial],
    noReboot: true,
    icountShift: 0,
    accel,
    log: () => {},
  });
  const exit = machine.run();
  try {
    const end = performance.now() + 240_000;
    while (!serial.text().includes(PROMPT)) {
      if (performance.now() > end) throw new Error(`no prompt:\n${serial.text()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // The RTC follows the host's calendar, as QEMU's does by default: its line is left out.
    return serial.text().slice(0, serial.text().indexOf(PROMPT))
      .replace(/setting system clock to [^\n]*/, "setting system clock to (host time)");
  } finally {
    machine.stop(0);
    await exit;
  }
}

Deno.test({
  name:
    "-icount runs repeat exactly under the JIT: the boot log, printk times included, is identical",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const first = await bootWithIcount("jit");
    const second = await bootWithIcount("jit");
    assert.match(first, /\[\s+\d+\.\d{6}\] Run \/init as init process/);
    assert.equal(second, first);
  },
});

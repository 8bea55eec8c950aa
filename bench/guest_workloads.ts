/**
 * Figures taken inside the default guest: sequential virtio-blk reads and writes (busybox dd on
 * a raw image, modern and legacy transports), with the interrupts the device takes. This VMM is
 * started through its command line, as a user would (so under the default `-accel jit`); QEMU
 * TCG boots the same guest with the same disk options and runs the same commands
 * (blk_workload.ts says what they measure). The CPU-bound shell loop is guest_cpu.ts.
 *
 * @module
 */

import { measureBlk } from "./blk_workload.ts";
import type { BenchContext } from "./context.ts";
import { findQemu, qemuVersion } from "./qemu_runner.ts";
import { QemuGuest } from "./qemu_guest.ts";
import { registerBenchmark } from "./registry.ts";
import { VmmGuest } from "./vmm_guest.ts";

registerBenchmark({
  name: "guest",
  description: "inside the default guest: virtio-blk dd throughput (64 KiB blocks), modern and " +
    "legacy, and the device's interrupts per second and per request",
  async run(ctx: BenchContext) {
    await measureBlk(ctx, { label: "", boot: (args) => VmmGuest.boot({ args }) });
  },
});

registerBenchmark({
  name: "guest_qemu",
  description: "the guest benchmark's virtio-blk workloads under QEMU TCG, same image and " +
    "commands",
  async run(ctx: BenchContext) {
    const qemu = await findQemu();
    if (!qemu) ctx.skip("qemu-system-i386 not found on PATH (or $QEMU_SYSTEM_I386)");
    ctx.log(`${await qemuVersion(qemu)} (${qemu}), -accel tcg`);
    await measureBlk(ctx, { label: "qemu-tcg ", boot: (args) => QemuGuest.boot(qemu, { args }) });
  },
});

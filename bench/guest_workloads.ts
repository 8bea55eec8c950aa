/**
 * Figures taken inside the default guest: sequential virtio-blk reads and writes (busybox dd on
 * a raw image, modern and legacy transports). Each boots the guest through the command line, as
 * a user would (so under the default `-accel jit`). The CPU-bound shell loop is guest_cpu.ts.
 *
 * @module
 */

import { defaultGuestArgs, GuestSession } from "../tests/guest_session.ts";
import type { BenchContext } from "./context.ts";
import { registerBenchmark } from "./registry.ts";

/** Seconds the guest reports for `cmd` via `time` (busybox prints "real XmY.YYs"). */
async function timed(vm: GuestSession, cmd: string): Promise<number> {
  const out = await vm.run(`time ${cmd}`, 300_000);
  const m = out.match(/real\s+(\d+)m\s*([\d.]+)s/);
  if (!m) throw new Error(`no timing in guest output: ${out}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

async function withGuest<T>(args: string[], fn: (vm: GuestSession) => Promise<T>): Promise<T> {
  const vm = new GuestSession([...args, ...defaultGuestArgs()]);
  try {
    await vm.booted();
    return await fn(vm);
  } finally {
    await vm.kill();
  }
}

registerBenchmark({
  name: "guest",
  description: "inside the default guest: virtio-blk dd throughput (64 KiB blocks)",
  async run(ctx: BenchContext) {
    const mib = ctx.quick ? 2 : 16;
    const image = await Deno.makeTempFile({ suffix: ".img" });
    try {
      await Deno.writeFile(image, new Uint8Array((mib + 1) << 20));
      // The quick pass (run by the tests) boots once, on the modern transport only.
      for (const transport of ctx.quick ? ["modern"] : ["modern", "legacy"]) {
        const device = transport === "modern"
          ? "virtio-blk-pci,drive=d0"
          : "virtio-blk-pci,drive=d0,disable-modern=on";
        const args = ["-drive", `file=${image},if=none,id=d0,format=raw`, "-device", device];
        await withGuest(args, async (vm) => {
          const w = await timed(
            vm,
            `sh -c 'dd if=/dev/zero of=/dev/vda bs=64k count=${mib * 16} conv=fsync 2>/dev/null'`,
          );
          await vm.run("echo 3 > /proc/sys/vm/drop_caches");
          const r = await timed(
            vm,
            `sh -c 'dd if=/dev/vda of=/dev/null bs=64k count=${mib * 16} 2>/dev/null'`,
          );
          ctx.figure(`virtio-blk ${transport} sequential write`, mib / w, {
            unit: "MiB/s",
            better: "higher",
          });
          ctx.figure(`virtio-blk ${transport} sequential read`, mib / r, {
            unit: "MiB/s",
            better: "higher",
          });
        });
      }
    } finally {
      await Deno.remove(image);
    }
  },
});

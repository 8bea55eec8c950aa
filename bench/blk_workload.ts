/**
 * Sequential virtio-blk throughput inside the default guest and the interrupts it takes, the same
 * for every VMM that boots the guest: the same image size, device options and guest commands.
 *
 * What dd measures: the guest's ordinary buffered path through the block device's page cache,
 * 64 KiB per dd call, the block layer merging them into larger requests. The write waits for the
 * data to reach the device (`conv=fsync`, its flush request included), so it times the device
 * and not the guest's memory; the read starts with the page cache dropped, so every block comes
 * from the device (through Linux's readahead). The cache is dropped before every write and read.
 * A first round, not recorded, lets the CPU translate the guest's code on the way (our JIT, TCG)
 * before the timed rounds.
 *
 * Time is taken by the host, from typing the workload's command (a shell function defined
 * beforehand, so the command is one short word) to the prompt's return, less the quickest of
 * three round trips of the empty command `:` taken just before. The guest's own clock would not
 * do: under QEMU TCG it is jiffies (10 ms steps), and ours leaves out the VMM's stalls.
 *
 * Interrupts are the device's lines of /proc/interrupts (with MSI-X "virtioN-config" and
 * "virtioN-req.0", with INTx one line naming "virtioN"), requests those the block layer completed
 * (/sys/block/vda/stat: reads, writes, discards and flushes), both read before and after each
 * command.
 *
 * @module
 */

import type { BenchContext } from "./context.ts";

/** The virtio-pci transports measured, and the QEMU device switch that selects each. */
export const BLK_TRANSPORTS = {
  modern: "disable-legacy=on",
  legacy: "disable-modern=on",
} as const;

/** A virtio-pci transport of {@link BLK_TRANSPORTS}. */
export type BlkTransport = keyof typeof BLK_TRANSPORTS;

/** The block device the guest sees the image as. */
const GUEST_DEVICE = "vda";

/** The options that attach `image` as a virtio-blk disk on `transport` (QEMU's syntax). */
export function blkDriveArgs(image: string, transport: BlkTransport): string[] {
  return [
    ["-drive", `file=${image},if=none,id=d0,format=raw`],
    ["-device", `virtio-blk-pci,drive=d0,${BLK_TRANSPORTS[transport]}`],
  ].flat();
}

/** How much is measured. */
export interface BlkPlan {
  /** MiB each dd reads or writes; the image is one MiB larger. */
  mib: number;
  /** Untimed write-then-read rounds per boot first: the CPU translates the guest's paths. */
  warmup: number;
  /** Write-then-read rounds per boot. */
  samples: number;
  /** Transports, one boot each. */
  transports: BlkTransport[];
}

/** The full plan, or the smoke pass's (one short round on the modern transport). */
export function blkPlan(quick: boolean): BlkPlan {
  return quick
    ? { mib: 2, warmup: 0, samples: 1, transports: ["modern"] }
    : { mib: 16, warmup: 1, samples: 3, transports: ["modern", "legacy"] };
}

/** The two workloads: name, shell function name, the definition typed before timing. */
export interface BlkWorkload {
  /** "write" or "read", as the figures name it. */
  kind: "write" | "read";
  /** The shell function the timed command calls. */
  fn: string;
  /** The function's definition (busybox ash). */
  definition: string;
}

/** The write and read workloads of `mib` MiB in 64 KiB blocks. */
export function blkWorkloads(mib: number): BlkWorkload[] {
  const count = mib * 16;
  const dev = `/dev/${GUEST_DEVICE}`;
  return [
    {
      kind: "write",
      fn: "blkw",
      definition:
        `blkw() { dd if=/dev/zero of=${dev} bs=64k count=${count} conv=fsync 2>/dev/null; }`,
    },
    {
      kind: "read",
      fn: "blkr",
      definition: `blkr() { dd if=${dev} of=/dev/null bs=64k count=${count} 2>/dev/null; }`,
    },
  ];
}

/** Drops the guest's clean page cache, so the next read comes from the device. */
const DROP_CACHES = "echo 3 > /proc/sys/vm/drop_caches";

/** Prints the interrupt table and the disk's counters, for {@link parseSnapshot}. */
const SNAPSHOT = `cat /proc/interrupts /sys/block/${GUEST_DEVICE}/stat`;

/** Counters of the disk at one moment. */
export interface BlkCounters {
  /** Interrupts the device took (all its lines, all CPUs). */
  interrupts: number;
  /** Requests completed: reads, writes, discards and flushes. */
  requests: number;
  /** 512-byte sectors read. */
  sectorsRead: number;
  /** 512-byte sectors written. */
  sectorsWritten: number;
}

/**
 * Interrupts taken by `device` (e.g. "virtio0") in the text of /proc/interrupts: the sum over
 * the lines whose name is the device or starts with `device-`, and over every CPU column. Throws
 * an Error when no line names the device. Lines may carry stray console text before them.
 */
export function parseVirtioInterrupts(text: string, device: string): number {
  const header = text.match(/^\s*((?:CPU\d+\s*)+)$/m);
  if (!header) throw new Error(`no CPU header in /proc/interrupts: ${JSON.stringify(text)}`);
  const cpus = header[1].trim().split(/\s+/).length;
  const name = new RegExp(`(?:^|[\\s,])${device}(?:-\\S*)?(?:,|$)`);
  let total = 0;
  let lines = 0;
  for (const line of text.split("\n")) {
    const m = line.match(/\b\d+:((?:\s+\d+)+)\s+(\S.*)$/);
    if (!m) continue;
    const counts = m[1].trim().split(/\s+/).map(Number);
    // Lines of an irq with fewer counts than CPUs do not occur; the chip name follows the counts.
    if (counts.length < cpus || !name.test(m[2].trim())) continue;
    total += counts.slice(0, cpus).reduce((a, b) => a + b, 0);
    lines++;
  }
  if (lines === 0) throw new Error(`no interrupt line of ${device}: ${JSON.stringify(text)}`);
  return total;
}

/**
 * Request and sector counts from the text of /sys/block/DEV/stat (Linux's
 * Documentation/block/stat.rst: 11 fields, 15 from 4.18 with discards, 17 from 5.5 with
 * flushes). Throws an Error when no line has that shape.
 */
export function parseBlockStat(text: string): Omit<BlkCounters, "interrupts"> {
  for (const line of text.split("\n")) {
    const m = line.match(/(?:^|\s)(\d+(?:\s+\d+){10,16})\s*$/);
    if (!m) continue;
    const f = m[1].split(/\s+/).map(Number);
    if (f.length !== 11 && f.length !== 15 && f.length !== 17) continue;
    return {
      requests: f[0] + f[4] + (f[11] ?? 0) + (f[15] ?? 0),
      sectorsRead: f[2],
      sectorsWritten: f[6],
    };
  }
  throw new Error(`no block device statistics in: ${JSON.stringify(text)}`);
}

/** Both parsers over the output of the snapshot command. */
export function parseSnapshot(text: string, device: string): BlkCounters {
  return { interrupts: parseVirtioInterrupts(text, device), ...parseBlockStat(text) };
}

/** A booted guest at its shell prompt; `seconds` is host time from typing to the prompt. */
export interface BlkGuest {
  /** Types `cmd` and waits for the prompt. */
  run(cmd: string, timeoutMs?: number): Promise<{ output: string; seconds: number }>;
  /** Stops the guest. */
  close(): Promise<void>;
}

/** One timed run of a workload. */
export interface BlkSample {
  /** Host seconds, less the console round trip. */
  seconds: number;
  /** Seconds of the console round trip taken off. */
  roundTrip: number;
  /** Interrupts the device took during the command. */
  interrupts: number;
  /** Requests completed during the command. */
  requests: number;
}

/** The quickest of three round trips of the empty command: console echo and prompt. */
async function consoleRoundTrip(guest: BlkGuest): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 3; i++) best = Math.min(best, (await guest.run(":")).seconds);
  return best;
}

/** The guest's name of the disk's virtio device, e.g. "virtio0". */
async function virtioDevice(guest: BlkGuest): Promise<string> {
  const out = (await guest.run(`readlink /sys/block/${GUEST_DEVICE}/device`)).output;
  const m = out.match(/\/(virtio\d+)\s*$/m);
  if (!m) throw new Error(`/dev/${GUEST_DEVICE} is not a virtio device: ${JSON.stringify(out)}`);
  return m[1];
}

/**
 * Runs `workload` once on `guest` (its function already defined) and checks that the disk moved
 * at least `mib` MiB in the workload's direction: dd's own messages are discarded.
 */
export async function runBlkWorkload(
  guest: BlkGuest,
  options: { workload: BlkWorkload; mib: number; device: string },
): Promise<BlkSample> {
  const { workload, mib, device } = options;
  await guest.run(DROP_CACHES);
  const before = parseSnapshot((await guest.run(SNAPSHOT)).output, device);
  const roundTrip = await consoleRoundTrip(guest);
  const { seconds } = await guest.run(workload.fn);
  const after = parseSnapshot((await guest.run(SNAPSHOT)).output, device);
  const sectors = workload.kind === "write"
    ? after.sectorsWritten - before.sectorsWritten
    : after.sectorsRead - before.sectorsRead;
  if (sectors < mib * 2048) {
    throw new Error(
      `${workload.kind} moved ${sectors} sectors, not the ${mib * 2048} of ${mib} MiB`,
    );
  }
  const net = seconds - roundTrip;
  if (!(net > 0)) {
    throw new Error(
      `${workload.kind} of ${mib} MiB took ${seconds} s, no longer than the console round trip`,
    );
  }
  return {
    seconds: net,
    roundTrip,
    interrupts: after.interrupts - before.interrupts,
    requests: after.requests - before.requests,
  };
}

/** Options of {@link measureBlk}. */
export interface MeasureBlkOptions {
  /** Prefix of every figure name, e.g. "qemu-tcg " (empty for this VMM). */
  label: string;
  /** Boots the default guest with `args` (the disk) added to its command line. */
  boot: (args: string[]) => Promise<BlkGuest>;
}

/**
 * Boots a guest per transport of the plan (`blkPlan(ctx.quick)`) on a fresh image and records,
 * per workload: MiB/s, interrupts per second and interrupts per request.
 */
export async function measureBlk(ctx: BenchContext, options: MeasureBlkOptions): Promise<void> {
  const plan = blkPlan(ctx.quick);
  const workloads = blkWorkloads(plan.mib);
  const image = await Deno.makeTempFile({ prefix: "deno-vmm-bench-", suffix: ".img" });
  try {
    await Deno.writeFile(image, new Uint8Array((plan.mib + 1) << 20));
    for (const transport of plan.transports) {
      const guest = await options.boot(blkDriveArgs(image, transport));
      try {
        const device = await virtioDevice(guest);
        for (const w of workloads) await guest.run(w.definition);
        const samples = new Map(workloads.map((w) => [w.kind, [] as BlkSample[]]));
        for (let i = -plan.warmup; i < plan.samples; i++) {
          for (const workload of workloads) {
            const s = await runBlkWorkload(guest, { workload, mib: plan.mib, device });
            if (i >= 0) samples.get(workload.kind)!.push(s);
            const round = i < 0 ? "warm-up" : `${i + 1}`;
            ctx.log(
              `${options.label}${transport} ${workload.kind} ${round}: ${describe(s, plan.mib)}`,
            );
          }
        }
        recordBlk(ctx, `${options.label}virtio-blk ${transport} sequential`, plan.mib, samples);
      } finally {
        await guest.close();
      }
    }
  } finally {
    await Deno.remove(image);
  }
}

/** A progress line on one sample. */
function describe(s: BlkSample, mib: number): string {
  return `${(mib / s.seconds).toFixed(1)} MiB/s, ${s.requests} requests ` +
    `(${(mib * 1024 / s.requests).toFixed(0)} KiB each), ${s.interrupts} interrupts, ` +
    `console round trip ${(s.roundTrip * 1000).toFixed(1)} ms`;
}

/** Records the figures of one transport: throughput first, then the interrupt rates. */
function recordBlk(
  ctx: BenchContext,
  prefix: string,
  mib: number,
  samples: Map<"write" | "read", BlkSample[]>,
): void {
  for (const [kind, s] of samples) {
    ctx.figure(`${prefix} ${kind}`, s.map((x) => mib / x.seconds), {
      unit: "MiB/s",
      better: "higher",
    });
  }
  for (const [kind, s] of samples) {
    // It rises with throughput: read it next to that, and against the rate per request.
    ctx.figure(`${prefix} ${kind} interrupts per second`, s.map((x) => x.interrupts / x.seconds), {
      unit: "irq/s",
      better: "lower",
    });
    ctx.figure(
      `${prefix} ${kind} interrupts per request`,
      s.map((x) => x.interrupts / x.requests),
      {
        unit: "irq/req",
        better: "lower",
      },
    );
  }
}

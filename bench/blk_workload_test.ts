import assert from "node:assert/strict";
import {
  blkDriveArgs,
  type BlkGuest,
  blkPlan,
  blkWorkloads,
  measureBlk,
  parseBlockStat,
  parseVirtioInterrupts,
  runBlkWorkload,
} from "./blk_workload.ts";
import { Recorder } from "./context.ts";

/** /proc/interrupts of the default guest with the disk on MSI-X (Linux 6.1, one CPU). */
const MSIX = `cat /proc/interrupts /sys/block/vda/stat
           CPU0
  0:         25   IO-APIC   2-edge      timer
  4:        761   IO-APIC   4-edge      ttyS0
 24:          2   PCI-MSI 32768-edge      virtio0-config
 25:         33   PCI-MSI 32769-edge      virtio0-req.0
 26:        500   PCI-MSI 49152-edge      virtio1-input.0
LOC:        897   Local timer interrupts
ERR:          0
`;

/** The same disk on INTx, its line shared, on two CPUs; and a console echo glued to a line. */
const INTX = `           CPU0       CPU1
  4:        761          3   IO-APIC   4-edge      ttyS0
 11:         40          2   IO-APIC  11-fasteoi   virtio10, virtio0
6n 10:         7          1   IO-APIC  10-fasteoi   virtio1
NMI:          0          0   Non-maskable interrupts
`;

Deno.test("parseVirtioInterrupts sums the device's own lines over every CPU", () => {
  assert.equal(parseVirtioInterrupts(MSIX, "virtio0"), 2 + 33);
  assert.equal(parseVirtioInterrupts(MSIX, "virtio1"), 500);
  assert.equal(parseVirtioInterrupts(INTX, "virtio0"), 40 + 2, "a shared INTx line counts");
  assert.equal(parseVirtioInterrupts(INTX, "virtio10"), 40 + 2);
  assert.equal(parseVirtioInterrupts(INTX, "virtio1"), 7 + 1, "virtio1 is not virtio10");
  assert.throws(() => parseVirtioInterrupts(MSIX, "virtio2"), /no interrupt line of virtio2/);
});

Deno.test("parseBlockStat counts reads, writes, discards and flushes as requests", () => {
  // Documentation/block/stat.rst: fields 1, 5, 12 and 16 are I/Os; 3 and 7 sectors.
  const v55 = "     130        0    33032       60       19     4078    32768      150        0" +
    "        0      210        4        0        8        0        1        0";
  assert.deepEqual(parseBlockStat(`cat /sys/block/vda/stat\n${v55}\n`), {
    requests: 130 + 19 + 4 + 1,
    sectorsRead: 33032,
    sectorsWritten: 32768,
  });
  const v4 = "   7    0   56    3    9    1   72    5    0    8    8";
  assert.deepEqual(parseBlockStat(v4), { requests: 16, sectorsRead: 56, sectorsWritten: 72 });
  assert.throws(() => parseBlockStat(MSIX), /no block device statistics/);
});

Deno.test("both transports use QEMU's device switches on one drive", () => {
  assert.deepEqual(blkDriveArgs("/tmp/x.img", "modern"), [
    "-drive",
    "file=/tmp/x.img,if=none,id=d0,format=raw",
    "-device",
    "virtio-blk-pci,drive=d0,disable-legacy=on",
  ]);
  assert.match(blkDriveArgs("/tmp/x.img", "legacy")[3], /,disable-modern=on$/);
  const [write, read] = blkWorkloads(3);
  assert.match(write.definition, /^blkw\(\) \{ dd if=\/dev\/zero of=\/dev\/vda bs=64k count=48 /);
  assert.match(write.definition, /conv=fsync/);
  assert.match(read.definition, /^blkr\(\) \{ dd if=\/dev\/vda of=\/dev\/null bs=64k count=48 /);
});

/** What one workload costs on {@link FakeGuest}. */
interface Cost {
  seconds: number;
  requests: number;
  interrupts: number;
  /** Sectors the disk moves; @default all the workload asked for */
  sectors?: number;
}

/**
 * A guest that answers the workload's commands from counters: each workload adds its cost, and
 * takes its seconds on top of a fixed console round trip.
 */
class FakeGuest implements BlkGuest {
  static readonly ROUND_TRIP = 0.004;
  readonly commands: string[] = [];
  closed = false;
  #counts = { irq: 0, reads: 0, writes: 0, flushes: 0, read: 0, written: 0 };
  #blocks = new Map<string, number>();

  constructor(readonly cost: { write: Cost; read: Cost }) {}

  run(cmd: string): Promise<{ output: string; seconds: number }> {
    this.commands.push(cmd);
    const c = this.#counts;
    const defined = cmd.match(/^(\w+)\(\) \{ dd .*count=(\d+)/);
    if (defined) this.#blocks.set(defined[1], Number(defined[2]));
    let seconds = FakeGuest.ROUND_TRIP;
    let output = `${cmd}\n`;
    if (cmd.startsWith("readlink /sys/block/vda/device")) output += "../../../virtio0\n";
    if (cmd.startsWith("cat /proc/interrupts")) {
      output += `           CPU0\n 24:          0   PCI-MSI 32768-edge      virtio0-config\n` +
        ` 25: ${c.irq}   PCI-MSI 32769-edge      virtio0-req.0\n` +
        `${c.reads} 0 ${c.read} 0 ${c.writes} 0 ${c.written} 0 0 0 0 0 0 0 0 ${c.flushes} 0\n`;
    }
    const kind = cmd === "blkw" ? "write" : cmd === "blkr" ? "read" : undefined;
    if (kind) {
      const cost = this.cost[kind];
      const sectors = cost.sectors ?? this.#blocks.get(cmd)! * 128;
      seconds += cost.seconds;
      c.irq += cost.interrupts;
      if (kind === "write") {
        c.writes += cost.requests - 1;
        c.flushes++;
        c.written += sectors;
      } else {
        c.reads += cost.requests;
        c.read += sectors;
      }
    }
    return Promise.resolve({ output, seconds });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

for (const quick of [true, false]) {
  Deno.test(
    `measureBlk records MiB/s and interrupts per second and per request (${
      quick ? "quick" : "full"
    } plan)`,
    async () => {
      const cost = {
        write: { seconds: 0.5, requests: 5, interrupts: 3 },
        read: { seconds: 0.25, requests: 16, interrupts: 12 },
      };
      const guests: FakeGuest[] = [];
      const bootArgs: string[][] = [];
      const ctx = new Recorder({ quick });
      await measureBlk(ctx, {
        label: "fake ",
        boot: (args) => {
          bootArgs.push(args);
          guests.push(new FakeGuest(cost));
          return Promise.resolve(guests.at(-1)!);
        },
      });
      const plan = blkPlan(quick);
      assert.deepEqual(
        bootArgs.map((a) => a[3]),
        plan.transports.map((t) => blkDriveArgs("", t)[3]),
      );
      assert.ok(guests.every((g) => g.closed), "every guest is stopped");
      const figures = new Map(ctx.figures.map((f) => [f.name, f]));
      const close = (name: string, expected: number) => {
        const f = figures.get(name);
        assert.ok(f, `recorded ${name}`);
        assert.equal(f.samples.length, plan.samples, "warm-up rounds are not recorded");
        assert.ok(
          Math.abs(f.value - expected) < 1e-9 * expected,
          `${name}: ${f.value} ≠ ${expected}`,
        );
      };
      for (const t of plan.transports) {
        const p = `fake virtio-blk ${t} sequential`;
        close(`${p} write`, plan.mib / cost.write.seconds);
        close(`${p} read`, plan.mib / cost.read.seconds);
        close(`${p} write interrupts per second`, cost.write.interrupts / cost.write.seconds);
        close(`${p} write interrupts per request`, cost.write.interrupts / cost.write.requests);
        close(`${p} read interrupts per second`, cost.read.interrupts / cost.read.seconds);
        close(`${p} read interrupts per request`, cost.read.interrupts / cost.read.requests);
      }
      assert.equal(ctx.figures.length, 6 * plan.transports.length);
      for (const guest of guests) {
        const cmds = guest.commands;
        for (const fn of ["blkw", "blkr"]) {
          assert.equal(cmds.filter((c) => c === fn).length, plan.warmup + plan.samples);
          // Each is defined before it runs, and the cache is dropped before each run.
          const at = cmds.indexOf(fn);
          assert.ok(cmds.findIndex((c) => c.startsWith(`${fn}()`)) < at);
          cmds.forEach((c, i) => {
            if (c === fn) assert.ok(cmds.slice(i - 6, i).some((d) => d.includes("drop_caches")));
          });
        }
      }
    },
  );
}

Deno.test("runBlkWorkload refuses a workload that did not move its data", async () => {
  const guest = new FakeGuest({
    write: { seconds: 0.5, requests: 2, interrupts: 2, sectors: 100 },
    read: { seconds: 0.1, requests: 1, interrupts: 1 },
  });
  const [write] = blkWorkloads(1);
  await guest.run(write.definition);
  await assert.rejects(
    runBlkWorkload(guest, { workload: write, mib: 1, device: "virtio0" }),
    /write moved 100 sectors, not the 2048 of 1 MiB/,
  );
});

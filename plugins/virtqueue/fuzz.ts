/**
 * Fuzzing the virtqueue through its public operations: a byte string decodes into a program
 * (see fuzz_program.ts) that a {@link MockDriver} and a {@link Virtqueue} run against each other
 * while invariants are checked after every step.
 *
 * Run `deno run --allow-read --allow-write plugins/virtqueue/fuzz.ts [seconds] [seed]` to search;
 * an input that breaks an invariant is saved under testdata/fuzz-regressions/ and replayed by
 * fuzz_test.ts from then on.
 *
 * @module
 */

import { VirtqueueError } from "./errors.ts";
import {
  decodeFuzzInput,
  FUZZ_RAM_SIZE,
  type FuzzCommand,
  type FuzzProgram,
} from "./fuzz_program.ts";
import { createGuestRam, type GuestRam } from "./guest_ram.ts";
import { MockDriver } from "./mock_driver.ts";
import { Virtqueue } from "./virtqueue.ts";

/** Bytes past RAM that must never change: any write there is a bounds-check failure. */
const GUARD_SIZE = 0x1000;
const GUARD_BYTE = 0xa5;
/** Most bytes one pop copies in either direction, to keep runs fast. */
const COPY_LIMIT = 4096;

/** An invariant the virtqueue broke while running a fuzz input. */
export class FuzzInvariantError extends Error {
  /** Index of the command that broke it. */
  readonly step: number;

  /** Records which step broke which invariant. */
  constructor(step: number, message: string, options?: ErrorOptions) {
    super(`step ${step}: ${message}`, options);
    this.name = "FuzzInvariantError";
    this.step = step;
  }
}

/** What one run did, for coverage checks. */
export interface FuzzReport {
  /** Commands executed. */
  commands: number;
  /** Chains popped. */
  popped: number;
  /** Used elements published. */
  used: number;
  /** Descriptors walked. */
  descriptors: number;
  /** VirtqueueError count per code. */
  errors: Record<string, number>;
}

class FuzzRun {
  readonly ram: GuestRam;
  readonly driver: MockDriver;
  readonly queue: Virtqueue;
  readonly inFlight: number[] = [];
  readonly report: FuzzReport = { commands: 0, popped: 0, used: 0, descriptors: 0, errors: {} };
  step = 0;
  lastIndirectHead: number | undefined;

  constructor(readonly program: FuzzProgram) {
    const { setup } = program;
    const size = 1 << setup.sizeLog2;
    this.ram = createGuestRam(FUZZ_RAM_SIZE, { guard: GUARD_SIZE });
    this.ram.u8.fill(GUARD_BYTE, FUZZ_RAM_SIZE, FUZZ_RAM_SIZE + GUARD_SIZE);
    this.driver = new MockDriver(this.ram, {
      size,
      legacy: setup.legacy,
      eventIdx: setup.eventIdx,
    });
    this.queue = new Virtqueue(this.ram, size, {
      eventIdx: setup.eventIdx,
      indirect: setup.indirect,
    });
    this.queue.setLayout(this.driver.layout);
  }

  fail(message: string, cause?: unknown): never {
    throw new FuzzInvariantError(this.step, message, cause === undefined ? undefined : { cause });
  }

  /** Runs a device-side operation: only VirtqueueError may come out of it. */
  device(action: () => void): void {
    try {
      action();
    } catch (err) {
      if (err instanceof FuzzInvariantError) throw err;
      if (!(err instanceof VirtqueueError)) this.fail(`threw ${err}`, err);
      this.report.errors[err.code] = (this.report.errors[err.code] ?? 0) + 1;
    }
  }

  /** Runs a driver-side operation: the mock refuses what does not fit with RangeError. */
  driverSide(action: () => void): void {
    try {
      action();
    } catch (err) {
      if (!(err instanceof RangeError)) this.fail(`mock driver threw ${err}`, err);
    }
  }

  run(): FuzzReport {
    for (const command of this.program.commands) {
      this.execute(command);
      this.report.commands++;
      this.step++;
    }
    this.checkGuard();
    return this.report;
  }

  execute(c: FuzzCommand): void {
    const { driver, queue } = this;
    switch (c.op) {
      case "add":
        return this.driverSide(() => {
          const readable = c.readable.map((len, i) => new Uint8Array(len).fill(i + 1));
          const head = driver.addBuffer(readable, c.writable, { indirect: c.indirect });
          if (c.indirect) this.lastIndirectHead = head;
          if (c.kick) driver.kick();
        });
      case "corruptDescriptor":
        return driver.writeDescriptor(c.index % queue.size, { [c.field]: c.value });
      case "corruptIndirect": {
        const table = this.lastIndirectHead === undefined
          ? undefined
          : driver.indirectTable(this.lastIndirectHead);
        if (table === undefined) return;
        const entries = driver.readDescriptor(this.lastIndirectHead!).len >>> 4;
        if (entries === 0) return;
        return driver.writeDescriptor(c.entry % entries, { [c.field]: c.value }, { table });
      }
      case "moveAvailIdx":
        return driver.setAvailIdx(driver.availIdx + c.delta);
      case "setAvailRing":
        return driver.setAvailRing(c.slot, c.head);
      case "corruptRam": {
        const start = driver.layout.desc;
        const at = start + (c.offset % (FUZZ_RAM_SIZE - 4 - start));
        return this.ram.view.setUint32(at, c.value, true);
      }
      case "kick":
        driver.kick();
        return;
      case "getUsed":
        driver.getUsed();
        return;
      case "pop":
        for (let i = 0; i < c.count; i++) if (!this.popOne()) break;
        return;
      case "addUsed":
        return this.addUsed(c.pick, c.len);
      case "notify":
        return this.device(() => {
          queue.setNotificationSuppression(c.suppress);
          driver.setNoInterrupt(c.noInterrupt);
          driver.setUsedEvent(c.usedEvent);
          if (typeof queue.needsNotification() !== "boolean") this.fail("non-boolean decision");
        });
      case "reset":
        queue.reset();
        driver.reset();
        queue.setLayout(driver.layout);
        this.inFlight.length = 0;
        this.lastIndirectHead = undefined;
        if (driver.usedIdx !== 0 || queue.nextUsedIdx !== 0) this.fail("reset left a used idx");
        return;
    }
  }

  /** Pops and fully exercises one chain; false when the ring is empty or broken. */
  popOne(): boolean {
    let more = false;
    this.device(() => {
      const chain = this.queue.pop();
      if (!chain) return;
      more = true;
      this.report.popped++;
      this.inFlight.push(chain.head);
      let count = 0;
      // Lazy iteration first: each buffer must be RAM before it is handed out.
      for (const d of chain) {
        this.checkRange(d.addr, d.len);
        const bytes = d.bytes();
        if (bytes.length !== d.len || bytes.byteOffset !== this.ram.u8.byteOffset + d.addr) {
          this.fail(`bytes() of [${d.addr}, +${d.len}) is not that range`);
        }
        // A chain is bounded by its main table plus one indirect table of at most 2^16 entries.
        if (++count > this.queue.size + 0x10000) this.fail("chain walk did not stop");
      }
      this.report.descriptors += count;
      const all = chain.descriptors();
      const readable = chain.readable();
      const writable = chain.writable();
      if (all.length !== count || readable.length + writable.length !== count) {
        this.fail("iteration and descriptors() disagree");
      }
      const firstWritable = all.findIndex((d) => d.writable);
      if (firstWritable >= 0 && all.slice(firstWritable).some((d) => !d.writable)) {
        this.fail("a readable descriptor follows a writable one (§2.6.4.2)");
      }
      const inLen = Math.min(chain.readableLength(), COPY_LIMIT);
      if (chain.copyFromReadable(new Uint8Array(inLen)) !== inLen) this.fail("short read copy");
      const outLen = Math.min(chain.writableLength(), COPY_LIMIT);
      const written = chain.copyToWritable(new Uint8Array(outLen).fill(0x5a));
      if (written !== outLen) this.fail("short write copy");
    });
    this.checkInFlight();
    return more;
  }

  addUsed(pick: number, len: number): void {
    const before = this.queue.nextUsedIdx;
    const head = this.inFlight.length > 0
      ? this.inFlight.splice(pick % this.inFlight.length, 1)[0]
      : pick % this.queue.size;
    let published = false;
    this.device(() => {
      this.queue.addUsed(head, len);
      published = true;
    });
    const after = this.queue.nextUsedIdx;
    if (!published) {
      if (after !== before) this.fail("a refused addUsed moved used.idx");
      return;
    }
    this.report.used++;
    // The published index moves by exactly one, wrapping at 2^16 (§2.6.8, §2.6.13.3), and the
    // element behind it is the one just added.
    if (after !== ((before + 1) & 0xffff)) this.fail(`used idx went ${before} → ${after}`);
    if (this.driver.usedIdx !== after) this.fail("used.idx in RAM differs from the queue's");
    const { used } = this.driver.layout;
    const elem = used + 4 + 8 * (before & (this.queue.size - 1));
    const id = this.ram.view.getUint32(elem, true);
    const elemLen = this.ram.view.getUint32(elem + 4, true);
    if (id !== head || elemLen !== len) this.fail("used element differs from what was added");
    this.checkInFlight();
    this.device(() => void this.queue.needsNotification());
  }

  checkInFlight(): void {
    if (this.queue.inFlight !== this.inFlight.length) {
      this.fail(
        `queue counts ${this.queue.inFlight} chains in flight, harness ${this.inFlight.length}`,
      );
    }
  }

  checkRange(addr: number, len: number): void {
    if (!(Number.isInteger(addr) && Number.isInteger(len) && addr >= 0 && len >= 0)) {
      this.fail(`descriptor [${addr}, +${len}) is not a byte range`);
    }
    if (addr + len > this.ram.size) this.fail(`descriptor [${addr}, +${len}) leaves RAM`);
  }

  checkGuard(): void {
    const guard = this.ram.u8.subarray(FUZZ_RAM_SIZE, FUZZ_RAM_SIZE + GUARD_SIZE);
    const bad = guard.findIndex((b) => b !== GUARD_BYTE);
    if (bad >= 0) this.fail(`byte 0x${(FUZZ_RAM_SIZE + bad).toString(16)} past RAM was written`);
  }
}

/**
 * Runs one raw input; throws {@link FuzzInvariantError} if the virtqueue broke an invariant
 * (threw anything but VirtqueueError, touched memory past RAM, published a wrong used index,
 * or walked a chain without bound).
 */
export function runFuzzInput(input: Uint8Array): FuzzReport {
  return new FuzzRun(decodeFuzzInput(input)).run();
}

/** A small, fast, seedable PRNG (mulberry32) so batches are reproducible. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@link randomFuzzInput}. */
export interface RandomInputOptions {
  /** Shortest input. @default 8 */
  minLength?: number;
  /** Longest input. @default 512 */
  maxLength?: number;
}

/** Draws one random input from `random`. */
export function randomFuzzInput(
  random: () => number,
  options: RandomInputOptions = {},
): Uint8Array {
  const min = options.minLength ?? 8;
  const max = options.maxLength ?? 512;
  const bytes = new Uint8Array(min + Math.floor(random() * (max - min + 1)));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

async function main(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 10);
  const seed = Number(args[1] ?? Date.now() % 0x100000000);
  const random = mulberry32(seed);
  const deadline = performance.now() + seconds * 1000;
  let runs = 0;
  const codes: Record<string, number> = {};
  while (performance.now() < deadline) {
    const input = randomFuzzInput(random);
    try {
      const report = runFuzzInput(input);
      for (const [code, n] of Object.entries(report.errors)) codes[code] = (codes[code] ?? 0) + n;
    } catch (err) {
      const name = `found-${seed}-${runs}.bin`;
      const url = new URL(`./testdata/fuzz-regressions/${name}`, import.meta.url);
      await Deno.writeFile(url, input);
      console.error(`${err}\nsaved the input as ${url.pathname}`);
      Deno.exit(1);
    }
    runs++;
  }
  console.log(`seed ${seed}: ${runs} inputs in ${seconds} s, errors seen:`, codes);
}

if (import.meta.main) await main(Deno.args);

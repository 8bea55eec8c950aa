import assert from "node:assert/strict";
import {
  DOORBELL_TUNING,
  type DoorbellHooks,
  type DoorbellTuning,
  DoorbellWait,
  nextPollWindow,
} from "./_doorbell_wait.ts";

/**
 * The tuning of these tests. Preemptions are only noticed past half a second: this machine is
 * shared, and a test thread preempted for milliseconds while polling is common here.
 */
const TUNING: DoorbellTuning = {
  maxPollUs: 200,
  growFromUs: 4,
  sliceUs: 50,
  preemptedUs: 500_000,
  backOffMs: 100,
  napMs: 1,
  napForMs: 50,
};

Deno.test("nextPollWindow grows by doubling while doorbells are within reach, up to the cap", () => {
  const windows = [0];
  for (let i = 0; i < 10; i++) windows.push(nextPollWindow(windows[i], 150, TUNING));
  assert.deepEqual(windows, [0, 4, 8, 16, 32, 64, 128, 200, 200, 200, 200]);
});

Deno.test("nextPollWindow keeps a window that the doorbell came within", () => {
  for (const pollUs of [4, 64, 200]) {
    assert.equal(nextPollWindow(pollUs, pollUs, TUNING), pollUs);
    assert.equal(nextPollWindow(pollUs, pollUs / 2, TUNING), pollUs);
  }
});

Deno.test("nextPollWindow halves the window after an idle longer than it may reach, to zero", () => {
  const windows = [200];
  while (windows[windows.length - 1] > 0) {
    windows.push(nextPollWindow(windows[windows.length - 1], TUNING.maxPollUs + 1, TUNING));
  }
  assert.deepEqual(windows, [200, 100, 50, 25, 12.5, 6.25, 0]);
});

/** Hooks over the real clock that count what the wait asked for. */
function countingHooks(mayBlock: boolean) {
  const counts = { now: 0, turns: 0 };
  const hooks: DoorbellHooks = {
    now: () => (counts.now++, performance.now()),
    turn: () => (counts.turns++, new Promise((resolve) => setTimeout(resolve, 0))),
    mayBlock: () => mayBlock,
  };
  return { counts, hooks };
}

/**
 * Rings the doorbell from a timer of this thread in `ms`. An interval runs meanwhile, as the
 * runtime's heartbeat does: Deno resolves an `Atomics.waitAsync` only while its event loop has
 * something else to wait for (denoland/deno#14786).
 */
function ringLater(words: Int32Array, ms: number): Promise<void> {
  const keepAlive = setInterval(() => {}, 5);
  return new Promise<void>((resolve) =>
    setTimeout(() => {
      Atomics.add(words, 0, 1);
      Atomics.notify(words, 0);
      resolve();
    }, ms)
  ).then(() => new Promise<void>((resolve) => setTimeout(resolve, 5)))
    .finally(() => clearInterval(keepAlive));
}

Deno.test("DoorbellWait returns at once when the word has already moved", async () => {
  const words = new Int32Array(new SharedArrayBuffer(4));
  Atomics.store(words, 0, 5);
  const { hooks } = countingHooks(false);
  await new DoorbellWait(words, 0, hooks).wait(4);
});

Deno.test("DoorbellWait sleeps asynchronously once the window is over: an idle wait stops polling", async () => {
  const words = new Int32Array(new SharedArrayBuffer(4));
  const { counts, hooks } = countingHooks(false);
  const bell = new DoorbellWait(words, 0, hooks, TUNING);
  bell.worked();
  const rung = ringLater(words, 100);
  const t0 = performance.now();
  await bell.wait(0);
  await rung;
  assert.ok(performance.now() - t0 >= 90, "returned before the doorbell");
  // Polling for the whole 100 ms would have read the clock millions of times; a window of at
  // most maxPollUs and one asynchronous sleep read it a few thousand times at most.
  assert.ok(counts.now < 20_000, `the clock was read ${counts.now} times while idle`);
  assert.equal(bell.pollUs, 0, "a long idle leaves no poll window");
});

Deno.test("DoorbellWait naps in slices with a turn of the event loop between them", async () => {
  const words = new Int32Array(new SharedArrayBuffer(4));
  const { counts, hooks } = countingHooks(true);
  const bell = new DoorbellWait(words, 0, hooks, TUNING);
  bell.worked();
  // The doorbell rings from a timer of this thread, so only a turn of the event loop between
  // naps lets it ring at all: a wait that blocked for good would never return.
  await Promise.all([bell.wait(0), ringLater(words, 20)]);
  assert.ok(counts.turns >= 2, `only ${counts.turns} turns of the event loop in 20 ms`);
});

Deno.test("DoorbellWait stops napping napForMs after the last work", async () => {
  const words = new Int32Array(new SharedArrayBuffer(4));
  const { counts, hooks } = countingHooks(true);
  const bell = new DoorbellWait(words, 0, hooks, { ...TUNING, napForMs: 10 });
  bell.worked();
  await Promise.all([bell.wait(0), ringLater(words, 200)]);
  // About ten naps of 1 ms, then one asynchronous sleep: not 200 naps.
  assert.ok(counts.turns < 60, `${counts.turns} turns of the event loop in 200 ms`);
});

Deno.test("DoorbellWait polls longer after doorbells it just missed, until it catches them", async () => {
  const words = new Int32Array(new SharedArrayBuffer(4));
  // A simulated clock, 1 µs a look, and a driver that rings 3 ms after each stretch of work: the
  // ring happens when the clock passes that time, while polling; a wait that stops polling
  // sleeps until then (the clock jumps there and the ring wakes it).
  let t = 0, ringAt = Infinity, sleeps = 0;
  const ring = () => {
    ringAt = Infinity;
    Atomics.add(words, 0, 1);
    Atomics.notify(words, 0);
  };
  const hooks: DoorbellHooks = {
    now: () => {
      t += 0.001;
      if (t >= ringAt) ring();
      return t;
    },
    turn: () => new Promise((resolve) => setTimeout(resolve, 0)),
    mayBlock: () => {
      sleeps++;
      const at = ringAt;
      setTimeout(() => {
        t = Math.max(t, at);
        ring();
      }, 0);
      return false;
    },
  };
  // Deno resolves Atomics.waitAsync only while its event loop has something else to wait for.
  const heartbeat = setInterval(() => {}, 1);
  try {
    const bell = new DoorbellWait(words, 0, hooks, { ...TUNING, maxPollUs: 50_000 });
    const windows: number[] = [];
    let caught = false;
    for (let i = 0; i < 20 && !caught; i++) {
      const before = sleeps;
      bell.worked();
      ringAt = t + 3;
      await bell.wait(Atomics.load(words, 0));
      caught = sleeps === before;
      windows.push(bell.pollUs);
    }
    // The window doubled from 4 µs until it reached past the 3 ms: 4096 µs.
    assert.ok(caught, `never caught by polling; windows ${windows}`);
    assert.equal(bell.pollUs, 4096, `windows ${windows}`);
  } finally {
    clearInterval(heartbeat);
  }
});

Deno.test("DoorbellWait stops polling for a while when a slice finds it was preempted", async () => {
  const words = new Int32Array(new SharedArrayBuffer(4));
  // A clock that jumps a second once, between two reads of a polling slice.
  let jump = 0;
  let polling = false;
  let reads = 0;
  const hooks: DoorbellHooks = {
    now: () => {
      if (polling && ++reads === 3) jump = 1000;
      return performance.now() + jump;
    },
    turn: () => new Promise((resolve) => setTimeout(resolve, 0)),
    mayBlock: () => (polling = false, false),
  };
  const tuning = { ...TUNING, maxPollUs: 50_000, sliceUs: 50_000, backOffMs: 60_000 };
  const bell = new DoorbellWait(words, 0, hooks, tuning);
  for (let i = 0; i < 12 && bell.pollUs < 1000; i++) {
    bell.worked();
    await Promise.all([bell.wait(0), ringLater(words, 3)]);
    Atomics.store(words, 0, 0);
  }
  assert.ok(bell.pollUs >= 1000, `the window only grew to ${bell.pollUs} µs`);
  bell.worked();
  polling = true;
  await Promise.all([bell.wait(0), ringLater(words, 3)]);
  assert.equal(jump, 1000, "the clock jumped while polling");
  assert.equal(bell.pollUs, 0, "preempted: the window is dropped");
  Atomics.store(words, 0, 0);
  bell.worked();
  await Promise.all([bell.wait(0), ringLater(words, 3)]);
  assert.equal(bell.pollUs, 0, "and does not grow again while backing off");
});

Deno.test("the runtime's tuning bounds polling and napping", () => {
  assert.ok(DOORBELL_TUNING.maxPollUs <= 1000, "polls for at most a millisecond");
  assert.ok(DOORBELL_TUNING.sliceUs <= 100, "polling holds the event loop up for at most 100 µs");
  assert.ok(DOORBELL_TUNING.napMs <= 20, "a nap holds the event loop up for at most 20 ms");
  assert.ok(DOORBELL_TUNING.napForMs <= 100, "naps end soon after the last doorbell");
  assert.ok(Object.isFrozen(DOORBELL_TUNING));
});

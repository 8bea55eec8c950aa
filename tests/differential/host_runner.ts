/**
 * Runs FlatTestCases natively on the host CPU (x86-64 running 32-bit code through the kernel's
 * IA-32 emulation), many cases per process. A case that kills its process (SIGSEGV, SIGFPE,
 * SIGILL, SIGBUS, a timeout) is reported with `fault` set and the rest of its batch is rerun
 * in a fresh process.
 */

import { buildHarnessImage, RECORD_HEADER } from "./harness_image.ts";
import type { FlatResult, FlatTestCase } from "./types.ts";

/** Options of runOnHost. */
export interface HostRunOptions {
  /** Cases per host process. @default 500 */
  batchSize?: number;
  /** A process running longer than this is killed and its current case reported. @default 10000 */
  timeoutMs?: number;
  /** Host processes running at the same time. @default 2 */
  parallel?: number;
}

/** Runs every case on the host CPU; results are in the order of `cases`. */
export async function runOnHost(
  cases: readonly FlatTestCase[],
  options: HostRunOptions = {},
): Promise<FlatResult[]> {
  const batchSize = options.batchSize ?? 500;
  const timeoutMs = options.timeoutMs ?? 10000;
  const parallel = options.parallel ?? 2;
  if (batchSize < 1 || parallel < 1) {
    throw new Error("runOnHost: batchSize and parallel must be ≥ 1");
  }
  const results: FlatResult[] = new Array(cases.length);
  const dir = await Deno.makeTempDir({ prefix: "deno-vmm-differential-" });
  try {
    let next = 0;
    const worker = async () => {
      while (next < cases.length) {
        const start = next;
        next = Math.min(cases.length, next + batchSize);
        await runRange(cases, start, next, results, dir, timeoutMs);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return results;
}

/** Runs cases[start, end) and fills `results`, restarting after any case that kills the process. */
async function runRange(
  cases: readonly FlatTestCase[],
  start: number,
  end: number,
  results: FlatResult[],
  dir: string,
  timeoutMs: number,
): Promise<void> {
  let from = start;
  while (from < end) {
    const batch = cases.slice(from, end);
    const path = `${dir}/batch-${from}.elf`;
    await Deno.writeFile(path, buildHarnessImage(batch, from), { mode: 0o755 });
    await Deno.chmod(path, 0o755); // the umask may have trimmed the mode
    const run = await execute(path, timeoutMs);
    await Deno.remove(path);
    const done = parseRecords(run.stdout, batch, from, results);
    if (done === batch.length) {
      if (run.code !== 0 || run.signal !== null) {
        throw new Error(`host harness ended with ${run.signal ?? run.code}: ${run.stderr}`);
      }
      return;
    }
    const reason = run.timedOut ? "timeout" : run.signal;
    if (reason === null) {
      throw new Error(`host harness exited with ${run.code} after ${done} cases: ${run.stderr}`);
    }
    const failed = from + done;
    results[failed] = faultResult(cases[failed], reason);
    from = failed + 1;
  }
}

interface Execution {
  code: number;
  signal: string | null;
  timedOut: boolean;
  stdout: Uint8Array;
  stderr: string;
}

async function execute(path: string, timeoutMs: number): Promise<Execution> {
  for (let attempt = 0;; attempt++) {
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(path, { stdin: "null", stdout: "piped", stderr: "piped" }).spawn();
    } catch (e) {
      // A concurrent spawn can briefly inherit the fd we wrote the image through (ETXTBSY).
      if (attempt < 20 && String(e).includes("Text file busy")) {
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      throw e;
    }
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const out = await child.output();
    clearTimeout(timer);
    return {
      code: out.code,
      signal: out.signal,
      timedOut,
      stdout: out.stdout,
      stderr: new TextDecoder().decode(out.stderr),
    };
  }
}

/** Decodes complete records into `results`; returns how many cases completed. */
function parseRecords(
  out: Uint8Array,
  batch: readonly FlatTestCase[],
  firstIndex: number,
  results: FlatResult[],
): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let pos = 0;
  let done = 0;
  while (done < batch.length) {
    const len = RECORD_HEADER + batch[done].data.length;
    if (pos + len > out.length) break;
    const index = view.getUint32(pos, true);
    if (index !== firstIndex + done) {
      throw new Error(`host harness record out of order: ${index}, expected ${firstIndex + done}`);
    }
    const regs = new Uint32Array(8);
    for (let r = 0; r < 8; r++) regs[r] = view.getUint32(pos + 4 + 4 * r, true);
    results[index] = {
      regs,
      eflags: view.getUint32(pos + 36, true),
      data: out.slice(pos + RECORD_HEADER, pos + len),
    };
    pos += len;
    done++;
  }
  return done;
}

function faultResult(tc: FlatTestCase, fault: string): FlatResult {
  return {
    regs: Uint32Array.from(tc.regs),
    eflags: tc.eflags,
    data: Uint8Array.from(tc.data),
    fault,
  };
}

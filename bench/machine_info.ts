/**
 * Describes the host a run is taken on, so that figures are only compared across like machines.
 *
 * @module
 */

import type { MachineInfo } from "./result_types.ts";

/** The `model name` line of /proc/cpuinfo text, or undefined. */
export function parseCpuModel(cpuinfo: string): string | undefined {
  const line = cpuinfo.split("\n").find((l) => /^model name\s*:/.test(l));
  return line?.slice(line.indexOf(":") + 1).trim() || undefined;
}

function tryOr<T>(fallback: T, get: () => T): T {
  try {
    return get();
  } catch {
    return fallback;
  }
}

/** Collects {@link MachineInfo} for this process; anything unreadable is reported as unknown. */
export function machineInfo(): MachineInfo {
  const cpuinfo = tryOr("", () => Deno.readTextFileSync("/proc/cpuinfo"));
  return {
    cpuModel: parseCpuModel(cpuinfo) ?? "unknown",
    cores: navigator.hardwareConcurrency ?? 0,
    memoryBytes: tryOr(0, () => Deno.systemMemoryInfo().total),
    os: `${Deno.build.os} ${tryOr("", () => Deno.osRelease())}`.trim(),
    arch: Deno.build.arch,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    loadAverage: tryOr([], () => Deno.loadavg().map((l) => Math.round(l * 100) / 100)),
  };
}

/**
 * Every benchmark, registered in the order they run and are reported.
 *
 * The imports are sequential dynamic imports, not static ones: a benchmark that reaches the JIT
 * imports binaryen, whose module initialises with top-level await, and static imports of modules
 * that do not depend on it would then be evaluated (and register) before it.
 *
 * @module
 */

await import("./memcpy.ts");
await import("./virtqueue.ts");
await import("./virtqueue_worker.ts");
await import("./plugin_startup.ts");
await import("./cpu_mips.ts");
await import("./cpu_mips_peers.ts");
await import("./fp_speed.ts");
await import("./fp_peers.ts");
await import("./jit_compile.ts");
await import("./boot_time.ts");
await import("./guest_cpu.ts");
await import("./guest_workloads.ts");

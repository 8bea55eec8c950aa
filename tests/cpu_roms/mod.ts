/**
 * CPU system-level test kernels (Multiboot, debug console on port 0xe9,
 * isa-debug-exit on port 0xf4) and the runners that compare deno-vmm with
 * qemu-system-i386 on them.
 * @module
 */
export * from "./check_lines.ts";
export * from "./kernel_runner.ts";

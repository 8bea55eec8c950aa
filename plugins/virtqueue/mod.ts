/**
 * Split virtqueues (virtio 1.1 §2.6) for device plugins: the device-side queue, descriptor chain
 * walking, and a driver-side mock for tests, benchmarks and fuzzing.
 *
 * @module
 */

export * from "./descriptor.ts";
export * from "./descriptor_chain.ts";
export * from "./errors.ts";
export * from "./guest_ram.ts";
export * from "./mock_driver.ts";
export * from "./notification.ts";
export * from "./ring_layout.ts";
export * from "./virtqueue.ts";

/**
 * The device plugin SDK: `defineDevice` for a plugin module's default export, the environment
 * its backend gets inside the sandboxed Worker, and the virtqueue it serves.
 *
 * @module
 */

export * from "./define_device.ts";
export * from "./device_env.ts";
export * from "./drive_file.ts";
export * from "./feature_bits.ts";
export * from "./virtio_device.ts";
export {
  Descriptor,
  DescriptorChain,
  type GuestRam,
  Virtqueue,
  VirtqueueError,
  type VirtqueueErrorCode,
} from "../virtqueue/mod.ts";

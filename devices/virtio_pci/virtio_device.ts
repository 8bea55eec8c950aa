/**
 * The contract between a virtio device backend and the transport that carries it. It is the
 * plugin SDK's (plugins/sdk/virtio_device.ts), so built-in and third-party devices meet the
 * transport through one definition. The device never learns which transport (legacy or modern
 * PCI) the driver used: everything it needs is handed over at activation.
 *
 * @module
 */
export type {
  VirtioActivation,
  VirtioDevice,
  VirtioQueueConfig,
} from "../../plugins/sdk/virtio_device.ts";

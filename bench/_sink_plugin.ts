/**
 * The device plugin behind the sandboxed-Worker virtqueue figures: a block-write sink. Every
 * request on queue 0 is copied out of guest RAM into the device's own shared buffer (the one copy
 * a backend cannot avoid), its one-byte status is written 0 and the chain is returned, as the
 * in-process device of bench/virtqueue.ts does, so that the two variants differ only in where the
 * device runs.
 *
 * Configuration space, for the rig's end-to-end check (little-endian u32s): requests completed,
 * bytes copied from the last request, then the first and the last byte the device received of it.
 *
 * @module
 */

import {
  defineDevice,
  featureBit,
  VIRTIO_F_EVENT_IDX,
  VIRTIO_F_VERSION_1,
} from "../plugins/sdk/mod.ts";

const STATUS_OK = new Uint8Array([0]);

export default defineDevice({
  name: "bench-sink-pci",
  description: "completes every request after copying it out of guest RAM (benchmarks)",
  category: "Misc",
  deviceId: 0x3e,
  features: featureBit(VIRTIO_F_EVENT_IDX) | featureBit(VIRTIO_F_VERSION_1),
  queueSizes: [256],
  configSize: 16,
  properties: {
    buffer: {
      type: "u32",
      default: 1 << 20,
      min: 1,
      max: 64 << 20,
      help: "bytes of the device's buffer: the most of a request that is copied",
    },
  },
  backend(props, env) {
    const buffer = new Uint8Array(new SharedArrayBuffer(props.buffer ?? 1 << 20));
    let completed = 0;
    return {
      activate() {},
      notify(index) {
        const queue = env.queue(index);
        let copied = -1;
        // QEMU's virtio-blk loop: notifications off while draining, back on, then one more look,
        // since the driver may have added work before it saw them on (§2.6.10.2).
        queue.setNotificationSuppression(true);
        for (;;) {
          for (let chain = queue.pop(); chain !== null; chain = queue.pop()) {
            copied = chain.copyFromReadable(buffer);
            queue.addUsed(chain.head, chain.copyToWritable(STATUS_OK));
            completed++;
          }
          if (!queue.setNotificationSuppression(false)) break;
          queue.setNotificationSuppression(true);
        }
        env.signalUsed(index);
        // Last, so that a driver reading the report also finds the interrupt request raised.
        if (copied >= 0) {
          const config = env.configView;
          config.setUint32(4, copied, true);
          config.setUint32(8, buffer[0], true);
          config.setUint32(12, buffer[Math.max(0, copied - 1)], true);
          config.setUint32(0, completed, true);
        }
      },
      reset() {
        // A fresh activation starts counting anew, so the driver can check its first request.
        completed = 0;
        env.config.fill(0);
      },
    };
  },
});

/**
 * `virtio-blk-pci`: a disk backed by one raw image (virtio 1.1 §5.2), as QEMU's
 * hw/block/virtio-blk.c behaves toward a guest. The image is the `-drive` its `drive` property
 * names, the only file this device's sandbox may open. Requests are served synchronously, one
 * chain after the other, so each queue completes them in the order the driver made them
 * available.
 *
 * @module
 */

import { defineDevice } from "../sdk/mod.ts";
import {
  BLK_CONFIG_SIZE,
  blkFeatures,
  blkSettings,
  DEFAULT_QUEUE_SIZE,
  MAX_BLOCK_SIZE,
  MIN_BLOCK_SIZE,
  SECTOR_SIZE,
  writeBlkConfig,
} from "./_virtio_blk_config.ts";
import { type BlockDisk, serveBlockRequest } from "./_virtio_blk_request.ts";

// QEMU's description of its blocksize properties (hw/core/qdev-properties-system.c).
const BLOCK_SIZE_HELP = "A power of two between 512 B and 2 MiB";

/** The virtio-blk-pci device type: its default export is what `loadPlugin` reads. */
export default defineDevice({
  name: "virtio-blk-pci",
  aliases: ["virtio-blk"],
  category: "Storage",
  deviceId: 2,
  // The `class` property as QEMU's virtio-blk-pci takes it: 0x0180 (storage, other) is kept,
  // anything else gives PCI_CLASS_STORAGE_SCSI (0x0100).
  pciClass: (props) => Number(props.class) === 0x0180 ? 0x0180 : 0x0100,
  features: (props) => blkFeatures(blkSettings(props)),
  queueSizes: (props) => {
    const { numQueues, queueSize } = blkSettings(props);
    return Array(numQueues).fill(queueSize);
  },
  configSize: BLK_CONFIG_SIZE,
  properties: {
    drive: { type: "drive" },
    logical_block_size: {
      type: "size",
      default: MIN_BLOCK_SIZE,
      min: MIN_BLOCK_SIZE,
      max: MAX_BLOCK_SIZE,
      help: BLOCK_SIZE_HELP,
    },
    physical_block_size: {
      type: "size",
      default: MIN_BLOCK_SIZE,
      min: MIN_BLOCK_SIZE,
      max: MAX_BLOCK_SIZE,
      help: BLOCK_SIZE_HELP,
    },
    serial: { type: "string" },
    "num-queues": { type: "u16", default: 1, min: 1, max: 1024 },
    "queue-size": { type: "u16", default: DEFAULT_QUEUE_SIZE, min: 4, max: 1024 },
    class: {
      type: "u32",
      default: 0,
      help: "PCI class: 0x0180 (storage, other) is kept; anything else gives 0x0100 (SCSI)",
    },
  },
  backend(props, env) {
    const settings = blkSettings(props);
    const drive = env.files.drive;
    if (!drive) throw new Error("drive property not set");
    // QEMU counts a final partial sector as a whole one (DIV_ROUND_UP in the block layer).
    const sectors = Math.ceil(drive.size / SECTOR_SIZE);
    writeBlkConfig(env.configView, settings, sectors);
    const disk: BlockDisk = {
      drive,
      sectors,
      logicalBlockSize: settings.logicalBlockSize,
      serial: settings.serial,
      log: (message) => env.log(message),
    };
    return {
      activate() {},
      notify(index) {
        const queue = env.queue(index);
        let served = 0;
        for (let chain = queue.pop(); chain; chain = queue.pop()) {
          queue.addUsed(chain.head, serveBlockRequest(chain, disk, env.memory));
          served++;
        }
        if (served > 0) env.signalUsed(index);
      },
      reset() {},
    };
  },
});

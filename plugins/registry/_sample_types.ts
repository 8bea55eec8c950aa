/** Device types shaped like QEMU's, shared by this directory's tests. */

import { DeviceRegistry } from "./device_registry.ts";
import type { DeviceType } from "./device_type.ts";

/** hw/misc/debugexit.c: iobase and iosize are uint32 in QEMU; iobase limited to ports here. */
export const ISA_DEBUG_EXIT: DeviceType = {
  name: "isa-debug-exit",
  bus: "isa",
  category: "Misc",
  properties: {
    iobase: { type: "u32", default: 0x501, max: 0xffff },
    iosize: { type: "u32", default: 2 },
  },
};

/** A virtio block device on PCI, with QEMU's alias. */
export const VIRTIO_BLK_PCI: DeviceType = {
  name: "virtio-blk-pci",
  bus: "virtio-pci",
  category: "Storage",
  aliases: ["virtio-blk"],
  properties: {
    drive: { type: "drive" },
    "num-queues": { type: "u16", default: 1, min: 1, max: 1024 },
    "queue-size": { type: "u16", default: 256 },
    "seg-max-adjust": { type: "bool", default: true },
    serial: { type: "string" },
    discard_granularity: { type: "size", default: 4096 },
    rerror: {
      type: "enum",
      values: ["report", "ignore", "enospc", "stop", "auto"],
      default: "auto",
      typeName: "BlockdevOnError",
      help: "Error handling policy",
    },
  },
};

/** A 16550A UART on ISA. */
export const ISA_SERIAL: DeviceType = {
  name: "isa-serial",
  bus: "isa",
  category: "Input",
  description: "16550A UART",
  properties: {
    chardev: { type: "chardev" },
    index: { type: "u32", default: 0xffff_ffff },
    iobase: { type: "hex32", default: 0x3f8 },
    irq: { type: "u32", default: 4 },
  },
};

/** A network card on PCI. */
export const E1000: DeviceType = {
  name: "e1000",
  bus: "pci",
  category: "Network",
  description: "Intel Gigabit Ethernet",
  aliases: ["e1000-82540em"],
  properties: {
    netdev: { type: "netdev" },
    mac: { type: "string", help: "Ethernet 6-byte MAC Address, example: 52:54:00:12:34:56" },
  },
};

/** A device with a u64 and a path, and no bus. */
export const ROM_LOADER: DeviceType = {
  name: "rom-loader",
  bus: "none",
  category: "Uncategorized",
  properties: {
    file: { type: "path" },
    addr: { type: "u64", default: 0xfffc_0000n },
  },
};

/** A registry holding every sample type. */
export function sampleRegistry(): DeviceRegistry {
  const r = new DeviceRegistry();
  for (const t of [ISA_DEBUG_EXIT, VIRTIO_BLK_PCI, ISA_SERIAL, E1000, ROM_LOADER]) r.register(t);
  return r;
}

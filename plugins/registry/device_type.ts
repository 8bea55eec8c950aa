/** What the registry knows about a device: QEMU's DeviceClass, minus the code. */

import type { PropertySpec } from "../schema/mod.ts";

/** QEMU's help categories, in the order `-device help` prints them. */
export const DEVICE_CATEGORIES = [
  "Controller/Bridge/Hub",
  "USB",
  "Storage",
  "Network",
  "Input",
  "Display",
  "Sound",
  "Misc",
  "CPU",
  "Watchdog",
  "Uncategorized",
] as const;

/** One of QEMU's device help categories. */
export type DeviceCategory = typeof DEVICE_CATEGORIES[number];

/**
 * The bus a device plugs into. `virtio-pci` devices are PCI functions whose
 * backend is a virtio device; `virtio-serial` devices are ports of a
 * virtio-serial-pci (virtconsole, virtserialport); `none` devices hang off no bus.
 */
export type BusKind = "isa" | "pci" | "virtio-pci" | "virtio-serial" | "sysbus" | "none";

/** Every bus kind. */
export const BUS_KINDS: readonly BusKind[] = [
  "isa",
  "pci",
  "virtio-pci",
  "virtio-serial",
  "sysbus",
  "none",
];

// The QOM bus type names QEMU prints in `-device help` and bus errors.
const BUS_TYPE_NAME: Readonly<Record<BusKind, string | undefined>> = {
  isa: "ISA",
  pci: "PCI",
  "virtio-pci": "PCI",
  "virtio-serial": "virtio-serial-bus",
  sysbus: "System",
  none: undefined,
};

/** The bus type name QEMU shows for a bus kind ("PCI", "ISA", "System"), if any. */
export function busTypeName(kind: BusKind): string | undefined {
  return BUS_TYPE_NAME[kind];
}

/** True when the device is a PCI function, and so takes `addr=slot[.func]`. */
export function isPciBus(kind: BusKind): boolean {
  return kind === "pci" || kind === "virtio-pci";
}

/** A device type as registered: name, help text, bus, category and property schema. */
export interface DeviceType<Impl = unknown> {
  /** The `-device` name, e.g. "virtio-blk-pci". */
  readonly name: string;
  /** Shown as `desc "…"` in `-device help`. */
  readonly description?: string;
  /** The bus the device plugs into. */
  readonly bus: BusKind;
  /** The `-device help` heading it is listed under. */
  readonly category: DeviceCategory;
  /** The typed properties `-device` and `-global` may set. */
  readonly properties: Readonly<Record<string, PropertySpec>>;
  /** Other names `-device` accepts, e.g. "virtio-blk"; help shows the first. */
  readonly aliases?: readonly string[];
  /** Whatever instantiates the device; the registry never looks inside. */
  readonly impl?: Impl;
}

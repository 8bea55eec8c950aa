import { E820_RAM, type E820Entry } from "../firmware/boot_state.ts";
import { encodeE820, le16, le32, le64 } from "./encode.ts";
import type { FwCfgContents } from "./item_store.ts";
import { hasLinuxHeader, linuxBootItems } from "./linux_items.ts";
import {
  FW_CFG_BOOT_MENU,
  FW_CFG_HPET,
  FW_CFG_IRQ0_OVERRIDE,
  FW_CFG_KERNEL_DATA,
  FW_CFG_KERNEL_SIZE,
  FW_CFG_MAX_CPUS,
  FW_CFG_NB_CPUS,
  FW_CFG_NOGRAPHIC,
  FW_CFG_NUMA,
  FW_CFG_RAM_SIZE,
  FW_CFG_UUID,
} from "./keys.ts";

/** Bytes of QEMU's `struct hpet_fw_config`: a count, then eight 15-byte block entries. */
const HPET_CONFIG_SIZE = 1 + 8 * 15;

/** What the pc machine tells its firmware (options of {@link qemuPcItems}). */
export interface QemuPcItemsOptions {
  /** Guest RAM in bytes (all of it below 4 GiB on this machine). */
  ramSize: number;
  /** CPUs started at boot. @default 1 */
  cpus?: number;
  /** Highest CPU count (one more than the highest APIC ID). @default cpus */
  maxCpus?: number;
  /** The memory map for `etc/e820`. @default QEMU's: one RAM entry from 0 to ramSize */
  e820?: readonly E820Entry[];
  /** The `-kernel` image: a Linux bzImage is split as QEMU does, anything else goes whole. */
  kernel?: Uint8Array;
  /** The `-initrd` image (Linux kernels only). */
  initrd?: Uint8Array;
  /** The `-append` command line (Linux kernels only). @default "" */
  cmdline?: string;
  /** Whether the machine runs without a display (`-nographic`). @default false */
  nographic?: boolean;
  /** The machine UUID (`-uuid`), 16 bytes. @default all zeros */
  uuid?: Uint8Array;
  /** Whether the firmware should offer a boot menu (`-boot menu=on`). @default false */
  bootMenu?: boolean;
}

/** QEMU's pc memory map as fw_cfg sees it under TCG: all RAM in one entry from 0. */
export function qemuPcE820(ramSize: number): E820Entry[] {
  return [{ addr: 0, size: ramSize, type: E820_RAM }];
}

/**
 * The items and files QEMU's pc machine puts in fw_cfg (fw_cfg_common_realize,
 * fw_cfg_arch_create, x86_load_linux): UUID, nographic, boot menu, CPU counts,
 * RAM size, IRQ0 override, no HPET, an empty NUMA table, `etc/e820`,
 * `etc/boot-fail-wait` (no reboot timeout), empty `bootorder` and
 * `bios-geometry`, and the `-kernel` items. The signature and ID are the
 * device's own. Bad options throw.
 */
export function qemuPcItems(options: QemuPcItemsOptions): FwCfgContents {
  const { ramSize } = options;
  if (!Number.isSafeInteger(ramSize) || ramSize <= 0) {
    throw new Error(`fw_cfg: RAM size ${ramSize} is not a positive byte count`);
  }
  const cpus = options.cpus ?? 1;
  const maxCpus = options.maxCpus ?? cpus;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 0xffff) {
    throw new Error(`fw_cfg: CPU count ${cpus} is out of range 1-65535`);
  }
  if (!Number.isInteger(maxCpus) || maxCpus < cpus || maxCpus > 0xffff) {
    throw new Error(`fw_cfg: maximum CPU count ${maxCpus} is out of range ${cpus}-65535`);
  }
  const uuid = options.uuid ?? new Uint8Array(16);
  if (uuid.length !== 16) throw new Error("fw_cfg: a UUID is 16 bytes");

  const hpet = new Uint8Array(HPET_CONFIG_SIZE);
  hpet[0] = 0xff; // hpet_cfg.count stays UINT8_MAX while no HPET is realized
  // Node count 0, then one node word per possible APIC ID; no per-node memory words.
  const numa = new Uint8Array(8 * (1 + maxCpus));

  const items: [number, Uint8Array][] = [
    [FW_CFG_UUID, uuid],
    [FW_CFG_NOGRAPHIC, le16(options.nographic ? 1 : 0)],
    [FW_CFG_BOOT_MENU, le16(options.bootMenu ? 1 : 0)],
    [FW_CFG_NB_CPUS, le16(cpus)],
    [FW_CFG_MAX_CPUS, le16(maxCpus)],
    [FW_CFG_RAM_SIZE, le64(ramSize)],
    [FW_CFG_IRQ0_OVERRIDE, le32(1)],
    [FW_CFG_HPET, hpet],
    [FW_CFG_NUMA, numa],
  ];
  const files: [string, Uint8Array][] = [
    ["etc/boot-fail-wait", le32(0xffffffff)],
    ["etc/e820", encodeE820(options.e820 ?? qemuPcE820(ramSize))],
    ["bootorder", new Uint8Array(0)],
    ["bios-geometry", new Uint8Array(0)],
  ];

  const kernel = options.kernel;
  if (kernel && hasLinuxHeader(kernel)) {
    const linux = linuxBootItems(kernel, {
      lowRamSize: ramSize,
      cmdline: options.cmdline,
      initrd: options.initrd,
    });
    items.push(...linux.items);
    files.push(...linux.files);
  } else if (kernel) {
    items.push([FW_CFG_KERNEL_SIZE, le32(kernel.length)], [FW_CFG_KERNEL_DATA, kernel]);
  }
  return { items, files };
}

import { cString, le32 } from "./encode.ts";
import {
  FW_CFG_CMDLINE_ADDR,
  FW_CFG_CMDLINE_DATA,
  FW_CFG_CMDLINE_SIZE,
  FW_CFG_INITRD_ADDR,
  FW_CFG_INITRD_DATA,
  FW_CFG_INITRD_SIZE,
  FW_CFG_KERNEL_ADDR,
  FW_CFG_KERNEL_DATA,
  FW_CFG_KERNEL_SIZE,
  FW_CFG_SETUP_ADDR,
  FW_CFG_SETUP_DATA,
  FW_CFG_SETUP_SIZE,
} from "./keys.ts";

/** Bytes the pc machine keeps free under the top of low RAM for ACPI tables (i440FX). */
export const PC_ACPI_DATA_SIZE = 0x20000 + 0x8000;

/** Setup header flag (xloadflags bit 1): the initrd may live above 4 GiB. */
const XLF_CAN_BE_LOADED_ABOVE_4G = 1 << 1;

/** Options of {@link linuxBootItems}. */
export interface LinuxBootOptions {
  /** Bytes of RAM below 4 GiB. */
  lowRamSize: number;
  /** Kernel command line. @default "" */
  cmdline?: string;
  /** Initial RAM disk. @default none */
  initrd?: Uint8Array;
  /** Bytes reserved under the top of low RAM for ACPI data. @default PC_ACPI_DATA_SIZE */
  acpiDataSize?: number;
}

/** Items (and files) describing a Linux boot, for a fw_cfg device. */
export interface LinuxBootItems {
  /** Numbered items, key and bytes. */
  items: [number, Uint8Array][];
  /** Named files, name and bytes. */
  files: [string, Uint8Array][];
}

/** True when `image` has the Linux setup header signature "HdrS" at 0x202. */
export function hasLinuxHeader(image: Uint8Array): boolean {
  return image.length >= 0x206 && image[0x202] === 0x48 && image[0x203] === 0x64 &&
    image[0x204] === 0x72 && image[0x205] === 0x53;
}

/**
 * The fw_cfg items QEMU's x86_load_linux (hw/i386/x86-common.c) gives the
 * firmware for `-kernel` with a Linux image: the real-mode setup sectors
 * (header patched with the command line pointer, loader type 0xB0, heap end,
 * initrd place and `vga=` mode) and the protected-mode kernel separately,
 * their load addresses by boot protocol, the command line, the initrd placed
 * page-aligned under `initrd_addr_max` and the top of low RAM, and the
 * unpatched image as `etc/boot/kernel`. Images QEMU refuses throw.
 */
export function linuxBootItems(image: Uint8Array, options: LinuxBootOptions): LinuxBootItems {
  if (!hasLinuxHeader(image)) throw new Error("fw_cfg: kernel has no Linux setup header");
  const cmdline = options.cmdline ?? "";
  const cmdlineBytes = cString(cmdline);
  const hdr = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const protocol = hdr.getUint16(0x206, true);
  // Documentation/arch/x86/boot.rst: protocol decides where setup and kernel go.
  const cmdlineSize = (cmdlineBytes.length - 1 + 16) & ~15;
  let realAddr: number, cmdlineAddr: number, protAddr: number;
  if (protocol < 0x200 || !(image[0x211] & 0x01)) {
    [realAddr, cmdlineAddr, protAddr] = [0x90000, 0x9a000 - cmdlineSize, 0x10000];
  } else if (protocol < 0x202) {
    [realAddr, cmdlineAddr, protAddr] = [0x90000, 0x9a000 - cmdlineSize, 0x100000];
  } else {
    [realAddr, cmdlineAddr, protAddr] = [0x10000, 0x20000, 0x100000];
  }

  const reserve = options.acpiDataSize ?? PC_ACPI_DATA_SIZE;
  let initrdMax: number;
  if (protocol >= 0x20c && hdr.getUint16(0x236, true) & XLF_CAN_BE_LOADED_ABOVE_4G) {
    initrdMax = 0xffffffff;
  } else if (protocol >= 0x203) {
    initrdMax = hdr.getUint32(0x22c, true);
  } else {
    initrdMax = 0x37ffffff;
  }
  if (initrdMax >= options.lowRamSize - reserve) initrdMax = options.lowRamSize - reserve - 1;

  let setupSize = image[0x1f1] || 4;
  setupSize = (setupSize + 1) * 512;
  if (setupSize > image.length) throw new Error("fw_cfg: invalid kernel header (setup too long)");
  const setup = image.slice(0, setupSize);
  const s = new DataView(setup.buffer);

  const items: [number, Uint8Array][] = [
    [FW_CFG_CMDLINE_ADDR, le32(cmdlineAddr)],
    [FW_CFG_CMDLINE_SIZE, le32(cmdlineBytes.length)],
    [FW_CFG_CMDLINE_DATA, cmdlineBytes],
  ];
  if (protocol >= 0x202) s.setUint32(0x228, cmdlineAddr, true);
  else {
    s.setUint16(0x20, 0xa33f, true);
    s.setUint16(0x22, cmdlineAddr - realAddr, true);
  }
  const vga = vgaMode(cmdline);
  if (vga !== undefined) s.setUint16(0x1fa, vga, true);
  // type_of_loader: 0xB_ is QEMU's, revision 0.
  if (protocol >= 0x200) setup[0x210] = 0xb0;
  if (protocol >= 0x201) {
    setup[0x211] |= 0x80; // CAN_USE_HEAP
    s.setUint16(0x224, cmdlineAddr - realAddr - 0x200, true);
  }

  const initrd = options.initrd;
  if (initrd) {
    if (protocol < 0x200) throw new Error("fw_cfg: Linux kernel too old to load a RAM disk");
    if (initrd.length >= initrdMax) {
      throw new Error(`fw_cfg: initrd is too large (max ${initrdMax}, need ${initrd.length})`);
    }
    const initrdAddr = Math.floor((initrdMax - initrd.length) / 4096) * 4096;
    items.push(
      [FW_CFG_INITRD_ADDR, le32(initrdAddr)],
      [FW_CFG_INITRD_SIZE, le32(initrd.length)],
      [FW_CFG_INITRD_DATA, initrd],
    );
    s.setUint32(0x218, initrdAddr, true);
    s.setUint32(0x21c, initrd.length, true);
  }

  const kernel = image.subarray(setupSize);
  items.push(
    [FW_CFG_KERNEL_ADDR, le32(protAddr)],
    [FW_CFG_KERNEL_SIZE, le32(kernel.length)],
    [FW_CFG_KERNEL_DATA, kernel],
    [FW_CFG_SETUP_ADDR, le32(realAddr)],
    [FW_CFG_SETUP_SIZE, le32(setupSize)],
    [FW_CFG_SETUP_DATA, setup],
  );
  return { items, files: [["etc/boot/kernel", image]] };
}

/**
 * The video mode a `vga=` argument asks for (boot.rst, vid_mode): normal,
 * ext, ask, or a C integer (decimal, 0x hex, 0 octal). Malformed values throw,
 * as QEMU refuses to start with them.
 */
export function vgaMode(cmdline: string): number | undefined {
  const at = cmdline.indexOf("vga=");
  if (at < 0) return undefined;
  const rest = cmdline.slice(at + 4);
  if (rest.startsWith("normal")) return 0xffff;
  if (rest.startsWith("ext")) return 0xfffe;
  if (rest.startsWith("ask")) return 0xfffd;
  const word = rest.split(" ", 1)[0];
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(word);
  const value = m
    ? (/^0[xX]/.test(word)
      ? parseInt(word.slice(2), 16)
      : word.length > 1 && word[0] === "0"
      ? parseInt(word, 8)
      : parseInt(word, 10))
    : NaN;
  if (!Number.isInteger(value) || value > 0xffffffff) {
    throw new Error("fw_cfg: invalid 'vga=' kernel parameter");
  }
  return value & 0xffff;
}

import { PCI_HOLE_START } from "../memory/layout.ts";

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * The CMOS bytes that tell a BIOS how much RAM there is, as QEMU's
 * pc_cmos_init() writes them for `bytes` of RAM, as [index, value] pairs:
 * 0x15–0x16 base memory in KiB (at most 640), 0x17–0x18 and 0x30–0x31 KiB
 * above 1 MiB (at most 65535), 0x34–0x35 64 KiB units above 16 MiB below
 * 4 GiB, 0x5B–0x5D 64 KiB units above 4 GiB (RAM past the PCI hole).
 */
export function memorySizeBytes(bytes: number): [number, number][] {
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new RangeError(`mc146818: bad memory size ${bytes}`);
  }
  const below = Math.min(bytes, PCI_HOLE_START);
  const above = Math.floor((bytes - below) / (64 * KIB));
  const base = Math.min(Math.floor(below / KIB), 640);
  const extended = Math.min(below > MIB ? Math.floor((below - MIB) / KIB) : 0, 0xffff);
  const high = Math.min(below > 16 * MIB ? Math.floor((below - 16 * MIB) / (64 * KIB)) : 0, 0xffff);
  return [
    [0x15, base & 0xff],
    [0x16, base >> 8],
    [0x17, extended & 0xff],
    [0x18, extended >> 8],
    [0x30, extended & 0xff],
    [0x31, extended >> 8],
    [0x34, high & 0xff],
    [0x35, high >> 8],
    [0x5b, above & 0xff],
    [0x5c, (above >> 8) & 0xff],
    [0x5d, (above >> 16) & 0xff],
  ];
}

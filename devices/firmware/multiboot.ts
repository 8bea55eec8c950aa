import type { PhysicalMemory } from "../memory/mod.ts";
import { BOOT_GDT, type BootEntry, e820Map, writeBootGdt } from "./boot_state.ts";

const MB_MAGIC = 0x1badb002;
/** What the loader leaves in EAX (Multiboot 0.6.96 §3.2). */
export const MB_BOOTLOADER_MAGIC = 0x2badb002;
const MB_AOUT_KLUDGE = 1 << 16;
const MB_VIDEO_MODE = 1 << 2;

/** Thrown for images that are not what the user said they are. */
export class BootImageError extends Error {}

export interface MultibootModule {
  name: string;
  data: Uint8Array;
}

/** Finds the Multiboot header in the first 8 KiB: its offset, or -1. */
export function findMultibootHeader(image: Uint8Array): number {
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const end = Math.min(8192, image.length) - 12;
  for (let off = 0; off <= end; off += 4) {
    if (dv.getUint32(off, true) !== MB_MAGIC) continue;
    const flags = dv.getUint32(off + 4, true);
    const sum = (MB_MAGIC + flags + dv.getUint32(off + 8, true)) >>> 0;
    if (sum === 0) return off;
  }
  return -1;
}

/**
 * Loads a Multiboot v1 kernel (ELF32, or any format with the a.out kludge)
 * as QEMU's -kernel does, with `modules` from -initrd and `cmdline` from
 * -append, and returns the entry state (Multiboot 0.6.96 §3).
 */
export function loadMultiboot(
  mem: PhysicalMemory,
  image: Uint8Array,
  options: { cmdline: string; kernelName: string; modules: MultibootModule[] },
): BootEntry {
  const hdr = findMultibootHeader(image);
  if (hdr < 0) throw new BootImageError("not a multiboot image");
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const flags = dv.getUint32(hdr + 4, true);
  if (flags & 0x0000fff8 & ~MB_VIDEO_MODE) {
    throw new BootImageError(
      `multiboot header requests unsupported features (flags 0x${flags.toString(16)})`,
    );
  }
  let entry: number;
  let kernelEnd: number;
  if (flags & MB_AOUT_KLUDGE) {
    const headerAddr = dv.getUint32(hdr + 12, true);
    const loadAddr = dv.getUint32(hdr + 16, true);
    let loadEnd = dv.getUint32(hdr + 20, true);
    const bssEnd = dv.getUint32(hdr + 24, true);
    entry = dv.getUint32(hdr + 28, true);
    const fileOff = hdr - (headerAddr - loadAddr);
    if (fileOff < 0) throw new BootImageError("multiboot header addresses are inconsistent");
    if (loadEnd === 0) loadEnd = loadAddr + (image.length - fileOff);
    const size = loadEnd - loadAddr;
    if (size < 0 || fileOff + size > image.length) {
      throw new BootImageError("multiboot load range exceeds the image");
    }
    checkRam(mem, loadAddr, Math.max(loadEnd, bssEnd) - loadAddr);
    mem.writeBytes(loadAddr, image.subarray(fileOff, fileOff + size));
    if (bssEnd > loadEnd) mem.writeBytes(loadEnd, new Uint8Array(bssEnd - loadEnd));
    kernelEnd = Math.max(loadEnd, bssEnd);
  } else {
    ({ entry, end: kernelEnd } = loadElf32(mem, image));
  }

  // Modules go page-aligned after the kernel, as QEMU places them.
  let next = align(kernelEnd, 0x1000);
  const mods: { start: number; end: number; name: string }[] = [];
  for (const m of options.modules) {
    checkRam(mem, next, m.data.length);
    mem.writeBytes(next, m.data);
    mods.push({ start: next, end: next + m.data.length, name: m.name });
    next = align(next + m.data.length, 0x1000);
  }

  // The info structure (§3.3) and everything it points at go after the kernel and its
  // modules, as QEMU places them: a fixed low address could overlap a kernel loaded there.
  const info = next;
  const textBytes = new TextEncoder().encode(options.cmdline).length +
    options.kernelName.length * 3 + options.modules.length * 256 + 64;
  const infoEnd = info + 0x100 + textBytes + options.modules.length * 16 + 8 * 24 + 64;
  checkRam(mem, info, infoEnd - info);
  let strings = info + 0x100;
  const putString = (s: string): number => {
    const bytes = new TextEncoder().encode(s + "\0");
    mem.writeBytes(strings, bytes);
    const at = strings;
    strings += bytes.length;
    return at;
  };
  const cmdline = putString(
    options.cmdline ? `${options.kernelName} ${options.cmdline}` : options.kernelName,
  );
  const loaderName = putString("deno-vmm");
  const names = mods.map((m) => putString(m.name.slice(0, 255)));
  strings = align(strings, 16);
  const modList = strings;
  mods.forEach((m, i) => {
    const at = modList + i * 16;
    mem.write32(at, m.start);
    mem.write32(at + 4, m.end);
    mem.write32(at + 8, names[i]);
    mem.write32(at + 12, 0);
  });
  const mmap = align(modList + mods.length * 16, 16);
  const map = e820Map(mem.ramSize);
  map.forEach((e, i) => {
    const at = mmap + i * 24;
    mem.write32(at, 20);
    mem.write32(at + 4, e.addr);
    mem.write32(at + 8, 0);
    mem.write32(at + 12, e.size);
    mem.write32(at + 16, 0);
    mem.write32(at + 20, e.type);
  });
  const memUpperKiB = Math.floor((mem.ramSize - 0x100000) / 1024);
  const infoFlags = 0x1 | 0x4 | 0x8 | 0x40 | 0x200; // mem, cmdline, mods, mmap, loader name
  mem.writeBytes(info, new Uint8Array(0x58));
  mem.write32(info, infoFlags);
  mem.write32(info + 4, 640);
  mem.write32(info + 8, memUpperKiB);
  mem.write32(info + 16, cmdline);
  mem.write32(info + 20, mods.length);
  mem.write32(info + 24, modList);
  mem.write32(info + 44, map.length * 24);
  mem.write32(info + 48, mmap);
  mem.write32(info + 64, loaderName);

  writeBootGdt((a, v) => mem.write32(a, v));
  return {
    eip: entry,
    regs: { eax: MB_BOOTLOADER_MAGIC, ebx: info },
    gdtBase: BOOT_GDT,
    gdtLimit: 31,
    codeSelector: 0x10,
    dataSelector: 0x18,
  };
}

function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function checkRam(mem: PhysicalMemory, addr: number, len: number): void {
  if (addr < 0x100000 && addr + len > 0xa0000 || addr + len > mem.ramSize) {
    throw new BootImageError(
      `kernel wants memory at 0x${addr.toString(16)}-0x${(addr + len).toString(16)}, ` +
        `outside the ${mem.ramSize >> 20} MiB of RAM`,
    );
  }
}

/** Loads the PT_LOAD segments of an ELF32 i386 executable at their physical addresses. */
export function loadElf32(mem: PhysicalMemory, image: Uint8Array): { entry: number; end: number } {
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (image.length < 52 || dv.getUint32(0, false) !== 0x7f454c46) {
    throw new BootImageError("kernel is neither ELF nor uses the multiboot a.out kludge");
  }
  if (image[4] !== 1 || image[5] !== 1 || dv.getUint16(18, true) !== 3) {
    throw new BootImageError("multiboot ELF kernel must be 32-bit little-endian i386");
  }
  const entry = dv.getUint32(24, true);
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  const phnum = dv.getUint16(44, true);
  if (phoff + phnum * phentsize > image.length) {
    throw new BootImageError("ELF program headers truncated");
  }
  let end = 0;
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (dv.getUint32(ph, true) !== 1) continue; // PT_LOAD
    const offset = dv.getUint32(ph + 4, true);
    const paddr = dv.getUint32(ph + 12, true);
    const filesz = dv.getUint32(ph + 16, true);
    const memsz = dv.getUint32(ph + 20, true);
    if (offset + filesz > image.length) throw new BootImageError("ELF segment exceeds the file");
    checkRam(mem, paddr, memsz);
    mem.writeBytes(paddr, image.subarray(offset, offset + filesz));
    if (memsz > filesz) mem.writeBytes(paddr + filesz, new Uint8Array(memsz - filesz));
    end = Math.max(end, paddr + memsz);
  }
  return { entry, end };
}

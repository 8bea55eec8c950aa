import type { PhysicalMemory } from "../memory/mod.ts";
import { BOOT_GDT, type BootEntry, e820Map, writeBootGdt } from "./boot_state.ts";
import { BootImageError } from "./multiboot.ts";

/** Where boot_params ("the zero page") and the command line go (Documentation/x86/boot.rst). */
const BOOT_PARAMS = 0x7000;
const CMDLINE = 0x20000;
const CMDLINE_MAX = 0x10000 - 1;

/** True when `image` carries the Linux setup header signature "HdrS" at 0x202. */
export function isLinuxImage(image: Uint8Array): boolean {
  return image.length > 0x260 &&
    image[0x202] === 0x48 && image[0x203] === 0x64 && image[0x204] === 0x72 &&
    image[0x205] === 0x53;
}

/**
 * Loads a bzImage with the 32-bit boot protocol (boot protocol ≥ 2.06): the
 * protected-mode kernel at 1 MiB, boot_params with the setup header, an
 * E820 map, the command line and the initrd (as high as initrd_addr_max
 * allows), and the entry state: flat CS 0x10 / DS 0x18, ESI = boot_params.
 */
export function loadLinux(
  mem: PhysicalMemory,
  image: Uint8Array,
  options: { cmdline: string; initrd?: Uint8Array },
): BootEntry {
  if (!isLinuxImage(image)) throw new BootImageError("not a Linux kernel image (no HdrS)");
  const dv = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const version = dv.getUint16(0x206, true);
  if (version < 0x206) {
    throw new BootImageError(
      `Linux boot protocol ${version >> 8}.${version & 0xff} is too old (2.06 or newer needed)`,
    );
  }
  const loadflags = image[0x211];
  if (!(loadflags & 1)) throw new BootImageError("zImage (not loaded high) is not supported");
  let setupSects = image[0x1f1];
  if (setupSects === 0) setupSects = 4;
  const setupSize = (setupSects + 1) * 512;
  if (setupSize >= image.length) throw new BootImageError("kernel image is truncated");
  const kernel = image.subarray(setupSize);
  const kernelAddr = 0x100000;
  if (kernelAddr + kernel.length > mem.ramSize) {
    throw new BootImageError("kernel does not fit in RAM");
  }
  mem.writeBytes(kernelAddr, kernel);

  // boot_params: zeroed, then the setup header copied from the image (0x1f1 .. end of header).
  const headerEnd = 0x202 + image[0x201];
  mem.writeBytes(BOOT_PARAMS, new Uint8Array(4096));
  mem.writeBytes(BOOT_PARAMS + 0x1f1, image.subarray(0x1f1, Math.min(headerEnd, image.length)));
  const bp = (off: number) => BOOT_PARAMS + off;
  mem.write8(bp(0x210), 0xff); // type_of_loader: undefined boot loader
  mem.write8(bp(0x211), loadflags | 0x80); // CAN_USE_HEAP
  mem.write16(bp(0x224), 0xde00); // heap_end_ptr

  const cmd = new TextEncoder().encode(options.cmdline.slice(0, CMDLINE_MAX));
  const cmdlineSize = version >= 0x206 ? dv.getUint32(0x238, true) : 255;
  if (cmd.length > cmdlineSize) {
    throw new BootImageError(`kernel command line is longer than ${cmdlineSize} bytes`);
  }
  mem.writeBytes(CMDLINE, cmd);
  mem.write8(CMDLINE + cmd.length, 0);
  mem.write32(bp(0x228), CMDLINE);

  if (options.initrd && options.initrd.length > 0) {
    const maxAddr = dv.getUint32(0x22c, true) || 0x37ffffff;
    const top = Math.min(maxAddr + 1, mem.ramSize);
    const start = Math.floor((top - options.initrd.length) / 0x1000) * 0x1000;
    if (start < kernelAddr + kernel.length) {
      throw new BootImageError("initrd does not fit in RAM next to the kernel");
    }
    mem.writeBytes(start, options.initrd);
    mem.write32(bp(0x218), start);
    mem.write32(bp(0x21c), options.initrd.length);
  }

  const map = e820Map(mem.ramSize);
  mem.write8(bp(0x1e8), map.length);
  map.forEach((e, i) => {
    const at = bp(0x2d0 + i * 20);
    mem.write32(at, e.addr);
    mem.write32(at + 4, 0);
    mem.write32(at + 8, e.size);
    mem.write32(at + 12, 0);
    mem.write32(at + 16, e.type);
  });
  // screen_info: no video (orig_video_isVGA = 0), so the kernel uses the serial console.
  mem.write8(bp(0x0f), 0);

  writeBootGdt((a, v) => mem.write32(a, v));
  return {
    eip: dv.getUint32(0x214, true) || kernelAddr, // code32_start
    regs: { esi: BOOT_PARAMS },
    gdtBase: BOOT_GDT,
    gdtLimit: 31,
    codeSelector: 0x10,
    dataSelector: 0x18,
  };
}

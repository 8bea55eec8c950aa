/**
 * A Multiboot v1 kernel image around raw 32-bit code, so that peers (QEMU's `-kernel`, our own
 * loader) can start the benchmark loops without a boot loader. The header uses the a.out kludge
 * (Multiboot 0.6.96 §3.1.3, flag bit 16): the image is loaded flat at `loadAddress` and entered
 * right after the 32-byte header, in protected mode with flat segments, paging and interrupts off
 * (§3.2).
 *
 * @module
 */

/** Multiboot v1 header magic (§3.1.2). */
export const MULTIBOOT_MAGIC = 0x1badb002;
/** Flag bit 16: the address fields of the header are valid (§3.1.2). */
export const MULTIBOOT_AOUT_KLUDGE = 0x00010000;
/** Bytes of the header this module writes: magic, flags, checksum and five address fields. */
export const MULTIBOOT_HEADER_SIZE = 32;

/** Options of {@link multibootImage}. */
export interface MultibootImageOptions {
  /** Where the image is loaded (and the header lies). @default 0x100000 */
  loadAddress?: number;
}

/** `code` behind a Multiboot header; the entry point is the first byte of `code`. */
export function multibootImage(code: Uint8Array, options: MultibootImageOptions = {}): Uint8Array {
  const load = options.loadAddress ?? 0x100000;
  if (!Number.isInteger(load) || load < 0x100000 || load % 4 !== 0 || load > 0xf0000000) {
    throw new RangeError(`load address ${load} must be 4-aligned, from 1 MiB up`);
  }
  const image = new Uint8Array(MULTIBOOT_HEADER_SIZE + code.length);
  const view = new DataView(image.buffer);
  const fields = [
    MULTIBOOT_MAGIC,
    MULTIBOOT_AOUT_KLUDGE,
    -(MULTIBOOT_MAGIC + MULTIBOOT_AOUT_KLUDGE), // checksum: the three add up to 0 mod 2^32
    load, // header_addr
    load, // load_addr
    0, // load_end_addr: 0 loads the whole file
    0, // bss_end_addr: 0, no BSS
    load + MULTIBOOT_HEADER_SIZE, // entry_addr
  ];
  fields.forEach((v, i) => view.setUint32(4 * i, v >>> 0, true));
  image.set(code, MULTIBOOT_HEADER_SIZE);
  return image;
}

/**
 * A minimal static ELF32 (i386) executable writer: an ELF header, one program header per
 * segment and the segments' file contents. No sections, no symbols, no dynamic linking —
 * exactly what Linux's binfmt_elf needs to map the segments and jump to the entry point.
 *
 * References: System V ABI, "ELF header" and "Program header" (gABI ch. 4 and 5) and the
 * Intel386 processor supplement (EM_386, ELFCLASS32, little-endian).
 */

/** Permission bits of a loadable segment (PF_X = 1, PF_W = 2, PF_R = 4). */
export const PF_X = 1;
/** Segment is writable. */
export const PF_W = 2;
/** Segment is readable. */
export const PF_R = 4;

const PAGE = 0x1000;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;

/** One PT_LOAD segment: `data` is mapped at `vaddr`, zero-filled up to `memSize`. */
export interface ElfSegment {
  /** Page-aligned virtual address. */
  vaddr: number;
  /** Initialised contents (may be empty). */
  data: Uint8Array;
  /** Size in memory, at least `data.length`; the tail is zero (like .bss). */
  memSize?: number;
  /** PF_R | PF_W | PF_X combination. */
  flags: number;
}

/** Bytes the ELF header and `segmentCount` program headers occupy at the start of the file. */
export function elf32HeaderSize(segmentCount: number): number {
  return EHDR_SIZE + PHDR_SIZE * segmentCount;
}

/**
 * Builds a static i386 executable. The first segment may start with the headers themselves
 * (vaddr of the file's first page): if its `data` is shorter than the header area, the header
 * bytes are mapped there as in a classic `ld` output, so callers place code after
 * `elf32HeaderSize(n)`.
 */
export function buildElf32(segments: readonly ElfSegment[], entry: number): Uint8Array {
  if (segments.length === 0) throw new Error("buildElf32: at least one segment is required");
  const headerSize = elf32HeaderSize(segments.length);
  // The first segment maps file offset 0, so its leading bytes are the headers; every other
  // segment starts on its own page of the file (p_offset ≡ p_vaddr mod page size).
  const offsets: number[] = [];
  let fileEnd = 0;
  segments.forEach((seg, i) => {
    if (seg.vaddr % PAGE !== 0) throw new Error(`buildElf32: segment ${i} vaddr not page-aligned`);
    if ((seg.memSize ?? seg.data.length) < seg.data.length) {
      throw new Error(`buildElf32: segment ${i} memSize smaller than its data`);
    }
    if (i === 0) {
      if (seg.data.length < headerSize) {
        throw new Error("buildElf32: the first segment must reserve room for the headers");
      }
      offsets.push(0);
      fileEnd = seg.data.length;
    } else {
      const off = Math.ceil(fileEnd / PAGE) * PAGE;
      offsets.push(off);
      fileEnd = off + seg.data.length;
    }
  });

  const out = new Uint8Array(fileEnd);
  segments.forEach((seg, i) => out.set(seg.data, offsets[i]));
  const v = new DataView(out.buffer);
  // e_ident: magic, ELFCLASS32, ELFDATA2LSB, EV_CURRENT, ELFOSABI_SYSV.
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  out.fill(0, 8, 16);
  v.setUint16(16, 2, true); // e_type = ET_EXEC
  v.setUint16(18, 3, true); // e_machine = EM_386
  v.setUint32(20, 1, true); // e_version
  v.setUint32(24, entry >>> 0, true); // e_entry
  v.setUint32(28, EHDR_SIZE, true); // e_phoff
  v.setUint32(32, 0, true); // e_shoff: no section headers
  v.setUint32(36, 0, true); // e_flags
  v.setUint16(40, EHDR_SIZE, true); // e_ehsize
  v.setUint16(42, PHDR_SIZE, true); // e_phentsize
  v.setUint16(44, segments.length, true); // e_phnum
  v.setUint16(46, 40, true); // e_shentsize
  v.setUint16(48, 0, true); // e_shnum
  v.setUint16(50, 0, true); // e_shstrndx
  segments.forEach((seg, i) => {
    const p = EHDR_SIZE + PHDR_SIZE * i;
    v.setUint32(p + 0, 1, true); // p_type = PT_LOAD
    v.setUint32(p + 4, offsets[i], true); // p_offset
    v.setUint32(p + 8, seg.vaddr >>> 0, true); // p_vaddr
    v.setUint32(p + 12, seg.vaddr >>> 0, true); // p_paddr
    v.setUint32(p + 16, seg.data.length, true); // p_filesz
    v.setUint32(p + 20, seg.memSize ?? seg.data.length, true); // p_memsz
    v.setUint32(p + 24, seg.flags, true); // p_flags
    v.setUint32(p + 28, PAGE, true); // p_align
  });
  return out;
}

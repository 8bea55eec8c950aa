import {
  FW_CFG_ARCH_LOCAL,
  FW_CFG_ENTRY_MASK,
  FW_CFG_FILE_DIR,
  FW_CFG_FILE_ENTRY_SIZE,
  FW_CFG_FILE_FIRST,
  FW_CFG_FILE_NAME_SIZE,
  FW_CFG_FILE_SLOTS_DEFAULT,
  FW_CFG_FILE_SLOTS_MIN,
  FW_CFG_WRITE_CHANNEL,
} from "./keys.ts";

/** Items and named files to put into a device, in the order they are added. */
export interface FwCfgContents {
  /** Numbered items: selector key and bytes. */
  readonly items: readonly (readonly [number, Uint8Array])[];
  /** Named files: name (at most 55 bytes of UTF-8) and bytes. */
  readonly files: readonly (readonly [string, Uint8Array])[];
}

interface NamedFile {
  name: string;
  nameBytes: Uint8Array;
  data: Uint8Array;
}

/**
 * What a fw_cfg device serves: numbered items, and named files listed in a
 * directory item. Files are kept sorted by name (byte order, like `strcmp`),
 * as QEMU does for every machine type without legacy ordering, so file keys
 * are FW_CFG_FILE_FIRST + the file's rank; a later file may shift them.
 */
export class FwCfgItems {
  /** Number of file slots: files take keys FW_CFG_FILE_FIRST .. FW_CFG_FILE_FIRST + slots - 1. */
  readonly fileSlots: number;
  readonly #items = new Map<number, Uint8Array>();
  readonly #files: NamedFile[] = [];
  #directory: Uint8Array | undefined;

  /** Creates an empty store; `fileSlots` outside 0x10..0x3fe0 throws. */
  constructor(fileSlots: number = FW_CFG_FILE_SLOTS_DEFAULT) {
    const max = FW_CFG_ENTRY_MASK - FW_CFG_FILE_FIRST + 1;
    if (!Number.isInteger(fileSlots) || fileSlots < FW_CFG_FILE_SLOTS_MIN || fileSlots > max) {
      throw new Error(`fw_cfg: file slots must be 0x10 to 0x${max.toString(16)}, not ${fileSlots}`);
    }
    this.fileSlots = fileSlots;
  }

  /** One past the highest item index a selector may name (QEMU's fw_cfg_max_entry). */
  get maxEntry(): number {
    return FW_CFG_FILE_FIRST + this.fileSlots;
  }

  /**
   * Adds numbered item `key`: a generic key below FW_CFG_FILE_FIRST (not the
   * directory), or an architecture key (bit 15 set). A taken key throws.
   */
  addItem(key: number, bytes: Uint8Array): void {
    if (!Number.isInteger(key) || key < 0 || key > 0xffff || (key & FW_CFG_WRITE_CHANNEL)) {
      throw new Error(`fw_cfg: 0x${Number(key).toString(16)} is not an item key`);
    }
    const index = key & FW_CFG_ENTRY_MASK;
    const arch = (key & FW_CFG_ARCH_LOCAL) !== 0;
    if (!arch && (index >= FW_CFG_FILE_FIRST || index === FW_CFG_FILE_DIR)) {
      throw new Error(
        `fw_cfg: key 0x${key.toString(16)} belongs to the file directory; use addFile`,
      );
    }
    if (arch && index >= this.maxEntry) {
      throw new Error(`fw_cfg: key 0x${key.toString(16)} is past the last entry`);
    }
    if (!(bytes instanceof Uint8Array)) throw new Error("fw_cfg: item data must be a Uint8Array");
    if (this.#items.has(key)) throw new Error(`fw_cfg: item 0x${key.toString(16)} already exists`);
    this.#items.set(key, bytes);
  }

  /**
   * Adds a named file and lists it in the directory. Names longer than 55
   * bytes, duplicates, and a full directory throw.
   */
  addFile(name: string, bytes: Uint8Array): void {
    const nameBytes = new TextEncoder().encode(name);
    if (nameBytes.length === 0 || nameBytes.length >= FW_CFG_FILE_NAME_SIZE) {
      throw new Error(`fw_cfg: file name '${name}' must be 1 to 55 bytes`);
    }
    if (nameBytes.includes(0)) throw new Error(`fw_cfg: file name '${name}' contains NUL`);
    if (!(bytes instanceof Uint8Array)) throw new Error("fw_cfg: file data must be a Uint8Array");
    if (bytes.length > 0xffffffff) throw new Error(`fw_cfg: file '${name}' exceeds 4 GiB`);
    if (this.#files.length >= this.fileSlots) {
      throw new Error(`fw_cfg: no free file slot for '${name}' (${this.fileSlots} slots)`);
    }
    let index = this.#files.length;
    while (index > 0 && compareBytes(nameBytes, this.#files[index - 1].nameBytes) < 0) index--;
    if (this.#files.some((f) => compareBytes(f.nameBytes, nameBytes) === 0)) {
      throw new Error(`fw_cfg: duplicate file name '${name}'`);
    }
    this.#files.splice(index, 0, { name, nameBytes, data: bytes });
    this.#directory = undefined;
  }

  /** Adds every item and file of `contents`. */
  addAll(contents: FwCfgContents): void {
    for (const [key, bytes] of contents.items) this.addItem(key, bytes);
    for (const [name, bytes] of contents.files) this.addFile(name, bytes);
  }

  /** The key file `name` is served under, or undefined when there is no such file. */
  fileKey(name: string): number | undefined {
    const i = this.#files.findIndex((f) => f.name === name);
    return i < 0 ? undefined : FW_CFG_FILE_FIRST + i;
  }

  /**
   * The bytes behind selector `key` (write-channel bit ignored), or
   * undefined when the key names no item; the directory exists once a file does.
   */
  get(key: number): Uint8Array | undefined {
    const index = key & FW_CFG_ENTRY_MASK;
    if (key & FW_CFG_ARCH_LOCAL) return this.#items.get(FW_CFG_ARCH_LOCAL | index);
    if (index === FW_CFG_FILE_DIR) return this.#files.length > 0 ? this.#dir() : undefined;
    if (index >= FW_CFG_FILE_FIRST) return this.#files[index - FW_CFG_FILE_FIRST]?.data;
    return this.#items.get(index);
  }

  /**
   * The directory as QEMU sizes it: a big-endian count, then one 64-byte entry
   * per slot (size BE32, select BE16, reserved 16 bits, NUL-padded name),
   * unused slots zero.
   */
  #dir(): Uint8Array {
    if (this.#directory) return this.#directory;
    const out = new Uint8Array(4 + FW_CFG_FILE_ENTRY_SIZE * this.fileSlots);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.#files.length, false);
    this.#files.forEach((f, i) => {
      const at = 4 + i * FW_CFG_FILE_ENTRY_SIZE;
      dv.setUint32(at, f.data.length, false);
      dv.setUint16(at + 4, FW_CFG_FILE_FIRST + i, false);
      out.set(f.nameBytes, at + 8);
    });
    this.#directory = out;
    return out;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

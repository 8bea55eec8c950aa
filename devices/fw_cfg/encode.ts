/**
 * Byte encodings of fw_cfg items: integers are little-endian, as QEMU's
 * fw_cfg_add_i16/i32/i64 store them; the file directory is big-endian.
 * @module
 */

import type { E820Entry } from "../firmware/boot_state.ts";

/** Bytes of one `etc/e820` entry: 64-bit address, 64-bit length, 32-bit type. */
export const E820_ENTRY_SIZE = 20;

/** A 16-bit little-endian item. */
export function le16(value: number): Uint8Array {
  const out = new Uint8Array(2);
  new DataView(out.buffer).setUint16(0, value, true);
  return out;
}

/** A 32-bit little-endian item. */
export function le32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, true);
  return out;
}

/** A 64-bit little-endian item from a non-negative integer below 2^53. */
export function le64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  putU64(new DataView(out.buffer), 0, value, true);
  return out;
}

/** A NUL-terminated string item, as QEMU's fw_cfg_add_string stores it. */
export function cString(text: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

/**
 * The `etc/e820` file: packed little-endian entries of address (64 bits),
 * length (64 bits) and type (32 bits), QEMU's `struct e820_entry`.
 */
export function encodeE820(entries: readonly E820Entry[]): Uint8Array {
  const out = new Uint8Array(entries.length * E820_ENTRY_SIZE);
  const dv = new DataView(out.buffer);
  entries.forEach((e, i) => {
    const at = i * E820_ENTRY_SIZE;
    putU64(dv, at, e.addr, true);
    putU64(dv, at + 8, e.size, true);
    dv.setUint32(at + 16, e.type >>> 0, true);
  });
  return out;
}

/** Stores a non-negative integer below 2^53 as 64 bits. */
export function putU64(dv: DataView, at: number, value: number, littleEndian: boolean): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`fw_cfg: ${value} is not a 64-bit unsigned integer`);
  }
  const low = value % 2 ** 32;
  const high = Math.floor(value / 2 ** 32);
  dv.setUint32(at + (littleEndian ? 0 : 4), low, littleEndian);
  dv.setUint32(at + (littleEndian ? 4 : 0), high, littleEndian);
}

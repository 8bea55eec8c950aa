/**
 * Attribute bits kept in a segment cache's flags slot: descriptor bits 40–55
 * (access byte in bits 0–7, AVL/L/D-B/G in bits 12–15) plus our own
 * SEG_UNUSABLE for a null selector loaded in protected mode.
 */
export const SEG_ACCESSED = 0x01;
export const SEG_RW = 0x02; // readable code / writable data
export const SEG_DC = 0x04; // conforming code / expand-down data
export const SEG_CODE = 0x08;
export const SEG_S = 0x10; // code or data (not system)
export const SEG_DPL_SHIFT = 5;
export const SEG_P = 0x80;
export const SEG_DB = 0x4000;
export const SEG_G = 0x8000;
export const SEG_UNUSABLE = 0x10000;

/** Flags of a segment register loaded in real mode (present, writable data, accessed). */
export const REAL_MODE_DATA = SEG_P | SEG_S | SEG_RW | SEG_ACCESSED;
/** Flags of CS in real mode (present, readable code, accessed). */
export const REAL_MODE_CODE = SEG_P | SEG_S | SEG_CODE | SEG_RW | SEG_ACCESSED;

/** A decoded 8-byte descriptor. */
export interface Descriptor {
  base: number;
  /** Limit in bytes (granularity applied). */
  limit: number;
  /** Attribute bits as stored in the segment cache. */
  flags: number;
  /** Raw halves, for gates. */
  lo: number;
  hi: number;
}

/** Decodes a segment or gate descriptor from its two dwords (SDM vol. 3 §3.4.5). */
export function decodeDescriptor(lo: number, hi: number): Descriptor {
  const base = ((lo >>> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000)) >>> 0;
  let limit = (lo & 0xffff) | (hi & 0xf0000);
  const flags = (hi >>> 8) & 0xf0ff;
  if (flags & SEG_G) limit = ((limit << 12) | 0xfff) >>> 0;
  return { base, limit, flags, lo, hi };
}

export function dplOf(flags: number): number {
  return (flags >>> SEG_DPL_SHIFT) & 3;
}

/** Reading and writing x87 memory operands through the host (all little-endian). */
import { type F80, f80 } from "./f80.ts";
import type { FpuHost } from "./fpu_host.ts";

/** Reads an m80 real. */
export function readF80(host: FpuHost, addr: number): F80 {
  const lo = host.read32(addr);
  const hi = host.read32((addr + 4) >>> 0);
  const se = host.read16((addr + 8) >>> 0);
  return f80(se, hi, lo);
}

/** Writes an m80 real. */
export function writeF80(host: FpuHost, addr: number, v: F80): void {
  host.write32(addr, v.lo);
  host.write32((addr + 4) >>> 0, v.hi);
  host.write16((addr + 8) >>> 0, v.se);
}

/** Reads an m64 operand as an unsigned bigint. */
export function read64(host: FpuHost, addr: number): bigint {
  const lo = host.read32(addr) >>> 0;
  const hi = host.read32((addr + 4) >>> 0) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes the low 64 bits of `v` as an m64 operand. */
export function write64(host: FpuHost, addr: number, v: bigint): void {
  host.write32(addr, Number(v & 0xffffffffn));
  host.write32((addr + 4) >>> 0, Number((v >> 32n) & 0xffffffffn));
}

/** Reads a signed integer operand of 16, 32 or 64 bits. */
export function readInt(host: FpuHost, addr: number, width: number): bigint {
  switch (width) {
    case 16:
      return BigInt((host.read16(addr) << 16) >> 16);
    case 32:
      return BigInt(host.read32(addr) | 0);
    default:
      return BigInt.asIntN(64, read64(host, addr));
  }
}

/** Writes the low `width` bits of `v` as an integer operand. */
export function writeInt(host: FpuHost, addr: number, width: number, v: bigint): void {
  switch (width) {
    case 16:
      host.write16(addr, Number(v & 0xffffn));
      break;
    case 32:
      host.write32(addr, Number(v & 0xffffffffn));
      break;
    default:
      write64(host, addr, v);
  }
}

/** Reads `n` bytes. */
export function readBytes(host: FpuHost, addr: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(host.read8((addr + i) >>> 0) & 0xff);
  return out;
}

/** Writes bytes. */
export function writeBytes(host: FpuHost, addr: number, bytes: readonly number[]): void {
  for (let i = 0; i < bytes.length; i++) host.write8((addr + i) >>> 0, bytes[i]);
}

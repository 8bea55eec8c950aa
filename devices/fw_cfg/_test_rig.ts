import { RangeBus } from "../bus/range_bus.ts";
import { PhysicalMemory } from "../memory/physical_memory.ts";
import { FwCfg, type FwCfgOptions } from "./fw_cfg.ts";
import { FW_CFG_FILE_DIR, FW_CFG_PORT_DATA, FW_CFG_PORT_SEL } from "./keys.ts";

/** One parsed directory entry. */
export interface DirEntry {
  size: number;
  select: number;
  reserved: number;
  name: string;
}

/** A device on a fresh I/O bus, with 1 MiB of guest RAM when `dma` is set. */
export function rig(options: { dma?: boolean } & Omit<FwCfgOptions, "memory"> = {}) {
  const io = new RangeBus("io", 0x10000);
  const memory = options.dma === false ? undefined : new PhysicalMemory({ ramSize: 1 << 20 });
  const fwCfg = new FwCfg({ ...options, memory });
  fwCfg.register(io);
  return { io, memory, fwCfg };
}

/** Reads `length` bytes of item `key` the way kvm-unit-tests does: outw the key, inb the data. */
export function readItem(io: RangeBus, key: number, length: number): Uint8Array {
  io.write(FW_CFG_PORT_SEL, 2, key);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = io.read(FW_CFG_PORT_DATA, 1);
  return out;
}

/** Reads and decodes the file directory through the ports. */
export function readDirectory(io: RangeBus): DirEntry[] {
  const count = new DataView(readItem(io, FW_CFG_FILE_DIR, 4).buffer).getUint32(0, false);
  // Continue from where the count left off: the data port keeps its offset.
  const entries: DirEntry[] = [];
  for (let i = 0; i < count; i++) {
    const raw = new Uint8Array(64);
    for (let j = 0; j < 64; j++) raw[j] = io.read(FW_CFG_PORT_DATA, 1);
    const dv = new DataView(raw.buffer);
    const nameBytes = raw.subarray(8);
    const end = nameBytes.indexOf(0);
    entries.push({
      size: dv.getUint32(0, false),
      select: dv.getUint16(4, false),
      reserved: dv.getUint16(6, false),
      name: new TextDecoder().decode(nameBytes.subarray(0, end < 0 ? 56 : end)),
    });
  }
  return entries;
}

/** Reads the whole file `name` through the ports, or undefined when it is not listed. */
export function readFile(io: RangeBus, name: string): Uint8Array | undefined {
  const entry = readDirectory(io).find((e) => e.name === name);
  return entry ? readItem(io, entry.select, entry.size) : undefined;
}

/** A little-endian unsigned integer (exact below 2^53). */
export function leValue(bytes: Uint8Array): number {
  let v = 0;
  for (let i = bytes.length - 1; i >= 0; i--) v = v * 256 + bytes[i];
  return v;
}

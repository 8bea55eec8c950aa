import assert from "node:assert/strict";
import type { RangeBus } from "../bus/range_bus.ts";
import type { PhysicalMemory } from "../memory/physical_memory.ts";
import {
  FW_CFG_DMA_CTL_ERROR,
  FW_CFG_DMA_CTL_READ,
  FW_CFG_DMA_CTL_SELECT,
  FW_CFG_DMA_CTL_SKIP,
  FW_CFG_DMA_CTL_WRITE,
  FW_CFG_FILE_DIR,
  FW_CFG_ID,
  FW_CFG_SIGNATURE,
} from "./keys.ts";
import { rig } from "./_test_rig.ts";

const DESC = 0x8000;
const BUF = 0x9000;

function bswap(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** Writes an FWCfgDmaAccess at `at` and its address to the DMA register, as a driver does. */
function dma(
  io: RangeBus,
  memory: PhysicalMemory,
  req: { control: number; length: number; address: number; at?: number; high?: number },
): number {
  const at = req.at ?? DESC;
  const dv = new DataView(new ArrayBuffer(16));
  dv.setUint32(0, req.control, false);
  dv.setUint32(4, req.length, false);
  dv.setUint32(8, Math.floor(req.address / 2 ** 32), false);
  dv.setUint32(12, req.address % 2 ** 32, false);
  memory.writeBytes(at % 2 ** 32, new Uint8Array(dv.buffer));
  // outl(cpu_to_be32(high), 0x514); outl(cpu_to_be32(low), 0x518)
  io.write(0x514, 4, bswap(req.high ?? 0));
  io.write(0x518, 4, bswap(at));
  return new DataView(memory.readBytes(at % 2 ** 32, 4).buffer).getUint32(0, false);
}

Deno.test("reading the DMA register returns the signature QEMU CFG", () => {
  const { io } = rig();
  const text = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => String.fromCharCode(io.read(0x514 + i, 1)));
  assert.equal(text.join(""), "QEMU CFG");
  assert.equal(io.read(0x514, 4), 0x554d4551, "memory order, as inl sees it");
  assert.equal(io.read(0x518, 2), 0x4320);
});

Deno.test("a select+read DMA copies the item into RAM and clears control", () => {
  const { io, memory } = rig();
  const control = (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
  assert.equal(dma(io, memory!, { control, length: 4, address: BUF }), 0);
  assert.equal(new TextDecoder().decode(memory!.readBytes(BUF, 4)), "QEMU");
});

Deno.test("DMA reads continue at the item offset and zero-fill past its end", () => {
  const { io, memory, fwCfg } = rig();
  fwCfg.addItem(0x0e, new Uint8Array([1, 2, 3, 4, 5]));
  memory!.writeBytes(BUF, new Uint8Array(8).fill(0xee));
  const sel = (0x0e << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
  assert.equal(dma(io, memory!, { control: sel, length: 2, address: BUF }), 0);
  assert.equal(dma(io, memory!, { control: FW_CFG_DMA_CTL_READ, length: 6, address: BUF + 2 }), 0);
  assert.deepEqual([...memory!.readBytes(BUF, 9)], [1, 2, 3, 4, 5, 0, 0, 0, 0]);
  assert.equal(io.read(0x511, 1), 0, "the data port sees the offset DMA left");
});

Deno.test("a DMA skip advances the offset without touching RAM", () => {
  const { io, memory } = rig();
  memory!.writeBytes(BUF, new Uint8Array(4).fill(0xee));
  const skip = (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_SKIP;
  assert.equal(dma(io, memory!, { control: skip, length: 2, address: BUF }), 0);
  assert.deepEqual([...memory!.readBytes(BUF, 4)], [0xee, 0xee, 0xee, 0xee]);
  assert.equal(io.read(0x511, 1), 0x4d, "'M', the third byte");
});

Deno.test("a DMA write to a read-only item sets the error bit and changes nothing", () => {
  const { io, memory } = rig();
  memory!.writeBytes(BUF, new Uint8Array([9, 9, 9, 9]));
  const write = (FW_CFG_ID << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE;
  assert.equal(dma(io, memory!, { control: write, length: 4, address: BUF }), FW_CFG_DMA_CTL_ERROR);
  const read = (FW_CFG_ID << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
  assert.equal(dma(io, memory!, { control: read, length: 4, address: BUF }), 0);
  assert.deepEqual([...memory!.readBytes(BUF, 4)], [3, 0, 0, 0]);
  const past = (0x3fff << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE;
  assert.equal(dma(io, memory!, { control: past, length: 1, address: BUF }), FW_CFG_DMA_CTL_ERROR);
});

Deno.test("DMA into memory that is not RAM fails with the error bit", () => {
  const { io, memory } = rig();
  const read = (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
  const status = dma(io, memory!, { control: read, length: 4, address: 0xfffff });
  assert.equal(status, FW_CFG_DMA_CTL_ERROR, "crosses the end of RAM");
  assert.equal(dma(io, memory!, { control: read, length: 4, address: 2 ** 32 }), 1, "above 4G");
  const zero = (FW_CFG_FILE_DIR << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
  assert.equal(dma(io, memory!, { control: zero, length: 4, address: 0xfee00000 }), 1);
});

Deno.test("a descriptor outside RAM is dropped and the next transfer works", () => {
  const { io, memory } = rig();
  memory!.writeBytes(BUF, new Uint8Array([0xee, 0xee, 0xee, 0xee]));
  io.write(0x514, 4, bswap(1));
  io.write(0x518, 4, bswap(BUF));
  io.write(0x518, 4, bswap(0xfffffff0));
  assert.deepEqual([...memory!.readBytes(BUF, 4)], [0xee, 0xee, 0xee, 0xee], "4G+BUF is not BUF");
  const read = (FW_CFG_SIGNATURE << 16) | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;
  assert.equal(dma(io, memory!, { control: read, length: 4, address: BUF }), 0);
  assert.equal(new TextDecoder().decode(memory!.readBytes(BUF, 4)), "QEMU");
});

Deno.test("a control word with no operation transfers nothing but may still select", () => {
  const { io, memory, fwCfg } = rig();
  memory!.writeBytes(BUF, new Uint8Array([0xee]));
  assert.equal(dma(io, memory!, { control: (1 << 16) | 8, length: 4, address: BUF }), 0);
  assert.equal(fwCfg.selected, FW_CFG_ID);
  assert.equal(memory!.read8(BUF), 0xee);
  io.write(0x514, 2, 0xffff);
  io.write(0x516, 1, 0xff);
  assert.equal(memory!.read8(BUF), 0xee, "only 32-bit writes reach the register");
});

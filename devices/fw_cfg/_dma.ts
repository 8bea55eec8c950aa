import type { PhysicalMemory } from "../memory/physical_memory.ts";
import type { FwCfgCursor } from "./_cursor.ts";
import {
  FW_CFG_DMA_CTL_ERROR,
  FW_CFG_DMA_CTL_READ,
  FW_CFG_DMA_CTL_SELECT,
  FW_CFG_DMA_CTL_SKIP,
  FW_CFG_DMA_CTL_WRITE,
} from "./keys.ts";

/** Bytes of an FWCfgDmaAccess: control (BE32), length (BE32), address (BE64). */
export const DMA_ACCESS_SIZE = 16;
/** Zero-fill chunk, so a huge length never allocates more than this. */
const ZERO_CHUNK = 0x10000;
const ZEROS = new Uint8Array(ZERO_CHUNK);

/**
 * Runs the FWCfgDmaAccess at guest-physical `descriptor` (docs/specs/fw_cfg.rst,
 * "FW_CFG_DMA_ADDRESS"), as QEMU's fw_cfg_dma_transfer does: optionally
 * select, then read, skip or write `length` bytes at the item offset, then
 * store the outcome in the control field (0, or the error bit).
 *
 * Reads past the item's end (or with nothing selected) fill zeros. Every item
 * here is read-only, so a write sets the error bit. Guest memory outside RAM
 * is not a DMA target: touching it sets the error bit instead of reaching
 * MMIO, and a descriptor outside RAM is ignored but for its control field.
 */
export function runDmaTransfer(
  memory: PhysicalMemory,
  cursor: FwCfgCursor,
  descriptor: number,
): void {
  if (!memory.isRam(descriptor, DMA_ACCESS_SIZE)) {
    storeControl(memory, descriptor, FW_CFG_DMA_CTL_ERROR);
    return;
  }
  const desc = memory.readBytes(descriptor, DMA_ACCESS_SIZE);
  const dv = new DataView(desc.buffer);
  const control = dv.getUint32(0, false);
  let length = dv.getUint32(4, false);
  let address = dv.getUint32(8, false) * 2 ** 32 + dv.getUint32(12, false);

  if (control & FW_CFG_DMA_CTL_SELECT) cursor.select(control >>> 16);
  // One operation per request; read wins over write, write over skip.
  const read = (control & FW_CFG_DMA_CTL_READ) !== 0;
  const write = !read && (control & FW_CFG_DMA_CTL_WRITE) !== 0;
  if (!read && !write && !(control & FW_CFG_DMA_CTL_SKIP)) length = 0;

  let status = 0;
  while (length > 0 && !(status & FW_CFG_DMA_CTL_ERROR)) {
    const data = cursor.data();
    let len: number;
    if (!data || cursor.offset >= data.length) {
      len = length;
      if (read && !zeroFill(memory, address, len)) status |= FW_CFG_DMA_CTL_ERROR;
      if (write) status |= FW_CFG_DMA_CTL_ERROR;
    } else {
      len = Math.min(length, data.length - cursor.offset);
      if (read) {
        if (memory.isRam(address, len)) {
          memory.writeBytes(address, data.subarray(cursor.offset, cursor.offset + len));
        } else status |= FW_CFG_DMA_CTL_ERROR;
      }
      if (write) status |= FW_CFG_DMA_CTL_ERROR;
      cursor.offset += len;
    }
    address += len;
    length -= len;
  }
  storeControl(memory, descriptor, status);
}

function zeroFill(memory: PhysicalMemory, address: number, len: number): boolean {
  if (!memory.isRam(address, len)) return false;
  for (let done = 0; done < len; done += ZERO_CHUNK) {
    memory.writeBytes(address + done, ZEROS.subarray(0, Math.min(ZERO_CHUNK, len - done)));
  }
  return true;
}

/** Writes the control field big-endian, where there is RAM to hold it. */
function storeControl(memory: PhysicalMemory, descriptor: number, status: number): void {
  if (!memory.isRam(descriptor, 4)) return;
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, status, false);
  memory.writeBytes(descriptor, out);
}

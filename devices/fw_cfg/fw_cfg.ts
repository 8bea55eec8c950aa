import { type AccessSize, allOnes, type BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { PhysicalMemory } from "../memory/physical_memory.ts";
import { FwCfgCursor } from "./_cursor.ts";
import { runDmaTransfer } from "./_dma.ts";
import { le32 } from "./encode.ts";
import { type FwCfgContents, FwCfgItems } from "./item_store.ts";
import {
  FW_CFG_DMA_SIGNATURE,
  FW_CFG_FILE_SLOTS_DEFAULT,
  FW_CFG_ID,
  FW_CFG_PORT_DMA,
  FW_CFG_PORT_SEL,
  FW_CFG_SIGNATURE,
  FW_CFG_VERSION,
  FW_CFG_VERSION_DMA,
} from "./keys.ts";

/** Options of {@link FwCfg}. */
export interface FwCfgOptions {
  /**
   * Guest memory the DMA interface reads descriptors from and copies into.
   * Without it the device has no DMA port and its ID clears bit 1.
   * @default undefined
   */
  memory?: PhysicalMemory;
  /** Number of named-file slots (QEMU's x-file-slots). @default 0x20 */
  fileSlots?: number;
}

/**
 * QEMU's firmware configuration device on I/O ports (fw_cfg_io): a 16-bit
 * selector at 0x510 picks an item, 8-bit reads of 0x511 return its bytes in
 * order, and with guest memory a DMA address register at 0x514 copies items
 * straight into RAM (QEMU docs/specs/fw_cfg.rst). It always holds the
 * signature "QEMU" and the feature ID; everything else is added by the board.
 */
export class FwCfg {
  /** The items and files served. */
  readonly items: FwCfgItems;
  /** Whether the DMA interface is present. */
  readonly dma: boolean;
  readonly #cursor: FwCfgCursor;
  readonly #memory: PhysicalMemory | undefined;
  /** High half of the DMA address, written first (QEMU's dma_addr). */
  #dmaHigh = 0;

  /** Creates the device with its signature and ID items; bad options throw. */
  constructor(options: FwCfgOptions = {}) {
    this.items = new FwCfgItems(options.fileSlots ?? FW_CFG_FILE_SLOTS_DEFAULT);
    this.#memory = options.memory;
    this.dma = options.memory !== undefined;
    this.#cursor = new FwCfgCursor(this.items);
    this.items.addItem(FW_CFG_SIGNATURE, new TextEncoder().encode("QEMU"));
    this.items.addItem(FW_CFG_ID, le32(FW_CFG_VERSION | (this.dma ? FW_CFG_VERSION_DMA : 0)));
    this.reset();
  }

  /** Adds numbered item `key` (see FwCfgItems.addItem). */
  addItem(key: number, bytes: Uint8Array): void {
    this.items.addItem(key, bytes);
  }

  /** Adds a named file to the directory (see FwCfgItems.addFile). */
  addFile(name: string, bytes: Uint8Array): void {
    this.items.addFile(name, bytes);
  }

  /** Adds every item and file of `contents`, e.g. from `qemuPcItems`. */
  addAll(contents: FwCfgContents): void {
    this.items.addAll(contents);
  }

  /** Selects `key` and rewinds, as a guest write to the selector does. */
  select(key: number): void {
    this.#cursor.select(key);
  }

  /** The selected key (-1 when the selector names no entry). */
  get selected(): number {
    return this.#cursor.key;
  }

  /** Returns to the power-on state: the signature selected (QEMU's fw_cfg_reset). */
  reset(): void {
    this.#cursor.select(FW_CFG_SIGNATURE);
    this.#dmaHigh = 0;
  }

  /** Claims ports 0x510-0x511 and, with DMA, 0x514-0x51b. */
  register(io: RangeBus): void {
    io.register(FW_CFG_PORT_SEL, 2, this.#ports);
    if (this.dma) io.register(FW_CFG_PORT_DMA, 8, this.#dmaPort);
  }

  /**
   * Selector and data share two ports (QEMU's fw_cfg_comb_mem_ops): a byte
   * read at either returns the next data byte, a 16-bit write selects, and
   * a byte write is the data write QEMU 2.4 removed. Other widths are
   * invalid accesses, which QEMU drops (writes) or answers with 0 (reads).
   */
  readonly #ports: BusHandler = {
    name: "fw_cfg",
    read: (_offset: number, size: AccessSize): number => {
      return size === 1 ? this.#cursor.readByte() : 0;
    },
    write: (_offset: number, size: AccessSize, value: number): void => {
      if (size === 2) this.#cursor.select(value);
    },
  };

  /**
   * The DMA address register, big-endian (QEMU's fw_cfg_dma_mem_ops): the
   * guest writes the high 32 bits at 0x514 and the low 32 bits at 0x518, and
   * the second write starts the transfer. Reads return "QEMU CFG".
   */
  readonly #dmaPort: BusHandler = {
    name: "fw_cfg-dma",
    read: (offset: number, size: AccessSize): number => {
      let v = 0;
      for (let i = size - 1; i >= 0; i--) {
        const c = FW_CFG_DMA_SIGNATURE.charCodeAt(offset + i);
        v = (v << 8) | (Number.isNaN(c) ? 0xff : c);
      }
      return size === 4 ? v >>> 0 : v & allOnes(size);
    },
    write: (offset: number, size: AccessSize, value: number): void => {
      // Only 32-bit writes at 0 and 4 are valid; the value travels big-endian.
      if (size !== 4) return;
      const be = byteSwap32(value);
      if (offset === 0) this.#dmaHigh = be;
      else if (offset === 4) {
        const descriptor = this.#dmaHigh * 2 ** 32 + be;
        this.#dmaHigh = 0;
        runDmaTransfer(this.#memory!, this.#cursor, descriptor);
      }
    },
  };
}

function byteSwap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

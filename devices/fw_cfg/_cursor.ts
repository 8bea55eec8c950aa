import type { FwCfgItems } from "./item_store.ts";
import { FW_CFG_ENTRY_MASK } from "./keys.ts";

/** The selected item and the offset of the next byte, shared by the data port and DMA. */
export class FwCfgCursor {
  /** Selector as written, or -1 when it named no entry (QEMU's FW_CFG_INVALID). */
  key = -1;
  /** Offset of the next byte within the item. */
  offset = 0;

  constructor(readonly items: FwCfgItems) {}

  /**
   * Selects `key` and rewinds to its first byte. A key past the last entry
   * selects nothing, so reads return zeros (QEMU's fw_cfg_select).
   */
  select(key: number): void {
    this.offset = 0;
    this.key = (key & FW_CFG_ENTRY_MASK) >= this.items.maxEntry ? -1 : key & 0xffff;
  }

  /** The selected item's bytes, or undefined when nothing with data is selected. */
  data(): Uint8Array | undefined {
    return this.key < 0 ? undefined : this.items.get(this.key);
  }

  /** The next byte of the item, advancing; 0 past its end or with nothing selected. */
  readByte(): number {
    const data = this.data();
    if (!data || this.offset >= data.length) return 0;
    return data[this.offset++];
  }
}

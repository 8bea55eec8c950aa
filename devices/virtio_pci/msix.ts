import type { AccessSize, BusHandler } from "../bus/access.ts";
import { PCI_CAP_ID_MSIX, PCI_COMMAND_MASTER } from "../pci/config_regs.ts";
import type { PciFunction } from "../pci/pci_function.ts";

/** Largest MSI-X table: an 11-bit "table size minus one" (PCI 3.0 §6.8.2.3). */
export const MSIX_MAX_VECTORS = 2048;
/** Bytes of one MSI-X table entry: address low, address high, data, vector control. */
export const MSIX_ENTRY_SIZE = 16;
/** Message Control bit 14: every vector of the function is masked. */
export const MSIX_CONTROL_FUNCTION_MASK = 0x4000;
/** Message Control bit 15: the function signals with MSI-X instead of INTx. */
export const MSIX_CONTROL_ENABLE = 0x8000;
/** Vector Control bit 0: this vector is masked. */
const ENTRY_MASKED = 1;
/** Offset of Vector Control within an entry. */
const ENTRY_CONTROL = 12;
/** Bytes of the MSI-X capability: header, control, table and PBA offset/BIR (§6.8.2). */
const CAP_LENGTH = 12;

/** Shape and wiring of an MSI-X capability. */
export interface MsixOptions {
  /** Number of vectors, 1 to 2048. */
  vectors: number;
  /** BAR (0-5) that holds the table and the PBA alone, as QEMU's `msix_init_exclusive_bar`. */
  bar: number;
  /** Sends one message: a dword `data` written to guest-physical `address`. */
  deliver: (address: number, data: number) => void;
  /** Called after the guest changed Message Control (enable or function mask). */
  onControlChange?: () => void;
}

/**
 * An MSI-X capability with its table and pending bit array in a BAR of their own (PCI 3.0
 * §6.8.2). A message for a masked vector, or while the function is masked or MSI-X is off, sets
 * the vector's pending bit; unmasking delivers it and clears the bit (§6.8.2.9).
 */
export class Msix {
  /** Number of vectors. */
  readonly vectors: number;
  /** Configuration-space offset of the capability. */
  readonly capOffset: number;
  /** Offset of the pending bit array within the BAR (the table is at 0). */
  readonly pbaOffset: number;
  /** Size of the BAR holding table and PBA. */
  readonly barSize: number;
  /** The BAR's bus handler. */
  readonly handler: BusHandler;
  readonly #fn: PciFunction;
  readonly #table: Uint8Array;
  readonly #pending: Uint8Array;
  readonly #deliver: (address: number, data: number) => void;
  readonly #onControlChange: (() => void) | undefined;

  /** Adds the capability and defines the BAR on `fn`; bad options throw. */
  constructor(fn: PciFunction, options: MsixOptions) {
    const { vectors, bar, deliver } = options;
    if (!Number.isInteger(vectors) || vectors < 1 || vectors > MSIX_MAX_VECTORS) {
      throw new Error(`${fn.name}: MSI-X vectors ${vectors} must be 1 to ${MSIX_MAX_VECTORS}`);
    }
    if (typeof deliver !== "function") {
      throw new Error(`${fn.name}: MSI-X needs a function that delivers messages`);
    }
    this.vectors = vectors;
    this.#fn = fn;
    this.#deliver = deliver;
    this.#onControlChange = options.onControlChange;
    this.#table = new Uint8Array(vectors * MSIX_ENTRY_SIZE);
    this.#pending = new Uint8Array(Math.ceil(vectors / 64) * 8);

    // QEMU's exclusive-BAR layout: table at 0 and PBA at 2 KiB inside 4 KiB while both fit,
    // otherwise the PBA right after the table and the BAR rounded up to a power of two.
    const tableBytes = this.#table.length;
    this.pbaOffset = Math.max(2048, tableBytes);
    const end = this.pbaOffset + this.#pending.length;
    this.barSize = end <= 4096 ? 4096 : 2 ** Math.ceil(Math.log2(end));

    this.handler = {
      name: `${fn.name}-msix`,
      read: (offset, size) => this.#read(offset, size),
      write: (offset, size, value) => this.#write(offset, size, value),
    };
    fn.defineBar(bar, { kind: "mem32", size: this.barSize, handler: this.handler });
    const cap = fn.addCapability(PCI_CAP_ID_MSIX, CAP_LENGTH);
    this.capOffset = cap;
    fn.setConfig(cap + 2, 2, vectors - 1);
    fn.setConfig(cap + 4, 4, bar); // table at offset 0 of the BAR; BIR in bits 2:0
    fn.setConfig(cap + 8, 4, this.pbaOffset | bar);
    fn.setWriteMask(cap + 2, 2, MSIX_CONTROL_ENABLE | MSIX_CONTROL_FUNCTION_MASK);
    fn.watchConfig(cap + 2, 2, () => this.#controlWritten());
    this.#maskAll();
  }

  /** Message Control bit 15 is set. */
  get enabled(): boolean {
    return (this.#control() & MSIX_CONTROL_ENABLE) !== 0;
  }

  /** Message Control bit 14 is set. */
  get functionMasked(): boolean {
    return (this.#control() & MSIX_CONTROL_FUNCTION_MASK) !== 0;
  }

  /** True when a message for `vector` would be held back now. */
  isMasked(vector: number): boolean {
    return !this.enabled || this.functionMasked ||
      (this.#table[vector * MSIX_ENTRY_SIZE + ENTRY_CONTROL] & ENTRY_MASKED) !== 0;
  }

  /** The vector's pending bit. */
  isPending(vector: number): boolean {
    return (this.#pending[vector >> 3] & (1 << (vector & 7))) !== 0;
  }

  /** Signals `vector`: sends its message, or sets its pending bit while masked. */
  notify(vector: number): void {
    if (!Number.isInteger(vector) || vector < 0 || vector >= this.vectors) return;
    if (this.isMasked(vector)) {
      this.#pending[vector >> 3] |= 1 << (vector & 7);
      return;
    }
    this.#send(vector);
  }

  /** RST#: MSI-X off and unmasked, table cleared with every vector masked, nothing pending. */
  reset(): void {
    this.#fn.setConfig(this.capOffset + 2, 2, this.vectors - 1);
    this.#table.fill(0);
    this.#pending.fill(0);
    this.#maskAll();
  }

  #control(): number {
    return this.#fn.getConfig(this.capOffset + 2, 2);
  }

  #maskAll(): void {
    // §6.8.2.9: each Mask bit is set after reset.
    for (let v = 0; v < this.vectors; v++) {
      this.#table[v * MSIX_ENTRY_SIZE + ENTRY_CONTROL] = ENTRY_MASKED;
    }
  }

  #send(vector: number): void {
    // A message is a memory write the function masters: none without bus mastering (§6.8.1).
    if ((this.#fn.command & PCI_COMMAND_MASTER) === 0) return;
    const view = new DataView(this.#table.buffer, vector * MSIX_ENTRY_SIZE, MSIX_ENTRY_SIZE);
    const address = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
    this.#deliver(address, view.getUint32(8, true));
  }

  /** Delivers every pending vector that is no longer masked. */
  #flush(first = 0, last = this.vectors - 1): void {
    for (let v = first; v <= last; v++) {
      if (this.isPending(v) && !this.isMasked(v)) {
        this.#pending[v >> 3] &= ~(1 << (v & 7));
        this.#send(v);
      }
    }
  }

  #controlWritten(): void {
    this.#flush();
    this.#onControlChange?.();
  }

  #read(offset: number, size: AccessSize): number {
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = (v << 8) | this.#byte(offset + i);
    return v >>> 0;
  }

  #byte(offset: number): number {
    if (offset < this.#table.length) return this.#table[offset];
    const p = offset - this.pbaOffset;
    if (p >= 0 && p < this.#pending.length) return this.#pending[p];
    return 0;
  }

  #write(offset: number, size: AccessSize, value: number): void {
    // The PBA is read-only (§6.8.2.10) and the gap between table and PBA is reserved.
    if (offset >= this.#table.length) return;
    const end = Math.min(offset + size, this.#table.length);
    for (let o = offset; o < end; o++) {
      let b = (value >>> (8 * (o - offset))) & 0xff;
      // Vector Control bits 31:1 are reserved and read 0.
      if (o % MSIX_ENTRY_SIZE === ENTRY_CONTROL) b &= ENTRY_MASKED;
      else if (o % MSIX_ENTRY_SIZE > ENTRY_CONTROL) b = 0;
      this.#table[o] = b;
    }
    this.#flush(Math.floor(offset / MSIX_ENTRY_SIZE), Math.floor((end - 1) / MSIX_ENTRY_SIZE));
  }
}

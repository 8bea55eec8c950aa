import type { AccessSize, BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import { type IrqSink, NO_IRQ } from "../irq.ts";

/** I/O port of the 32-bit scratch register (any access width). */
export const PC_TESTDEV_IOPORT = 0xe0;
/** I/O port of the page-flush register (32-bit writes). */
export const PC_TESTDEV_FLUSH = 0xe4;
/** I/O port of the same scratch register, reached byte by byte. */
export const PC_TESTDEV_IOPORT_BYTE = 0xe8;
/** First I/O port of the interrupt lines: a byte write to base + n sets line n. */
export const PC_TESTDEV_IRQ = 0x2000;
/** Number of interrupt line ports: one per I/O APIC input. */
export const PC_TESTDEV_IRQ_LINES = 24;
/** Physical address of the MMIO scratch memory. */
export const PC_TESTDEV_IOMEM = 0xff000000;
/** Bytes of MMIO scratch memory (QEMU's IOMEM_LEN). */
export const PC_TESTDEV_IOMEM_SIZE = 0x10000;

/** Options of {@link PcTestdev}. */
export interface PcTestdevOptions {
  /** Receives the levels written to the interrupt line ports (lines 0-23). @default NO_IRQ */
  irqs?: IrqSink;
}

/**
 * QEMU's `pc-testdev` (hw/misc/pc-testdev.c), the ISA device kvm-unit-tests
 * uses to exercise port I/O, MMIO and interrupt routing:
 *
 * - 0xe0-0xe3 and 0xe8-0xeb: one 32-bit little-endian scratch register seen
 *   through two windows (QEMU splits 0xe8 accesses into bytes, which reads
 *   and writes the same bytes);
 * - 0xe4: a 32-bit write flushes the host mapping of a guest page; reads 0;
 * - 0x2000-0x2017: a byte written to 0x2000 + n drives interrupt line n
 *   (non-zero = asserted); reads 0;
 * - 0xff000000: 64 KiB of MMIO scratch memory.
 *
 * The device has no reset: QEMU keeps its state across machine resets.
 */
export class PcTestdev {
  /** The scratch register's four bytes, shared by both port windows. */
  readonly ioportData = new Uint8Array(4);
  /** The MMIO scratch memory. */
  readonly iomem = new Uint8Array(PC_TESTDEV_IOMEM_SIZE);
  readonly #irqs: IrqSink;

  /** Creates the device; nothing is on a bus until `register`. */
  constructor(options: PcTestdevOptions = {}) {
    this.#irqs = options.irqs ?? NO_IRQ;
  }

  /** Claims its ports on `io` and its scratch memory on `mmio` at QEMU's fixed places. */
  register(io: RangeBus, mmio: RangeBus): void {
    io.register(PC_TESTDEV_IOPORT, 4, this.#window("pc-testdev-ioport"));
    io.register(PC_TESTDEV_FLUSH, 4, this.#flush);
    io.register(PC_TESTDEV_IOPORT_BYTE, 4, this.#window("pc-testdev-ioport-byte"));
    io.register(PC_TESTDEV_IRQ, PC_TESTDEV_IRQ_LINES, this.#irqLines);
    mmio.register(PC_TESTDEV_IOMEM, PC_TESTDEV_IOMEM_SIZE, this.#iomemHandler);
  }

  /**
   * A view of the scratch register. QEMU shifts and masks by `(addr & 3) * 8`
   * on naturally aligned pieces, so every access touches exactly the bytes
   * it covers, little-endian.
   */
  #window(name: string): BusHandler {
    const bytes = this.ioportData;
    return {
      name,
      read: (offset, size) => readLe(bytes, offset, size),
      write: (offset, size, value) => writeLe(bytes, offset, size, value),
    };
  }

  /**
   * Under KVM a write here drops and re-creates the host mapping of the page
   * holding the written address, so the guest's next access to it faults into
   * the hypervisor. Every guest access here already goes through the VMM's
   * memory map, so there is nothing to flush.
   */
  readonly #flush: BusHandler = {
    name: "pc-testdev-flush-page",
    read: () => 0,
    write: () => {},
  };

  /**
   * Only byte accesses are valid (QEMU drops wider writes). QEMU hands lines
   * to the ISA bus, whose GSI array feeds the 8259s (0-15) and the I/O APIC
   * (0-23). Every write is passed on, even at an unchanged level, as
   * qemu_set_irq does: an edge-triggered I/O APIC pin written 1 twice fires twice.
   */
  readonly #irqLines: BusHandler = {
    name: "pc-testdev-irq-line",
    read: () => 0,
    write: (offset: number, size: AccessSize, value: number): void => {
      if (size === 1) this.#irqs.setIrq(offset, value !== 0);
    },
  };

  readonly #iomemHandler: BusHandler = {
    name: "pc-testdev-iomem",
    read: (offset, size) => readLe(this.iomem, offset, size),
    write: (offset, size, value) => writeLe(this.iomem, offset, size, value),
  };
}

function readLe(bytes: Uint8Array, offset: number, size: AccessSize): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = (v << 8) | bytes[offset + i];
  return v >>> 0;
}

function writeLe(bytes: Uint8Array, offset: number, size: AccessSize, value: number): void {
  for (let i = 0; i < size; i++) bytes[offset + i] = (value >>> (8 * i)) & 0xff;
}

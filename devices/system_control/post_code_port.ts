import type { AccessSize, BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";

/** The POST diagnostic port, also written by Linux and DOS for short I/O delays. */
export const POST_CODE_PORT = 0x80;

/** Options of {@link PostCodePort}. */
export interface PostCodePortOptions {
  /**
   * Reads return the last value written (as Bochs does) instead of 0xFF.
   * @default false (QEMU's ioport80 reads as all-ones)
   */
  latchReads?: boolean;
}

/**
 * Port 0x80. Writes are dropped as far as the guest can tell, but the last
 * one is kept in `lastCode` for debugging firmware. Reads are all-ones, as in
 * QEMU's pc.c ioport80, unless `latchReads` is set.
 */
export class PostCodePort implements BusHandler {
  /** Name shown in bus errors. */
  readonly name = "ioport80";
  /** One byte register; wider accesses spill onto 0x81-0x83 like ISA cycles. */
  readonly sizes = 1;
  /** The last byte written (the firmware's latest POST code). */
  lastCode = 0;
  readonly #latchReads: boolean;

  /** A port that has seen no write yet. */
  constructor(options: PostCodePortOptions = {}) {
    this.#latchReads = options.latchReads ?? false;
  }

  /** Claims port 0x80. */
  register(io: RangeBus): void {
    io.register(POST_CODE_PORT, 1, this);
  }

  /** 0xFF, or the last byte written with `latchReads`. */
  read(_offset: number, _size: AccessSize): number {
    return this.#latchReads ? this.lastCode : 0xff;
  }

  /** Records the byte and otherwise ignores it. */
  write(_offset: number, _size: AccessSize, value: number): void {
    this.lastCode = value & 0xff;
  }
}

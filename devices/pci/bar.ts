import type { BusHandler } from "../bus/access.ts";
import { BusConflictError, type RangeBus } from "../bus/range_bus.ts";
import { PCI_BASE_ADDRESS_MEM_PREFETCH, PCI_BASE_ADDRESS_SPACE_IO } from "./config_regs.ts";

/** Address space a BAR decodes: I/O ports or 32-bit memory. */
export type BarKind = "io" | "mem32";

/** What a function declares for one base address register. */
export interface BarOptions {
  /** I/O ports or 32-bit memory. */
  kind: BarKind;
  /** Bytes decoded, a power of two: at least 4 for I/O, 16 for memory (PCI 3.0 section 6.2.5.1). */
  size: number;
  /** Memory only: reads have no side effects, so bridges may prefetch. @default false */
  prefetchable?: boolean;
  /** Receives accesses with offsets relative to wherever the BAR is placed. */
  handler: BusHandler;
}

/** One defined BAR: its fixed shape and where its handler is registered now. */
export class Bar {
  /** I/O or memory. */
  readonly kind: BarKind;
  /** Decoded length in bytes. */
  readonly size: number;
  /** Prefetchable bit of a memory BAR. */
  readonly prefetchable: boolean;
  /** Device handler placed on the bus while the BAR decodes. */
  readonly handler: BusHandler;
  #bus: RangeBus | undefined;
  #base: number | undefined;

  /** Checks the declaration; a bad one is a device bug and throws. */
  constructor(options: BarOptions) {
    const { kind, size, handler } = options;
    const prefetchable = options.prefetchable ?? false;
    const name = handler?.name ?? "?";
    if (kind !== "io" && kind !== "mem32") {
      throw new Error(`BAR of ${name}: kind must be "io" or "mem32", not ${String(kind)}`);
    }
    const [min, max] = kind === "io" ? [4, 0x10000] : [16, 0x80000000];
    if (!Number.isInteger(size) || size < min || size > max || (size & (size - 1)) !== 0) {
      throw new Error(
        `BAR of ${name}: ${kind} size ${size} must be a power of two from ${min} to ${max}`,
      );
    }
    if (kind === "io" && prefetchable) throw new Error(`BAR of ${name}: I/O cannot prefetch`);
    if (!handler || typeof handler.read !== "function" || typeof handler.write !== "function") {
      throw new Error("BAR needs a handler with read and write");
    }
    this.kind = kind;
    this.size = size;
    this.prefetchable = prefetchable;
    this.handler = handler;
  }

  /** The read-only low bits of the register, which tell software the BAR's type. */
  get typeBits(): number {
    if (this.kind === "io") return PCI_BASE_ADDRESS_SPACE_IO;
    return this.prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0;
  }

  /**
   * The register's writable bits: address bits at and above the size. Writing
   * all-ones and reading back therefore yields the size mask plus the type bits,
   * which is how software sizes a BAR (PCI 3.0 section 6.2.5.1).
   */
  get addressMask(): number {
    return (~(this.size - 1) & (this.kind === "io" ? ~0x3 : ~0xf)) >>> 0;
  }

  /** Address the handler is registered at, or undefined when the BAR does not decode. */
  get base(): number | undefined {
    return this.#base;
  }

  /**
   * Registers the handler at `base` on `bus`, moving it from any earlier place,
   * or removes it when `base` is undefined. An address that is zero, runs past
   * the bus, or ends at 4 GiB (what a BAR holds while being sized) is not decoded,
   * as QEMU treats it. A range that collides with another device is not decoded
   * either: two targets claiming one address is undefined on a real bus, and a
   * guest must not be able to stop the machine that way.
   */
  place(bus: RangeBus, base: number | undefined): void {
    const want = base !== undefined && base !== 0 && base + this.size <= bus.limit &&
        base + this.size < 2 ** 32
      ? base
      : undefined;
    if (want === this.#base && bus === this.#bus) return;
    if (this.#base !== undefined && this.#bus) this.#bus.unregister(this.#base, this.handler);
    this.#base = undefined;
    this.#bus = bus;
    if (want === undefined) return;
    try {
      bus.register(want, this.size, this.handler);
      this.#base = want;
    } catch (e) {
      if (!(e instanceof BusConflictError)) throw e;
    }
  }
}

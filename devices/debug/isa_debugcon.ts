import type { AccessSize, BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { Chardev } from "../chardev/chardev.ts";
import { NullChardev } from "../chardev/null_chardev.ts";
import { checkPortRange } from "./_options.ts";

/** Options of {@link IsaDebugcon}, named as QEMU's `-device isa-debugcon` properties. */
export interface IsaDebugconOptions {
  /**
   * Where the bytes go.
   * @default a null chardev
   */
  chardev?: Chardev;
  /**
   * The port (Bochs' "port E9 hack").
   * @default 0xe9
   */
  iobase?: number;
  /**
   * What a read returns, so a guest can detect the console.
   * @default 0xe9
   */
  readback?: number;
}

/**
 * QEMU's isa-debugcon: each byte written to the port goes to the chardev at
 * once, without buffering, so output survives a guest that dies right after.
 */
export class IsaDebugcon implements BusHandler {
  /** Name shown in bus errors. */
  readonly name = "isa-debugcon";
  /** One byte port: wider writes spill onto the next ports, as QEMU's byte region does. */
  readonly sizes = 1;
  /** The port. */
  readonly iobase: number;
  /** What a read returns. */
  readonly readback: number;
  /** Where the bytes go. */
  readonly chardev: Chardev;
  readonly #byte = new Uint8Array(1);

  /** Checks the options; a bad port or readback value throws an Error. */
  constructor(options: IsaDebugconOptions = {}) {
    this.iobase = options.iobase ?? 0xe9;
    this.readback = options.readback ?? 0xe9;
    this.chardev = options.chardev ?? new NullChardev();
    checkPortRange(this.name, this.iobase, 1);
    if (!Number.isInteger(this.readback) || this.readback < 0 || this.readback > 0xff) {
      throw new Error(`${this.name}: readback must be a byte 0x0-0xff, got ${this.readback}`);
    }
  }

  /** Claims the port. */
  register(io: RangeBus): void {
    io.register(this.iobase, 1, this);
  }

  /** The readback value. */
  read(_offset: number, _size: AccessSize): number {
    return this.readback;
  }

  /** Passes the byte straight to the chardev. */
  write(_offset: number, _size: AccessSize, value: number): void {
    this.#byte[0] = value;
    this.chardev.write(this.#byte);
  }
}

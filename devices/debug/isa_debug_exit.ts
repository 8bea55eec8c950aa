import { type AccessSize, allOnes, type BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { MachineControl } from "../machine_control.ts";
import { checkPortRange } from "./_options.ts";

/** Options of {@link IsaDebugExit}, named as QEMU's `-device isa-debug-exit` properties. */
export interface IsaDebugExitOptions {
  /** Receives the exit request. */
  control: MachineControl;
  /**
   * First port.
   * @default 0x501
   */
  iobase?: number;
  /**
   * Number of ports.
   * @default 0x02
   */
  iosize?: number;
}

/** The exit status QEMU's isa-debug-exit gives for a written value: `(value << 1) | 1`, 32 bits. */
export function debugExitStatus(value: number): number {
  return ((value << 1) | 1) >>> 0;
}

/**
 * QEMU's isa-debug-exit: a write of any width to any of its ports ends the
 * VMM with status `(value << 1) | 1`, so a test guest can report success or
 * failure (the status is always odd, and distinct from a clean exit 0).
 */
export class IsaDebugExit implements BusHandler {
  /** Name shown in bus errors. */
  readonly name = "isa-debug-exit";
  /** First port. */
  readonly iobase: number;
  /** Number of ports. */
  readonly iosize: number;
  readonly #control: MachineControl;

  /** Checks the port range; a bad one throws an Error. */
  constructor(options: IsaDebugExitOptions) {
    this.#control = options.control;
    this.iobase = options.iobase ?? 0x501;
    this.iosize = options.iosize ?? 0x02;
    checkPortRange(this.name, this.iobase, this.iosize);
  }

  /** Claims `iobase` .. `iobase + iosize - 1`. */
  register(io: RangeBus): void {
    io.register(this.iobase, this.iosize, this);
  }

  /** There is nothing to read: all-ones, as an unassigned port. */
  read(_offset: number, size: AccessSize): number {
    return allOnes(size);
  }

  /** Requests the exit with status `(value << 1) | 1`. */
  write(offset: number, size: AccessSize, value: number): void {
    const port = (this.iobase + offset).toString(16);
    this.#control.requestExit(
      debugExitStatus(value),
      `isa-debug-exit: wrote 0x${value.toString(16)} (${size} bytes) to port 0x${port}`,
    );
  }
}

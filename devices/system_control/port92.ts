import type { AccessSize, BusHandler } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { MachineControl } from "../machine_control.ts";
import type { A20Gate } from "./a20_gate.ts";

/** The System Control Port A address. */
export const PORT92 = 0x92;
/** Bit 0: fast reset, on its 0→1 transition. */
export const PORT92_RESET = 0x01;
/** Bit 1: fast A20 gate. */
export const PORT92_A20 = 0x02;

/** Options of {@link Port92}. */
export interface Port92Options {
  /** Receives the fast reset request. */
  control: MachineControl;
  /** The A20 line bit 1 drives. */
  a20: A20Gate;
}

/**
 * System Control Port A at 0x92 (PIIX3 datasheet, "Port 92h"): bit 1 gates
 * A20 without the slow i8042, and a 0→1 transition of bit 0 resets the CPU.
 * Bit 1 reads back the state of the A20 line.
 */
export class Port92 implements BusHandler {
  /** Name shown in bus errors. */
  readonly name = "port92";
  /** One byte register. */
  readonly sizes = 1;
  readonly #control: MachineControl;
  readonly #a20: A20Gate;
  #value = 0;

  /** A port in its reset state (all bits 0). */
  constructor(options: Port92Options) {
    this.#control = options.control;
    this.#a20 = options.a20;
  }

  /** Claims port 0x92. */
  register(io: RangeBus): void {
    io.register(PORT92, 1, this);
  }

  /** Clears the reset bit, so the next 0→1 write resets again; A20 is the board's to reset. */
  reset(): void {
    this.#value &= ~PORT92_RESET;
  }

  /** The last value written, with bit 1 showing the A20 line. */
  read(_offset: number, _size: AccessSize): number {
    return (this.#value & ~PORT92_A20) | (this.#a20.enabled ? PORT92_A20 : 0);
  }

  /** Drives A20 from bit 1 and resets on a rising bit 0. */
  write(_offset: number, _size: AccessSize, value: number): void {
    const old = this.#value;
    this.#value = value & 0xff;
    this.#a20.enabled = (value & PORT92_A20) !== 0;
    if (value & PORT92_RESET && !(old & PORT92_RESET)) {
      this.#control.requestReset("port 0x92 fast reset");
    }
  }
}

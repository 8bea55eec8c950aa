import { type AccessSize, allOnes, type BusHandler } from "../bus/access.ts";
import type { MachineControl } from "../machine_control.ts";

/** The Reset Control Register's I/O address; the PCI host owns it and forwards byte accesses. */
export const RESET_CONTROL_PORT = 0xcf9;
/** RCR bit 1: system reset type, 1 = hard, 0 = soft. */
export const RCR_SYS_RST = 0x02;
/** RCR bit 2: reset the CPU when written as 1. */
export const RCR_RST_CPU = 0x04;
/** RCR bit 3: full reset (power cycle on later chipsets). */
export const RCR_FULL_RST = 0x08;

/** Options of {@link ResetControl}. */
export interface ResetControlOptions {
  /** Receives the reset request. */
  control: MachineControl;
}

/**
 * The PIIX3 Reset Control Register at 0xCF9. Writing bit 2 set requests a
 * reset; bit 1 chooses hard or soft, and both reset the whole machine here,
 * as in QEMU. Bits 1-3 read back. The PCI host bridge owns ports
 * 0xCF8-0xCFB and forwards byte accesses at 0xCF9 here with offset 0, so
 * this handler is never registered on the bus itself.
 */
export class ResetControl implements BusHandler {
  /** Name shown in bus errors. */
  readonly name = "reset-control";
  /** One byte register. */
  readonly sizes = 1;
  readonly #control: MachineControl;
  #rcr = 0;

  /** A register in its reset state (0). */
  constructor(options: ResetControlOptions) {
    this.#control = options.control;
  }

  /** Clears the register, as a machine reset does. */
  reset(): void {
    this.#rcr = 0;
  }

  /** Bits 1-3 of the last value written; bytes above the register read as unassigned. */
  read(_offset: number, size: AccessSize): number {
    // The PCI host forwards word accesses too, without splitting them.
    return (allOnes(size) & ~0xff | this.#rcr) >>> 0;
  }

  /** Keeps bits 1-3 and requests a reset when bit 2 is set. */
  write(_offset: number, _size: AccessSize, value: number): void {
    this.#rcr = value & (RCR_SYS_RST | RCR_RST_CPU | RCR_FULL_RST);
    if (value & RCR_RST_CPU) {
      this.#control.requestReset(`0xcf9 ${value & RCR_SYS_RST ? "hard" : "soft"} reset`);
    }
  }
}

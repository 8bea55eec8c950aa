/**
 * What a device may ask of the machine as a whole: the reset line (i8042
 * 0xFE, port 0x92, 0xCF9, triple fault) and power-off or test exit
 * (isa-debug-exit, ACPI). The board decides what happens, e.g. exit 0 under
 * -no-reboot, as QEMU does.
 */
export interface MachineControl {
  /** Pulses the CPU reset line; `reason` is shown with -d. */
  requestReset(reason: string): void;
  /** Ends the VMM with `status` (isa-debug-exit passes `(value << 1) | 1`). */
  requestExit(status: number, reason: string): void;
}

/** Records requests, for tests of single devices. */
export class RecordingControl implements MachineControl {
  resets: string[] = [];
  exits: { status: number; reason: string }[] = [];
  requestReset(reason: string): void {
    this.resets.push(reason);
  }
  requestExit(status: number, reason: string): void {
    this.exits.push({ status, reason });
  }
}

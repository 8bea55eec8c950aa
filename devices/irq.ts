/** Something with numbered interrupt inputs: the PIC pair, later the I/O APIC. */
export interface IrqSink {
  /** Drives input `line` to `level` (true = asserted). */
  setIrq(line: number, level: boolean): void;
}

/**
 * One device's interrupt output wired to one controller input.
 * Edge-triggered ISA devices call `pulse()`; level-triggered ones `set()`.
 */
export class IrqLine {
  #level = false;

  constructor(readonly sink: IrqSink, readonly line: number) {}

  get level(): boolean {
    return this.#level;
  }

  set(level: boolean): void {
    if (level === this.#level) return;
    this.#level = level;
    this.sink.setIrq(this.line, level);
  }

  raise(): void {
    this.set(true);
  }

  lower(): void {
    this.set(false);
  }

  /** A low→high→low transition, for edge-triggered inputs. */
  pulse(): void {
    this.set(false);
    this.set(true);
    this.set(false);
  }
}

/** An IrqSink that ignores everything, for devices tested alone. */
export const NO_IRQ: IrqSink = { setIrq() {} };

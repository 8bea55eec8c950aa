/** Options of {@link A20Gate}. */
export interface A20GateOptions {
  /**
   * Initial state of the line.
   * @default true (QEMU's CPU comes out of reset with A20 enabled)
   */
  enabled?: boolean;
  /** Called with the new state whenever it changes. */
  onChange?: (enabled: boolean) => void;
}

/**
 * The A20 line, driven by the i8042 output port and port 0x92 (the last
 * writer wins, as in QEMU). While it is disabled the CPU masks bit 20 of
 * every physical address, wrapping at 1 MiB like an 8086.
 */
export class A20Gate {
  /** Called with the new state whenever it changes (the CPU flushes its TLB here). */
  onChange: ((enabled: boolean) => void) | undefined;
  #enabled: boolean;

  /** A gate in its initial state; `onChange` can also be set later. */
  constructor(options: A20GateOptions = {}) {
    this.#enabled = options.enabled ?? true;
    this.onChange = options.onChange;
  }

  /** Whether address bit 20 passes through. */
  get enabled(): boolean {
    return this.#enabled;
  }

  set enabled(value: boolean) {
    if (value === this.#enabled) return;
    this.#enabled = value;
    this.onChange?.(value);
  }

  /** AND mask the CPU applies to physical addresses. */
  get addressMask(): number {
    return this.#enabled ? 0xffffffff : 0xffefffff;
  }
}

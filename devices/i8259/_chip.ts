/**
 * One Intel 8259A programmable interrupt controller: the register file, the
 * initialisation sequence and priority resolution. Cascading and the INTA
 * cycle across two chips belong to `PicPair`.
 *
 * Quoted section names are those of the Intel 8259A datasheet (order no. 231468).
 */
export class PicChip {
  /** Interrupt request register: inputs waiting for service. */
  irr = 0;
  /** Interrupt mask register (OCW1). */
  imr = 0;
  /** In-service register: levels acknowledged and not yet ended. */
  isr = 0;
  /** Per-input trigger mode from the ELCR (1 = level). */
  elcr = 0;
  /** Vector base from ICW2 (T7–T3); the input number fills bits 2–0. */
  vectorBase = 0;

  /** Input pin levels as last driven (bit per pin). */
  #levels = 0;
  /** Rotation: the input with the highest priority is `#priorityAdd`. */
  #priorityAdd = 0;
  #readIsr = false;
  #poll = false;
  #specialMask = false;
  /** 0 = operational; 1, 2, 3 = expecting ICW2, ICW3, ICW4. */
  #initStep = 0;
  #needIcw4 = false;
  #single = false;
  #levelMode = false;
  #autoEoi = false;
  #rotateOnAutoEoi = false;
  #specialFullyNested = false;

  constructor(readonly isMaster: boolean, readonly elcrMask: number) {}

  /** Power-on state: everything cleared, the ELCR included. */
  powerOn(): void {
    this.elcr = 0;
    this.vectorBase = 0;
    this.#initialise();
  }

  /** True while a request would be passed on through INT. */
  get output(): boolean {
    return this.highestRequest() >= 0;
  }

  /** Drives input `pin` (0..7). */
  setInput(pin: number, level: boolean): void {
    const bit = 1 << pin;
    const was = (this.#levels & bit) !== 0;
    if (level) this.#levels |= bit;
    else this.#levels &= ~bit;
    if (this.isLevel(pin)) {
      // Level mode: IRR follows the input (§ "Level Triggered Mode").
      if (level) this.irr |= bit;
      else this.irr &= ~bit;
    } else if (level && !was) {
      // Edge mode latches the rising edge; the request stays latched until
      // INTA even if the input drops, which is what IrqLine.pulse() relies on.
      this.irr |= bit;
    }
  }

  /** True when `pin` is level-sensitive (ELCR bit or LTIM of ICW1). */
  isLevel(pin: number): boolean {
    return this.#levelMode || (this.elcr & (1 << pin)) !== 0;
  }

  /** Writes the ELCR, keeping only the bits this board allows. */
  writeElcr(value: number): void {
    this.elcr = value & this.elcrMask;
    // A line switched to level mode presents its current level at once.
    for (let pin = 0; pin < 8; pin++) {
      if (this.isLevel(pin)) {
        const bit = 1 << pin;
        this.irr = (this.irr & ~bit) | (this.#levels & bit);
      }
    }
  }

  /**
   * The input that would be serviced next, or -1. A request is passed on
   * only if it outranks every level in service (§ "Fully Nested Mode"); in
   * special mask mode masked in-service levels do not block (§ "Special Mask
   * Mode"); in special fully nested mode the master lets a further slave
   * request through while IR2 is in service.
   */
  highestRequest(): number {
    const request = this.#priority(this.irr & ~this.imr);
    if (request === 8) return -1;
    let inService = this.isr;
    if (this.#specialMask) inService &= ~this.imr;
    if (this.#specialFullyNested && this.isMaster) inService &= ~(1 << 2);
    return request < this.#priority(inService) ? (request + this.#priorityAdd) & 7 : -1;
  }

  /** The INTA effect on this chip for input `pin`. */
  acknowledge(pin: number): void {
    const bit = 1 << pin;
    if (this.#autoEoi) {
      if (this.#rotateOnAutoEoi) this.#priorityAdd = (pin + 1) & 7;
    } else {
      this.isr |= bit;
    }
    // A level-sensitive request stays in IRR as long as the input is high.
    if (!this.isLevel(pin)) this.irr &= ~bit;
  }

  /** A write to the even port (A0 = 0): ICW1, OCW2 or OCW3. */
  writeCommand(value: number): void {
    if (value & 0x10) this.#icw1(value);
    else if (value & 0x08) this.#ocw3(value);
    else this.#ocw2(value);
  }

  /** A write to the odd port (A0 = 1): ICW2–ICW4 during initialisation, else OCW1. */
  writeData(value: number): void {
    switch (this.#initStep) {
      case 0:
        this.imr = value;
        return;
      case 1:
        this.vectorBase = value & 0xf8;
        this.#initStep = this.#single ? (this.#needIcw4 ? 3 : 0) : 2;
        return;
      case 2:
        // ICW3 names the cascade wiring, which is fixed on a PC/AT board.
        this.#initStep = this.#needIcw4 ? 3 : 0;
        return;
      default:
        // ICW4: SFNM (bit 4), AEOI (bit 1). µPM (bit 0) selects 8086 vectors,
        // the only kind an x86 can take; BUF and M/S only drive pins.
        this.#specialFullyNested = (value & 0x10) !== 0;
        this.#autoEoi = (value & 0x02) !== 0;
        this.#initStep = 0;
    }
  }

  /** A read of either port; a pending poll command turns it into an acknowledge. */
  read(odd: boolean): number {
    if (this.#poll) {
      // Poll command (§ "The Poll Command"): the read acts as INTA and
      // returns I (bit 7) with the level in W2–W0.
      this.#poll = false;
      const pin = this.highestRequest();
      if (pin < 0) return 0;
      this.acknowledge(pin);
      return 0x80 | pin;
    }
    if (odd) return this.imr;
    return this.#readIsr ? this.isr : this.irr;
  }

  #icw1(value: number): void {
    this.#initialise();
    this.#initStep = 1;
    this.#needIcw4 = (value & 0x01) !== 0;
    this.#single = (value & 0x02) !== 0;
    this.#levelMode = (value & 0x08) !== 0;
    // Level inputs keep requesting; edge inputs need a fresh rising edge.
    for (let pin = 0; pin < 8; pin++) {
      if (this.isLevel(pin)) this.irr |= this.#levels & (1 << pin);
    }
  }

  /**
   * ICW1 resets the chip (§ "Initialization Command Words"): IMR and ISR
   * cleared, IR7 lowest priority, special mask mode off, status read set to
   * IRR, ICW4 functions cleared. The edge-sense latches are reset, so an edge
   * input already high must go low and high again to request.
   */
  #initialise(): void {
    this.irr = 0;
    this.imr = 0;
    this.isr = 0;
    this.#priorityAdd = 0;
    this.#readIsr = false;
    this.#poll = false;
    this.#specialMask = false;
    this.#initStep = 0;
    this.#needIcw4 = false;
    this.#single = false;
    this.#levelMode = false;
    this.#autoEoi = false;
    this.#rotateOnAutoEoi = false;
    this.#specialFullyNested = false;
  }

  #ocw2(value: number): void {
    const level = value & 7;
    switch (value >> 5) {
      case 0: // rotate in automatic EOI mode (clear)
      case 4: // rotate in automatic EOI mode (set)
        this.#rotateOnAutoEoi = (value & 0x80) !== 0;
        break;
      case 1: // non-specific EOI
      case 5: { // rotate on non-specific EOI
        const priority = this.#priority(this.isr);
        if (priority === 8) break;
        const pin = (priority + this.#priorityAdd) & 7;
        this.isr &= ~(1 << pin);
        if (value & 0x80) this.#priorityAdd = (pin + 1) & 7;
        break;
      }
      case 3: // specific EOI
        this.isr &= ~(1 << level);
        break;
      case 6: // set priority: `level` becomes the lowest
        this.#priorityAdd = (level + 1) & 7;
        break;
      case 7: // rotate on specific EOI
        this.isr &= ~(1 << level);
        this.#priorityAdd = (level + 1) & 7;
        break;
      default: // 2: no operation
    }
  }

  #ocw3(value: number): void {
    if (value & 0x04) this.#poll = true;
    if (value & 0x02) this.#readIsr = (value & 0x01) !== 0;
    if (value & 0x40) this.#specialMask = (value & 0x20) !== 0;
  }

  /** Rank (0 = highest) of the best level set in `mask`, or 8 for none. */
  #priority(mask: number): number {
    if ((mask & 0xff) === 0) return 8;
    let rank = 0;
    while ((mask & (1 << ((rank + this.#priorityAdd) & 7))) === 0) rank++;
    return rank;
  }
}

/**
 * One counter of an Intel 8254, computed lazily: nothing happens per clock
 * tick; the count element (CE) and OUT are derived from the tick number `t`
 * the caller passes in. Section names refer to the Intel 8254 datasheet
 * (order no. 231164).
 */

/** Access modes of the control word's RW bits. */
const LSB = 1, MSB = 2, LSB_MSB = 3;

/** An OUT transition the PIT turns into an IRQ edge. */
export interface Rise {
  /** Tick at which OUT goes high. */
  tick: number;
  /** True when OUT then stays high (modes 0, 1), false for a short pulse. */
  stays: boolean;
}

/** One counter's registers, byte flip-flops, latches and counting state. */
export class PitCounter {
  /** Operating mode 0–5 (control word values 6, 7 mean 2, 3). */
  mode = 3;
  #modeBits = 3;
  #bcd = false;
  #access = LSB_MSB;
  #gate: boolean;

  /** Count register as written (raw bytes, BCD when #bcd). */
  #cr = 0;
  #writeMsbNext = false;
  #readMsbNext = false;
  /** Bytes of a latched count still to be read, first byte first. */
  #latched: number[] = [];
  #status: number | null = null;

  /** A count has been written since the last control word. */
  #armed = false;
  /** CE holds a count and follows `#elapsed()`; else CE shows `#held`. */
  #counting = false;
  #held = 0;
  /** Count in use, 1..65536 (or 1..10000 in BCD). */
  #n = 0x10000;
  /** Ticks counted before `#runStart`, for gate suspensions. */
  #acc = 0;
  #runStart = 0;
  /** Mode 2/3 reload from CR at the end of the current (half) cycle. */
  #pending: { tick: number; runStart: number } | null = null;
  /** NULL COUNT reads 1 while t < #nullUntil. */
  #nullUntil = Infinity;

  constructor(gate: boolean) {
    this.#gate = gate;
  }

  /** Power-on state as QEMU gives it: mode 3, count 65536, counting from `t`. */
  reset(t: number, gate: boolean): void {
    this.mode = this.#modeBits = 3;
    this.#bcd = false;
    this.#access = LSB_MSB;
    this.#gate = gate;
    this.#cr = 0;
    this.#writeMsbNext = this.#readMsbNext = false;
    this.#latched = [];
    this.#status = null;
    this.#armed = this.#counting = true;
    this.#n = 0x10000;
    this.#acc = 0;
    this.#runStart = t;
    this.#pending = null;
    this.#nullUntil = t;
  }

  get gate(): boolean {
    return this.#gate;
  }

  /** A control word selecting this counter (SC ≠ 3). */
  control(value: number, t: number): void {
    const access = (value >> 4) & 3;
    if (access === 0) {
      // Counter latch command: a second latch before the read is ignored.
      if (this.#latched.length === 0) this.#latchCount(t);
      return;
    }
    this.#settle(t);
    this.#held = this.#ce(t);
    this.#access = access;
    this.#modeBits = (value >> 1) & 7;
    this.mode = this.#modeBits > 5 ? this.#modeBits - 4 : this.#modeBits;
    this.#bcd = (value & 1) !== 0;
    this.#writeMsbNext = this.#readMsbNext = false;
    this.#latched = [];
    this.#status = null;
    this.#armed = this.#counting = false;
    this.#pending = null;
    this.#nullUntil = Infinity;
  }

  /** Read-back command for this counter (§ "Read-Back Command"). */
  readBack(count: boolean, status: boolean, t: number): void {
    if (status && this.#status === null) this.#status = this.#statusByte(t);
    if (count && this.#latched.length === 0) this.#latchCount(t);
  }

  /** A byte written to the counter's port. */
  writeByte(value: number, t: number): void {
    switch (this.#access) {
      case LSB:
        this.#cr = value;
        break;
      case MSB:
        this.#cr = value << 8;
        break;
      default:
        if (!this.#writeMsbNext) {
          this.#writeMsbNext = true;
          this.#cr = (this.#cr & 0xff00) | value;
          if (this.mode === 0) {
            // Mode 0: writing the first byte stops counting and OUT goes low.
            this.#settle(t);
            this.#held = this.#ce(t);
            this.#counting = false;
          }
          return;
        }
        this.#writeMsbNext = false;
        this.#cr = (this.#cr & 0xff) | (value << 8);
    }
    this.#load(t);
  }

  /** A byte read from the counter's port. */
  readByte(t: number): number {
    if (this.#status !== null) {
      const s = this.#status;
      this.#status = null;
      return s;
    }
    if (this.#latched.length > 0) return this.#latched.shift()!;
    const ce = this.#encoded(t);
    switch (this.#access) {
      case LSB:
        return ce & 0xff;
      case MSB:
        return ce >> 8;
      default:
        this.#readMsbNext = !this.#readMsbNext;
        return this.#readMsbNext ? ce & 0xff : ce >> 8;
    }
  }

  /** Drives the GATE input (§ "Gate" table under "Operation"). */
  setGate(level: boolean, t: number): void {
    if (level === this.#gate) return;
    this.#settle(t);
    const mode = this.mode;
    if (mode === 1 || mode === 5) {
      this.#gate = level;
      // A rising edge triggers: CR goes to CE and counting starts afresh.
      if (level && this.#armed) this.#start(this.#decodedCr(), t);
      return;
    }
    if (!level) {
      this.#acc = this.#elapsed(t);
      this.#gate = false;
      this.#pending = null; // the next rising edge reloads from CR anyway
      return;
    }
    this.#gate = true;
    if (!this.#counting) return;
    if (mode === 2 || mode === 3) this.#start(this.#decodedCr(), t);
    else this.#runStart = t; // modes 0, 4 resume where they stopped
  }

  /** The OUT pin at tick `t`. */
  out(t: number): boolean {
    this.#settle(t);
    if (!this.#counting) return this.mode !== 0;
    const d = this.#elapsed(t);
    const n = this.#n;
    switch (this.mode) {
      case 0:
      case 1:
        return d >= n;
      case 2:
        return !this.#gate || d % n !== n - 1;
      case 3:
        return !this.#gate || d % n < highHalf(n);
      default:
        return d !== n;
    }
  }

  /** The first tick after `t` at which OUT rises, or null if it never will as things stand. */
  nextRise(t: number): Rise | null {
    this.#settle(t);
    if (!this.#counting) return null;
    const runs = this.#gate || this.mode === 1 || this.mode === 5;
    if (!runs) return null;
    const d = this.#elapsed(t);
    const base = this.#runStart - this.#acc; // tick at which d was 0
    const n = this.#n;
    switch (this.mode) {
      case 0:
      case 1:
        return d < n ? { tick: base + n, stays: true } : null;
      case 2:
      case 3: {
        // Count 1 is illegal in modes 2 and 3 (OUT would never toggle).
        if (n === 1) return null;
        const tick = base + (Math.floor(d / n) + 1) * n;
        const p = this.#pending;
        if (p === null || tick <= p.tick) return { tick, stays: false };
        const m = this.#decodedCr();
        if (m === 1) return null;
        return { tick: p.runStart + (Math.floor((p.tick - p.runStart) / m) + 1) * m, stays: false };
      }
      default:
        // Modes 4, 5: OUT is low for the one tick at CE = 0, high again after it.
        return d <= n ? { tick: base + n + 1, stays: false } : null;
    }
  }

  #load(t: number): void {
    this.#settle(t);
    this.#armed = true;
    const n = this.#decodedCr();
    switch (this.mode) {
      case 0:
      case 4:
        // Loaded on the next CLK; a count written during counting restarts it.
        this.#start(n, t);
        return;
      case 2:
      case 3:
        if (!this.#counting) {
          this.#start(n, t);
        } else if (this.#gate) {
          this.#schedule(t);
        } else {
          // Gate low: the count is loaded by the next rising edge of GATE.
          this.#nullUntil = Infinity;
        }
        return;
      default:
        // Modes 1, 5 load CR at the next GATE trigger; a running one-shot goes on.
        this.#nullUntil = Infinity;
    }
  }

  /**
   * A new count written while mode 2 or 3 is counting takes effect at the
   * end of the current period (mode 2) or half-period (mode 3), not at once.
   */
  #schedule(t: number): void {
    const d = this.#elapsed(t);
    const n = this.#n;
    const base = this.#runStart - this.#acc;
    const next = this.#decodedCr();
    let tick: number, runStart: number;
    if (this.mode === 2) {
      tick = base + (Math.floor(d / n) + 1) * n;
      runStart = tick;
    } else {
      const period = base + Math.floor(d / n) * n;
      const high = highHalf(n);
      if (d % n < high) {
        // Ends the high half: the new count begins with its low half.
        tick = period + high;
        runStart = tick - highHalf(next);
      } else {
        tick = period + n;
        runStart = tick;
      }
    }
    this.#pending = { tick, runStart };
    this.#nullUntil = tick;
  }

  #start(n: number, t: number): void {
    this.#counting = true;
    this.#n = n;
    this.#acc = 0;
    this.#runStart = t;
    this.#pending = null;
    this.#nullUntil = t + 1;
  }

  /** Applies a scheduled reload once its tick has come. */
  #settle(t: number): void {
    const p = this.#pending;
    if (p === null || t < p.tick) return;
    this.#n = this.#decodedCr();
    this.#acc = 0;
    this.#runStart = p.runStart;
    this.#pending = null;
  }

  /** Ticks counted since CE was loaded; gate-low time excluded in modes 0, 2, 3, 4. */
  #elapsed(t: number): number {
    const runs = this.#gate || this.mode === 1 || this.mode === 5;
    return this.#acc + (runs ? t - this.#runStart : 0);
  }

  /** CE as a number 0..65535 (0..9999 in BCD), 0 standing for the full count. */
  #ce(t: number): number {
    this.#settle(t);
    if (!this.#counting) return this.#held;
    const d = this.#elapsed(t);
    const n = this.#n;
    const wrap = this.#bcd ? 10000 : 0x10000;
    let v: number;
    switch (this.mode) {
      case 2:
        v = n - (d % n);
        break;
      case 3:
        v = squareWaveCount(n, d % n);
        break;
      default:
        // Modes 0, 1, 4, 5 keep decrementing past terminal count and wrap.
        v = n - (d % wrap);
    }
    return ((v % wrap) + wrap) % wrap;
  }

  /** CE in the counter's number format, as its bytes are read. */
  #encoded(t: number): number {
    const v = this.#ce(t);
    return this.#bcd ? toBcd(v) : v;
  }

  #latchCount(t: number): void {
    const v = this.#encoded(t);
    if (this.#access === LSB) this.#latched = [v & 0xff];
    else if (this.#access === MSB) this.#latched = [v >> 8];
    else this.#latched = [v & 0xff, v >> 8];
  }

  #statusByte(t: number): number {
    return (this.out(t) ? 0x80 : 0) | (t < this.#nullUntil ? 0x40 : 0) | (this.#access << 4) |
      (this.#modeBits << 1) | (this.#bcd ? 1 : 0);
  }

  /** The count register as a count: 0 means the maximum, 65536 or 10000. */
  #decodedCr(): number {
    if (!this.#bcd) return this.#cr === 0 ? 0x10000 : this.#cr;
    let v = 0;
    // A non-decimal digit is clamped to 9; the part's behaviour is undefined.
    for (let shift = 12; shift >= 0; shift -= 4) v = v * 10 + Math.min((this.#cr >> shift) & 15, 9);
    return v === 0 ? 10000 : v;
  }
}

/** Ticks OUT stays high in mode 3: N/2, or (N+1)/2 for odd N. */
function highHalf(n: number): number {
  return (n + 1) >> 1;
}

/**
 * CE in mode 3 at phase `p` of the period (§ "Mode 3"): it counts down by
 * two; for odd N the first tick of the high half takes N to N-1 and the first
 * tick of the low half takes N to N-3, so the high half lasts one tick longer.
 */
function squareWaveCount(n: number, p: number): number {
  const high = highHalf(n);
  const q = p < high ? p : p - high;
  if (q === 0 || (n & 1) === 0) return n - 2 * q;
  return p < high ? n + 1 - 2 * q : n - 1 - 2 * q;
}

function toBcd(v: number): number {
  return (v % 10) | (Math.floor(v / 10) % 10) << 4 | (Math.floor(v / 100) % 10) << 8 |
    (Math.floor(v / 1000) % 10) << 12;
}

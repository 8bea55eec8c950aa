import type { AccessSize } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { Clock } from "../clock.ts";
import type { IrqLine } from "../irq.ts";
import type { Timer, TimerQueue } from "../timer_queue.ts";
import { type Format, loadTime, nextAlarm, storeTime } from "./_calendar.ts";
import { cyclesIn, nsForCycles, periodicCycles } from "./_divider.ts";
import { memorySizeBytes } from "./memory_size.ts";
import {
  REG_A_DV_MASK,
  REG_A_RS_MASK,
  REG_A_UIP,
  REG_B_AIE,
  REG_B_DM,
  REG_B_PIE,
  REG_B_SET,
  REG_B_SQWE,
  REG_B_UIE,
  REG_C_AF,
  REG_C_IRQF,
  REG_C_PF,
  REG_C_UF,
  REG_D_VRT,
  RTC_CENTURY,
  RTC_HOURS_ALARM,
  RTC_INDEX_PORT,
  RTC_MINUTES_ALARM,
  RTC_REG_A,
  RTC_REG_B,
  RTC_REG_C,
  RTC_REG_D,
  RTC_SECONDS_ALARM,
  RTC_YEAR,
} from "./registers.ts";

const NS_PER_S = 1e9;
/** UIP rises 244 µs (8 cycles of 32.768 kHz) before each update (datasheet, "UIP"). */
const UIP_NS = (8 * NS_PER_S) / 32768;
/** Leaving divider reset, the first update comes half a second later. */
const HALF_SECOND = 5e8;

/** What the RTC is wired to, and where its time starts. */
export interface RtcOptions {
  /** Guest time; the RTC's seconds advance with it. */
  clock: Clock;
  /** Holds the one timer used for enabled interrupts. */
  timers: TimerQueue;
  /** IRQ 8. */
  irq: IrqLine;
  /**
   * Date and time the RTC shows when the machine starts.
   * @default the host's current time (UTC)
   */
  startTime?: Date;
}

/**
 * The MC146818A real-time clock and its 128 bytes of CMOS RAM at 0x70/0x71.
 * Time is kept as a count of seconds plus the phase of the update cycle,
 * derived from `clock.now()`; register C's flags are worked out when read,
 * and a timer is armed only while an enabled interrupt is due.
 */
export class Rtc {
  readonly #clock: Clock;
  readonly #irq: IrqLine;
  readonly #timer: Timer;
  readonly #ram = new Uint8Array(128);
  #index = 0;
  #nmiMasked = false;
  /** Clock time at which the divider chain started; periodic ticks count from here. */
  #origin = 0;
  /** The RTC second that began at clock time #baseAt (a whole update cycle). */
  #base = 0;
  #baseAt = 0;
  /** PF, AF, UF as latched in register C. */
  #flags = 0;
  /** Last second whose update cycle has been accounted for in #flags. */
  #seenSecond = 0;
  /** Clock time up to which periodic ticks have been accounted for. */
  #seenNs = 0;

  constructor(options: RtcOptions) {
    if (!options?.clock || !options.timers || !options.irq) {
      throw new Error("mc146818: options clock, timers and irq are required");
    }
    const start = options.startTime ?? new Date();
    if (!(start instanceof Date) || Number.isNaN(start.getTime())) {
      throw new Error(`mc146818: startTime must be a valid Date, got ${options.startTime}`);
    }
    this.#clock = options.clock;
    this.#irq = options.irq;
    this.#timer = options.timers.create((now) => this.#onTimer(now));

    // QEMU's power-on values: 32.768 kHz divider with 1024 Hz rate, 24-hour BCD.
    this.#ram[RTC_REG_A] = 0x26;
    this.#ram[RTC_REG_B] = 0x02;
    this.#ram[RTC_REG_D] = REG_D_VRT;
    const now = this.#clock.now();
    const ms = start.getTime();
    this.#base = Math.floor(ms / 1000);
    // The start second began (ms mod 1000) ago: updates follow the start time's seconds.
    this.#baseAt = Math.floor(now) - (ms - this.#base * 1000) * 1e6;
    this.#origin = this.#baseAt - HALF_SECOND;
    this.#seenSecond = this.#base;
    this.#seenNs = now;
    storeTime(this.#ram, this.#base, this.#format());
  }

  /** True when the last write to port 0x70 had bit 7 set (NMI disabled). */
  get nmiMasked(): boolean {
    return this.#nmiMasked;
  }

  /** Claims ports 0x70–0x71 on the I/O bus. */
  register(io: RangeBus): void {
    io.register(RTC_INDEX_PORT, 2, {
      name: "mc146818",
      sizes: 1,
      read: (offset: number) => offset === 0 ? 0xff : this.#read(this.#index, true),
      write: (offset: number, _size: AccessSize, value: number) => {
        if (offset === 0) {
          this.#index = value & 0x7f;
          this.#nmiMasked = (value & 0x80) !== 0;
        } else {
          this.#write(this.#index, value);
        }
      },
    });
  }

  /** Reads CMOS byte `index` as the guest would, except that register C is not cleared. */
  getByte(index: number): number {
    checkIndex(index);
    return this.#read(index, false);
  }

  /** Writes CMOS byte `index` as the guest would; firmware fills in configuration this way. */
  setByte(index: number, value: number): void {
    checkIndex(index);
    if (!Number.isInteger(value) || value < 0 || value > 0xff) {
      throw new RangeError(`mc146818: CMOS value ${value} is not a byte`);
    }
    this.#write(index, value);
  }

  /**
   * Stores the memory size bytes exactly as QEMU's pc board does (0x15–0x18,
   * 0x30–0x31, 0x34–0x35, 0x5B–0x5D) and refreshes the checksum.
   */
  setMemorySize(bytes: number): void {
    for (const [index, value] of memorySizeBytes(bytes)) this.#ram[index] = value;
    this.updateChecksum();
  }

  /** Stores the AT checksum of bytes 0x10–0x2D at 0x2E (high) and 0x2F (low). */
  updateChecksum(): void {
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += this.#ram[i];
    this.#ram[0x2e] = sum >> 8;
    this.#ram[0x2f] = sum & 0xff;
  }

  /**
   * The RESET pin (datasheet, "RESET"): clears the interrupt enables, SQWE and
   * the flags of register C; time and CMOS RAM are untouched.
   */
  reset(): void {
    this.#sync(this.#clock.now());
    this.#ram[RTC_REG_B] &= ~(REG_B_PIE | REG_B_AIE | REG_B_UIE | REG_B_SQWE);
    this.#flags = 0;
    this.#irq.lower();
    this.#rearm(this.#clock.now());
  }

  #format(): Format {
    const b = this.#ram[RTC_REG_B];
    return { binary: (b & REG_B_DM) !== 0, hours24: (b & 0x02) !== 0 };
  }

  /** Divider in a counting state: DV = 000, 001 or 010, as QEMU accepts. */
  #dividerRuns(): boolean {
    return (this.#ram[RTC_REG_A] & REG_A_DV_MASK) <= 0x20;
  }

  /** Seconds advance only with the divider running and SET clear. */
  #ticking(): boolean {
    return this.#dividerRuns() && (this.#ram[RTC_REG_B] & REG_B_SET) === 0;
  }

  #second(now: number): number {
    return this.#base + Math.floor((now - this.#baseAt) / NS_PER_S);
  }

  /** Latest update-cycle boundary at or before `now`, on the divider's phase. */
  #lastBoundary(now: number): number {
    const first = this.#origin + HALF_SECOND;
    return first + Math.floor((now - first) / NS_PER_S) * NS_PER_S;
  }

  #read(index: number, consume: boolean): number {
    const now = this.#clock.now();
    if (index <= RTC_YEAR || index === RTC_CENTURY) {
      if (this.#ticking()) storeTime(this.#ram, this.#second(now), this.#format());
      return this.#ram[index];
    }
    switch (index) {
      case RTC_REG_A: {
        const uip = this.#ticking() && (now - this.#baseAt) % NS_PER_S >= NS_PER_S - UIP_NS;
        return (this.#ram[RTC_REG_A] & ~REG_A_UIP) | (uip ? REG_A_UIP : 0);
      }
      case RTC_REG_C: {
        this.#sync(now);
        const value = this.#flags | (this.#irqf() ? REG_C_IRQF : 0);
        if (consume) {
          this.#flags = 0;
          this.#irq.lower();
          this.#rearm(now);
        }
        return value;
      }
      case RTC_REG_D:
        return REG_D_VRT;
      default:
        return this.#ram[index];
    }
  }

  #write(index: number, value: number): void {
    const now = this.#clock.now();
    if (index === RTC_SECONDS_ALARM || index === RTC_MINUTES_ALARM || index === RTC_HOURS_ALARM) {
      this.#sync(now);
      this.#ram[index] = value;
    } else if (index <= RTC_YEAR || index === RTC_CENTURY) {
      if (!this.#ticking()) {
        this.#ram[index] = value;
        return;
      }
      // Writing a time register while the clock runs sets the time at once,
      // keeping the phase of the update cycle (QEMU does the same).
      this.#sync(now);
      storeTime(this.#ram, this.#second(now), this.#format());
      this.#ram[index] = value;
      this.#restart(loadTime(this.#ram, this.#format()), this.#lastBoundary(now));
    } else if (index === RTC_REG_A) {
      this.#writeA(value, now);
    } else if (index === RTC_REG_B) {
      this.#writeB(value, now);
    } else if (index === RTC_REG_C || index === RTC_REG_D) {
      return; // read-only
    } else {
      this.#ram[index] = value;
      return;
    }
    this.#irq.set(this.#irqf());
    this.#rearm(now);
  }

  #writeA(value: number, now: number): void {
    this.#sync(now);
    const wasTicking = this.#ticking();
    const dividerRan = this.#dividerRuns();
    if (wasTicking) storeTime(this.#ram, this.#second(now), this.#format());
    this.#ram[RTC_REG_A] = value & ~REG_A_UIP;
    if (!dividerRan && this.#dividerRuns()) {
      // Divider chain released: periodic ticks restart from here and the
      // first update follows half a second later (datasheet, "Divider").
      this.#origin = Math.floor(now);
      this.#seenNs = now;
      if (this.#ticking()) {
        this.#restart(loadTime(this.#ram, this.#format()), this.#origin + HALF_SECOND - NS_PER_S);
      }
    }
  }

  #writeB(value: number, now: number): void {
    this.#sync(now);
    const wasTicking = this.#ticking();
    if (value & REG_B_SET) {
      // SET stops updates; the time registers hold their last values for
      // software to rewrite. SET also clears UIE (DS12887 datasheet; QEMU).
      if (wasTicking) storeTime(this.#ram, this.#second(now), this.#format());
      value &= ~REG_B_UIE;
    }
    this.#ram[RTC_REG_B] = value;
    if (!wasTicking && this.#ticking()) {
      // SET cleared: count on from the time written, in step with the divider.
      this.#restart(loadTime(this.#ram, this.#format()), this.#lastBoundary(now));
    }
  }

  /** Starts counting from second `sec`, which began at clock time `at`. */
  #restart(sec: number, at: number): void {
    this.#base = sec;
    this.#baseAt = at;
    this.#seenSecond = sec;
  }

  /** IRQF = PF·PIE + AF·AIE + UF·UIE (datasheet, "Register C"). */
  #irqf(): boolean {
    return (this.#flags & this.#ram[RTC_REG_B] & (REG_C_PF | REG_C_AF | REG_C_UF)) !== 0;
  }

  /** Accounts for update cycles and periodic ticks since the last call, then drives IRQ 8. */
  #sync(now: number): void {
    if (this.#ticking()) {
      const sec = this.#second(now);
      if (sec > this.#seenSecond) {
        this.#flags |= REG_C_UF;
        if (this.#nextAlarm(this.#seenSecond + 1) <= sec) this.#flags |= REG_C_AF;
        this.#seenSecond = sec;
      }
    }
    const period = this.#period();
    if (period > 0 && now > this.#seenNs) {
      const before = Math.floor(cyclesIn(this.#seenNs - this.#origin) / period);
      if (Math.floor(cyclesIn(now - this.#origin) / period) > before) this.#flags |= REG_C_PF;
    }
    if (now > this.#seenNs) this.#seenNs = now;
    this.#irq.set(this.#irqf());
  }

  /** Periodic interrupt period in 32.768 kHz cycles, or 0 when stopped. */
  #period(): number {
    if (!this.#dividerRuns()) return 0;
    return periodicCycles(this.#ram[RTC_REG_A] & REG_A_RS_MASK);
  }

  #nextAlarm(from: number): number {
    const ram = this.#ram;
    const alarm = {
      sec: ram[RTC_SECONDS_ALARM],
      min: ram[RTC_MINUTES_ALARM],
      hour: ram[RTC_HOURS_ALARM],
    };
    return nextAlarm(from, alarm, this.#format());
  }

  /** Arms the timer for the earliest event that would raise IRQ 8, if any. */
  #rearm(now: number): void {
    let next = Infinity;
    const b = this.#ram[RTC_REG_B];
    if (!this.#irqf()) {
      const period = this.#period();
      if (b & REG_B_PIE && period > 0) {
        const tick = Math.floor(cyclesIn(now - this.#origin) / period) + 1;
        next = this.#origin + nsForCycles(tick * period);
      }
      if (this.#ticking() && b & (REG_B_UIE | REG_B_AIE)) {
        const sec = this.#second(now);
        const due = b & REG_B_UIE ? sec + 1 : this.#nextAlarm(sec + 1);
        next = Math.min(next, this.#baseAt + (due - this.#base) * NS_PER_S);
      }
    }
    if (next === Infinity) this.#timer.disarm();
    else this.#timer.arm(next);
  }

  #onTimer(now: number): void {
    this.#sync(now);
    this.#rearm(now);
  }
}

function checkIndex(index: number): void {
  if (!Number.isInteger(index) || index < 0 || index > 0x7f) {
    throw new RangeError(`mc146818: no CMOS byte ${index}`);
  }
}

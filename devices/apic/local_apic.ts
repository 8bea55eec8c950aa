import type { InterruptSource } from "../../cpu/cpu.ts";
import { type AccessSize, allOnes } from "../bus/access.ts";
import type { RangeBus } from "../bus/range_bus.ts";
import type { Clock } from "../clock.ts";
import type { Timer, TimerQueue } from "../timer_queue.ts";
import { LAPIC_BASE } from "../memory/layout.ts";
import { VectorSet } from "./_vector_set.ts";
import { type ApicBus, isMsiAddress } from "./msi.ts";
import {
  APIC_APR,
  APIC_BASE_BSP,
  APIC_BASE_ENABLE,
  APIC_DFR,
  APIC_EOI,
  APIC_ESR,
  APIC_ICR_HIGH,
  APIC_ICR_LOW,
  APIC_ID,
  APIC_IRR,
  APIC_ISR,
  APIC_LDR,
  APIC_LVT_ERROR,
  APIC_LVT_TIMER,
  APIC_PPR,
  APIC_RRD,
  APIC_SVR,
  APIC_TIMER_CURRENT,
  APIC_TIMER_DIVIDE,
  APIC_TIMER_INITIAL,
  APIC_TMR,
  APIC_TPR,
  APIC_VERSION,
  DeliveryMode,
  ESR_ILLEGAL_REGISTER,
  ESR_RECEIVE_ILLEGAL_VECTOR,
  ESR_SEND_ILLEGAL_VECTOR,
  LAPIC_SIZE,
  LAPIC_VERSION_VALUE,
  LVT_MASKED,
  LVT_TIMER_PERIODIC,
  SVR_ENABLE,
} from "./registers.ts";
import { TimerCounter } from "./timer_counter.ts";

/** LVT registers in address order: timer, thermal, perf, LINT0, LINT1, error. */
const LVT_TIMER = 0, LVT_LINT0 = 3, LVT_ERROR = 5;
/** Writable bits of each LVT register (SDM Figure 10-8; bit 18, TSC-deadline mode, is not offered). */
const LVT_WRITABLE = [0x300ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff];
/** Writable bits of ICR low: vector, delivery mode, destination mode, level, trigger, shorthand. */
const ICR_LOW_WRITABLE = 0xccfff;
/**
 * Most periodic timer interrupts kept owed: two seconds of 250 Hz ticks, enough for the longest
 * stretch with interrupts disabled seen while Linux boots here (patching SMP alternatives:
 * 0.6 s of guest time). A guest that can never catch up gets back-to-back ticks but no
 * unbounded debt.
 */
const MAX_TIMER_BACKLOG = 500;
/** Writable SVR bits: vector, APIC enable, focus processor checking. */
const SVR_WRITABLE = 0x3ff;

/** What the local APIC is wired to on the board. */
export interface LocalApicOptions {
  /** Guest time; the timer's count is computed from it on demand. */
  clock: Clock;
  /** Holds the one timer that raises the LVT timer interrupt. */
  timers: TimerQueue;
  /** The i8259 pair, whose INTR output is wired to LINT0. */
  pic: InterruptSource;
  /** This CPU's APIC ID. @default 0 */
  id?: number;
  /** Raises the CPU's NMI input (NMI-mode IPIs and MSIs). @default NMIs are dropped */
  nmi?: () => void;
  /**
   * Whether the CPU model has an APIC. Without one (486, Pentium) it stays disabled in
   * hardware from reset on, so the 8259 drives INTR directly and the page reads as
   * unassigned, as on QEMU, which creates no APIC for such a model. @default true
   */
  present?: boolean;
}

/**
 * The xAPIC of the one CPU (SDM vol. 3 ch. 10), with its register page at
 * 0xFEE00000. It is the CPU's interrupt source, combining two inputs:
 *
 * - the 8259's INTR, through LINT0 in ExtINT mode (the virtual wire of MP
 *   spec §3.6.2.2, which firmware sets up: SeaBIOS enables the APIC and
 *   writes LINT0 = 0x8700; the VMM does the same when it is the firmware),
 *   and whenever the APIC is disabled in hardware (IA32_APIC_BASE bit 11).
 *   At reset every LVT entry is masked (SDM §10.4.7.1), LINT0 included, as
 *   in QEMU since 2.5: a guest started at the reset vector that never
 *   programs the APIC gets no 8259 interrupts (test386.asm relies on it);
 * - its own vectors (timer, error, I/O APIC, MSI, self-IPI), delivered by
 *   priority through IRR and ISR.
 *
 * ExtINT interrupts bypass the priority logic (SDM §10.8.1), so a PIC
 * request is offered before a pending APIC vector, as QEMU does.
 *
 * With a single CPU, the destination of I/O APIC messages and MSIs is not
 * checked (every message is for this CPU); IPIs are delivered when they name
 * this APIC. INIT, STARTUP, NMI and SMI messages are dropped: the CPU has no
 * inputs for them and there is no other CPU to start.
 */
export class LocalApic implements InterruptSource, ApicBus {
  readonly #clock: Clock;
  readonly #pic: InterruptSource;
  readonly #timer: Timer;
  readonly #counter = new TimerCounter();
  /** Deadline the timer is armed for, or Infinity. */
  #armedFor = Infinity;
  readonly #present: boolean;
  /**
   * Periodic timer interrupts owed to the guest: expiries that found the previous one still
   * waiting in IRR, or that passed while the VMM was busy. Each is raised again as soon as the
   * one before it is acknowledged (KVM's lost-tick re-injection). A real APIC merges them, but
   * a real CPU is not 10-100 times slower than the clock it counts with: Linux counts jiffies
   * per periodic tick, and merged ticks would put jiffies behind the TSC until its clocksource
   * watchdog declares the TSC unstable.
   */
  #timerBacklog = 0;
  /**
   * The same for the ticks of a periodic timer on an I/O APIC pin (the PIT, {@link deliverTick}):
   * per vector, edges that arrived while the previous one still waited in IRR.
   */
  readonly #owedTicks = new Uint16Array(256);
  readonly #nmi: (() => void) | undefined;
  readonly #eoiListeners: ((vector: number) => void)[] = [];

  #apicBase = LAPIC_BASE | APIC_BASE_BSP | APIC_BASE_ENABLE;
  #id: number;
  #tpr = 0;
  #ldr = 0;
  #dfr = 0;
  #svr = 0;
  readonly #irr = new VectorSet();
  readonly #isr = new VectorSet();
  readonly #tmr = new VectorSet();
  readonly #lvt = new Uint32Array(6);
  /** ESR as software reads it: the errors latched by the last ESR write. */
  #esr = 0;
  /** Errors detected since the last ESR write. */
  #errors = 0;
  #icrLow = 0;
  #icrHigh = 0;
  /** Whether the last `hasInterrupt()` was answered by the PIC. */
  #picAsserted = false;

  constructor(options: LocalApicOptions) {
    if (!options?.clock || !options.timers || !options.pic) {
      throw new Error("local APIC: options clock, timers and pic are required");
    }
    const id = options.id ?? 0;
    if (!Number.isInteger(id) || id < 0 || id > 0xfe) {
      throw new RangeError(`local APIC: bad APIC ID ${id}`);
    }
    this.#clock = options.clock;
    this.#nmi = options.nmi;
    this.#pic = options.pic;
    this.#id = id;
    this.#present = options.present ?? true;
    this.#timer = options.timers.create((now) => this.#timerExpired(now));
    this.reset();
  }

  /** Claims the register page 0xFEE00000–0xFEE00FFF on the CPU's MMIO bus. */
  register(mmio: RangeBus): void {
    mmio.register(LAPIC_BASE, LAPIC_SIZE, {
      name: "lapic",
      read: (offset: number, size: AccessSize) => this.#mmioRead(offset, size),
      write: (offset: number, size: AccessSize, value: number) => {
        // Registers are 32 bits wide; narrower writes are undefined (SDM
        // §10.4.1) and QEMU drops them.
        if (size === 4 && this.#hardwareEnabled()) this.#writeRegister(offset & 0xff0, value >>> 0);
      },
    });
  }

  /** Power-on state, with the APIC enabled at its default base (when the model has one). */
  reset(): void {
    this.#apicBase = LAPIC_BASE | APIC_BASE_BSP | (this.#present ? APIC_BASE_ENABLE : 0);
    this.#powerOn();
  }

  /** The IA32_APIC_BASE MSR (0x1B): base 0xFEE00000, BSP (bit 8), enable (bit 11). */
  get apicBase(): number {
    return this.#apicBase >>> 0;
  }

  /**
   * WRMSR to IA32_APIC_BASE. Only the enable bit takes effect: relocating the
   * register page is not supported (no known guest does it), so the base
   * field keeps 0xFEE00000, and the BSP flag stays set. Clearing the enable
   * bit returns the APIC to its power-on state (SDM §10.4.3 allows this) and
   * passes the PIC straight to the CPU; setting it again re-enables it, as
   * Pentium 4 and later processors allow.
   */
  setApicBase(value: number): void {
    const enable = (value & APIC_BASE_ENABLE) !== 0;
    if (!enable && this.#hardwareEnabled()) this.#powerOn();
    this.#apicBase = LAPIC_BASE | APIC_BASE_BSP | (enable ? APIC_BASE_ENABLE : 0);
  }

  // ---- InterruptSource (the CPU's INTR line and INTA cycle)

  /** True while INTR is asserted: a PIC request on the virtual wire, or a deliverable vector. */
  hasInterrupt(): boolean {
    this.#picAsserted = this.#picRouted() && this.#pic.hasInterrupt();
    return this.#picAsserted || this.#deliverable() >= 0;
  }

  /**
   * The INTA cycle. A PIC request answers with the PIC's vector; otherwise
   * the highest deliverable vector moves from IRR to ISR. When the request
   * has gone (a TPR raise masked it after INTR was sampled) the APIC returns
   * its spurious vector and sets no ISR bit (SDM §10.9); a PIC request that
   * vanished is left to the PIC, which answers with its IR7 vector.
   */
  acknowledge(): number {
    if (this.#picRouted() && this.#pic.hasInterrupt()) return this.#pic.acknowledge();
    const vector = this.#deliverable();
    if (vector >= 0) {
      this.#irr.delete(vector);
      this.#isr.add(vector);
      if (this.#timerBacklog > 0 && vector === (this.#lvt[LVT_TIMER] & 0xff)) {
        this.#timerBacklog--;
        this.#irr.add(vector); // the next owed tick, taken after this one's EOI
      } else if (this.#owedTicks[vector] > 0) {
        this.#owedTicks[vector]--;
        this.#irr.add(vector);
      }
      return vector;
    }
    if (this.#picAsserted && this.#picRouted()) return this.#pic.acknowledge();
    return this.#svr & 0xff;
  }

  // ---- System bus (I/O APIC messages, MSI)

  /**
   * An interrupt message: an MSI/MSI-X write from a PCI function, or a
   * redirection-table message from the I/O APIC. Fixed and lowest-priority
   * messages set the vector in IRR (TMR records the trigger mode, so that
   * EOI is broadcast for level-triggered ones); other delivery modes are
   * dropped (see the class comment). Addresses outside 0xFEExxxxx are not
   * interrupt messages and are ignored, as is everything while the APIC is
   * disabled in hardware.
   */
  deliverMsi(address: number, data: number): void {
    if (!isMsiAddress(address) || !this.#hardwareEnabled()) return;
    const mode = (data >>> 8) & 7;
    if (mode === DeliveryMode.NMI) return void this.#nmi?.();
    if (mode !== DeliveryMode.FIXED && mode !== DeliveryMode.LOWEST_PRIORITY) return;
    this.#accept(data & 0xff, (data & 0x8000) !== 0);
  }

  /**
   * A periodic timer's edge from an I/O APIC pin: delivered as {@link deliverMsi} does, except
   * that an edge finding its vector still waiting in IRR is owed instead of merged, and raised
   * once the one before it is acknowledged (at most {@link MAX_TIMER_BACKLOG} owed).
   */
  deliverTick(address: number, data: number): void {
    const vector = data & 0xff;
    const mode = (data >>> 8) & 7;
    const fixed = mode === DeliveryMode.FIXED || mode === DeliveryMode.LOWEST_PRIORITY;
    if (fixed && isMsiAddress(address) && this.#hardwareEnabled() && this.#irr.has(vector)) {
      this.#owedTicks[vector] = Math.min(MAX_TIMER_BACKLOG, this.#owedTicks[vector] + 1);
      return;
    }
    this.deliverMsi(address, data);
  }

  /** Drops the ticks owed on `vector` (its I/O APIC entry was masked or re-routed). */
  forgetTicks(vector: number): void {
    this.#owedTicks[vector & 0xff] = 0;
  }

  /** Registers an EOI-broadcast listener (the I/O APIC). */
  onEoiBroadcast(listener: (vector: number) => void): void {
    this.#eoiListeners.push(listener);
  }

  // ---- state

  #powerOn(): void {
    // SDM §10.4.7.1: every LVT entry masked, LINT0 included.
    this.#tpr = 0;
    this.#ldr = 0;
    this.#dfr = 0xffffffff;
    this.#svr = 0xff;
    this.#irr.clear();
    this.#isr.clear();
    this.#tmr.clear();
    this.#lvt.fill(LVT_MASKED);
    this.#esr = 0;
    this.#errors = 0;
    this.#icrLow = 0;
    this.#icrHigh = 0;
    this.#picAsserted = false;
    this.#counter.reset();
    this.#timerBacklog = 0;
    this.#owedTicks.fill(0);
    this.#rearm(this.#clock.now());
  }

  #hardwareEnabled(): boolean {
    return (this.#apicBase & APIC_BASE_ENABLE) !== 0;
  }

  #softwareEnabled(): boolean {
    return this.#hardwareEnabled() && (this.#svr & SVR_ENABLE) !== 0;
  }

  /** Whether the PIC's INTR reaches the CPU. */
  #picRouted(): boolean {
    if (!this.#hardwareEnabled()) return true;
    const lint0 = this.#lvt[LVT_LINT0];
    return (lint0 & LVT_MASKED) === 0 && ((lint0 >>> 8) & 7) === DeliveryMode.EXTINT;
  }

  /** Processor priority (SDM §10.8.3.1): the higher class of TPR and the highest in-service vector. */
  #ppr(): number {
    const isrv = Math.max(this.#isr.highest(), 0);
    return (this.#tpr >> 4) >= (isrv >> 4) ? this.#tpr : isrv & 0xf0;
  }

  /**
   * Arbitration priority (SDM §10.6.2.4): TPR while it is at least the class
   * of the highest requested and above the highest in-service vector,
   * otherwise the highest of the three classes.
   */
  #apr(): number {
    const tpr = this.#tpr;
    const isrv = Math.max(this.#isr.highest(), 0);
    const irrv = Math.max(this.#irr.highest(), 0);
    if ((tpr >> 4) >= (irrv >> 4) && (tpr >> 4) > (isrv >> 4)) return tpr;
    return Math.max(tpr, isrv, irrv) & 0xf0;
  }

  /** The vector the CPU would be given now, or -1: its class must exceed PPR's (SDM §10.8.3.1). */
  #deliverable(): number {
    if (!this.#softwareEnabled()) return -1;
    const vector = this.#irr.highest();
    return vector >= 0 && (vector & 0xf0) > (this.#ppr() & 0xf0) ? vector : -1;
  }

  /** Accepts a vector into IRR (SDM §10.8.4); vectors 0–15 are illegal (§10.5.2). */
  #accept(vector: number, level: boolean): void {
    if (vector < 16) {
      this.#error(ESR_RECEIVE_ILLEGAL_VECTOR);
      return;
    }
    this.#irr.add(vector);
    this.#tmr.set(vector, level);
  }

  /** Logs an error in ESR and raises the LVT error interrupt (SDM §10.5.3). */
  #error(bits: number): void {
    this.#errors |= bits;
    const lvt = this.#lvt[LVT_ERROR];
    if (lvt & LVT_MASKED) return;
    // An illegal error vector is itself a receive error; do not loop on it.
    if ((lvt & 0xff) < 16) this.#errors |= ESR_RECEIVE_ILLEGAL_VECTOR;
    else this.#accept(lvt & 0xff, false);
  }

  #eoi(): void {
    const vector = this.#isr.highest();
    if (vector < 0) return;
    this.#isr.delete(vector);
    if (this.#tmr.has(vector)) { for (const listener of this.#eoiListeners) listener(vector); }
  }

  /** Sends the IPI in ICR (SDM §10.6.1) to this CPU if it is a destination. */
  #sendIpi(): void {
    const low = this.#icrLow;
    const mode = (low >>> 8) & 7;
    if (
      mode !== DeliveryMode.FIXED && mode !== DeliveryMode.LOWEST_PRIORITY &&
      mode !== DeliveryMode.NMI
    ) return;
    const shorthand = (low >>> 18) & 3;
    const toSelf = shorthand === 0
      ? this.#isDestination(this.#icrHigh >>> 24, (low & 0x800) !== 0)
      : shorthand !== 3; // 1 = self, 2 = all including self, 3 = all excluding self
    if (mode === DeliveryMode.NMI) {
      if (toSelf) this.#nmi?.();
      return;
    }
    const vector = low & 0xff;
    if (vector < 16) this.#error(ESR_SEND_ILLEGAL_VECTOR);
    // The trigger-mode bit only matters for INIT level de-assert: IPIs are edge.
    if (toSelf) this.#accept(vector, false);
  }

  /** Whether destination `dest` names this APIC (SDM §10.6.2). */
  #isDestination(dest: number, logical: boolean): boolean {
    if (dest === 0xff) return true;
    if (!logical) return dest === this.#id;
    const ldr = this.#ldr >>> 24;
    if (this.#dfr >>> 28 === 0xf) return (dest & ldr) !== 0; // flat model
    return (dest >> 4) === (ldr >> 4) && (dest & ldr & 0xf) !== 0; // cluster model
  }

  // ---- timer

  #timerExpired(now: number): void {
    const deadline = this.#armedFor;
    this.#counter.fired(deadline);
    this.#armedFor = Infinity;
    const lvt = this.#lvt[LVT_TIMER];
    if ((lvt & LVT_MASKED) === 0) {
      const vector = lvt & 0xff;
      let owed = 0;
      if (this.#counter.periodic) {
        // Period boundaries between the deadline and now that were never raised.
        owed = Math.floor((now - deadline) / this.#counter.periodNs);
        if (this.#irr.has(vector)) owed++;
      }
      this.#accept(vector, false);
      this.#timerBacklog = Math.min(MAX_TIMER_BACKLOG, this.#timerBacklog + owed);
    }
    this.#rearm(now);
  }

  /** Arms the timer for the next expiry while the timer LVT is unmasked. */
  #rearm(now: number): void {
    if (!this.#counter.periodic || (this.#lvt[LVT_TIMER] & LVT_MASKED) !== 0) {
      this.#timerBacklog = 0;
    }
    const masked = (this.#lvt[LVT_TIMER] & LVT_MASKED) !== 0;
    const due = masked ? Infinity : this.#counter.nextExpiry(now);
    if (due === this.#armedFor) return;
    this.#armedFor = due;
    if (due === Infinity) this.#timer.disarm();
    else this.#timer.arm(due);
  }

  // ---- registers

  #mmioRead(offset: number, size: AccessSize): number {
    // A disabled APIC is absent: its page reads as unassigned addresses.
    if (!this.#hardwareEnabled()) return allOnes(size);
    const value = this.#readRegister(offset & 0xff0);
    if (size === 4) return value;
    return (value >>> ((offset & 3) * 8)) & allOnes(size);
  }

  #readRegister(reg: number): number {
    if (reg >= APIC_ISR && reg < APIC_ESR) {
      const set = reg < APIC_TMR ? this.#isr : reg < APIC_IRR ? this.#tmr : this.#irr;
      return set.words[(reg >> 4) & 7];
    }
    if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR) {
      return this.#lvt[(reg - APIC_LVT_TIMER) >> 4];
    }
    switch (reg) {
      case APIC_ID:
        return (this.#id << 24) >>> 0;
      case APIC_VERSION:
        return LAPIC_VERSION_VALUE;
      case APIC_TPR:
        return this.#tpr;
      case APIC_APR:
        return this.#apr();
      case APIC_PPR:
        return this.#ppr();
      case APIC_EOI: // write-only
      case APIC_RRD: // remote read is not supported by xAPICs of this version
        return 0;
      case APIC_LDR:
        return this.#ldr;
      case APIC_DFR:
        return this.#dfr;
      case APIC_SVR:
        return this.#svr;
      case APIC_ESR:
        return this.#esr;
      case APIC_ICR_LOW: // delivery status always reads idle: IPIs are sent at once
        return this.#icrLow;
      case APIC_ICR_HIGH:
        return this.#icrHigh;
      case APIC_TIMER_INITIAL:
        return this.#counter.initial;
      case APIC_TIMER_CURRENT:
        return this.#counter.current(this.#clock.now());
      case APIC_TIMER_DIVIDE:
        return this.#counter.config;
    }
    this.#error(ESR_ILLEGAL_REGISTER);
    return 0;
  }

  #writeRegister(reg: number, value: number): void {
    if (reg >= APIC_LVT_TIMER && reg <= APIC_LVT_ERROR) {
      this.#writeLvt((reg - APIC_LVT_TIMER) >> 4, value);
      return;
    }
    if (reg >= APIC_ISR && reg < APIC_ESR) return; // ISR, TMR, IRR are read-only
    switch (reg) {
      case APIC_ID:
        this.#id = value >>> 24;
        return;
      case APIC_TPR:
        this.#tpr = value & 0xff;
        return;
      case APIC_EOI:
        this.#eoi();
        return;
      case APIC_LDR:
        this.#ldr = (value & 0xff000000) >>> 0;
        return;
      case APIC_DFR:
        this.#dfr = (value | 0x0fffffff) >>> 0;
        return;
      case APIC_SVR:
        this.#svr = value & SVR_WRITABLE;
        // Software disable masks every LVT entry (SDM §10.4.7.2).
        if ((value & SVR_ENABLE) === 0) {
          for (let i = 0; i < this.#lvt.length; i++) this.#lvt[i] |= LVT_MASKED;
          this.#rearm(this.#clock.now());
        }
        return;
      case APIC_ESR:
        // Write-then-read (SDM §10.5.3): a write latches the errors seen since the last one.
        this.#esr = this.#errors;
        this.#errors = 0;
        return;
      case APIC_ICR_LOW:
        this.#icrLow = value & ICR_LOW_WRITABLE;
        this.#sendIpi();
        return;
      case APIC_ICR_HIGH:
        this.#icrHigh = (value & 0xff000000) >>> 0;
        return;
      case APIC_TIMER_INITIAL: {
        const now = this.#clock.now();
        this.#timerBacklog = 0;
        this.#counter.load(value, now);
        this.#rearm(now);
        return;
      }
      case APIC_TIMER_DIVIDE: {
        const now = this.#clock.now();
        this.#counter.setDivide(value, now);
        this.#rearm(now);
        return;
      }
      case APIC_VERSION:
      case APIC_APR:
      case APIC_PPR:
      case APIC_RRD:
      case APIC_TIMER_CURRENT:
        return; // read-only
    }
    this.#error(ESR_ILLEGAL_REGISTER);
  }

  #writeLvt(index: number, value: number): void {
    let lvt = value & LVT_WRITABLE[index];
    // While software-disabled the mask bits cannot be cleared (SDM §10.4.7.2).
    if ((this.#svr & SVR_ENABLE) === 0) lvt |= LVT_MASKED;
    this.#lvt[index] = lvt;
    if (index === LVT_TIMER) {
      const now = this.#clock.now();
      this.#counter.setPeriodic((lvt & LVT_TIMER_PERIODIC) !== 0, now);
      this.#rearm(now);
    }
  }
}

import { RangeBus } from "../bus/range_bus.ts";
import { ManualClock } from "../clock.ts";
import { IrqLine, type IrqSink } from "../irq.ts";
import { TimerQueue } from "../timer_queue.ts";
import { Rtc } from "./rtc.ts";

/** IRQ 8 as seen by the PIC: its level and the clock time of each rising edge. */
export class IrqProbe implements IrqSink {
  level = false;
  rises: number[] = [];
  constructor(readonly clock: ManualClock) {}
  setIrq(_line: number, level: boolean): void {
    if (level && !this.level) this.rises.push(this.clock.now());
    this.level = level;
  }
}

/** Thursday 2024-02-29 23:59:58 UTC, a leap day two seconds before midnight. */
export const LEAP_EVE = new Date(Date.UTC(2024, 1, 29, 23, 59, 58));

/** An RTC on an I/O bus under a manual clock starting at 0 ns. */
export function rtcRig(startTime: Date = LEAP_EVE) {
  const clock = new ManualClock(0);
  const timers = new TimerQueue(clock);
  const irq8 = new IrqProbe(clock);
  const rtc = new Rtc({ clock, timers, irq: new IrqLine(irq8, 8), startTime });
  const io = new RangeBus("io", 0x10000);
  rtc.register(io);
  const rig = {
    clock,
    timers,
    irq8,
    rtc,
    io,
    /** Selects CMOS byte `index` (NMI left enabled) and reads it. */
    read(index: number): number {
      io.write(0x70, 1, index);
      return io.read(0x71, 1);
    },
    /** Selects CMOS byte `index` and writes it. */
    write(index: number, value: number): void {
      io.write(0x70, 1, index);
      io.write(0x71, 1, value);
    },
    /** Sets the clock to `ns` and runs what is due, as the run loop would. */
    at(ns: number): void {
      clock.time = ns;
      timers.runDue();
    },
    /** Jumps from deadline to deadline up to `ns`, calling `onIrq` whenever IRQ 8 is high. */
    runUntil(ns: number, onIrq: () => void = () => {}): void {
      while (timers.next() <= ns) {
        clock.time = timers.next();
        timers.runDue();
        if (irq8.level) onIrq();
      }
      clock.time = ns;
    },
    /** Seconds, minutes, hours registers as [s, m, h]. */
    hms(): number[] {
      return [rig.read(0), rig.read(2), rig.read(4)];
    },
  };
  return rig;
}

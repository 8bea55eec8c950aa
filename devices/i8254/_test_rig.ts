import { RangeBus } from "../bus/range_bus.ts";
import { ManualClock } from "../clock.ts";
import { IrqLine, type IrqSink } from "../irq.ts";
import { TimerQueue } from "../timer_queue.ts";
import { Pit } from "./pit.ts";
import { nsAt } from "./ticks.ts";

/** An IRQ input that records the clock time of every rising edge. */
export class EdgeRecorder implements IrqSink {
  level = false;
  rises: number[] = [];
  constructor(readonly clock: ManualClock) {}
  setIrq(_line: number, level: boolean): void {
    if (level && !this.level) this.rises.push(this.clock.now());
    this.level = level;
  }
}

/** A PIT on an I/O bus under a manual clock, with IRQ0 recorded. */
export function pitRig() {
  const clock = new ManualClock(0);
  const timers = new TimerQueue(clock);
  const irq0 = new EdgeRecorder(clock);
  const pit = new Pit({ clock, timers, irq: new IrqLine(irq0, 0) });
  const io = new RangeBus("io", 0x10000);
  pit.register(io);
  return {
    clock,
    timers,
    irq0,
    pit,
    io,
    /** Moves guest time to PIT tick `tick` and runs due timers. */
    toTick(tick: number): void {
      clock.time = Math.max(clock.time, nsAt(tick));
      timers.runDue();
    },
    /** Counter latch command followed by two reads (LSB, MSB). */
    latch(counter: number): number {
      io.write(0x43, 1, counter << 6);
      return io.read(0x40 + counter, 1) | (io.read(0x40 + counter, 1) << 8);
    },
    /** Control word then a 16-bit count, LSB first. */
    program(control: number, count: number): void {
      io.write(0x43, 1, control);
      const port = 0x40 + (control >> 6);
      io.write(port, 1, count & 0xff);
      io.write(port, 1, (count >> 8) & 0xff);
    },
  };
}

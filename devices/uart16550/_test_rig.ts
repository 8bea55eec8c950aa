import { RangeBus } from "../bus/range_bus.ts";
import { MemoryChardev } from "../chardev/memory_chardev.ts";
import { ManualClock } from "../clock.ts";
import { IrqLine, type IrqSink } from "../irq.ts";
import { TimerQueue } from "../timer_queue.ts";
import { COM1_BASE, Uart16550 } from "./uart16550.ts";

/** An IrqSink remembering the level of each line and counting rising edges. */
export class IrqProbe implements IrqSink {
  levels = new Map<number, boolean>();
  rises = 0;
  setIrq(line: number, level: boolean): void {
    if (level && !this.levels.get(line)) this.rises++;
    this.levels.set(line, level);
  }
  level(line: number): boolean {
    return this.levels.get(line) ?? false;
  }
}

/** A COM1 UART on an I/O bus with a memory chardev and, optionally, a manual clock. */
export function com1(options: { timed?: boolean } = {}) {
  const io = new RangeBus("io", 0x10000);
  const probe = new IrqProbe();
  const chardev = new MemoryChardev();
  const clock = new ManualClock();
  const timers = options.timed ? new TimerQueue(clock) : undefined;
  const uart = new Uart16550({ irq: new IrqLine(probe, 4), chardev, timers });
  uart.register(io);
  const inb = (reg: number) => io.read(COM1_BASE + reg, 1);
  const outb = (reg: number, v: number) => io.write(COM1_BASE + reg, 1, v);
  const advance = (ns: number) => {
    clock.advance(ns);
    timers?.runDue();
  };
  return { io, probe, chardev, uart, inb, outb, advance, irq: () => probe.level(4) };
}

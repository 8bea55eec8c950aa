import { RangeBus } from "../bus/range_bus.ts";
import { ManualClock } from "../clock.ts";
import { PicPair } from "../i8259/mod.ts";
import { TimerQueue } from "../timer_queue.ts";
import { IOAPIC_BASE, LAPIC_BASE } from "../memory/layout.ts";
import { IoApic } from "./io_apic.ts";
import { LocalApic } from "./local_apic.ts";
import { APIC_EOI, APIC_LVT_LINT0, APIC_SVR, IOREDTBL, IOREGSEL, IOWIN } from "./registers.ts";

/** Vector base the rig programs into the master 8259 (the slave follows at +8). */
export const PIC_VECTOR_BASE = 0x30;

/** The 8259 pair initialised as Linux's init_8259A() does, every line unmasked. */
export function programmedPic(): { pic: PicPair; io: RangeBus } {
  const io = new RangeBus("io", 0x10000);
  const pic = new PicPair();
  pic.register(io);
  io.write(0x20, 1, 0x11); // ICW1: edge, cascade, ICW4
  io.write(0x21, 1, PIC_VECTOR_BASE); // ICW2
  io.write(0x21, 1, 0x04); // ICW3: slave on IR2
  io.write(0x21, 1, 0x01); // ICW4: 8086 mode
  io.write(0xa0, 1, 0x11);
  io.write(0xa1, 1, PIC_VECTOR_BASE + 8);
  io.write(0xa1, 1, 0x02);
  io.write(0xa1, 1, 0x01);
  io.write(0x21, 1, 0x00);
  io.write(0xa1, 1, 0x00);
  return { pic, io };
}

/** A local APIC and an I/O APIC on an MMIO bus, a real 8259 pair on LINT0, under a manual clock. */
export function apicRig(options: { present?: boolean; tickPins?: number[] } = {}) {
  const clock = new ManualClock(0);
  const timers = new TimerQueue(clock);
  const { pic, io } = programmedPic();
  const lapic = new LocalApic({ clock, timers, pic, present: options.present });
  const ioapic = new IoApic(lapic, { tickPins: options.tickPins });
  const mmio = new RangeBus("mmio", 2 ** 32);
  lapic.register(mmio);
  ioapic.register(mmio);
  const rig = {
    clock,
    timers,
    pic,
    io,
    lapic,
    ioapic,
    mmio,
    /** Reads a local APIC register. */
    read(reg: number): number {
      return mmio.read(LAPIC_BASE + reg, 4);
    },
    /** Writes a local APIC register. */
    write(reg: number, value: number): void {
      mmio.write(LAPIC_BASE + reg, 4, value);
    },
    /** Sets SVR's software-enable bit with spurious vector 0xFF, as Linux does. */
    enable(): void {
      rig.write(APIC_SVR, 0x1ff);
    },
    /** Enables the APIC and makes LINT0 the 8259's virtual wire, as SeaBIOS does. */
    virtualWire(): void {
      rig.write(APIC_SVR, 0x1ff);
      rig.write(APIC_LVT_LINT0, 0x8700);
    },
    /** Reads an I/O APIC register through IOREGSEL/IOWIN. */
    ioRead(reg: number): number {
      mmio.write(IOAPIC_BASE + IOREGSEL, 4, reg);
      return mmio.read(IOAPIC_BASE + IOWIN, 4);
    },
    /** Writes an I/O APIC register through IOREGSEL/IOWIN. */
    ioWrite(reg: number, value: number): void {
      mmio.write(IOAPIC_BASE + IOREGSEL, 4, reg);
      mmio.write(IOAPIC_BASE + IOWIN, 4, value);
    },
    /** Programs redirection entry `pin` (low word; destination 0). */
    route(pin: number, low: number): void {
      rig.ioWrite(IOREDTBL + 2 * pin + 1, 0);
      rig.ioWrite(IOREDTBL + 2 * pin, low);
    },
    /** What a CPU with IF set does between instructions: INTA while INTR is up. */
    takeAll(): number[] {
      const taken: number[] = [];
      while (lapic.hasInterrupt() && taken.length < 300) taken.push(lapic.acknowledge());
      return taken;
    },
    /** Takes every interrupt and ends each with an EOI, as a handler would; APIC vectors only. */
    serveAll(): number[] {
      const served: number[] = [];
      while (lapic.hasInterrupt() && served.length < 300) {
        served.push(lapic.acknowledge());
        rig.write(APIC_EOI, 0);
      }
      return served;
    },
    /** Runs the timer queue deadline by deadline up to `untilNs`, as an idle CPU would. */
    runUntil(untilNs: number, onFire?: () => void): void {
      while (timers.next() <= untilNs) {
        clock.time = Math.max(clock.time, timers.next());
        timers.runDue();
        onFire?.();
      }
      clock.time = Math.max(clock.time, untilNs);
    },
  };
  return rig;
}

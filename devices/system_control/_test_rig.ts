import { RangeBus } from "../bus/range_bus.ts";
import { IrqLine, type IrqSink } from "../irq.ts";
import { RecordingControl } from "../machine_control.ts";
import { A20Gate } from "./a20_gate.ts";
import { I8042 } from "./i8042.ts";
import { Port92 } from "./port92.ts";

/** Records the level of each interrupt line. */
export class Levels implements IrqSink {
  levels = new Map<number, boolean>();
  setIrq(line: number, level: boolean): void {
    this.levels.set(line, level);
  }
  get(line: number): boolean {
    return this.levels.get(line) ?? false;
  }
}

/** An i8042 and port 0x92 sharing one A20 gate on an I/O bus. */
export function board() {
  const io = new RangeBus("io", 0x10000);
  const control = new RecordingControl();
  const a20Changes: boolean[] = [];
  const a20 = new A20Gate({ onChange: (on) => a20Changes.push(on) });
  const levels = new Levels();
  const kbc = new I8042({
    control,
    a20,
    irq: new IrqLine(levels, 1),
    auxIrq: new IrqLine(levels, 12),
  });
  kbc.register(io);
  const port92 = new Port92({ control, a20 });
  port92.register(io);
  const inb = (port: number) => io.read(port, 1);
  const outb = (port: number, v: number) => io.write(port, 1, v);
  /** Sends a controller command and returns the byte it produces. */
  const query = (cmd: number) => {
    outb(0x64, cmd);
    return inb(0x60);
  };
  return { io, control, a20, a20Changes, levels, kbc, port92, inb, outb, query };
}

import type { AccessSize, BusHandler } from "../bus/access.ts";
import type { IrqSink } from "../irq.ts";
import { PciFunction, type PciFunctionOptions } from "./pci_function.ts";

/** A register window that answers every read with `tag` plus the offset and logs writes. */
export class FakeWindow implements BusHandler {
  readonly writes: [number, AccessSize, number][] = [];
  constructor(readonly name: string, readonly tag: number) {}
  read(offset: number, _size: AccessSize): number {
    return this.tag + offset;
  }
  write(offset: number, size: AccessSize, value: number): void {
    this.writes.push([offset, size, value]);
  }
}

/** An interrupt controller stand-in that keeps each line's level and every change. */
export class RecordingIrq implements IrqSink {
  readonly levels: boolean[] = new Array(16).fill(false);
  readonly changes: [number, boolean][] = [];
  setIrq(line: number, level: boolean): void {
    this.levels[line] = level;
    this.changes.push([line, level]);
  }
}

/** A plain function with test IDs (1234:5678, class 0xff00); `options` override. */
export function testFunction(options: Partial<PciFunctionOptions> = {}): PciFunction {
  return new PciFunction({
    name: "test",
    vendorId: 0x1234,
    deviceId: 0x5678,
    classCode: 0xff00,
    ...options,
  });
}

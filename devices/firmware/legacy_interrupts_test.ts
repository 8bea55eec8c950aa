import assert from "node:assert/strict";
import { Cpu } from "../../cpu/cpu.ts";
import { deliverInterrupt } from "../../cpu/interrupts.ts";
import "../../cpu/ops/mod.ts";
import { executeOne } from "../../cpu/run.ts";
import { CS, DS, ESP, S_EIP, SS } from "../../cpu/state_layout.ts";
import { RangeBus } from "../bus/range_bus.ts";
import { PicPair } from "../i8259/pic_pair.ts";
import { PhysicalMemory } from "../memory/mod.ts";
import {
  DEFAULT_IRET,
  handlerFor,
  MASTER_MASK,
  programInterruptControllers,
  SLAVE_MASK,
  TIMER_HANDLER,
  writeInterruptVectorTable,
} from "./legacy_interrupts.ts";

/** A real-mode CPU with 1 MiB of RAM, a PIC pair on its I/O bus, and the BIOS state written. */
function board() {
  const mem = new PhysicalMemory({ ramSize: 1 << 20 });
  const io = new RangeBus("io", 0x10000);
  const pic = new PicPair();
  pic.register(io);
  const cpu = new Cpu(mem, io);
  for (const s of [CS, SS, DS]) cpu.setSegmentReal(s, 0);
  cpu.updateMode();
  writeInterruptVectorTable(mem);
  programInterruptControllers(io);
  return { mem, io, pic, cpu };
}

const readIsr = (io: RangeBus, port: number) => {
  io.write(port, 1, 0x0b); // OCW3: read ISR
  const v = io.read(port, 1);
  io.write(port, 1, 0x0a);
  return v;
};

/** Takes hardware interrupt `vector` at 0000:7C00 and runs until the handler returns there. */
function takeInterrupt(cpu: Cpu, vector: number): number {
  cpu.phys.write8(0x7c00, 0x90);
  cpu.st[S_EIP] = 0x7c00;
  cpu.st[ESP] = 0x7000;
  deliverInterrupt(cpu, vector, { software: false, external: true, errorCode: -1 });
  let steps = 0;
  while (!(cpu.segSel(CS) === 0 && cpu.eip === 0x7c00)) {
    executeOne(cpu);
    if (++steps > 100) throw new Error("the handler did not return");
  }
  assert.equal(cpu.st[ESP], 0x7000, "the handler leaves the stack balanced");
  return steps;
}

Deno.test("the vector table points at F000:FEA5 for INT 08h and F000:FF53 by default", () => {
  const { mem } = board();
  assert.equal(mem.read32(0x08 * 4) >>> 0, (0xf000_0000 | TIMER_HANDLER) >>> 0);
  for (const v of [0x00, 0x10, 0x1c, 0x20, 0xff]) {
    assert.equal(mem.read32(v * 4) >>> 0, (0xf000_0000 | DEFAULT_IRET) >>> 0, `vector ${v}`);
  }
  assert.equal(mem.read8(0xf0000 + DEFAULT_IRET), 0xcf, "IRET");
  for (let v = 0; v < 256; v++) assert.equal(mem.read16(v * 4), handlerFor(v));
});

Deno.test("the 8259s deliver IRQ0 as vector 08h and IRQ8 as 70h; only IRQ0 and IRQ2 open", () => {
  const { io, pic } = board();
  assert.equal(io.read(0x21, 1), MASTER_MASK);
  assert.equal(io.read(0xa1, 1), SLAVE_MASK);
  pic.setIrq(0, true);
  assert.equal(pic.acknowledge(), 0x08);
  io.write(0xa1, 1, 0xfe); // open IRQ8 to check the slave's base
  pic.setIrq(8, true);
  assert.equal(pic.hasInterrupt(), false, "IRQ0 in service blocks the slave's lower priority");
  io.write(0x20, 1, 0x20);
  assert.equal(pic.acknowledge(), 0x70);
});

Deno.test("INT 08h counts a tick at 0040:006C, calls INT 1Ch and ends the interrupt", () => {
  const { mem, io, pic, cpu } = board();
  // INT 1Ch hook: inc byte [0x600]; iret
  mem.writeBytes(0x500, new Uint8Array([0xfe, 0x06, 0x00, 0x06, 0xcf]));
  mem.write32(0x1c * 4, 0x0500);
  mem.write32(0x46c, 41);
  pic.setIrq(0, true);
  const vector = pic.acknowledge();
  assert.equal(readIsr(io, 0x20), 0x01, "IRQ0 in service");
  takeInterrupt(cpu, vector);
  assert.equal(mem.read32(0x46c), 42);
  assert.equal(mem.read8(0x600), 1, "INT 1Ch ran once");
  assert.equal(readIsr(io, 0x20), 0, "EOI sent");
  assert.equal(cpu.segSel(DS), 0, "DS restored");
});

Deno.test("INT 08h at the last tick of the day wraps the count and sets the midnight flag", () => {
  const { mem, pic, cpu } = board();
  mem.write32(0x46c, 0x1800af);
  pic.setIrq(0, true);
  takeInterrupt(cpu, pic.acknowledge());
  assert.equal(mem.read32(0x46c), 0);
  assert.equal(mem.read8(0x470), 1);
});

Deno.test("the slave's default handler ends the interrupt on both 8259s", () => {
  const { io, pic, cpu } = board();
  io.write(0xa1, 1, 0xfb); // open IRQ10
  pic.setIrq(10, true);
  const vector = pic.acknowledge();
  assert.equal(vector, 0x72);
  assert.equal(readIsr(io, 0xa0), 0x04);
  assert.equal(readIsr(io, 0x20), 0x04, "the cascade input in service on the master");
  takeInterrupt(cpu, vector);
  assert.equal(readIsr(io, 0xa0), 0);
  assert.equal(readIsr(io, 0x20), 0);
});

import assert from "node:assert/strict";
import { RangeBus } from "../bus/range_bus.ts";
import { PicPair } from "./pic_pair.ts";

/** A pair wired to an I/O bus and initialised the way Linux's init_8259A() does. */
function setup(opts: { master?: number; slave?: number; icw4?: number } = {}) {
  const io = new RangeBus("io", 0x10000);
  const pic = new PicPair();
  pic.register(io);
  const icw4 = opts.icw4 ?? 0x01;
  io.write(0x21, 1, 0xff); // mask everything while programming
  io.write(0xa1, 1, 0xff);
  io.write(0x20, 1, 0x11); // ICW1: edge, cascade, ICW4 needed
  io.write(0x21, 1, opts.master ?? 0x30); // ICW2: vectors 0x30–0x37
  io.write(0x21, 1, 0x04); // ICW3: slave on IR2
  io.write(0x21, 1, icw4); // ICW4: 8086 mode
  io.write(0xa0, 1, 0x11);
  io.write(0xa1, 1, opts.slave ?? 0x38);
  io.write(0xa1, 1, 0x02); // ICW3: slave identity 2
  io.write(0xa1, 1, icw4);
  io.write(0x21, 1, 0x00);
  io.write(0xa1, 1, 0x00);
  return { io, pic };
}

const readIsr = (io: RangeBus, port: number) => {
  io.write(port, 1, 0x0b); // OCW3: read ISR
  const v = io.read(port, 1);
  io.write(port, 1, 0x0a); // back to IRR
  return v;
};

Deno.test("ICW1–ICW4 program the vector base and a master IRQ delivers base + line", () => {
  const { io, pic } = setup({ master: 0x20 });
  assert.equal(pic.hasInterrupt(), false);
  pic.setIrq(1, true);
  assert.equal(pic.hasInterrupt(), true);
  assert.equal(io.read(0x20, 1), 0x02, "IRR shows IR1");
  assert.equal(pic.acknowledge(), 0x21);
  assert.equal(io.read(0x20, 1), 0x00, "INTA moved the request out of IRR");
  assert.equal(readIsr(io, 0x20), 0x02, "and into ISR");
  assert.equal(pic.hasInterrupt(), false);
});

Deno.test("a slave IRQ cascades through master IR2 with the slave's vector", () => {
  const { io, pic } = setup();
  pic.setIrq(12, true);
  assert.equal(pic.hasInterrupt(), true);
  assert.equal(io.read(0x20, 1), 0x04, "master sees the request on IR2");
  assert.equal(pic.acknowledge(), 0x3c);
  assert.equal(readIsr(io, 0xa0), 0x10, "slave ISR holds IR4");
  assert.equal(readIsr(io, 0x20), 0x04, "master ISR holds IR2");
  io.write(0xa0, 1, 0x20); // EOI slave, then master, as Linux does
  io.write(0x20, 1, 0x20);
  assert.equal(readIsr(io, 0xa0), 0);
  assert.equal(readIsr(io, 0x20), 0);
});

Deno.test("non-specific EOI clears the highest ISR bit and releases lower requests", () => {
  const { io, pic } = setup();
  pic.setIrq(4, true);
  assert.equal(pic.acknowledge(), 0x34);
  pic.setIrq(6, true);
  assert.equal(pic.hasInterrupt(), false, "IR6 waits behind IR4 in service");
  pic.setIrq(3, true);
  assert.equal(pic.hasInterrupt(), true, "IR3 outranks IR4 and nests");
  assert.equal(pic.acknowledge(), 0x33);
  assert.equal(readIsr(io, 0x20), 0x18);
  io.write(0x20, 1, 0x20);
  assert.equal(readIsr(io, 0x20), 0x10, "EOI ended IR3, the highest in service");
  assert.equal(pic.hasInterrupt(), false);
  io.write(0x20, 1, 0x20);
  assert.equal(pic.hasInterrupt(), true);
  assert.equal(pic.acknowledge(), 0x36);
});

Deno.test("masked lines latch in IRR but do not interrupt until unmasked", () => {
  const { io, pic } = setup();
  io.write(0x21, 1, 0x01);
  assert.equal(io.read(0x21, 1), 0x01, "OCW1 reads back from the data port");
  pic.setIrq(0, true);
  pic.setIrq(0, false);
  assert.equal(pic.hasInterrupt(), false);
  assert.equal(io.read(0x20, 1), 0x01, "the edge is latched in IRR");
  io.write(0xa1, 1, 0x02);
  pic.setIrq(9, true);
  assert.equal(pic.hasInterrupt(), false, "masked slave line does not reach the master");
  io.write(0x21, 1, 0x00);
  assert.equal(pic.acknowledge(), 0x30);
  io.write(0xa1, 1, 0x00);
  io.write(0x20, 1, 0x20);
  assert.equal(pic.acknowledge(), 0x39);
});

Deno.test("a level-triggered line re-requests after EOI while high; an edge line does not", () => {
  const { io, pic } = setup();
  pic.setLevelTriggered(11, true);
  assert.equal(io.read(0x4d1, 1), 0x08);
  pic.setIrq(11, true);
  assert.equal(pic.acknowledge(), 0x3b);
  io.write(0xa0, 1, 0x20);
  io.write(0x20, 1, 0x20);
  assert.equal(pic.hasInterrupt(), true, "still high: requested again");
  assert.equal(pic.acknowledge(), 0x3b);
  pic.setIrq(11, false);
  io.write(0xa0, 1, 0x20);
  io.write(0x20, 1, 0x20);
  assert.equal(pic.hasInterrupt(), false, "dropped before EOI: no new request");

  pic.setIrq(5, true); // edge line held high
  assert.equal(pic.acknowledge(), 0x35);
  io.write(0x20, 1, 0x20);
  assert.equal(pic.hasInterrupt(), false, "an edge is delivered once");
  pic.setIrq(5, false);
  pic.setIrq(5, true);
  assert.equal(pic.acknowledge(), 0x35);
});

Deno.test("ELCR at 0x4D0/0x4D1 keeps only lines that may be level-triggered", () => {
  const { io, pic } = setup();
  io.write(0x4d0, 1, 0xff);
  io.write(0x4d1, 1, 0xff);
  assert.equal(io.read(0x4d0, 1), 0xf8, "IRQ 0, 1, 2 are edge only");
  assert.equal(io.read(0x4d1, 1), 0xde, "IRQ 8 and 13 are edge only");
  assert.equal(io.read(0x4d0, 2), 0xdef8, "a 16-bit read covers both registers");
  assert.throws(() => pic.setLevelTriggered(8, true), RangeError);
  assert.throws(() => pic.setIrq(16, true), RangeError);
  pic.setLevelTriggered(10, false);
  assert.equal(io.read(0x4d1, 1), 0xda);
});

Deno.test("poll command returns the highest request and acknowledges it", () => {
  const { io, pic } = setup();
  io.write(0x21, 1, 0xff); // a polled system runs with INTR unused
  pic.setIrq(6, true);
  pic.setIrq(3, true);
  io.write(0x20, 1, 0x0c); // OCW3: poll
  assert.equal(io.read(0x20, 1), 0x00, "masked requests are not polled");
  io.write(0x21, 1, 0x00);
  io.write(0x20, 1, 0x0c);
  assert.equal(io.read(0x20, 1), 0x83, "I bit and level 3");
  assert.equal(readIsr(io, 0x20), 0x08, "the poll read set ISR like INTA");
  assert.equal(io.read(0x20, 1), 0x40, "a plain read after the poll returns IRR");
  io.write(0x20, 1, 0x20);
  io.write(0x20, 1, 0x0c); // a poll is answered through the data port as well
  assert.equal(io.read(0x21, 1), 0x86);
  assert.equal(pic.hasInterrupt(), false);
});

Deno.test("a request that vanishes before INTA yields spurious IRQ 7 or IRQ 15", () => {
  const { io, pic } = setup();
  pic.setLevelTriggered(5, true);
  pic.setIrq(5, true);
  assert.equal(pic.hasInterrupt(), true);
  pic.setIrq(5, false); // gone before the CPU's INTA
  assert.equal(pic.acknowledge(), 0x37);
  assert.equal(readIsr(io, 0x20), 0, "spurious IRQ 7 sets no ISR bit");

  pic.setLevelTriggered(10, true);
  pic.setIrq(10, true);
  assert.equal(pic.hasInterrupt(), true);
  pic.setIrq(10, false); // master has already latched the edge on IR2
  assert.equal(pic.acknowledge(), 0x3f);
  assert.equal(readIsr(io, 0xa0), 0, "slave sets nothing in service");
  assert.equal(readIsr(io, 0x20), 0x04, "master holds IR2 in service, so the OS must EOI it");
});

Deno.test("automatic EOI leaves ISR clear and rotation in AEOI mode rotates priorities", () => {
  const { io, pic } = setup({ icw4: 0x03 });
  io.write(0x20, 1, 0x80); // OCW2: rotate in AEOI mode (set)
  pic.setIrq(1, true);
  pic.setIrq(4, true);
  assert.equal(pic.acknowledge(), 0x31);
  assert.equal(readIsr(io, 0x20), 0);
  pic.setIrq(1, false);
  pic.setIrq(1, true);
  assert.equal(pic.acknowledge(), 0x34, "IR1 became lowest priority after service");
  assert.equal(pic.acknowledge(), 0x31);
});

Deno.test("automatic EOI on the slave delivers queued slave requests back to back", () => {
  const { pic } = setup({ icw4: 0x03 });
  pic.setIrq(9, true);
  pic.setIrq(10, true);
  assert.equal(pic.acknowledge(), 0x39);
  assert.equal(pic.hasInterrupt(), true, "IR2 latched again for the slave's next request");
  assert.equal(pic.acknowledge(), 0x3a);
  assert.equal(pic.hasInterrupt(), false);
});

Deno.test("set priority and rotate on specific EOI reorder the levels", () => {
  const { io, pic } = setup();
  io.write(0x20, 1, 0xc4); // OCW2: set priority, IR4 lowest, IR5 highest
  pic.setIrq(3, true);
  pic.setIrq(6, true);
  assert.equal(pic.acknowledge(), 0x36, "IR6 outranks IR3 after the rotation");
  io.write(0x20, 1, 0xe6); // rotate on specific EOI for IR6: IR7 now highest
  assert.equal(readIsr(io, 0x20), 0);
  pic.setIrq(7, true);
  assert.equal(pic.acknowledge(), 0x37);
  io.write(0x20, 1, 0x67); // specific EOI for IR7
  assert.equal(pic.acknowledge(), 0x33);
  io.write(0x20, 1, 0xa0); // rotate on non-specific EOI: IR3 becomes lowest
  pic.setIrq(2, true);
  pic.setIrq(3, false);
  pic.setIrq(3, true);
  // IR4 is highest now, so IR2 (cascade line driven directly) precedes IR3.
  assert.equal(pic.acknowledge(), 0x3f, "IR2 with no slave request reads as spurious 15");
});

Deno.test("special mask mode lets lower levels in while the masked level is in service", () => {
  const { io, pic } = setup();
  pic.setIrq(3, true);
  assert.equal(pic.acknowledge(), 0x33);
  pic.setIrq(5, true);
  assert.equal(pic.hasInterrupt(), false, "fully nested: IR5 blocked by IR3");
  io.write(0x21, 1, 0x08); // mask IR3 ...
  io.write(0x20, 1, 0x68); // ... and enter special mask mode
  assert.equal(pic.hasInterrupt(), true);
  assert.equal(pic.acknowledge(), 0x35);
  io.write(0x20, 1, 0x65); // specific EOI IR5
  io.write(0x20, 1, 0x48); // leave special mask mode
  assert.equal(readIsr(io, 0x20), 0x08);
});

Deno.test("special fully nested mode lets a higher slave request through IR2 in service", () => {
  const { io, pic } = setup({ icw4: 0x11 });
  pic.setIrq(12, true);
  assert.equal(pic.acknowledge(), 0x3c);
  pic.setIrq(9, true);
  assert.equal(pic.hasInterrupt(), true, "IR9 outranks IR12 on the slave");
  assert.equal(pic.acknowledge(), 0x39);
  assert.equal(readIsr(io, 0xa0), 0x12);
});

Deno.test("reset restores power-on state and ICW1 needs a fresh edge", () => {
  const { io, pic } = setup();
  io.write(0x21, 1, 0x10);
  io.write(0x4d1, 1, 0x08);
  pic.setIrq(3, true);
  io.write(0x20, 1, 0x11); // re-initialise the master while IR3 is high
  io.write(0x21, 1, 0x40);
  io.write(0x21, 1, 0x04);
  io.write(0x21, 1, 0x01);
  assert.equal(pic.hasInterrupt(), false, "edge sense was reset by ICW1");
  pic.setIrq(3, false);
  pic.setIrq(3, true);
  assert.equal(pic.acknowledge(), 0x43);
  pic.reset();
  assert.equal(io.read(0x21, 1), 0);
  assert.equal(io.read(0x4d1, 1), 0);
  assert.equal(io.read(0x20, 2), 0x0000, "IRR and IMR of the master, as one word");
});
